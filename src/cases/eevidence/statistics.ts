// The figures Regulation (EU) 2023/1543 Art. 28 asks for. Counts and durations only, never an order's content, so the
// table can be handed to the Member State's statistics or published.
import { median } from "../report.js";
import type { DataCategory, OrderType } from "./certificate.js";

/** One order as the statistics read it. */
export interface StatisticsOrder {
  type: OrderType;
  category: DataCategory;
  /** The addressee's organisation slug. */
  addressee: string;
  emergency: boolean;
  /** Issued without prior validation (Art. 4(5)). */
  exPost: boolean;
  issuedAt: Date;
  /** When the issuing authority received the data (a production order fulfilled), or the data was preserved. */
  fulfilledAt?: Date;
  /** Not fulfilled: an Annex III ground, a refusal of the enforcing authority, withdrawn. */
  notFulfilled: boolean;
  /** The enforcing authority was notified (Art. 8); absent is false. */
  notified?: boolean;
  /** The enforcing authority raised a ground for refusal (Art. 12); absent is false. */
  refused?: boolean;
}

/** One row: a type, category, addressee and situation (emergency or not). */
export interface StatisticsRow {
  type: OrderType;
  category: DataCategory;
  addressee: string;
  emergency: boolean;
  issued: number;
  /** Issued under the emergency derogation of Art. 4(5) (without prior validation). */
  exPost: number;
  fulfilled: number;
  notFulfilled: number;
  /** Notifications to the enforcing authority (Art. 8), Art. 28(2)(d). */
  notified: number;
  /** Orders the enforcing authority refused (Art. 12), Art. 28(2)(d); not broken down by ground yet. */
  refused: number;
  /** Average time from issuing to obtaining the data, over the fulfilled orders; null when none. */
  averageMs: number | null;
  /** Median of the same times; null when none. */
  medianMs: number | null;
}

/**
 * Art. 28(2) (paraphrase: English wording not checked against EUR-Lex; the list is checked against the German text).
 * The data collected include: (a) the number of EPOCs and EPOC-PRs issued, by type of data requested, addressee and
 * situation (emergency case or not); (b) the number of EPOCs issued under emergency case derogations; (c) the number
 * of fulfilled and non-fulfilled EPOCs and EPOC-PRs, by the same three; (d) the number of notifications to enforcing
 * authorities under Article 8 and of EPOCs refused, by the same three and the ground for refusal raised; (e) for
 * fulfilled EPOCs, the average time from issuing the EPOC to obtaining the data, by the same three; (f) for fulfilled
 * EPOC-PRs, an average time as well (its end point was not read). Computed here: (a), (b) (issued without prior
 * validation, Art. 4(5)), (c), (d) without the breakdown by ground (the grounds are free text), (e); the median is given beside the average, as in the rest of the report. Not yet:
 * the ground breakdown of (d), and (f) (a preservation row's average is the time to preservation, which may not be what (f) counts).
 */
export function orderStatistics(orders: readonly StatisticsOrder[]): StatisticsRow[] {
  const rows = new Map<string, StatisticsRow & { durations: number[] }>();
  for (const order of orders) {
    const key = [order.type, order.category, order.addressee, order.emergency].join("\u0000");
    let row = rows.get(key);
    if (!row) {
      row = { type: order.type, category: order.category, addressee: order.addressee, emergency: order.emergency, issued: 0, exPost: 0, fulfilled: 0, notFulfilled: 0, notified: 0, refused: 0, averageMs: null, medianMs: null, durations: [] };
      rows.set(key, row);
    }
    row.issued += 1;
    if (order.exPost) row.exPost += 1;
    if (order.notified) row.notified += 1;
    if (order.refused) row.refused += 1;
    if (order.fulfilledAt) {
      row.fulfilled += 1;
      row.durations.push(order.fulfilledAt.getTime() - order.issuedAt.getTime());
    } else if (order.notFulfilled) row.notFulfilled += 1;
  }
  return [...rows.values()]
    .map(({ durations, ...row }) => ({
      ...row,
      averageMs: durations.length === 0 ? null : durations.reduce((sum, value) => sum + value, 0) / durations.length,
      medianMs: median(durations),
    }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.category.localeCompare(b.category) || a.addressee.localeCompare(b.addressee) || Number(a.emergency) - Number(b.emergency));
}
