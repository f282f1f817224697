// A reminder digest: overdue cases, cases due soon, unacknowledged cases and stale directory entries, for the whole
// installation (coordinators) or one organisation (its admins). Rendered counts first, then the lists; TLP-safe:
// a TLP:RED case shows its reference and deadline only, a TLP:AMBER+STRICT case no content.
import { disclosureOf, withTlpFloor } from "../cases/disclosure.js";
import { KIND_INFO, type CaseKind } from "../cases/kinds.js";
import { ACTIVE_STATES } from "../cases/lifecycle.js";
import { dueText } from "../cases/render.js";
import { TLP_LABELS, type MessageSection, type OutboundMessage, type Tlp } from "../core/message.js";
import { ipKeyText } from "../directory/ip-text.js";
import { DEFAULT_ACCEPT_SETTINGS } from "../intake/accept.js";
import type { Tx } from "../store/types.js";
import { formatDuration, formatLocal } from "../time/calendar.js";

/** Whose cases and contacts a digest covers: every organisation, or one. */
export type DigestScope =
  | { type: "installation" }
  | { type: "organisation"; organisationId: string; slug: string; name: string }
  /** A contact's own cases: those they opened or are responsible for. */
  | { type: "contact"; contactId: string; handle: string; name: string };

/** A case as a digest lists it. */
export interface DigestCase {
  reference: string;
  kind: CaseKind;
  state: string;
  tlp: string;
  summary: string;
  opener: string;
  recipient: string;
  /** The deadline that matters now: acknowledge while unacknowledged, else resolve. */
  deadline: { of: "acknowledge" | "resolve"; at: Date } | null;
  /** The deadlines already missed (both, when a case was neither acknowledged nor resolved in time). */
  missed: { of: "acknowledge" | "resolve"; at: Date }[];
}

/** A contact whose entry has gone stale. */
export interface DigestContact {
  handle: string;
  name: string;
  organisation: string;
  /** "unverified", or "asked to confirm" (awaiting an answer). */
  state: string;
  since: Date | null;
}

/** An organisation's domain or address reported at least its threshold of times in the repeat-offender window. */
export interface DigestRepeatOffender {
  organisation: string;
  /** The domain or address; undefined when a report about it carries a TLP that withholds it from a digest. */
  target: string | undefined;
  /** The highest TLP among the reports counted. */
  tlp: string;
  reports: number;
  threshold: number;
}

/** Repeat offenders (NL code of conduct, 5): the window reports are counted over and the default threshold. */
export interface RepeatOffenderSettings {
  windowMs: number;
  threshold: number;
}

/** One section: how many in all, and the first of them. */
export interface DigestSection<T> {
  count: number;
  items: T[];
}

/** What a digest holds, as of `asOf`. */
export interface DigestContent {
  scope: DigestScope;
  asOf: Date;
  dueSoonWithinMs: number;
  overdue: DigestSection<DigestCase>;
  dueSoon: DigestSection<DigestCase>;
  unacknowledged: DigestSection<DigestCase>;
  staleContacts: DigestSection<DigestContact>;
  /** Coordinators' digests only (empty otherwise). */
  repeatOffenders: DigestSection<DigestRepeatOffender> & { windowMs: number };
}

const CASE_SELECT = { reference: true, kind: true, state: true, tlp: true, summary: true, openerOrgId: true, recipientOrgId: true, ackDueAt: true, resolveDueAt: true } as const;

/** Whether a digest has nothing in it. */
export function isEmptyDigest(content: DigestContent): boolean {
  return content.overdue.count + content.dueSoon.count + content.unacknowledged.count + content.staleContacts.count + content.repeatOffenders.count === 0;
}

