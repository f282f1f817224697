// The Art. 28 statistics of Regulation (EU) 2023/1543 for `liaison report --eevidence`: the orders issued in a period,
// read from the stored orders and their cases, handed to orderStatistics (statistics.ts). Counts and durations only,
// never an order's content.
import type { Db } from "../../store/db.js";
import type { DataCategory, OrderType } from "./certificate.js";
import { refusalGroundsOf } from "./refusal.js";
import { orderStatistics, type StatisticsOrder, type StatisticsRow } from "./statistics.js";

/** Case states after which an order that was not fulfilled never will be. */
const ENDED_STATES = new Set(["resolved", "closed", "withdrawn"]);

/** The e-Evidence figures of a period (orders issued from `from`, before `to`). */
export interface EevidenceFigures {
  from: Date;
  to: Date;
  rows: StatisticsRow[];
}

/**
 * Whether an order was not fulfilled: the enforcing authority raised a ground for refusal (Art. 12), the ex-post
 * validation was refused (Art. 4(5)), or its case ended without the data obtained or preserved (an Annex III ground
 * the addressee could not overcome, a withdrawal).
 */
export function notFulfilled(order: { fulfilledAt: Date | null; enforcingRefusedAt: Date | null; validation: string }, caseState: string): boolean {
  if (order.fulfilledAt) return false;
  return order.enforcingRefusedAt !== null || order.validation === "ex-post-refused" || ENDED_STATES.has(caseState);
}

/**
 * The figures of the orders issued in [from, to); with `organisationSlug`, only the orders that organisation issued
 * or was addressed.
 */
export async function buildEevidenceFigures(db: Db, from: Date, to: Date, organisationSlug?: string): Promise<EevidenceFigures> {
  const orders = await db.evidenceOrder.findMany({
    where: { issuedAt: { gte: from, lt: to } },
    select: { caseId: true, type: true, category: true, emergency: true, notified: true, validation: true, issuedAt: true, fulfilledAt: true, enforcingRefusedAt: true, enforcingRefusalPoints: true, subsequentRequestAt: true },
  });
  const cases = orders.length === 0 ? [] : await db.case.findMany({ where: { id: { in: orders.map((order) => order.caseId) } }, select: { id: true, state: true, openerOrgId: true, recipientOrgId: true } });
  const caseOf = new Map(cases.map((row) => [row.id, row]));
  const orgIds = [...new Set(cases.flatMap((row) => [row.openerOrgId, row.recipientOrgId]))];
  const organisations = orgIds.length === 0 ? [] : await db.organisation.findMany({ where: { id: { in: orgIds } }, select: { id: true, slug: true } });
  const slugOf = new Map(organisations.map((organisation) => [organisation.id, organisation.slug]));
  const read: StatisticsOrder[] = [];
  for (const order of orders) {
    const row = caseOf.get(order.caseId);
    if (!row) continue;
    const issuer = slugOf.get(row.openerOrgId) ?? "";
    const addressee = slugOf.get(row.recipientOrgId) ?? "";
    if (organisationSlug !== undefined && issuer !== organisationSlug && addressee !== organisationSlug) continue;
    read.push({
      type: order.type as OrderType,
      category: order.category as DataCategory,
      addressee,
      emergency: order.emergency,
      exPost: order.validation.startsWith("ex-post"),
      issuedAt: order.issuedAt,
      ...(order.fulfilledAt ? { fulfilledAt: order.fulfilledAt } : {}),
      notFulfilled: notFulfilled(order, row.state),
      notified: order.notified,
      refused: order.enforcingRefusedAt !== null,
      refusalGrounds: refusalGroundsOf(order.enforcingRefusalPoints),
      ...(order.subsequentRequestAt ? { subsequentRequestAt: order.subsequentRequestAt } : {}),
    });
  }
  return { from, to, rows: orderStatistics(read) };
}
