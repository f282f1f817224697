import { fail, type Failure } from "../core/result.js";
import type { Tx } from "../store/types.js";
import { workingHoursSchema, type WorkingHours } from "../time/calendar.js";
import { parseCidr, type OrganisationInput } from "./model.js";
import { WEEKDAYS } from "../time/working-hours.js";

/** Organisation fields that say who an organisation is; only coordinators set them. */
export const DESIGNATION_FIELDS = ["name", "kind", "country", "jurisdictions", "designations"] as const;

/** What an organisation admin may set without a coordinator's approval (config directory.approvals). */
export interface ApprovalFloors {
  /** Fewest working hours a week. */
  minWorkingHoursPerWeek: number;
  /** Shortest working day, in hours (days with no hours at all are closed days, not short ones). */
  minWorkingHoursPerDay: number;
  /** Shortest IPv4 prefix, in bits (a /16 is 65,536 addresses). */
  minIpv4PrefixBits: number;
  /** Shortest IPv6 prefix, in bits (a /32 is a typical provider allocation). */
  minIpv6PrefixBits: number;
}

/** The floors config/default.yaml ships with. */
export const DEFAULT_APPROVAL_FLOORS: ApprovalFloors = { minWorkingHoursPerWeek: 20, minWorkingHoursPerDay: 4, minIpv4PrefixBits: 16, minIpv6PrefixBits: 32 };

/** Domain suffixes under which the public registers names: a bare one is never one organisation's. */
const PUBLIC_SUFFIX_SECOND_LEVELS = new Set(["co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.jp", "co.nz", "com.br", "com.cn", "co.za", "com.tr", "com.mx", "co.in"]);

type Organisation = Omit<OrganisationInput, "contacts">;
type Responsibilities = Organisation["responsibilities"];

/** The designation fields that differ between two entries. */
export function changedDesignations(before: Organisation, after: Organisation): (typeof DESIGNATION_FIELDS)[number][] {
  return DESIGNATION_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
}