/** Reads a digest's content with a few indexed, limited queries per section. */
export async function readDigest(db: Tx, scope: DigestScope, asOf: Date, options: { dueSoonWithinMs: number; listLimit: number; repeatOffenders?: RepeatOffenderSettings }): Promise<DigestContent> {
  const soon = new Date(asOf.getTime() + options.dueSoonWithinMs);
  const parties =
    scope.type === "organisation" ? [{ OR: [{ openerOrgId: scope.organisationId }, { recipientOrgId: scope.organisationId }] }]
    : scope.type === "contact" ? [{ OR: [{ openerContactId: scope.contactId }, { responsibleContactId: scope.contactId }] }]
    : [];
  const active = { state: { in: [...ACTIVE_STATES] } };
  const overdue = { AND: [...parties, active, { OR: [{ ackDueAt: { lt: asOf } }, { resolveDueAt: { lt: asOf } }] }] };
  const dueSoon = {
    AND: [
      ...parties, active,
      { OR: [{ ackDueAt: null }, { ackDueAt: { gte: asOf } }] },
      { OR: [{ resolveDueAt: null }, { resolveDueAt: { gte: asOf } }] },
      { OR: [{ ackDueAt: { lte: soon } }, { resolveDueAt: { lte: soon } }] },
    ],
  };
  // Not overdue: an overdue case is listed once, under Overdue.
  const unacknowledged = { AND: [...parties, { state: "open" }, { OR: [{ ackDueAt: null }, { ackDueAt: { gte: asOf } }] }, { OR: [{ resolveDueAt: null }, { resolveDueAt: { gte: asOf } }] }] };
  const order = [{ ackDueAt: "asc" as const }, { resolveDueAt: "asc" as const }];
  const take = options.listLimit;
  // One query at a time: /digest reads inside its command's transaction, whose queries share one connection.
  const overdueRows = await db.case.findMany({ where: overdue, select: CASE_SELECT, orderBy: order, take });
  const overdueCount = await db.case.count({ where: overdue });
  const soonRows = await db.case.findMany({ where: dueSoon, select: CASE_SELECT, orderBy: order, take });
  const soonCount = await db.case.count({ where: dueSoon });
  const openRows = await db.case.findMany({ where: unacknowledged, select: CASE_SELECT, orderBy: order, take });
  const openCount = await db.case.count({ where: unacknowledged });
  const staleWhere = {
    removedAt: null,
    ...(scope.type === "organisation" ? { organisationId: scope.organisationId } : scope.type === "contact" ? { id: scope.contactId } : {}),
    OR: [{ verification: "unverified" }, { verificationAskedAt: { not: null } }],
  };
  const staleRows = await db.contact.findMany({ where: staleWhere, select: { handle: true, name: true, organisationId: true, verification: true, verificationAskedAt: true, lastVerifiedAt: true }, orderBy: { handle: "asc" }, take });
  const staleCount = await db.contact.count({ where: staleWhere });
  const repeat = options.repeatOffenders ?? DEFAULT_REPEAT_OFFENDERS;
  const offenders = scope.type === "installation" ? await readRepeatOffenders(db, asOf, repeat) : [];
  const organisationIds = new Set([...overdueRows, ...soonRows, ...openRows].flatMap((row) => [row.openerOrgId, row.recipientOrgId]));
  for (const row of staleRows) organisationIds.add(row.organisationId);
  const organisations = new Map((await db.organisation.findMany({ where: { id: { in: [...organisationIds] } }, select: { id: true, slug: true } })).map((row) => [row.id, row.slug]));
  const toCase = (row: (typeof overdueRows)[number]): DigestCase => ({
    reference: row.reference, kind: row.kind as CaseKind, state: row.state, tlp: row.tlp, summary: row.summary,
    opener: organisations.get(row.openerOrgId) ?? "?", recipient: organisations.get(row.recipientOrgId) ?? "?",
    deadline: row.ackDueAt ? { of: "acknowledge", at: row.ackDueAt } : row.resolveDueAt ? { of: "resolve", at: row.resolveDueAt } : null,
    missed: [
      ...(row.ackDueAt && row.ackDueAt < asOf ? [{ of: "acknowledge" as const, at: row.ackDueAt }] : []),
      ...(row.resolveDueAt && row.resolveDueAt < asOf ? [{ of: "resolve" as const, at: row.resolveDueAt }] : []),
    ],
  });
  return {
    scope, asOf, dueSoonWithinMs: options.dueSoonWithinMs,
    overdue: { count: overdueCount, items: overdueRows.map(toCase) },
    dueSoon: { count: soonCount, items: soonRows.map(toCase) },
    unacknowledged: { count: openCount, items: openRows.map(toCase) },
    staleContacts: {
      count: staleCount,
      items: staleRows.map((row) => ({
        handle: row.handle, name: row.name, organisation: organisations.get(row.organisationId) ?? "?",
        state: row.verification === "unverified" ? "unverified" : "asked to confirm",
        since: row.verification === "unverified" ? row.lastVerifiedAt : row.verificationAskedAt,
      })),
    },
    repeatOffenders: { count: offenders.length, items: offenders.slice(0, take), windowMs: repeat.windowMs },
  };
}

