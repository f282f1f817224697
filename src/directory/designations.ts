import { fail, type Failure } from "../core/result.js";
import type { Tx } from "../store/types.js";
import { workingHoursSchema, type WorkingHours } from "../time/calendar.js";
import { parseCidr, type OrganisationInput } from "./model.js";
import { WEEKDAYS } from "../time/working-hours.js";

/** Organisation fields that say who an organisation is; only coordinators set them. */
export const DESIGNATION_FIELDS = ["name", "kind", "country", "jurisdictions"] as const;

/** The shortest IPv4 prefix an organisation admin may claim (a /16 is 65,536 addresses). */
export const MIN_ADMIN_IPV4_PREFIX_BITS = 16;

/** The shortest IPv6 prefix an organisation admin may claim (a /32 is a typical provider allocation). */
export const MIN_ADMIN_IPV6_PREFIX_BITS = 32;

/** The fewest working hours a week an organisation admin may set (deadlines are counted in working time). */
export const MIN_ADMIN_WORKING_MINUTES_PER_WEEK = 20 * 60;

/** The shortest working day an organisation admin may set. */
export const MIN_ADMIN_WORKING_MINUTES_PER_DAY = 4 * 60;

/** Domain suffixes under which the public registers names: a bare one is never one organisation's. */
const PUBLIC_SUFFIX_SECOND_LEVELS = new Set(["co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.jp", "co.nz", "com.br", "com.cn", "co.za", "com.tr", "com.mx", "co.in"]);

type Organisation = Omit<OrganisationInput, "contacts">;
type Responsibilities = Organisation["responsibilities"];

/** The designation fields that differ between two entries. */
export function changedDesignations(before: Organisation, after: Organisation): string[] {
  return DESIGNATION_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
}

/** Why a domain or IP range is too broad for one organisation to claim, or undefined when it is narrow enough. */
export function tooBroad(type: "domain" | "ip", value: string): string | undefined {
  if (type === "domain") {
    const labels = value.toLowerCase().split(".");
    if (labels.length < 2 || PUBLIC_SUFFIX_SECOND_LEVELS.has(value.toLowerCase())) return `${value} is a public suffix`;
    return undefined;
  }
  const [address, prefixText] = value.split("/");
  const isV4 = !(address ?? "").includes(":");
  const prefixBits = prefixText === undefined ? (isV4 ? 32 : 128) : Number(prefixText);
  const floorBits = isV4 ? MIN_ADMIN_IPV4_PREFIX_BITS : MIN_ADMIN_IPV6_PREFIX_BITS;
  return prefixBits < floorBits ? `${value} is wider than /${floorBits}` : undefined;
}

/** Whether one domain is the other or a subdomain of it. */
function domainsOverlap(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

/** Responsibilities in `after` that are not in `before`. */
function added(before: Responsibilities, after: Responsibilities): { type: "domain" | "ip" | "asn"; value: string }[] {
  const had = new Set([...before.domains.map((v) => `domain:${v}`), ...before.ipRanges.map((v) => `ip:${v}`), ...before.asns.map((v) => `asn:${v}`)]);
  return [
    ...after.domains.map((value) => ({ type: "domain" as const, value })),
    ...after.ipRanges.map((value) => ({ type: "ip" as const, value })),
    ...after.asns.map((value) => ({ type: "asn" as const, value })),
  ].filter((item) => !had.has(`${item.type}:${item.value}`));
}

/** Every live organisation's responsibilities but `slug`'s, read once per edit. */
function othersResponsibilities(tx: Tx, slug: string) {
  return tx.responsibility.findMany({
    where: { organisation: { slug: { not: slug }, removedAt: null } },
    select: { type: true, value: true, rangeStart: true, rangeEnd: true, organisation: { select: { slug: true } } },
  });
}

/** The responsibilities among `all` (other organisations') that overlap `item`, as "value (slug)". */
function overlaps(all: Awaited<ReturnType<typeof othersResponsibilities>>, item: { type: "domain" | "ip" | "asn"; value: string }): string[] {
  const others = all.filter((other) => other.type === item.type);
  const range = item.type === "ip" ? parseCidr(item.value) : undefined;
  return others
    .filter((other) =>
      item.type === "domain" ? domainsOverlap(item.value, other.value)
      : item.type === "asn" ? other.value.toUpperCase() === item.value.toUpperCase()
      : range !== undefined && other.rangeStart <= range.end && range.start <= other.rangeEnd,
    )
    .map((other) => `${other.value} (${other.organisation.slug})`);
}

/** Why working hours are too short for an admin to set, or undefined when they are long enough. */
export function hoursTooShort(text: string): string | undefined {
  const parsed = workingHoursSchema.safeParse(text);
  if (!parsed.success) return undefined;
  const hours: WorkingHours = parsed.data;
  let weekMinutes = 0;
  for (const day of WEEKDAYS) {
    const dayMinutes = hours.days[day].reduce((sum, range) => sum + range.to - range.from, 0);
    if (dayMinutes > 0 && dayMinutes < MIN_ADMIN_WORKING_MINUTES_PER_DAY) return `${day} has ${dayMinutes} working minutes, under ${MIN_ADMIN_WORKING_MINUTES_PER_DAY / 60} hours`;
    weekMinutes += dayMinutes;
  }
  return weekMinutes < MIN_ADMIN_WORKING_MINUTES_PER_WEEK ? `${weekMinutes / 60} working hours a week, under ${MIN_ADMIN_WORKING_MINUTES_PER_WEEK / 60}` : undefined;
}

/**
 * Checks an edit against what only coordinators may grant: designation fields, broad or overlapping
 * responsibilities, and short working hours. Returns the refusal for an admin, or the warnings for a coordinator.
 */
export async function checkDesignations(
  tx: Tx,
  isCoordinator: boolean,
  before: Organisation,
  after: Organisation,
): Promise<{ refusal: Failure | undefined; warnings: string[] }> {
  const problems: string[] = [];
  const fields = changedDesignations(before, after);
  if (fields.length > 0 && !isCoordinator) {
    return { refusal: fail("not-allowed", `Only a coordinator may set ${fields.join(", ")}; nothing was changed.`, "Ask a coordinator to change them."), warnings: [] };
  }
  const warnings: string[] = [];
  const additions = added(before.responsibilities, after.responsibilities);
  const others = additions.length > 0 ? await othersResponsibilities(tx, after.slug) : [];
  for (const item of additions) {
    const broad = item.type === "asn" ? undefined : tooBroad(item.type, item.value);
    if (broad) problems.push(broad);
    const shared = overlaps(others, item);
    if (shared.length > 0) (isCoordinator ? warnings : problems).push(`${item.value} overlaps ${shared.join(", ")}`);
  }
  if (after.workingHours !== before.workingHours) {
    const short = hoursTooShort(after.workingHours);
    if (short) problems.push(short);
  }
  if (problems.length > 0 && !isCoordinator) {
    return { refusal: fail("not-allowed", `A coordinator must add these: ${problems.join("; ")}. Nothing was changed.`, "Ask a coordinator to make this change."), warnings: [] };
  }
  return { refusal: undefined, warnings: isCoordinator ? [...problems, ...warnings] : warnings };
}
