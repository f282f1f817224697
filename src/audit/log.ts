import type { Clock } from "../core/clock.js";
import { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";
import type { RecordKeys } from "./keys.js";
import { sealRedText } from "./sealed.js";

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

/** An entry as stored: the record plus its place in the chain. */
export type AuditRow = HashedEntry & { hash: string };

/** Stores built entries in the caller's transaction; the default is one INSERT per thousand entries. */
export type AuditRowWriter = (tx: Tx, rows: AuditRow[]) => Promise<void>;

/** Rows per INSERT: far under PostgreSQL's and SQLite's parameter limits at 13 columns a row. */
const ROWS_PER_INSERT = 1000;

// A plain INSERT through the client's raw query, the same on both databases: every command writes an entry, and the
// client's generated createMany costs several times as much per call.
const insertRows: AuditRowWriter = async (tx, rows) => {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const values = rows
      .slice(start, start + ROWS_PER_INSERT)
      .map((row) => Prisma.sql`(${row.seq}, ${row.at}, ${row.actorId}, ${row.actor}, ${row.via}, ${row.action}, ${row.subjectType}, ${row.subjectId}, ${row.caseId}, ${row.result}, ${row.detail}, ${row.prevHash}, ${row.hash})`);
    await tx.$executeRaw`INSERT INTO "AuditEntry" ("seq", "at", "actorId", "actor", "via", "action", "subjectType", "subjectId", "caseId", "result", "detail", "prevHash", "hash") VALUES ${Prisma.join(values)}`;
  }
};

/** The entries for `records`, chained after the head that precedes them (the entry before `firstSeq`). */
function chainEntries(keys: RecordKeys, records: readonly AuditRecord[], firstSeq: number, previousHash: string, at: Date): AuditRow[] {
  let prevHash = previousHash;
  return records.map((record, index): AuditRow => {
    const entry = {
      seq: firstSeq + index,
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
      prevHash,
    };
    prevHash = entryHash(keys, entry);
    return { ...entry, hash: prevHash };
  });
}

/**
 * Appends entries inside the caller's transaction and returns the first one's sequence number. Free text of TLP:RED
 * cases is sealed first (src/audit/sealed.ts). Then the single AuditHead row is bumped, in one statement, which locks
 * it on PostgreSQL until commit (and SQLite's write lock covers the rest), so concurrent writers form one unbroken
 * chain.
 */
export async function appendAuditEntries(tx: Tx, clock: Clock, keys: RecordKeys, records: readonly AuditRecord[], write: AuditRowWriter = insertRows): Promise<number> {
  const count = records.length;
  if (count === 0) return 0;
  const at = clock.now();
  // Sealed before the head is taken, so that the head is held no longer than before.
  const sealed = await sealRedText(tx, keys, records, at);
  const heads = await tx.$queryRaw<{ seq: number | bigint; hash: string }[]>`INSERT INTO "AuditHead" ("id", "seq", "hash") VALUES (1, ${count}, '') ON CONFLICT ("id") DO UPDATE SET "seq" = "AuditHead"."seq" + ${count} RETURNING "seq", "hash"`;
  const head = heads[0];
  if (!head) throw new Error("the audit head was not updated");
  const firstSeq = Number(head.seq) - count + 1;
  const rows = chainEntries(keys, sealed, firstSeq, head.hash, at);
  await write(tx, rows);
  await tx.$executeRaw`UPDATE "AuditHead" SET "hash" = ${rows.at(-1)?.hash ?? head.hash} WHERE "id" = 1`;
  return firstSeq;
}

/** Appends one entry inside the caller's transaction; returns its sequence number. */
export function appendAudit(tx: Tx, clock: Clock, keys: RecordKeys, record: AuditRecord): Promise<number> {
  return appendAuditEntries(tx, clock, keys, [record]);
}
