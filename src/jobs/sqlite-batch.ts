// Batch statements for the embedded database (SQLite). Through the driver adapter every row and every parameter of a
// query has a cost; handing SQLite one JSON document (json_each) and reading one back (json_group_array) instead
// makes a sweep of a thousand cases a few statements. PostgreSQL uses the client's own calls (record.ts, sweep.ts).
import type { Db } from "../store/db.js";
import { sqliteDate } from "../store/sqlite-direct.js";
import type { Tx } from "../store/types.js";

/** Rows of a SELECT, read back as one JSON array; `columns` are the quoted column names, as the keys of each row. */
export async function sqliteSelect<T>(db: Db | Tx, columns: readonly string[], from: string, params: readonly unknown[]): Promise<T[]> {
  const object = columns.map((column) => `'${column}', "${column}"`).join(", ");
  const rows = await db.$queryRawUnsafe<{ rows: string }[]>(`SELECT json_group_array(json_object(${object})) AS rows FROM (SELECT * FROM ${from})`, ...params);
  return JSON.parse(rows[0]?.rows ?? "[]") as T[];
}

/** Inserts rows (objects keyed by column) into a table with one statement. */
export async function sqliteInsert(tx: Tx, table: string, columns: readonly string[], rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const values = columns.map((column) => `j.value->>'${column}'`).join(", ");
  await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) SELECT ${values} FROM json_each(?) AS j`, JSON.stringify(rows));
}

/**
 * Sets each case's reminder columns when it has not changed since it was read (same updatedAt and nextReminderAt);
 * returns the ids of the cases updated. One statement for the whole batch.
 */
export async function sqliteClaimCases(tx: Tx, entries: readonly { id: string; updatedAt: Date; seen: Date | null; next: Date | null }[], remindedUntil: Date): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
  const json = JSON.stringify(entries.map((entry) => ({ id: entry.id, updatedAt: sqliteDate(entry.updatedAt), seen: entry.seen ? sqliteDate(entry.seen) : null, next: entry.next ? sqliteDate(entry.next) : null })));
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE "Case" SET "nextReminderAt" = j.value->>'next', "remindedUntil" = ? FROM json_each(?) AS j
     WHERE "Case"."id" = j.value->>'id' AND "Case"."updatedAt" = j.value->>'updatedAt' AND "Case"."nextReminderAt" IS j.value->>'seen'
     RETURNING "Case"."id" AS id`,
    sqliteDate(remindedUntil),
    json,
  );
  return new Set(rows.map((row) => row.id));
}