/** The defaults of intake's repeat-offender counting (src/intake/accept.ts). */
const DEFAULT_REPEAT_OFFENDERS: RepeatOffenderSettings = { windowMs: DEFAULT_ACCEPT_SETTINGS.repeatWindowMs, threshold: DEFAULT_ACCEPT_SETTINGS.repeatThreshold };

/**
 * The domains and addresses reported to an organisation at least its threshold of times (the organisation's own, or
 * the default) in the window ending at `asOf`, as intake cards count them (reports of the grouped items, by last
 * report), most reported first. Grouped in the database: one row per organisation, target and TLP.
 */
async function readRepeatOffenders(db: Tx, asOf: Date, settings: RepeatOffenderSettings): Promise<DigestRepeatOffender[]> {
  const since = new Date(asOf.getTime() - settings.windowMs);
  const byDomain = await db.intakeItem.groupBy({ by: ["routedToId", "domainKey", "tlp"], where: { routedToId: { not: null }, domainKey: { not: null }, lastReportedAt: { gte: since, lte: asOf } }, _sum: { reportCount: true } });
  const byAddress = await db.intakeItem.groupBy({ by: ["routedToId", "ipKey", "tlp"], where: { routedToId: { not: null }, ipKey: { not: null }, lastReportedAt: { gte: since, lte: asOf } }, _sum: { reportCount: true } });
  const totals = new Map<string, { organisationId: string; target: string; tlps: Set<string>; reports: number }>();
  const add = (organisationId: string | null, target: string | null, tlp: string, reports: number) => {
    if (organisationId === null || target === null) return;
    const key = `${organisationId} ${target}`;
    const entry = totals.get(key) ?? { organisationId, target, tlps: new Set<string>(), reports: 0 };
    entry.tlps.add(tlp);
    entry.reports += reports;
    totals.set(key, entry);
  };
  for (const row of byDomain) add(row.routedToId, row.domainKey, row.tlp, row._sum.reportCount ?? 0);
  for (const row of byAddress) add(row.routedToId, row.ipKey === null ? null : ipText(row.ipKey), row.tlp, row._sum.reportCount ?? 0);
  const organisationIds = [...new Set([...totals.values()].map((entry) => entry.organisationId))];
  const organisations = new Map((await db.organisation.findMany({ where: { id: { in: organisationIds } }, select: { id: true, slug: true, repeatThreshold: true } })).map((row) => [row.id, row]));
  const offenders: DigestRepeatOffender[] = [];
  for (const entry of totals.values()) {
    const organisation = organisations.get(entry.organisationId);
    const threshold = organisation?.repeatThreshold ?? settings.threshold;
    if (entry.reports < threshold) continue;
    const tlp = [...entry.tlps].reduce((high, label) => (TLP_LABELS.indexOf(label as Tlp) > TLP_LABELS.indexOf(high as Tlp) ? label : high), "CLEAR");
    // A digest goes to coordinators of any organisation: the one disclosure rule as for someone of no party.
    const shown = disclosureOf(tlp, { named: false, ofAParty: false }) === "full";
    offenders.push({ organisation: organisation?.slug ?? "?", target: shown ? entry.target : undefined, tlp, reports: entry.reports, threshold });
  }
  return offenders.sort((a, b) => b.reports - a.reports || a.organisation.localeCompare(b.organisation) || (a.target ?? "").localeCompare(b.target ?? ""));
}

/** An address stored as 32 hex digits, as a person reads it: IPv4 dotted, IPv6 in RFC 5952's canonical text. */
export function ipText(hex: string): string {
  return ipKeyText(hex);
}

