// Counting events in rate-limit windows, in the database so that every Liaison process sharing it counts together.
// Each key (a limit and an account or organisation) has one row: when its window began, how many events it admitted
// and how many attempts it refused since. One statement counts an attempt against one key and says whether it fits.
import { Prisma } from "../store/generated/sqlite/client.js";
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

/** Attempts counted at once against one key: how many of them the window admitted, the first ones first. */
export interface CountedAttempts extends CountedWindow {
  /** How many of the attempts were admitted (the first ones); the others were refused. */
  admittedCount: number;
}

/** `a` or `b`, whichever is smaller, in SQL both databases read (SQLite's MIN and PostgreSQL's LEAST differ). */
function smaller(a: Prisma.Sql, b: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(CASE WHEN ${a} < ${b} THEN ${a} ELSE ${b} END)`;
}

/**
 * Counts `attempts` attempts at `at` against `key` inside the caller's transaction (or on its own, committed at
 * once): the first ones are admitted while the window holds fewer than `ceiling` events (a window lasts `windowMs`
 * from its first event; an attempt after it starts a new one), the rest are refused and counted as refused (the
 * window ends when it would have). One INSERT ... ON CONFLICT DO UPDATE ... RETURNING on SQLite and PostgreSQL
 * alike; "lastRefused" holds how many of this statement's attempts were refused. On PostgreSQL the row stays locked
 * until the transaction ends, so attempts of the same key in two processes at once are counted one after the other.
 */
export async function countAttemptsInWindow(tx: Tx, key: string, at: Date, windowMs: number, ceiling: number, attempts: number): Promise<CountedAttempts> {
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`attempts must be a whole number of at least 1, not ${attempts}`);
  const endedBy = new Date(at.getTime() - windowMs);
  const fresh = Math.min(attempts, ceiling);
  const expired = Prisma.sql`"RateWindow"."windowStartAt" <= ${endedBy}`;
  const current = Prisma.sql`"RateWindow"."count"`;
  const filled = smaller(Prisma.sql`${current} + ${attempts}`, Prisma.sql`${ceiling}`);
  const rows = await tx.$queryRaw<{ windowStartAt: Date | string | number; count: number | bigint; refused: number | bigint; lastRefused: number | bigint }[]>`
    INSERT INTO "RateWindow" ("key", "windowStartAt", "count", "refused", "lastRefused") VALUES (${key}, ${at}, ${fresh}, ${attempts - fresh}, ${attempts - fresh})
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN ${expired} THEN ${fresh} WHEN ${current} < ${ceiling} THEN ${filled} ELSE ${current} END,
      "refused" = CASE WHEN ${expired} THEN ${attempts - fresh}
        WHEN ${current} < ${ceiling} THEN "RateWindow"."refused" + ${current} + ${attempts} - ${filled} ELSE "RateWindow"."refused" + ${attempts} END,
      "lastRefused" = CASE WHEN ${expired} THEN ${attempts - fresh} WHEN ${current} < ${ceiling} THEN ${current} + ${attempts} - ${filled} ELSE ${attempts} END,
      "windowStartAt" = CASE WHEN ${expired} THEN excluded."windowStartAt" ELSE "RateWindow"."windowStartAt" END
    RETURNING "windowStartAt", "count", "refused", "lastRefused"`;
  const row = rows[0];
  if (!row) throw new Error(`rate window ${key} was not updated`);
  const refusedNow = Number(row.lastRefused);
  return { windowStartAt: new Date(row.windowStartAt), count: Number(row.count), refused: Number(row.refused), admitted: refusedNow === 0, admittedCount: attempts - refusedNow };
}

/**
 * Counts one attempt at `at` against `key` inside the caller's transaction: admitted while the window holds fewer
 * than `ceiling` events, refused otherwise (see countAttemptsInWindow). `refused` is 1 on the window's first refusal.
 */
export async function countInWindow(tx: Tx, key: string, at: Date, windowMs: number, ceiling: number): Promise<CountedWindow> {
  const { admittedCount: _admittedCount, ...window } = await countAttemptsInWindow(tx, key, at, windowMs, ceiling, 1);
  return window;
}
