import { recordEntries } from "../audit/entries.js";
import type { RecordKeys } from "../audit/keys.js";
import type { Db } from "../store/db.js";
import { CASE_KINDS, type CaseKind } from "./kinds.js";

/** One row of the transparency figures: one recipient organisation and one kind of case. */
export interface ReportRow {
  organisation: string;
  kind: CaseKind;
  /** Cases received in the period. */
  received: number;
  /** Cases by outcome (resolved ones), plus "withdrawn" and "open" (not resolved by the end of the period). */
  outcomes: Record<string, number>;
  acknowledgeMedianMs: number | null;
  acknowledgeP90Ms: number | null;
  resolveMedianMs: number | null;
  resolveP90Ms: number | null;
  /** Cases acknowledged after their acknowledge deadline, or still unacknowledged past it. */
  acknowledgedLate: number;
  /** Cases resolved after their resolve deadline, or still unresolved past it. */
  resolvedLate: number;
}

/** The report: its period and rows. Holds counts and durations only, never case content, so it can be published. */
export interface Report {
  from: Date;
  to: Date;
  rows: ReportRow[];
}

/** The median: the middle value, or the mean of the two middle values of an even count; null when empty. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The value at a fraction of the sorted list (nearest rank), or null when empty. */
export function percentile(values: number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? null;
}

interface DeadlineDetail {
  before?: { ackDueAt?: string | null; resolveDueAt?: string | null };
}

/**
 * Figures over the cases opened in [from, to): per recipient organisation and kind, counts by outcome, median and
 * 90th-percentile time to acknowledge and to resolve, and how many missed a deadline (from the record: an action taken
 * after the deadline in force at that moment, or no action by the end of the period or by `now`, whichever is earlier).
 */
export async function buildReport(db: Db, from: Date, to: Date, now: Date, organisationSlug?: string, keys?: RecordKeys): Promise<Report> {
  const horizon = now < to ? now : to;
  const organisation = organisationSlug ? await db.organisation.findFirst({ where: { slug: organisationSlug }, select: { id: true } }) : undefined;
  const cases = await db.case.findMany({
    where: {
      openedAt: { gte: from, lt: to },
      ...(organisationSlug ? { OR: [{ recipientOrgId: organisation?.id ?? "-" }, { openerOrgId: organisation?.id ?? "-" }] } : {}),
    },
    select: { id: true, kind: true, state: true, outcome: true, recipientOrgId: true, openedAt: true, receivedAt: true, acknowledgedAt: true, resolvedAt: true, ackDueAt: true, resolveDueAt: true },
  });
  const organisations = new Map(
    (await db.organisation.findMany({ where: { id: { in: [...new Set(cases.map((row) => row.recipientOrgId))] } }, select: { id: true, slug: true } })).map((row) => [row.id, row.slug]),
  );
  // With the record key, entries appended and not sealed yet count too (their macs checked).
  const filter = { caseId: { in: cases.map((row) => row.id) }, action: { in: ["case.acknowledge", "case.request-clarification", "case.resolve"] }, result: "ok" };
  const actions = keys ? await recordEntries(db, keys, filter) : await db.auditEntry.findMany({ where: filter, select: { caseId: true, action: true, at: true, detail: true } });
  const lateAck = new Set<string>();
  const lateResolve = new Set<string>();
  for (const action of actions) {
    const detail = JSON.parse(action.detail) as DeadlineDetail;
    const ackDue = detail.before?.ackDueAt ? new Date(detail.before.ackDueAt) : undefined;
    const resolveDue = detail.before?.resolveDueAt ? new Date(detail.before.resolveDueAt) : undefined;
    if (ackDue && action.at > ackDue) lateAck.add(action.caseId ?? "");
    // A clarification asked once the resolve deadline had passed does not undo the lateness: under TCO Art. 3(8) the
    // hour starts again on receipt of the answer, but the deadline in force was already missed.
    if ((action.action === "case.resolve" || action.action === "case.request-clarification") && resolveDue && action.at > resolveDue) lateResolve.add(action.caseId ?? "");
  }
  const groups = new Map<string, ReportRow & { ackTimes: number[]; resolveTimes: number[] }>();
  for (const row of cases) {
    const slug = organisations.get(row.recipientOrgId) ?? "?";
    const key = `${slug}\u0000${row.kind}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        organisation: slug, kind: row.kind as CaseKind, received: 0, outcomes: {}, acknowledgeMedianMs: null, acknowledgeP90Ms: null,
        resolveMedianMs: null, resolveP90Ms: null, acknowledgedLate: 0, resolvedLate: 0, ackTimes: [], resolveTimes: [],
      };
      groups.set(key, group);
    }
    group.received += 1;
    const outcome = row.outcome ?? (row.state === "withdrawn" ? "withdrawn" : "open");
    group.outcomes[outcome] = (group.outcomes[outcome] ?? 0) + 1;
    // Times run from receipt (TCO Art. 3(3): "within one hour of receipt"), from issue where no receipt is recorded.
    const from = (row.receivedAt ?? row.openedAt).getTime();
    if (row.acknowledgedAt) group.ackTimes.push(row.acknowledgedAt.getTime() - from);
    if (row.resolvedAt) group.resolveTimes.push(row.resolvedAt.getTime() - from);
    if (lateAck.has(row.id) || (row.ackDueAt && row.ackDueAt < horizon)) group.acknowledgedLate += 1;
    if (lateResolve.has(row.id) || (row.resolveDueAt && row.resolveDueAt < horizon)) group.resolvedLate += 1;
  }
  const rows = [...groups.values()]
    .map(({ ackTimes, resolveTimes, ...row }) => ({
      ...row,
      acknowledgeMedianMs: median(ackTimes),
      acknowledgeP90Ms: percentile(ackTimes, 0.9),
      resolveMedianMs: median(resolveTimes),
      resolveP90Ms: percentile(resolveTimes, 0.9),
    }))
    .sort((a, b) => a.organisation.localeCompare(b.organisation) || CASE_KINDS.indexOf(a.kind) - CASE_KINDS.indexOf(b.kind));
  return { from, to, rows };
}
