// Writing many once-only messages and record entries in one transaction, for the jobs that handle hundreds of cases
// or contacts at once. Same rows and semantics as enqueue() (src/outbox/outbox.ts); record entries go through
// appendAuditEntries (src/audit/log.ts) with a one-statement SQLite writer.
import { appendAuditEntries, type AuditRecord, type AuditRow } from "../audit/log.js";
import type { Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { reserveCounterValues } from "../outbox/counter.js";
import type { OutboxItem } from "../outbox/outbox.js";
import type { Db, Provider } from "../store/db.js";
import type { Tx } from "../store/types.js";
import { sqliteDate, sqliteInsert, sqliteSelect } from "./sqlite-batch.js";

/** Most values in one IN list (well under SQLite's and PostgreSQL's parameter limits). */
const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** The once-only keys among `keys` that were already written. */
export async function usedOnceKeys(tx: Tx | Db, keys: readonly string[], provider: Provider): Promise<Set<string>> {
  const used = new Set<string>();
  if (keys.length === 0) return used;
  if (provider === "sqlite") {
    const rows = await sqliteSelect<{ onceKey: string }>(tx, ["onceKey"], `"OutboxMessage" WHERE "onceKey" IN (SELECT value FROM json_each(?))`, [JSON.stringify(keys)]);
    return new Set(rows.map((row) => row.onceKey));
  }
  for (const part of chunks(keys)) {
    const rows = await tx.outboxMessage.findMany({ where: { onceKey: { in: part } }, select: { onceKey: true } });
    for (const row of rows) if (row.onceKey) used.add(row.onceKey);
  }
  return used;
}

/**
 * Writes outbox messages in the caller's transaction, skipping items whose onceKey was already written (or repeats
 * one earlier in the batch); returns the items written. A key written by another process meanwhile makes the
 * insert fail on the unique index, and the caller's transaction with it: nothing is ever sent twice.
 */
export async function enqueueBatch(tx: Tx, clock: Clock, items: readonly OutboxItem[], provider: Provider): Promise<OutboxItem[]> {
  const keys = items.flatMap((item) => (item.onceKey !== undefined ? [item.onceKey] : []));
  const used = await usedOnceKeys(tx, keys, provider);
  const fresh = items.filter((item) => {
    if (item.onceKey === undefined) return true;
    if (used.has(item.onceKey)) return false;
    used.add(item.onceKey);
    return true;
  });
  if (fresh.length === 0) return [];
  const firstSeq = await reserveCounterValues(tx, "outbox", fresh.length);
  const now = clock.now();
  // One message often goes to several people and threads: encode it once.
  const encoded = new Map<OutboxItem["message"], string>();
  const encode = (message: OutboxItem["message"]): string => {
    let text = encoded.get(message);
    if (text === undefined) encoded.set(message, (text = JSON.stringify(message)));
    return text;
  };
  const rows = fresh.map((item, index) => ({
    id: newId(),
    seq: firstSeq + index,
    createdAt: now,
    streamKey: item.streamKey,
    dueAt: item.notBefore && item.notBefore > now ? item.notBefore : now,
    destination: JSON.stringify(item.destination),
    message: encode(item.message),
    ...(item.onceKey !== undefined ? { onceKey: item.onceKey } : {}),
  }));
  if (provider === "sqlite") {
    const created = sqliteDate(now);
    const stored = rows.map((row) => ({ ...row, createdAt: created, dueAt: row.dueAt === now ? created : sqliteDate(row.dueAt), state: "pending", attempts: 0 }));
    await sqliteInsert(tx, "OutboxMessage", ["id", "seq", "createdAt", "streamKey", "state", "dueAt", "attempts", "destination", "message", "onceKey"], stored);
  } else {
    for (const part of chunks(rows)) await tx.outboxMessage.createMany({ data: part });
  }
  return fresh;
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
