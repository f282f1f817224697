// What a report is about, found in free text or in one field: URLs, IP addresses, e-mail addresses, domains and AS
// numbers. Every scan is one pass of bounded regular expressions over text already capped in length. Defanged
// forms that abuse desks write ("hxxp://", "example[.]com") are read as what they stand for.
import { isIP } from "node:net";
import { INTAKE_URL_MAX_CHARS, type IntakeTarget } from "../report.js";

/** A host name: labels of letters, digits and hyphens, with a letter-only top-level label. */
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/** "hxxp://", "[.]", "(.)", "[:]" and "[@]" written back as the characters they hide. */
export function refang(text: string): string {
  return text.replace(/\bhxxp(s?):\/\//gi, "http$1://").replace(/\[\.\]|\(\.\)|\{\.\}/g, ".").replace(/\[:\]/g, ":").replace(/\[@\]|\(at\)/gi, "@");
}

/** A host name in lower case without a trailing dot, when it is one. */
export function hostnameOf(text: string): string | undefined {
  const host = text.trim().toLowerCase().replace(/\.$/, "");
  return HOSTNAME.test(host) ? host : undefined;
}

/** An http(s) URL with its host, when the text is one. */
export function urlTarget(text: string): IntakeTarget | undefined {
  if (text.length > INTAKE_URL_MAX_CHARS) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return { url: url.href, ip: host };
  const domain = hostnameOf(host);
  return domain ? { url: url.href, domain } : undefined;
}

/**
 * One field as a target: a URL, an IP address (with an optional port), an AS number ("AS64500"), an e-mail address
 * or a domain. Undefined when it is none of these.
 */
export function targetOf(field: string): IntakeTarget | undefined {
  const text = refang(field.trim());
  if (text.length === 0 || text.length > INTAKE_URL_MAX_CHARS) return undefined;
  if (/^https?:\/\//i.test(text)) return urlTarget(text);
  if (isIP(text)) return { ip: text.toLowerCase() };
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text) ?? /^\[([0-9a-f:.]+)\]:(\d{1,5})$/i.exec(text);
  if (withPort && isIP(withPort[1] ?? "") && Number(withPort[2]) <= 65_535) return { ip: (withPort[1] ?? "").toLowerCase(), port: Number(withPort[2]) };
  const asn = /^AS(\d{1,10})$/i.exec(text);
  if (asn && Number(asn[1]) <= 4_294_967_295) return { asn: Number(asn[1]) };
  const email = /^[^\s@<>()"]{1,64}@([^\s@<>()"]{1,253})$/.exec(text);
  if (email) {
    const domain = hostnameOf(email[1] ?? "");
    return domain && text.length <= 320 ? { emailAddress: text.toLowerCase(), domain } : undefined;
  }
  const domain = hostnameOf(text);
  return domain ? { domain } : undefined;
}

const URLS = /\bhttps?:\/\/[^\s<>"'`{}|\\^\u0000-\u001f\u007f]{1,4096}/gi;
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)/g;
const IPV6 = /(?<![0-9a-f:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![0-9a-f:])/gi;
const EMAILS = /[a-z0-9._%+-]{1,64}@(?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,63}/gi;

/**
 * The targets named in free text, in the order they first appear, each once: URLs first, then IP addresses and e-mail
 * addresses not inside a URL already found. `exclude` drops e-mail addresses (the reporter's own, the abuse mailbox).
 */
export function targetsInText(rawText: string, max: number, exclude: ReadonlySet<string> = new Set()): IntakeTarget[] {
  const text = refang(rawText);
  const found: { index: number; target: IntakeTarget; key: string }[] = [];
  const seen = new Set<string>();
  const add = (index: number, target: IntakeTarget | undefined, key: string) => {
    if (!target || seen.has(key)) return;
    seen.add(key);
    found.push({ index, target, key });
  };
  const urlSpans: [number, number][] = [];
  for (const match of text.matchAll(URLS)) {
    const cleaned = match[0].replace(/[).,;:!?\]>]+$/, "");
    urlSpans.push([match.index, match.index + cleaned.length]);
    const target = urlTarget(cleaned);
    add(match.index, target, `url:${target?.url ?? ""}`);
  }
  for (const pattern of [IPV4, IPV6]) {
    const insideUrl = spanCursor(urlSpans);
    for (const match of text.matchAll(pattern)) {
      if (insideUrl(match.index) || !isIP(match[0])) continue;
      add(match.index, { ip: match[0].toLowerCase() }, `ip:${match[0].toLowerCase()}`);
    }
  }
  const insideUrl = spanCursor(urlSpans);
  for (const match of text.matchAll(EMAILS)) {
    const address = match[0].toLowerCase();
    if (insideUrl(match.index) || exclude.has(address)) continue;
    add(match.index, targetOf(address), `email:${address}`);
  }
  return found.sort((a, b) => a.index - b.index).slice(0, max).map((entry) => entry.target);
}

/** A test of whether increasing positions fall in sorted, disjoint spans: amortised constant time per call. */
function spanCursor(spans: readonly [number, number][]): (index: number) => boolean {
  let next = 0;
  return (index) => {
    while (next < spans.length && (spans[next]?.[1] ?? 0) <= index) next += 1;
    const span = spans[next];
    return span !== undefined && index >= span[0];
  };
}
