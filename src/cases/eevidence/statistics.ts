// The figures Regulation (EU) 2023/1543 Art. 28 asks for. Counts and durations only, never an order's content, so the
// table can be handed to the Member State's statistics or published.
import { median } from "../report.js";
import type { DataCategory, OrderType } from "./certificate.js";
import { REFUSAL_GROUND_NAMES, type RefusalGround } from "./refusal.js";

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
  /** The Art. 12(1) grounds the refusal named; absent is none. */
  refusalGrounds?: readonly RefusalGround[];
  /** A preservation order: when the issuing authority confirmed the subsequent request for production (Annex V). */
  subsequentRequestAt?: Date;
}

/** Refusals counted by Art. 12(1) ground: an order refused on two grounds counts under each. */
export type RefusalsByGround = Record<RefusalGround, number>;

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
  /** Orders the enforcing authority refused (Art. 12), Art. 28(2)(d). */
  refused: number;
  /** The same refusals by the ground raised, Art. 28(2)(d); an order refused on two grounds counts under each. */
  refusedByGround: RefusalsByGround;
  /** Average time from issuing to obtaining the data, over the fulfilled orders; null when none. */
  averageMs: number | null;
  /** Median of the same times; null when none. */
  medianMs: number | null;
  /**
   * Preservation orders only (null for production, and when none): the average time from issuing the EPOC-PR to the
   * subsequent request for production (Annex V), our reading of Art. 28(2)(f).
   */
  averageToSubsequentRequestMs: number | null;
  /** Median of the same times. */
  medianToSubsequentRequestMs: number | null;
}

/**
 * Art. 28(2) (paraphrase: English wording not checked against EUR-Lex; the list is checked against the German text).
 * The data collected include: (a) the number of EPOCs and EPOC-PRs issued, by type of data requested, addressee and
 * situation (emergency case or not); (b) the number of EPOCs issued under emergency case derogations; (c) the number
 * of fulfilled and non-fulfilled EPOCs and EPOC-PRs, by the same three; (d) the number of notifications to enforcing
 * authorities under Article 8 and of EPOCs refused, by the same three and the ground for refusal raised; (e) for
 * fulfilled EPOCs, the average time from issuing the EPOC to obtaining the data, by the same three; (f) for fulfilled
 * EPOC-PRs, an average time as well.
 * Point (d) as the German text has it: "die Zahl der Mitteilungen an die Vollstreckungsbehörden gemäß Artikel 8 und
 * die Zahl der EPOC, denen nicht Folge geleistet wurde, aufgeschlüsselt nach der Art der angeforderten Daten, den
 * Adressaten, der jeweiligen Situation (Notfall oder nicht) und dem angeführten Ablehnungsgrund" (by the ground for
 * refusal raised): counted here from the Art. 12(1) points the enforcing authority names (refusal.ts).
 * Point (f): the German text could be read only as far as "im Falle von EPOC-PR, denen Folge geleistet wurde, die
 * durchschnittliche Z[eitspanne …]"; what the period is measured to was not read. Our reading (not checked against
 * the text): from issuing the EPOC-PR to the subsequent request for production (Annex V), the step a preservation
 * serves (Art. 11(1)); given apart, as averageToSubsequentRequestMs. A preservation row's averageMs stays the time to
 * preservation.
 * Computed here: (a), (b) (issued without prior validation, Art. 4(5)), (c), (d) with the breakdown by ground, (e),
 * (f) as read above; the median is given beside each average, as in the rest of the report.
 */
export function orderStatistics(orders: readonly StatisticsOrder[]): StatisticsRow[] {
  const rows = new Map<string, StatisticsRow & { durations: number[]; toSubsequent: number[] }>();
  for (const order of orders) {
    const key = [order.type, order.category, order.addressee, order.emergency].join("\u0000");
    let row = rows.get(key);
    if (!row) {
      row = { type: order.type, category: order.category, addressee: order.addressee, emergency: order.emergency, issued: 0, exPost: 0, fulfilled: 0, notFulfilled: 0, notified: 0, refused: 0, refusedByGround: noRefusals(), averageMs: null, medianMs: null, averageToSubsequentRequestMs: null, medianToSubsequentRequestMs: null, durations: [], toSubsequent: [] };
      rows.set(key, row);
    }
    row.issued += 1;
    if (order.exPost) row.exPost += 1;
    if (order.notified) row.notified += 1;
    if (order.refused) row.refused += 1;
    for (const ground of new Set(order.refusalGrounds ?? [])) row.refusedByGround[ground] += 1;
    if (order.type === "preservation" && order.subsequentRequestAt) row.toSubsequent.push(order.subsequentRequestAt.getTime() - order.issuedAt.getTime());
    if (order.fulfilledAt) {
      row.fulfilled += 1;
      row.durations.push(order.fulfilledAt.getTime() - order.issuedAt.getTime());
    } else if (order.notFulfilled) row.notFulfilled += 1;
  }
  return [...rows.values()]
    .map(({ durations, toSubsequent, ...row }) => ({
      ...row,
      averageMs: average(durations),
      medianMs: median(durations),
      averageToSubsequentRequestMs: average(toSubsequent),
      medianToSubsequentRequestMs: median(toSubsequent),
    }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.category.localeCompare(b.category) || a.addressee.localeCompare(b.addressee) || Number(a.emergency) - Number(b.emergency));
}

/** Every ground at zero, in the article's order. */
function noRefusals(): RefusalsByGround {
  return Object.fromEntries(REFUSAL_GROUND_NAMES.map((ground) => [ground, 0])) as RefusalsByGround;
}

/** The mean of the values; null when there are none. */
function average(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}