/**
 * One case as a digest line. A digest goes to coordinators of any organisation, so the disclosure rule is applied as
 * for someone neither named on the case nor of its parties: TLP:RED shows reference and deadline only, TLP:AMBER+STRICT
 * no content.
 */
export function digestCaseLine(item: DigestCase, asOf: Date, timeZone: string): string {
  const deadline =
    item.missed.length > 0 ? `missed: ${item.missed.map((missed) => `${missed.of} by ${dueText(missed.at, asOf, timeZone)}`).join(", ")}`
    : item.deadline ? `${item.deadline.of} by ${dueText(item.deadline.at, asOf, timeZone)}` : "no deadline running";
  if (item.tlp === "RED") return `${item.reference} · TLP:RED · ${deadline}`;
  const parts = [item.reference, KIND_INFO[item.kind].label, `${item.opener} → ${item.recipient}`, item.state, deadline, `TLP:${item.tlp}`];
  if (disclosureOf(withTlpFloor(item.kind, item.tlp), { named: false, ofAParty: false }) === "full") parts.push(item.summary);
  return parts.join(" · ");
}

function offenderLine(item: DigestRepeatOffender): string {
  const what = item.target ?? `a target withheld (TLP:${item.tlp})`;
  return `${item.organisation} · ${what} · ${item.reports} reports (threshold ${item.threshold})`;
}

function contactLine(item: DigestContact): string {
  return `${item.name} (${item.handle}) · ${item.organisation} · ${item.state}${item.since ? ` since ${item.since.toISOString().slice(0, 10)}` : ""}`;
}

/** Renders a digest for a reader in `timeZone`: a title, the counts, then each non-empty section's list. */
export function renderDigest(content: DigestContent, reader: { name: string; timeZone: string }): OutboundMessage {
  const scope = content.scope.type === "installation" ? "all organisations" : content.scope.type === "contact" ? "your cases" : `${content.scope.name} [${content.scope.slug}]`;
  const title = `Digest for ${reader.name} · ${scope} · ${formatLocal(content.asOf, reader.timeZone)} (${reader.timeZone})`;
  const within = formatDuration(content.dueSoonWithinMs);
  const counts = [
    `Overdue ${content.overdue.count}`,
    `Due within ${within} ${content.dueSoon.count}`,
    `Unacknowledged ${content.unacknowledged.count}`,
    `Stale contacts ${content.staleContacts.count}`,
  ].join(" · ");
  const sections: MessageSection[] = [{ text: counts }];
  const lines = [title, counts];
  const add = <T>(heading: string, section: DigestSection<T>, line: (item: T) => string) => {
    if (section.count === 0) return;
    const items = section.items.map(line);
    if (section.count > section.items.length) items.push(`… and ${section.count - section.items.length} more`);
    sections.push({ heading: `${heading} (${section.count})`, text: items.map((item) => `• ${item}`).join("\n") });
    lines.push("", `${heading} (${section.count})`, ...items.map((item) => `• ${item}`));
  };
  const caseLine = (item: DigestCase) => digestCaseLine(item, content.asOf, reader.timeZone);
  add("Overdue", content.overdue, caseLine);
  add(`Due within ${within}`, content.dueSoon, caseLine);
  add("Unacknowledged", content.unacknowledged, caseLine);
  add("Stale contacts", content.staleContacts, contactLine);
  add(`Repeat offenders, last ${formatDuration(content.repeatOffenders.windowMs)}`, content.repeatOffenders, offenderLine);
  if (isEmptyDigest(content)) lines.push("Nothing overdue, nothing due soon, everything acknowledged, every contact confirmed.");
  const listsCases = content.overdue.count + content.dueSoon.count + content.unacknowledged.count + content.repeatOffenders.count > 0;
  // Case parties and deadlines, and who is reported how often, are shared need-to-know: the digest is at least TLP:AMBER.
  return { title, text: lines.join("\n"), sections, tone: content.overdue.count > 0 ? "warning" : "info", ...(listsCases ? { tlp: "AMBER" as const } : {}) };
}
