// IP addresses as a person reads them: IPv6 in the canonical text of RFC 5952, so that one address is always written
// one way (on cards, in digests, in routing reasons), whatever way a report wrote it. The rules, RFC 5952 §4:
//   4.1   "Leading zeros MUST be suppressed."
//   4.2.1 "The use of the symbol '::' MUST be used to its maximum capability."
//   4.2.2 "The symbol '::' MUST NOT be used to shorten just one 16-bit 0 field."
//   4.2.3 "When there is an alternative choice in the placement of a '::', the longest run of consecutive 16-bit 0
//          fields MUST be shortened ... When the length of the consecutive 16-bit 0 fields are equal ..., the first
//          sequence of zero bits MUST be shortened."
//   4.3   "The characters "a", "b", "c", "d", "e", and "f" in an IPv6 address MUST be represented in lowercase."
// and §5: an IPv4-mapped address (::ffff:0:0/96) is written in the mixed notation, "::ffff:192.0.2.1".
// The grouping key of an address is its 32 hex digits (parseIp in model.ts), an IPv4 address being keyed as its
// IPv4-mapped form: 192.0.2.1 and ::ffff:192.0.2.1 are one target, shown from the key as 192.0.2.1.
import { parseIp } from "./model.js";

const MAPPED_PREFIX = "00000000000000000000ffff";

/** The dotted IPv4 text of the last 8 hex digits of a key. */
function dotted(hex8: string): string {
  return [0, 2, 4, 6].map((at) => parseInt(hex8.slice(at, at + 2), 16)).join(".");
}

/** An address key (32 hex digits) as RFC 5952 canonical IPv6 text, IPv4-mapped addresses in mixed notation. */
export function ipv6Text(hex: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not an address key: ${hex.slice(0, 40)}`);
  const key = hex.toLowerCase();
  if (key.startsWith(MAPPED_PREFIX)) return `::ffff:${dotted(key.slice(24))}`;
  const fields = Array.from({ length: 8 }, (_, index) => parseInt(key.slice(index * 4, index * 4 + 4), 16));
  // The first of the longest runs of zero fields, if it is at least two long (4.2.2, 4.2.3).
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    if (fields[start] !== 0) continue;
    let end = start;
    while (end < 8 && fields[end] === 0) end += 1;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const text = (from: number, to: number) => fields.slice(from, to).map((field) => field.toString(16)).join(":");
  if (bestStart === -1) return text(0, 8);
  return `${text(0, bestStart)}::${text(bestStart + bestLength, 8)}`;
}

/** An address key as a person reads it: an IPv4 address (a key in ::ffff:0:0/96) dotted, any other RFC 5952. */
export function ipKeyText(hex: string): string {
  const key = hex.toLowerCase();
  return key.startsWith(MAPPED_PREFIX) ? dotted(key.slice(24)) : ipv6Text(key);
}

/**
 * An address written any way, in its canonical text: IPv4 dotted without leading zeros, IPv6 by RFC 5952 (an
 * IPv4-mapped one as ::ffff:a.b.c.d). Undefined when the text is not an address.
 */
export function canonicalIpText(text: string): string | undefined {
  const trimmed = text.trim();
  const key = parseIp(trimmed);
  if (key === undefined) return undefined;
  return trimmed.includes(":") ? ipv6Text(key) : dotted(key.slice(24));
}
