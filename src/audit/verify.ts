// Verifying the record: the keyed hash chain, the head, and the signed checkpoints (stored ones, and ones kept
// elsewhere). By default verification starts after the last stored checkpoint whose signature is valid and whose entry
// still has the signed hash (and verifies under the key); --full starts at the first entry. Entries appended and not
// sealed yet (AuditPending) are checked by their own macs.
import type { Db } from "../store/db.js";
import { latestCheckpoints, signatureValid, type Checkpoint } from "./checkpoint.js";
import type { RecordKeys } from "./keys.js";
import { entryHash } from "./log.js";
import { pendingProblems } from "./sealer.js";

/** A problem found by verifyAudit. */
export interface AuditProblem {
  seq: number;
  problem: string;
}

/** The outcome of verifying the record. */
export interface AuditVerification {
  /** How many entries were checked. */
  entries: number;
  /** The checkpoint verification started after; undefined when it started at the first entry. */
  from?: Checkpoint;
  /** The last entry checked (its sequence number and hash); seq 0 when the record is empty. */
  last: { seq: number; hash: string };
  problems: AuditProblem[];
  /** Entries appended and not sealed yet whose macs verify (the sealer chains them shortly). */
  pending: number;
}

/** How to verify. */
export interface VerifyOptions {
  /** Start at the first entry, not after the last good stored checkpoint. */
  full?: boolean;
  /** Checkpoints kept outside the database: each must be signed with the key and match its entry (implies full). */
  against?: readonly Checkpoint[];
  /** Entries read per query. */
  batchSize?: number;
}

/** Stored checkpoints looked at, latest first: enough to step over a few bad ones, few enough to stay cheap. */
const CHECKPOINTS_CONSIDERED = 20;

/** "the kept checkpoint of 2026-11-20 10:00:00 UTC" */
export function describeCheckpoint(checkpoint: Checkpoint, which: "kept" | "stored" | "" = ""): string {
  return `the ${which ? `${which} ` : ""}checkpoint of ${checkpoint.at.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/**
 * Walks the chain and reports every entry whose content, hash or link no longer matches: an edited entry breaks its
 * own HMAC (which nobody can recompute without the record key), a deleted one leaves a gap or a broken link, a deleted
 * tail disagrees with the head and with any later checkpoint, a deleted head or a wiped record (while the directory or
 * cases remain) is reported too; a stored checkpoint with a bad signature, or whose entry changed, is reported.
 */
export async function verifyAudit(db: Db, keys: RecordKeys, options: VerifyOptions = {}): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 5000;
  const against = options.against ?? [];
  const problems: AuditProblem[] = [];
  for (const kept of against) {
    if (!signatureValid(keys, kept)) {
      problems.push({ seq: kept.seq, problem: `${describeCheckpoint(kept, "kept")} (entry ${kept.seq}) has a signature that is not valid for this record's key: it is forged or altered, or from another installation` });
    }
  }
  const keptByseq = new Map(against.filter((kept) => signatureValid(keys, kept)).map((kept) => [kept.seq, kept]));
  const from = await startingCheckpoint(db, keys, problems, options.full === true || against.length > 0);
  let expectedSeq = (from?.seq ?? 0) + 1;
  let previousHash = from?.hash ?? "";
  let count = 0;
  let head: { seq: number; hash: string } | null = null;
  // A sealer running meanwhile moves the head past the entries read: walk on to it (a few times at most).
  for (let rounds = 0; ; rounds += 1) {
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
        if (entryHash(keys, entry) !== entry.hash) {
          problems.push({ seq: entry.seq, problem: "content does not match its hash: the entry was edited (a hash recomputed without the record key does not verify)" });
        }
        const kept = keptByseq.get(entry.seq);
        if (kept) {
          keptByseq.delete(entry.seq);
          if (kept.hash !== entry.hash) problems.push({ seq: entry.seq, problem: `differs from ${describeCheckpoint(kept, "kept")}: the record up to this entry was rewritten` });
        }
        previousHash = entry.hash;
        expectedSeq = entry.seq + 1;
      }
    }
    head = await db.auditHead.findUnique({ where: { id: 1 } });
    if (!head || head.seq <= expectedSeq - 1 || rounds >= 3) break;
  }
  const lastSeq = expectedSeq - 1;
  for (const kept of keptByseq.values()) {
    problems.push({ seq: kept.seq, problem: `entry ${kept.seq}, which ${describeCheckpoint(kept, "kept")} signed, is not in the record: the record was cut back (and perhaps rebuilt)` });
  }
  if (!head && (count > 0 || from)) {
    problems.push({ seq: lastSeq, problem: "the head row is missing beside existing entries: the record's end can no longer be checked (the head was deleted)" });
  }
  if (!head && count === 0 && !from && (await holdsOtherData(db))) {
    problems.push({ seq: 0, problem: "the record is empty while the database holds organisations, contacts or cases: the record was wiped" });
  }
  if (head && (head.seq !== lastSeq || head.hash !== previousHash)) {
    problems.push({ seq: head.seq, problem: `the chain ends at ${lastSeq} but the head records ${head.seq}: entries at the end were removed` });
  }
  const pending = await checkPending(db, keys, problems, batchSize);
  return { entries: count, ...(from ? { from } : {}), last: { seq: lastSeq, hash: previousHash }, problems, pending };
}

