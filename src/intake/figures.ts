// Intake figures for `liaison report`: reports received in a period (by receiving organisation, source and type),
// items decided in it (by decision), and the time from an item's first report to its decision (median). Counts only:
// no report content, no targets.
import { median } from "../cases/report.js";
import type { Db } from "../store/db.js";

/** One organisation's intake figures in a period; "(coordinators)" for what routed to no organisation. */
export interface IntakeFiguresRow {
  organisation: string;
  /** Reports received, by "source/category/type". */
  received: Record<string, number>;
  receivedTotal: number;
  /** Items decided, by decision (opened, added, dismissed); forwarding is not a decision that ends an item. */
  decided: Record<string, number>;
  /** Median time from the item's creation (its first report) to its decision, for items decided in the period. */
  decisionMedianMs: number | null;
}

/** The intake figures of a period [from, to). */
export interface IntakeFigures {
  from: Date;
  to: Date;
  rows: IntakeFiguresRow[];
}

const COORDINATORS = "(coordinators)";

/** Builds the intake figures of a period, optionally for one organisation (by slug). */
export async function buildIntakeFigures(db: Db, from: Date, to: Date, orgSlug?: string): Promise<IntakeFigures> {
  const organisations = await db.organisation.findMany({ select: { id: true, slug: true } });
  const slugOf = new Map(organisations.map((row) => [row.id, row.slug]));
  const rows = new Map<string, IntakeFiguresRow & { durations: number[] }>();
  const row = (organisationId: string | null) => {
    const name = organisationId ? (slugOf.get(organisationId) ?? "?") : COORDINATORS;
    let found = rows.get(name);
    if (!found) rows.set(name, (found = { organisation: name, received: {}, receivedTotal: 0, decided: {}, decisionMedianMs: null, durations: [] }));
    return found;
  };
  const received = await db.intakeReportEntry.findMany({ where: { receivedAt: { gte: from, lt: to } }, select: { source: true, category: true, type: true, item: { select: { routedToId: true } } } });
  for (const entry of received) {
    const target = row(entry.item.routedToId);
    const key = `${entry.source}/${entry.category}/${entry.type}`;
    target.received[key] = (target.received[key] ?? 0) + 1;
    target.receivedTotal += 1;
  }
  const decided = await db.intakeItem.findMany({ where: { decidedAt: { gte: from, lt: to } }, select: { routedToId: true, state: true, createdAt: true, decidedAt: true } });
  for (const item of decided) {
    const target = row(item.routedToId);
    target.decided[item.state] = (target.decided[item.state] ?? 0) + 1;
    if (item.decidedAt) target.durations.push(item.decidedAt.getTime() - item.createdAt.getTime());
  }
  const result = [...rows.values()]
    .filter((candidate) => orgSlug === undefined || candidate.organisation === orgSlug)
    .map(({ durations, ...rest }) => ({ ...rest, decisionMedianMs: durations.length > 0 ? median(durations) : null }))
    .sort((a, b) => a.organisation.localeCompare(b.organisation));
  return { from, to, rows: result };
}
