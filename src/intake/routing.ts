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

/** One look-up a target's route tries, in the order it tries them, and how its reason names it. */
type RouteStep = { kind: "ip"; key: string; what: string } | { kind: "domain"; name: string; what: string } | { kind: "asn"; asn: number; what: string };

/** What a target's route tries: the URL's host or the domain, then the written address, then the AS number. */
function routeSteps(target: IntakeTarget): RouteStep[] {
  const steps: RouteStep[] = [];
  const host = target.url !== undefined ? urlHost(target.url) : undefined;
  const hosts = [host, target.domain].filter((value): value is string => value !== undefined);
  for (const name of new Set(hosts)) {
    const ip = parseIp(name);
    steps.push(ip ? { kind: "ip", key: ip, what: `address ${canonicalIpText(name) ?? name}` } : { kind: "domain", name, what: `domain ${name}` });
  }
  const written = target.ip?.trim();
  const address = written !== undefined ? (canonicalIpText(written) ?? written) : undefined;
  const ipKey = written !== undefined ? parseIp(written) : undefined;
  if (address !== undefined && ipKey !== undefined) steps.push({ kind: "ip", key: ipKey, what: `address ${address}` });
  if (target.asn !== undefined) steps.push({ kind: "asn", asn: target.asn, what: `AS${target.asn}` });
  return steps;
}

/**
 * Routes a target, most precise first: the URL's host or the domain (a responsibility for the domain or one it is a
 * subdomain of, the closest first), the address (the narrowest range holding it), then the AS number. What matches
 * nothing goes to the coordinators' intake, saying what was looked for.
 */
export async function routeTarget(tx: Tx, target: IntakeTarget): Promise<Route> {
  const [route] = await routeTargets(tx, [target]);
  if (!route) throw new Error("routeTargets answered nothing for one target");
  return route;
}

/** Routes several targets (see routeTarget) with one statement per kind of look-up for all of them. */
export async function routeTargets(tx: Tx, targets: readonly IntakeTarget[]): Promise<Route[]> {
  const plans = targets.map(routeSteps);
  const steps = plans.flat();
  const directory = new DirectoryQueries(tx);
  const byIp = await directory.responsibleForIps(steps.flatMap((step) => (step.kind === "ip" ? [step.key] : [])));
  const byDomain = await directory.responsibleForDomains(steps.flatMap((step) => (step.kind === "domain" ? [step.name] : [])));
  const byAsn = await directory.responsibleForAsns(steps.flatMap((step) => (step.kind === "asn" ? [step.asn] : [])));
  return plans.map((plan): Route => {
    for (const step of plan) {
      const matches: ResponsibilityMatch[] = (step.kind === "ip" ? byIp.get(step.key) : step.kind === "domain" ? byDomain.get(step.name) : byAsn.get(step.asn)) ?? [];
      const first = matches[0];
      if (first) return { organisationId: first.organisationId, reason: `${step.what} (responsibility ${first.type} ${first.value})` };
    }
    const looked = plan.length > 0 ? plan.map((step) => step.what).join(", ") : "nothing routable (only an e-mail address)";
    return { organisationId: null, reason: `no organisation in the directory is responsible for ${looked}` };
  });
}