/**
 * Checks the entries not sealed yet: each pending row's mac (a row written without the record key, or altered, does
 * not verify) and its nonce (one already sealed is a copy put back). Problems are reported at seq 0, naming the row;
 * returns how many rows are good.
 */
async function checkPending(db: Db, keys: RecordKeys, problems: AuditProblem[], batchSize: number): Promise<number> {
  let good = 0;
  for (let after = 0; ; ) {
    const rows = await db.auditPending.findMany({ where: { id: { gt: after } }, orderBy: { id: "asc" }, take: batchSize });
    if (rows.length === 0) break;
    const found = await pendingProblems(db, keys, rows);
    // A row sealed between the two reads looks copied back: only rows still waiting are reported.
    const still = new Set((await db.auditPending.findMany({ where: { id: { in: found.map((refused) => refused.id) } }, select: { id: true } })).map((row) => row.id));
    const bad = found.filter((refused) => still.has(refused.id));
    for (const refused of bad) problems.push({ seq: 0, problem: `pending entry ${refused.id} (not sealed into the chain): ${refused.problem}` });
    good += rows.length - bad.length;
    after = rows.at(-1)?.id ?? after;
  }
  return good;
}

/**
 * The latest stored checkpoint to start after: signed with this key, its entry present with the signed hash, and
 * that entry verifying under the key. Stored checkpoints that fail are reported; with `full`, every one looked at is
 * checked and none is started from.
 */
async function startingCheckpoint(db: Db, keys: RecordKeys, problems: AuditProblem[], full: boolean): Promise<Checkpoint | undefined> {
  const stored = await latestCheckpoints(db, CHECKPOINTS_CONSIDERED);
  const entries = new Map((await db.auditEntry.findMany({ where: { seq: { in: stored.map((checkpoint) => checkpoint.seq) } } })).map((entry) => [entry.seq, entry]));
  let start: Checkpoint | undefined;
  for (const checkpoint of stored) {
    const where = `${describeCheckpoint(checkpoint, "stored")} (entry ${checkpoint.seq})`;
    if (!signatureValid(keys, checkpoint)) {
      problems.push({ seq: checkpoint.seq, problem: `${where} has a signature that is not valid for this record's key: the checkpoints were altered` });
      continue;
    }
    const entry = entries.get(checkpoint.seq);
    if (!entry) {
      problems.push({ seq: checkpoint.seq, problem: `entry ${checkpoint.seq}, which ${where} signed, is not in the record: the record was cut back` });
    } else if (entry.hash !== checkpoint.hash) {
      problems.push({ seq: checkpoint.seq, problem: `differs from ${where}: the record up to this entry was rewritten` });
    } else if (entryHash(keys, entry) === entry.hash && !full && !start) {
      start = checkpoint;
    }
  }
  return start;
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
