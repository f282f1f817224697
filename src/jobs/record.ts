// Writing many once-only messages and record entries in one transaction, for the jobs that handle hundreds of cases
// or contacts at once: the outbox's enqueueItems and the record's appendAuditEntries, with SQLite storage that takes
// one statement per batch instead of per-row parameters.
import { appendAuditEntries, type AuditRecord, type AuditRow } from "../audit/log.js";
import type { Clock } from "../core/clock.js";
import { enqueueItems, prismaOutboxStorage, type OutboxItem, type OutboxStorage } from "../outbox/outbox.js";
import type { Db, Provider } from "../store/db.js";
import type { Tx } from "../store/types.js";
import { sqliteDate } from "../store/sqlite-direct.js";
import { sqliteInsert, sqliteSelect } from "./sqlite-batch.js";

/** Outbox storage through single SQLite statements over JSON arrays (no per-row parameters). */
const sqliteOutboxStorage: OutboxStorage = {
  async usedOnceKeys(tx, keys) {
    const rows = await sqliteSelect<{ onceKey: string }>(tx, ["onceKey"], `"OutboxMessage" WHERE "onceKey" IN (SELECT value FROM json_each(?))`, [JSON.stringify(keys)]);
    return new Set(rows.map((row) => row.onceKey));
  },
  async insert(tx, rows) {
    const stored = rows.map((row) => ({ ...row, createdAt: sqliteDate(row.createdAt), dueAt: sqliteDate(row.dueAt), state: "pending", attempts: 0 }));
    await sqliteInsert(tx, "OutboxMessage", ["id", "seq", "createdAt", "streamKey", "state", "dueAt", "attempts", "destination", "message", "onceKey"], stored);
  },
};

/** The outbox storage for a database. */
function outboxStorage(provider: Provider): OutboxStorage {
  return provider === "sqlite" ? sqliteOutboxStorage : prismaOutboxStorage;
}

/** The once-only keys among `keys` that were already written. */
export async function usedOnceKeys(tx: Tx | Db, keys: readonly string[], provider: Provider): Promise<Set<string>> {
  return keys.length === 0 ? new Set() : outboxStorage(provider).usedOnceKeys(tx, keys);
}

/** Writes outbox messages in the caller's transaction with enqueueItems; returns the items written. */
export function enqueueBatch(tx: Tx, clock: Clock, items: readonly OutboxItem[], provider: Provider): Promise<OutboxItem[]> {
  return enqueueItems(tx, clock, items, outboxStorage(provider));
}

/** Appends record entries in the caller's transaction (one insert statement on SQLite). */
export async function appendAuditBatch(tx: Tx, clock: Clock, records: readonly AuditRecord[], provider: Provider): Promise<void> {
  await appendAuditEntries(tx, clock, records, provider === "sqlite" ? writeAuditRowsSqlite : undefined);
}

/** Writes record entries with one SQLite statement. */
async function writeAuditRowsSqlite(tx: Tx, rows: AuditRow[]): Promise<void> {
  const stored = rows.map((row) => ({ ...row, at: sqliteDate(row.at) }));
  await sqliteInsert(tx, "AuditEntry", ["seq", "at", "actorId", "actor", "via", "action", "subjectType", "subjectId", "caseId", "result", "detail", "prevHash", "hash"], stored);
}
