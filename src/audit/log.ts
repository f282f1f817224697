import { randomBytes } from "node:crypto";
import type { Clock } from "../core/clock.js";
import { Prisma } from "../store/generated/sqlite/client.js";
import type { Provider } from "../store/db.js";
import type { Tx } from "../store/types.js";
import type { RecordKeys } from "./keys.js";
import { sealRedText, type KnownCaseTlps } from "./sealed.js";

/** What happened, by whom, from where: one entry of the record. */
export interface AuditRecord {
  /** Contact id of the actor, null for the system or the operator. */
  actorId: string | null;
  /** Readable actor: a handle, "system" or "operator". */
  actor: string;
  /** Chat identity or channel, e.g. "slack:T01:U02", "cli". */
  via: string;
  action: string;
  subjectType: string;
  subjectId: string;
  caseId?: string | null;
  /** "ok", or "refused:<code>" for a refusal. */
  result: string;
  /** Arguments, before/after: anything JSON. */
  detail: unknown;
}

/** What an entry's hash covers: its content and the previous entry's hash. */
export interface HashedEntry {
  seq: number;
  at: Date;
  actorId: string | null;
  actor: string;
  via: string;
  action: string;
  subjectType: string;
  subjectId: string;
  caseId: string | null;
  result: string;
  detail: string;
  prevHash: string;
}

/** The canonical text of an entry, as hashed. */
export function canonicalEntry(entry: HashedEntry): string {
  return JSON.stringify([
    entry.seq, entry.at.toISOString(), entry.actorId, entry.actor, entry.via, entry.action, entry.subjectType,
    entry.subjectId, entry.caseId, entry.result, entry.detail, entry.prevHash,
  ]);
}

/**
 * The hash of an entry: HMAC-SHA-256, with the entry key derived from the record key, over its content and the
 * previous entry's hash. Without the record key nobody can recompute a chain after changing an entry.
 */
export function entryHash(keys: RecordKeys, entry: HashedEntry): string {
  return keys.mac(canonicalEntry(entry));
}

/** An entry as stored: the record plus its place in the chain (and the nonce of the pending row it was sealed from). */
export type AuditRow = HashedEntry & { hash: string; nonce?: string | null };

/** Stores built entries in the caller's transaction; the default is one INSERT per thousand entries. */
export type AuditRowWriter = (tx: Tx, rows: AuditRow[]) => Promise<void>;

/** Rows per INSERT: far under PostgreSQL's and SQLite's parameter limits at 14 columns a row. */
const ROWS_PER_INSERT = 1000;

// A plain INSERT through the client's raw query, the same on both databases: every command writes an entry, and the
// client's generated createMany costs several times as much per call.
const insertRows: AuditRowWriter = async (tx, rows) => {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const values = rows
      .slice(start, start + ROWS_PER_INSERT)
      .map((row) => Prisma.sql`(${row.seq}, ${row.at}, ${row.actorId}, ${row.actor}, ${row.via}, ${row.action}, ${row.subjectType}, ${row.subjectId}, ${row.caseId}, ${row.result}, ${row.detail}, ${row.prevHash}, ${row.hash}, ${row.nonce ?? null})`);
    await tx.$executeRaw`INSERT INTO "AuditEntry" ("seq", "at", "actorId", "actor", "via", "action", "subjectType", "subjectId", "caseId", "result", "detail", "prevHash", "hash", "nonce") VALUES ${Prisma.join(values)}`;
  }
};

/** A record's content as stored: what a pending row holds and a sealed entry keeps (detail as JSON text). */
export interface StoredRecord {
  at: Date;
  actorId: string | null;
  actor: string;
  via: string;
  action: string;
  subjectType: string;
  subjectId: string;
  caseId: string | null;
  result: string;
  detail: string;
}

/** A record as stored, at `at`. */
export function storedRecord(record: AuditRecord, at: Date): StoredRecord {
  return {
    at,
    actorId: record.actorId,
    actor: record.actor,
    via: record.via,
    action: record.action,
    subjectType: record.subjectType,
    subjectId: record.subjectId,
    caseId: record.caseId ?? null,
    result: record.result,
    detail: JSON.stringify(record.detail ?? null),
  };
}

/** Stored records chained after the head that precedes them (the entry before `firstSeq`, whose hash is `previousHash`). */
export function chainStored(keys: RecordKeys, records: readonly (StoredRecord & { nonce?: string | null })[], firstSeq: number, previousHash: string): AuditRow[] {
  let prevHash = previousHash;
  return records.map((record, index): AuditRow => {
    const entry: HashedEntry = {
      seq: firstSeq + index,
      at: record.at,
      actorId: record.actorId,
      actor: record.actor,
      via: record.via,
      action: record.action,
      subjectType: record.subjectType,
      subjectId: record.subjectId,
      caseId: record.caseId,
      result: record.result,
      detail: record.detail,
      prevHash,
    };
    prevHash = entryHash(keys, entry);
    return { ...entry, hash: prevHash, nonce: record.nonce ?? null };
  });
}

