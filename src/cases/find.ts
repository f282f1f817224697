// Matching cases by what they are about, for /case find and the "already in an open case" warning of a notice: a
// URL (normalised as intake normalises it), a domain (and its subdomains), or an address (or a CIDR range). Every
// step is linear in the length of the text it reads: no regular expression that backtracks, no nested scan.
import { normaliseUrl, urlHost } from "../intake/routing.js";
import { parseCidr, parseIp } from "../directory/model.js";

/** Longest query read, in characters (a URL longer than this is not one people paste). */
export const MAX_CASE_QUERY_CHARS = 2_000;

/** Most matched values shown per case. */
export const MAX_MATCHES_SHOWN = 5;

/** What /case find looks for. */
export type CaseQuery =
  | { kind: "url"; text: string; url: string }
  | { kind: "domain"; text: string; domain: string }
  | { kind: "address"; text: string; start: string; end: string };

/** A domain name in lower case, without a trailing dot: labels of letters, digits and hyphens. */
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Reads a query: a URL, a domain or an address (or range); otherwise says what is expected, without echoing it. */
export function parseCaseQuery(raw: string): CaseQuery | { problem: string } {
  const text = raw.trim();
  const expected = "expected a URL (https://example.org/page), a domain (example.org) or an IP address or range (192.0.2.44, 192.0.2.0/24)";
  if (text.length > MAX_CASE_QUERY_CHARS) return { problem: `is ${text.length.toLocaleString("en")} characters long; at most ${MAX_CASE_QUERY_CHARS.toLocaleString("en")}: ${expected}` };
  if (/^https?:\/\//i.test(text)) {
    const url = normaliseUrl(text);
    return url ? { kind: "url", text: url, url } : { problem: `is not a URL Liaison can read: ${expected}` };
  }
  const range = text.includes("/") ? parseCidr(text) : undefined;
  if (range) return { kind: "address", text: text.toLowerCase(), ...range };
  const ip = parseIp(text);
  if (ip) return { kind: "address", text: text.toLowerCase(), start: ip, end: ip };
  const domain = text.toLowerCase().replace(/\.$/, "");
  if (DOMAIN.test(domain)) return { kind: "domain", text: domain, domain };
  return { problem: expected };
}

/** The URLs and targets a case's form holds (its `urls`, and an investigation's `target`). */
function mentionsOf(fields: Record<string, unknown>): string[] {
  const values: string[] = [];
  if (Array.isArray(fields.urls)) for (const url of fields.urls) if (typeof url === "string") values.push(url);
  if (typeof fields.target === "string") values.push(fields.target);
  return values;
}

/** The host a mention names: a URL's host, or the mention itself when it is a bare domain or address. */
function hostOf(mention: string): string | undefined {
  const trimmed = mention.trim();
  if (/^https?:\/\//i.test(trimmed)) return urlHost(trimmed)?.toLowerCase();
  const bare = trimmed.toLowerCase().replace(/\.$/, "");
  return DOMAIN.test(bare) || parseIp(bare) ? bare : undefined;
}

/** The mentions of a case's form that match the query (at most MAX_MATCHES_SHOWN), normalised for showing. */
export function matchCaseQuery(fields: Record<string, unknown>, query: CaseQuery): string[] {
  const matches: string[] = [];
  for (const mention of mentionsOf(fields)) {
    if (matches.length >= MAX_MATCHES_SHOWN) break;
    if (mention.length > MAX_CASE_QUERY_CHARS * 2) continue;
    const shown = normaliseUrl(mention) ?? mention.trim();
    if (query.kind === "url") {
      if (normaliseUrl(mention) === query.url) matches.push(shown);
      continue;
    }
    const host = hostOf(mention);
    if (host === undefined) continue;
    if (query.kind === "domain") {
      if (host === query.domain || host.endsWith(`.${query.domain}`)) matches.push(shown);
      continue;
    }
    const ip = parseIp(host);
    if (ip !== undefined && ip >= query.start && ip <= query.end) matches.push(shown);
  }
  return matches;
}