/** Why a domain or IP range is too broad for one organisation to claim, or undefined when it is narrow enough. */
export function tooBroad(type: "domain" | "ip", value: string, floors: ApprovalFloors = DEFAULT_APPROVAL_FLOORS): string | undefined {
  if (type === "domain") {
    const labels = value.toLowerCase().split(".");
    if (labels.length < 2 || PUBLIC_SUFFIX_SECOND_LEVELS.has(value.toLowerCase())) return `${value} is a public suffix`;
    return undefined;
  }
  const [address, prefixText] = value.split("/");
  const isV4 = !(address ?? "").includes(":");
  const prefixBits = prefixText === undefined ? (isV4 ? 32 : 128) : Number(prefixText);
  const floorBits = isV4 ? floors.minIpv4PrefixBits : floors.minIpv6PrefixBits;
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

/** Why working hours are too short for an admin to set alone, or undefined when they are long enough. */
export function hoursTooShort(text: string, floors: ApprovalFloors = DEFAULT_APPROVAL_FLOORS): string | undefined {
  const parsed = workingHoursSchema.safeParse(text);
  if (!parsed.success) return undefined;
  const hours: WorkingHours = parsed.data;
  const dayFloorMinutes = floors.minWorkingHoursPerDay * 60;
  const weekFloorMinutes = floors.minWorkingHoursPerWeek * 60;
  let weekMinutes = 0;
  for (const day of WEEKDAYS) {
    const dayMinutes = hours.days[day].reduce((sum, range) => sum + range.to - range.from, 0);
    if (dayMinutes > 0 && dayMinutes < dayFloorMinutes) return `${day} has ${dayMinutes} working minutes, under ${floors.minWorkingHoursPerDay} hours`;
    weekMinutes += dayMinutes;
  }
  return weekMinutes < weekFloorMinutes ? `${weekMinutes / 60} working hours a week, under ${floors.minWorkingHoursPerWeek}` : undefined;
}

/** A change that waits for a coordinator: a responsibility to add, or working hours to set. */
export interface PendingItem {
  type: "domain" | "ip" | "asn" | "hours";
  value: string;
  /** Why it waits, e.g. "10.0.0.0/8 is wider than /16". */
  reason: string;
}

/** What an edit may do at once, and what waits. */
export interface DesignationCheck {
  /** Set when the edit is refused as a whole (designation fields changed by an admin). */
  refusal: Failure | undefined;
  /** Told to a coordinator who makes a change an admin could not make alone. */
  warnings: string[];
  /** The admin's changes that wait for a coordinator; they are left out of `apply`. */
  pending: PendingItem[];
  /** The entry to write now. */
  apply: Organisation;
}

/** Closed days of its own an organisation's admin may set per calendar year (besides public holidays). */
export const MAX_OWN_HOLIDAYS_PER_YEAR = 15;

/** The years with more than MAX_OWN_HOLIDAYS_PER_YEAR of these dates. */
function crowdedYears(dates: readonly string[]): string[] {
  const perYear = new Map<string, number>();
  for (const date of new Set(dates)) perYear.set(date.slice(0, 4), (perYear.get(date.slice(0, 4)) ?? 0) + 1);
  return [...perYear].filter(([, count]) => count > MAX_OWN_HOLIDAYS_PER_YEAR).map(([year]) => year);
}

/**
 * Checks an edit against what only coordinators may grant: designation fields (an admin's edit that changes them is
 * refused whole), and broad or overlapping responsibilities and short working hours (an admin's wait as pending,
 * the rest of the edit applies). A coordinator's edit applies whole, with warnings.
 */
export async function checkDesignations(
  tx: Tx,
  isCoordinator: boolean,
  before: Organisation,
  after: Organisation,
  floors: ApprovalFloors = DEFAULT_APPROVAL_FLOORS,
): Promise<DesignationCheck> {
  const fields = changedDesignations(before, after);
  if (fields.length > 0 && !isCoordinator) {
    return { refusal: fail("not-allowed", `Only a coordinator may set ${fields.join(", ")}; nothing was changed.`, "Ask a coordinator to change them."), warnings: [], pending: [], apply: before };
  }
  // Closed days stop working-hours clocks as short hours do: an admin may add a normal number of them per year.
  const crowded = crowdedYears(after.holidays);
  if (crowded.length > 0 && !isCoordinator && JSON.stringify([...after.holidays].sort()) !== JSON.stringify([...before.holidays].sort())) {
    return { refusal: fail("not-allowed", `More than ${MAX_OWN_HOLIDAYS_PER_YEAR} closed days of its own in ${crowded.join(", ")}: a coordinator must add these; nothing was changed.`, "Ask a coordinator, or add fewer days."), warnings: [], pending: [], apply: before };
  }
  const pending: PendingItem[] = [];
  const warnings: string[] = [];
  const additions = added(before.responsibilities, after.responsibilities);
  const others = additions.length > 0 ? await othersResponsibilities(tx, after.slug) : [];
  for (const item of additions) {
    const reasons: string[] = [];
    const broad = item.type === "asn" ? undefined : tooBroad(item.type, item.value, floors);
    if (broad) reasons.push(broad);
    const shared = overlaps(others, item);
    if (shared.length > 0) reasons.push(`${item.value} overlaps ${shared.join(", ")}`);
    if (reasons.length === 0) continue;
    if (isCoordinator) warnings.push(...reasons);
    else pending.push({ ...item, reason: reasons.join("; ") });
  }
  if (after.workingHours !== before.workingHours) {
    const short = hoursTooShort(after.workingHours, floors);
    if (short && isCoordinator) warnings.push(short);
    else if (short) pending.push({ type: "hours", value: after.workingHours, reason: short });
  }
  if (pending.length === 0) return { refusal: undefined, warnings, pending, apply: after };
  const waits = new Set(pending.map((item) => `${item.type}:${item.value}`));
  const keep = (type: string) => (value: string) => !waits.has(`${type}:${value}`);
  const apply: Organisation = {
    ...after,
    workingHours: waits.has(`hours:${after.workingHours}`) ? before.workingHours : after.workingHours,
    responsibilities: {
      domains: after.responsibilities.domains.filter(keep("domain")),
      ipRanges: after.responsibilities.ipRanges.filter(keep("ip")),
      asns: after.responsibilities.asns.filter(keep("asn")),
    },
  };
  return { refusal: undefined, warnings, pending, apply };
}