/** The PostgreSQL advisory lock of the head (any fixed 64-bit number of Liaison's own). */
const HEAD_LOCK_KEY = 7_212_601_337;

/**
 * Locks the head (the single AuditHead row) until the caller's transaction ends, and returns it; undefined while the
 * record has none. On PostgreSQL a transaction-level advisory lock (which exists before the head row does) and then
 * SELECT ... FOR UPDATE make any other sealer wait; on SQLite the transaction's write lock already excludes every
 * other writer.
 */
export async function lockAuditHead(tx: Tx, provider: Provider): Promise<{ seq: number; hash: string } | undefined> {
  if (provider === "postgresql") await tx.$queryRaw`SELECT pg_advisory_xact_lock(${HEAD_LOCK_KEY}::bigint)::text AS "locked"`;
  const heads =
    provider === "postgresql"
      ? await tx.$queryRaw<{ seq: number | bigint; hash: string }[]>`SELECT "seq", "hash" FROM "AuditHead" WHERE "id" = 1 FOR UPDATE`
      : await tx.$queryRaw<{ seq: number | bigint; hash: string }[]>`SELECT "seq", "hash" FROM "AuditHead" WHERE "id" = 1`;
  const head = heads[0];
  return head ? { seq: Number(head.seq), hash: head.hash } : undefined;
}

/**
 * Chains stored records straight into the record after `head` (locked by the caller with lockAuditHead, in the same
 * transaction), writes the rows and moves the head (made when missing: two first sealings at once collide on it and
 * on entry 1, and the second fails). Returns the rows written. Used by the sealer and by adopt-key; commands append
 * pending entries instead (appendAuditEntries).
 */
export async function chainIntoRecord(tx: Tx, keys: RecordKeys, head: { seq: number; hash: string } | undefined, records: readonly (StoredRecord & { nonce?: string | null })[], write: AuditRowWriter = insertRows): Promise<AuditRow[]> {
  if (records.length === 0) return [];
  const rows = chainStored(keys, records, (head?.seq ?? 0) + 1, head?.hash ?? "");
  await write(tx, rows);
  const last = rows.at(-1) as AuditRow;
  if (head) await tx.$executeRaw`UPDATE "AuditHead" SET "seq" = ${last.seq}, "hash" = ${last.hash} WHERE "id" = 1`;
  else await tx.$executeRaw`INSERT INTO "AuditHead" ("id", "seq", "hash") VALUES (1, ${last.seq}, ${last.hash})`;
  return rows;
}

/** The canonical text of a pending row, as its mac covers it: a label of its own, its nonce and its content. */
export function canonicalPending(row: StoredRecord & { nonce: string }): string {
  return JSON.stringify([
    "liaison-audit-pending:v1", row.nonce, row.at.toISOString(), row.actorId, row.actor, row.via, row.action, row.subjectType,
    row.subjectId, row.caseId, row.result, row.detail,
  ]);
}

/** The mac of a pending row: HMAC-SHA-256 under the entry key, so that nobody without the record key can forge one. */
export function pendingMac(keys: RecordKeys, row: StoredRecord & { nonce: string }): string {
  return keys.mac(canonicalPending(row));
}

/**
 * Appends entries inside the caller's transaction: free text of TLP:RED cases is sealed first (src/audit/sealed.ts),
 * then each entry is inserted as a pending row (AuditPending) with a random nonce and its mac. No shared row is
 * touched, so concurrent writers do not wait for each other; the sealer (src/audit/sealer.ts) chains them into the
 * record shortly after they commit. `known` (a unit of work's) spares the look-up of the TLP of cases it already read.
 * Returns how many were appended.
 */
export async function appendAuditEntries(tx: Tx, clock: Clock, keys: RecordKeys, records: readonly AuditRecord[], known?: KnownCaseTlps): Promise<number> {
  const count = records.length;
  if (count === 0) return 0;
  const at = clock.now();
  const sealed = await sealRedText(tx, keys, records, at, known);
  for (let start = 0; start < sealed.length; start += ROWS_PER_INSERT) {
    const values = sealed.slice(start, start + ROWS_PER_INSERT).map((record) => {
      const row = { ...storedRecord(record, at), nonce: randomBytes(16).toString("hex") };
      return Prisma.sql`(${row.nonce}, ${row.at}, ${row.actorId}, ${row.actor}, ${row.via}, ${row.action}, ${row.subjectType}, ${row.subjectId}, ${row.caseId}, ${row.result}, ${row.detail}, ${pendingMac(keys, row)})`;
    });
    await tx.$executeRaw`INSERT INTO "AuditPending" ("nonce", "at", "actorId", "actor", "via", "action", "subjectType", "subjectId", "caseId", "result", "detail", "mac") VALUES ${Prisma.join(values)}`;
  }
  return count;
}

/** Appends one entry inside the caller's transaction. */
export function appendAudit(tx: Tx, clock: Clock, keys: RecordKeys, record: AuditRecord): Promise<number> {
  return appendAuditEntries(tx, clock, keys, [record]);
}
