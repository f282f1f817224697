// Counting events in rate-limit windows, in the database so that every Liaison process sharing it counts together.
// Each key (a limit and an account or organisation) has one row: when its window began, how many events it admitted
// and how many attempts it refused since. One statement counts an attempt against one key and says whether it fits.
import type { Tx } from "../store/types.js";

/** A key's window after an attempt was counted in it. */
export interface CountedWindow {
  /** When the key's window began (its first admitted event). */
  windowStartAt: Date;
  /** Events admitted in the window, this one included when admitted. */
  count: number;
  /** Attempts refused in the window, this one included when refused (1: the first refusal of the window). */
  refused: number;
  /** Whether this attempt fits under the ceiling. */
  admitted: boolean;
}

/**
 * Counts one attempt at `at` against `key` inside the caller's transaction: admitted while the window holds fewer than
 * `ceiling` events (a window lasts `windowMs` from its first event; an attempt after it starts a new one), refused
 * otherwise (then it counts as refused, and the window ends when it would have). One INSERT ... ON CONFLICT DO
 * UPDATE ... RETURNING on SQLite and PostgreSQL alike; on PostgreSQL the row stays locked until the transaction ends,
 * so attempts of the same account (or organisation) in two processes at once are counted one after the other.
 */
export async function countInWindow(tx: Tx, key: string, at: Date, windowMs: number, ceiling: number): Promise<CountedWindow> {
  const endedBy = new Date(at.getTime() - windowMs);
  const rows = await tx.$queryRaw<{ windowStartAt: Date | string | number; count: number | bigint; refused: number | bigint; lastRefused: number | bigint }[]>`
    INSERT INTO "RateWindow" ("key", "windowStartAt", "count", "refused", "lastRefused") VALUES (${key}, ${at}, 1, 0, 0)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateWindow"."windowStartAt" <= ${endedBy} THEN 1
        WHEN "RateWindow"."count" < ${ceiling} THEN "RateWindow"."count" + 1 ELSE "RateWindow"."count" END,
      "refused" = CASE WHEN "RateWindow"."windowStartAt" <= ${endedBy} THEN 0
        WHEN "RateWindow"."count" < ${ceiling} THEN "RateWindow"."refused" ELSE "RateWindow"."refused" + 1 END,
      "lastRefused" = CASE WHEN "RateWindow"."windowStartAt" <= ${endedBy} OR "RateWindow"."count" < ${ceiling} THEN 0 ELSE 1 END,
      "windowStartAt" = CASE WHEN "RateWindow"."windowStartAt" <= ${endedBy} THEN excluded."windowStartAt" ELSE "RateWindow"."windowStartAt" END
    RETURNING "windowStartAt", "count", "refused", "lastRefused"`;
  const row = rows[0];
  if (!row) throw new Error(`rate window ${key} was not updated`);
  return { windowStartAt: new Date(row.windowStartAt), count: Number(row.count), refused: Number(row.refused), admitted: Number(row.lastRefused) === 0 };
}
