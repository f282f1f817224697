import { createHash } from "node:crypto";
import type { Clock } from "../core/clock.js";
import type { Db } from "../store/db.js";
import { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";

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

/** The hash of an entry: SHA-256 over its content and the previous entry's hash. */
export function entryHash(entry: {
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
}): string {
  const canonical = JSON.stringify([
    entry.seq, entry.at.toISOString(), entry.actorId, entry.actor, entry.via, entry.action, entry.subjectType,
    entry.subjectId, entry.caseId, entry.result, entry.detail, entry.prevHash,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** An entry as stored: the record plus its place in the chain. */
export type AuditRow = Parameters<typeof entryHash>[0] & { hash: string };

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
function chainEntries(records: readonly AuditRecord[], firstSeq: number, previousHash: string, at: Date): AuditRow[] {
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
    prevHash = entryHash(entry);
    return { ...entry, hash: prevHash };
  });
}

/**
 * Appends entries inside the caller's transaction and returns the first one's sequence number. The single AuditHead
 * row is bumped first, in one statement, which locks it on PostgreSQL until commit (and SQLite's write lock covers
 * the rest), so concurrent writers form one unbroken chain.
 */
export async function appendAuditEntries(tx: Tx, clock: Clock, records: readonly AuditRecord[], write: AuditRowWriter = insertRows): Promise<number> {
  const count = records.length;
  if (count === 0) return 0;
  const heads = await tx.$queryRaw<{ seq: number | bigint; hash: string }[]>`INSERT INTO "AuditHead" ("id", "seq", "hash") VALUES (1, ${count}, '') ON CONFLICT ("id") DO UPDATE SET "seq" = "AuditHead"."seq" + ${count} RETURNING "seq", "hash"`;
  const head = heads[0];
  if (!head) throw new Error("the audit head was not updated");
  const firstSeq = Number(head.seq) - count + 1;
  const rows = chainEntries(records, firstSeq, head.hash, clock.now());
  await write(tx, rows);
  await tx.$executeRaw`UPDATE "AuditHead" SET "hash" = ${rows.at(-1)?.hash ?? head.hash} WHERE "id" = 1`;
  return firstSeq;
}

/** Appends one entry inside the caller's transaction; returns its sequence number. */
export function appendAudit(tx: Tx, clock: Clock, record: AuditRecord): Promise<number> {
  return appendAuditEntries(tx, clock, [record]);
}

/** A problem found by verifyAudit. */
export interface AuditProblem {
  seq: number;
  problem: string;
}

/** The outcome of verifying the chain. */
export interface AuditVerification {
  entries: number;
  problems: AuditProblem[];
}

/**
 * Walks the whole chain and reports every entry whose content, hash or link no longer matches: an edited entry
 * breaks its own hash, a deleted one leaves a gap in the sequence or a broken link, a deleted tail disagrees with
 * the head, a deleted head or a wiped record (while the directory or cases remain) is reported too.
 */
export async function verifyAudit(db: Db, batchSize = 5000): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let previousHash = "";
  let count = 0;
  for (;;) {
    const batch = await db.auditEntry.findMany({ where: { seq: { gte: expectedSeq } }, orderBy: { seq: "asc" }, take: batchSize });
    if (batch.length === 0) break;
    for (const entry of batch) {
      count += 1;
      if (entry.seq !== expectedSeq) {
        problems.push({ seq: expectedSeq, problem: `entries ${expectedSeq} to ${entry.seq - 1} are missing (deleted)` });
      } else if (entry.prevHash !== previousHash) {
        problems.push({ seq: entry.seq, problem: "does not link to the entry before it (an earlier entry was changed or removed)" });
      }
      if (entryHash(entry) !== entry.hash) {
        problems.push({ seq: entry.seq, problem: "content does not match its hash (the entry was edited)" });
      }
      previousHash = entry.hash;
      expectedSeq = entry.seq + 1;
    }
  }
  const head = await db.auditHead.findUnique({ where: { id: 1 } });
  if (!head && count > 0) {
    problems.push({ seq: expectedSeq - 1, problem: "the head row is missing beside existing entries: the record's end can no longer be checked (the head was deleted)" });
  }
  if (!head && count === 0 && (await holdsOtherData(db))) {
    problems.push({ seq: 0, problem: "the record is empty while the database holds organisations, contacts or cases: the record was wiped" });
  }
  if (head && (head.seq !== expectedSeq - 1 || head.hash !== previousHash)) {
    problems.push({ seq: head.seq, problem: `the chain ends at ${expectedSeq - 1} but the head records ${head.seq}: entries at the end were removed` });
  }
  return { entries: count, problems };
}

/** Whether the database holds organisations, contacts or cases: every one of those was recorded when it was made. */
async function holdsOtherData(db: Db): Promise<boolean> {
  const [organisation, contact, found] = await Promise.all([
    db.organisation.findFirst({ select: { id: true } }),
    db.contact.findFirst({ select: { id: true } }),
    db.case.findFirst({ select: { id: true } }),
  ]);
  return organisation !== null || contact !== null || found !== null;
}
