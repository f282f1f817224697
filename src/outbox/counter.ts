import type { Tx } from "../store/types.js";

/**
 * Adds `count` to a named counter inside the caller's transaction and returns the first of the values reserved
 * (a new counter starts at 1). One statement on SQLite and PostgreSQL alike; on PostgreSQL the row stays locked
 * until the transaction ends, so concurrent writers get distinct values.
 */
export async function reserveCounterValues(tx: Tx, name: string, count: number): Promise<number> {
  const rows = await tx.$queryRaw<{ value: number | bigint }[]>`INSERT INTO "Counter" ("name", "value") VALUES (${name}, ${count}) ON CONFLICT ("name") DO UPDATE SET "value" = "Counter"."value" + ${count} RETURNING "value"`;
  const value = rows[0]?.value;
  if (value === undefined) throw new Error(`counter ${name} was not updated`);
  return Number(value) - count + 1;
}

/** Increments a named counter inside the caller's transaction and returns the new value (1 for a new counter). */
export function nextCounterValue(tx: Tx, name: string): Promise<number> {
  return reserveCounterValues(tx, name, 1);
}
