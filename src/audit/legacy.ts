// Records kept before the record key: their entries were chained with plain SHA-256, which anyone who can write the
// database can recompute. `liaison audit adopt-key` moves such a record onto the key once: it verifies the old chain
// in full (and refuses when anything is wrong with it), re-chains every entry under the key in one transaction,
// appends an entry saying so (with the old head's hash, to compare with any old `liaison audit verify` output kept
// elsewhere), and stores a checkpoint. A record already kept with a key never verifies as an old one, and one rewritten
// into the old form still has checkpoints, case keys or its adoption entry, which refuse it; kept checkpoints signed
// with the old key stop verifying after an adoption, so an adoption nobody asked for shows.
import { createHash } from "node:crypto";
import type { Clock } from "../core/clock.js";
import { lockForWriting, type Store } from "../store/db.js";
import type { Tx } from "../store/types.js";
import { takeCheckpoint, type Checkpoint } from "./checkpoint.js";
import type { RecordKeys } from "./keys.js";
import { canonicalEntry, chainIntoRecord, entryHash, lockAuditHead, storedRecord, type HashedEntry } from "./log.js";
import type { AuditProblem } from "./verify.js";

/** Longest the re-chaining transaction may run (minutes for millions of entries). */
const ADOPT_TIMEOUT_MS = 60 * 60_000;

/** The hash an entry had before the record key: SHA-256 of its canonical text. */
export function legacyHash(entry: HashedEntry): string {
  return createHash("sha256").update(canonicalEntry(entry)).digest("hex");
}

/** Whether the record was kept before the record key: its last entry carries the old, unkeyed hash. */
export async function isLegacyRecord(db: Store["db"]): Promise<boolean> {
  const last = await db.auditEntry.findFirst({ orderBy: { seq: "desc" } });
  return last !== null && legacyHash(last) === last.hash;
}

/** What adopt-key did, or why it did nothing. */
export type AdoptOutcome =
  | { adopted: true; entries: number; legacyHeadHash: string; checkpoint: Checkpoint }
  | { adopted: false; reason: string; problems: AuditProblem[] };

/** Verifies the old chain in full and re-chains it under `keys` (see the file's comment). */
export async function adoptRecordKey(store: Store, clock: Clock, keys: RecordKeys, batchSize = 5000): Promise<AdoptOutcome> {
  if (!(await isLegacyRecord(store.db))) {
    return { adopted: false, reason: "The record is empty or was not kept before the record key (its last entry is not an old, unkeyed one); there is nothing to adopt.", problems: [] };
  }
  // A record rewritten into the old form by someone who removed its key must not be blessed with a new one: what only
  // a keyed record has (checkpoints, case keys, an earlier adoption) refuses it.
  const [checkpoints, caseKeys, adopted] = await Promise.all([
    store.db.auditCheckpoint.count(),
    store.db.caseKey.count(),
    store.db.auditEntry.count({ where: { action: "audit.adopt-key" } }),
  ]);
  if (checkpoints + caseKeys + adopted > 0) {
    return {
      adopted: false,
      reason: `This record looks old, but the database has what only a record kept with a key has (${checkpoints} checkpoint(s), ${caseKeys} case key(s), ${adopted} earlier adoption(s)): its entries were rewritten into the old form. It is left as it is; restore the record key from its backup and run liaison audit verify.`,
      problems: [],
    };
  }
  const checked = await verifyLegacy(store.db, batchSize);
  if (checked.problems.length > 0) {
    return { adopted: false, reason: "The old record does not verify; it is left as it is, so that what was done to it can still be seen.", problems: checked.problems };
  }
  const run = async (tx: Tx) => {
    if (store.provider === "sqlite") await lockForWriting(tx);
    let previous = "";
    let count = 0;
    for (let from = 1; ; ) {
      const batch = await tx.auditEntry.findMany({ where: { seq: { gte: from } }, orderBy: { seq: "asc" }, take: batchSize });
      if (batch.length === 0) break;
      for (const entry of batch) {
        const hash = entryHash(keys, { ...entry, prevHash: previous });
        await tx.$executeRaw`UPDATE "AuditEntry" SET "prevHash" = ${previous}, "hash" = ${hash} WHERE "seq" = ${entry.seq}`;
        previous = hash;
        count += 1;
      }
      from = (batch.at(-1)?.seq ?? from) + 1;
    }
    await tx.$executeRaw`UPDATE "AuditHead" SET "hash" = ${previous} WHERE "id" = 1`;
    // Chained at once (not appended for the sealer): the checkpoint below signs it.
    const head = await lockAuditHead(tx, store.provider);
    await chainIntoRecord(tx, keys, head, [
      storedRecord({
        actorId: null, actor: "operator", via: "cli", action: "audit.adopt-key", subjectType: "record", subjectId: "record", result: "ok",
        detail: { entries: count, legacyHeadSeq: checked.lastSeq, legacyHeadHash: checked.lastHash, keyId: keys.keyId },
      }, clock.now()),
    ]);
    return count;
  };
  const entries = await store.db.$transaction(run, { maxWait: 30_000, timeout: ADOPT_TIMEOUT_MS });
  const last = await store.db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } });
  const checkpoint = await takeCheckpoint(store.db, clock, keys, last);
  return { adopted: true, entries, legacyHeadHash: checked.lastHash, checkpoint };
}

/** The old chain's checks: sequence, links, SHA-256 hashes and the head. */
async function verifyLegacy(db: Store["db"], batchSize: number): Promise<{ problems: AuditProblem[]; lastSeq: number; lastHash: string }> {
  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let previousHash = "";
  for (;;) {
    const batch = await db.auditEntry.findMany({ where: { seq: { gte: expectedSeq } }, orderBy: { seq: "asc" }, take: batchSize });
    if (batch.length === 0) break;
    for (const entry of batch) {
      if (entry.seq !== expectedSeq) problems.push({ seq: expectedSeq, problem: `entries ${expectedSeq} to ${entry.seq - 1} are missing (deleted)` });
      else if (entry.prevHash !== previousHash) problems.push({ seq: entry.seq, problem: "does not link to the entry before it (an earlier entry was changed or removed)" });
      if (legacyHash(entry) !== entry.hash) problems.push({ seq: entry.seq, problem: "content does not match its hash (the entry was edited)" });
      previousHash = entry.hash;
      expectedSeq = entry.seq + 1;
    }
  }
  const head = await db.auditHead.findUnique({ where: { id: 1 } });
  if (!head) problems.push({ seq: expectedSeq - 1, problem: "the head row is missing beside existing entries (the head was deleted)" });
  else if (head.seq !== expectedSeq - 1 || head.hash !== previousHash) problems.push({ seq: head.seq, problem: `the chain ends at ${expectedSeq - 1} but the head records ${head.seq}: entries at the end were removed` });
  return { problems, lastSeq: expectedSeq - 1, lastHash: previousHash };
}
