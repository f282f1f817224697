// Routing an intake report to the organisation responsible for what it is about, through the directory's
// responsibilities (domains with their subdomains, IPv4/IPv6 ranges, AS numbers), and the keys intake items are
// grouped and matched by (normalised URL, address, domain, content hash).
import { DirectoryQueries, type ResponsibilityMatch } from "../directory/queries.js";
import { canonicalIpText } from "../directory/ip-text.js";
import { parseIp } from "../directory/model.js";
import type { Tx } from "../store/types.js";
import type { IntakeReport, IntakeTarget } from "./report.js";

/** The keys a report is grouped and matched by. */
export interface TargetKeys {
  /** Category, type and the most precise key of the target: reports with the same group key are one item. */
  groupKey: string;
  urlKey?: string;
  /** The address as 32 hex digits. */
  ipKey?: string;
  domainKey?: string;
  contentHash?: string;
}

/**
 * A URL in the form two reports of the same page agree on: scheme and host lower-cased (IDN hosts in their ASCII
 * form), default port, fragment and a lone trailing slash dropped; the path and query kept as they are. Undefined
 * when the text is not a URL with a host.
 */
export function normaliseUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (!url.hostname) return undefined;
  url.hash = "";
  url.username = "";
  url.password = "";
  const host = url.hostname.replace(/\.$/, "");
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.protocol}//${host}${url.port ? `:${url.port}` : ""}${path}${url.search}`;
}

/** The host of a URL (lower-case, brackets of an IPv6 literal removed), if it has one. */
export function urlHost(text: string): string | undefined {
  try {
    const host = new URL(text.trim()).hostname.replace(/\.$/, "");
    return host === "" ? undefined : host.replace(/^\[(.*)\]$/, "$1");
  } catch {
    return undefined;
  }
}

/** The keys of a report's target. */
export function targetKeys(report: Pick<IntakeReport, "category" | "type" | "target" | "evidence">): TargetKeys {
  const target = report.target;
  const urlKey = target.url !== undefined ? normaliseUrl(target.url) : undefined;
  const host = target.url !== undefined ? urlHost(target.url) : undefined;
  const ipText = target.ip ?? (host !== undefined && parseIp(host) ? host : undefined);
  const ipKey = ipText !== undefined ? parseIp(ipText.trim()) : undefined;
  const domainText = target.domain ?? (host !== undefined && !parseIp(host) ? host : undefined);
  const domainKey = domainText?.toLowerCase().replace(/\.$/, "");
  const contentHash = report.evidence.find((item) => item.sha256 !== undefined)?.sha256;
  const most =
    urlKey !== undefined ? `url:${urlKey}`
    : ipKey !== undefined ? `ip:${ipKey}`
    : domainKey !== undefined ? `domain:${domainKey}`
    : target.emailAddress !== undefined ? `email:${target.emailAddress.toLowerCase()}`
    : `asn:${target.asn ?? "?"}`;
  return {
    groupKey: `${report.category}/${report.type}|${most}`,
    ...(urlKey !== undefined ? { urlKey } : {}),
    ...(ipKey !== undefined ? { ipKey } : {}),
    ...(domainKey !== undefined ? { domainKey } : {}),
    ...(contentHash !== undefined ? { contentHash } : {}),
  };
}

/** Where a report goes: an organisation and why, or nowhere (the coordinators' intake) and why. */
export interface Route {
  organisationId: string | null;
  /** "domain example.com (responsibility example.com)", "ip 192.0.2.7 in 192.0.2.0/24", or why it routes nowhere. */
  reason: string;
}

/**
 * Routes a target, most precise first: the URL's host or the domain (a responsibility for the domain or one it is a
 * subdomain of, the closest first), the address (the narrowest range holding it), then the AS number. What matches
 * nothing goes to the coordinators' intake, saying what was looked for.
 */
export async function routeTarget(tx: Tx, target: IntakeTarget): Promise<Route> {
  const directory = new DirectoryQueries(tx);
  const host = target.url !== undefined ? urlHost(target.url) : undefined;
  const tried: string[] = [];
  const pick = (matches: ResponsibilityMatch[], what: string): Route | undefined => {
    const first = matches[0];
    return first ? { organisationId: first.organisationId, reason: `${what} (responsibility ${first.type} ${first.value})` } : undefined;
  };
  const hosts = [host, target.domain].filter((value): value is string => value !== undefined);
  for (const name of new Set(hosts)) {
    const ip = parseIp(name);
    const what = ip ? `address ${canonicalIpText(name) ?? name}` : `domain ${name}`;
    const route = ip ? pick(await directory.responsibleForIp(ip), what) : pick(await directory.responsibleForDomain(name), what);
    if (route) return route;
    tried.push(what);
  }
  const written = target.ip?.trim();
  const address = written !== undefined ? (canonicalIpText(written) ?? written) : undefined;
  const ipKey = written !== undefined ? parseIp(written) : undefined;
  if (address !== undefined && ipKey !== undefined) {
    const route = pick(await directory.responsibleForIp(ipKey), `address ${address}`);
    if (route) return route;
    tried.push(`address ${address}`);
  }
  if (target.asn !== undefined) {
    const route = pick(await directory.responsibleForAsn(target.asn), `AS${target.asn}`);
    if (route) return route;
    tried.push(`AS${target.asn}`);
  }
  const looked = tried.length > 0 ? tried.join(", ") : "nothing routable (only an e-mail address)";
  return { organisationId: null, reason: `no organisation in the directory is responsible for ${looked}` };
}
