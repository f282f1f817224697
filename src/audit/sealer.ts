// The sealer: commands append pending entries (AuditPending) without touching any shared row; the sealer moves them,
// in id order, into the record's hash chain (AuditEntry), as transparency logs do. One process at a time seals, under
// the lease "audit:sealer"; each batch is one transaction that locks the head first, so even two sealers running at
// once never seal a row twice: the second waits for the first, then finds the rows gone (and a row deleted under it
// rolls its batch back). On PostgreSQL transactions commit in another order than their ids were given, so a row may be
// sealed after a later one: the sequence is the order of sealing, each entry keeps its own time, none is lost. A row
// whose mac does not verify (written without the record key, or altered) or whose nonce was already sealed (copied
// back) is refused: left in place, reported, and reported again by `liaison audit verify`.
import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";
import { acquireLease, newLeaseHolder, releaseLease } from "../store/lease.js";
import type { Store } from "../store/db.js";
import { takeCheckpoint, type Checkpoint } from "./checkpoint.js";
import type { RecordKeys } from "./keys.js";
import { chainIntoRecord, lockAuditHead, pendingMac, type StoredRecord } from "./log.js";

/** The lease the sealer holds. */
export const SEALER_LEASE = "audit:sealer";

/** Pending rows sealed per transaction unless told otherwise. */
export const SEAL_BATCH_SIZE = 1000;

/** Batches sealed in one pass at most: under a steady flood a pass ends, renews its lease and goes on at the next. */
const MAX_BATCHES_PER_PASS = 50;

/** A pending row the sealer refused, and why. */
export interface RefusedPending {
  id: number;
  problem: string;
}

/** What one sealing pass did. */
export interface SealOutcome {
  /** Entries sealed into the chain. */
  sealed: number;
  /** The last entry this pass sealed; undefined when it sealed none. */
  last?: { seq: number; hash: string };
  /** Pending rows refused (all of them, each pass). */
  refused: RefusedPending[];
}

/** A pending row as read. */
export type PendingRow = StoredRecord & { id: number; nonce: string; mac: string };

/** Why a pending row may not be sealed, or undefined when it may. */
function problemOf(keys: RecordKeys, row: PendingRow, sealedNonces: ReadonlySet<string>): string | undefined {
  if (pendingMac(keys, row) !== row.mac) {
    return "its mac does not verify: the row was written into the database without the record key, or altered after it was appended";
  }
  if (sealedNonces.has(row.nonce)) return "its nonce was already sealed into the record: the row is a copy of an entry recorded before (replayed)";
  return undefined;
}

/** The problems of pending rows, by id: their macs, and nonces already in the record. */
export async function pendingProblems(db: Pick<Store["db"], "auditEntry">, keys: RecordKeys, rows: readonly PendingRow[]): Promise<RefusedPending[]> {
  if (rows.length === 0) return [];
  const sealed = await db.auditEntry.findMany({ where: { nonce: { in: rows.map((row) => row.nonce) } }, select: { nonce: true } });
  const nonces = new Set(sealed.map((entry) => entry.nonce ?? ""));
  return rows.flatMap((row) => {
    const problem = problemOf(keys, row, nonces);
    return problem ? [{ id: row.id, problem }] : [];
  });
}

/**
 * Seals every pending row committed by now, in id order, batch by batch (each its own transaction). Callers hold the
 * sealer lease (AuditSealer), or are the only process (tests, CLI commands that found it free).
 */
export async function sealPending(store: Store, keys: RecordKeys, batchSize = SEAL_BATCH_SIZE): Promise<SealOutcome> {
  let sealed = 0;
  let last: { seq: number; hash: string } | undefined;
  const refused: RefusedPending[] = [];
  // Refused rows stay in place: the cursor steps over them within a pass, and the next pass starts again from the
  // first id, which picks up rows committed late (with lower ids than rows already sealed).
  for (let after = 0, batches = 0; batches < MAX_BATCHES_PER_PASS; batches += 1) {
    const peek = await store.db.auditPending.findFirst({ where: { id: { gt: after } }, select: { id: true } });
    if (!peek) break;
    const batch = await store.transaction(async (tx) => {
      const head = await lockAuditHead(tx, store.provider);
      // Read after the head is locked: on PostgreSQL (read committed) this statement sees what a sealer before us
      // committed, so rows it sealed are gone.
      const rows = await tx.auditPending.findMany({ where: { id: { gt: after } }, orderBy: { id: "asc" }, take: batchSize });
      const problems = await pendingProblems(tx, keys, rows);
      const bad = new Set(problems.map((problem) => problem.id));
      const good = rows.filter((row) => !bad.has(row.id));
      const chained = await chainIntoRecord(tx, keys, head, good);
      const deleted = await tx.auditPending.deleteMany({ where: { id: { in: good.map((row) => row.id) } } });
      if (deleted.count !== good.length) throw new Error(`pending record entries were sealed by someone else meanwhile (${deleted.count} of ${good.length} still there); nothing of this batch was sealed`);
      return { rows: rows.length, chained, problems, lastId: rows.at(-1)?.id ?? after };
    });
    sealed += batch.chained.length;
    const tail = batch.chained.at(-1);
    if (tail) last = { seq: tail.seq, hash: tail.hash };
    refused.push(...batch.problems);
    if (batch.rows < batchSize) break;
    after = batch.lastId;
  }
  return { sealed, ...(last ? { last } : {}), refused };
}

/** How the sealer runs. */
export interface SealerSettings {
  /** Time between sealing passes. */
  intervalMs: number;
  /** Longest time between signed checkpoints while entries are being sealed. */
  checkpointIntervalMs: number;
  /** How long the sealer's lease lasts before another process may take over (its holder died). */
  leaseMs: number;
  batchSize?: number;
}

/** What the sealer is built from. */
export interface AuditSealerOptions {
  store: Store;
  keys: RecordKeys;
  /** The clock checkpoints are dated with. */
  clock: Clock;
  /** The real clock: for the lease and the checkpoint cadence. */
  leaseClock: Clock;
  logger: Logger;
  settings: SealerSettings;
}

/** What one run of the sealer did. */
export interface SealerRun extends SealOutcome {
  /** Set when another process holds the lease (and nothing was done). */
  skipped?: string;
  /** The checkpoint written in this run, if one was due. */
  checkpoint?: Checkpoint;
}

/** Seals pending entries every `intervalMs` under the sealer lease, and signs a checkpoint at least every `checkpointIntervalMs`. */
export class AuditSealer {
  /** This sealer's name as a lease holder. */
  readonly holder = newLeaseHolder();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;
  /** The last entry this sealer sealed and has not checkpointed yet. */
  #unsigned: { seq: number; hash: string } | undefined;
  #lastCheckpointMs = Number.NEGATIVE_INFINITY;
  readonly #reported = new Set<number>();

  constructor(private readonly options: AuditSealerOptions) {}

  /** Takes (or renews) the lease, seals what is pending, and checkpoints when due; another holder makes it a no-op. */
  async runOnce(): Promise<SealerRun> {
    const { store, keys, clock, leaseClock, logger, settings } = this.options;
    const lease = await acquireLease(store.db, leaseClock, SEALER_LEASE, this.holder, settings.leaseMs);
    if (!lease.acquired) return { sealed: 0, refused: [], skipped: `another Liaison process seals the record (${lease.taken.holder}, lease until ${lease.taken.expiresAt.toISOString()})` };
    if (lease.fromDeadHolder) logger.info({ holder: lease.fromDeadHolder }, "record sealer lease of a dead process taken over");
    const outcome = await sealPending(store, keys, settings.batchSize);
    for (const refused of outcome.refused) {
      if (this.#reported.has(refused.id)) continue;
      this.#reported.add(refused.id);
      logger.error({ pendingId: refused.id, problem: refused.problem }, "a pending record entry was refused: run liaison audit verify");
    }
    // Only hashes this sealer computed are signed: a head found in the database could have been altered.
    if (outcome.last) this.#unsigned = outcome.last;
    const nowMs = leaseClock.now().getTime();
    let checkpoint: Checkpoint | undefined;
    if (this.#unsigned && nowMs - this.#lastCheckpointMs >= settings.checkpointIntervalMs) {
      checkpoint = await takeCheckpoint(store.db, clock, keys, this.#unsigned);
      this.#unsigned = undefined;
      this.#lastCheckpointMs = nowMs;
    }
    return { ...outcome, ...(checkpoint ? { checkpoint } : {}) };
  }

  /** Runs every `intervalMs` until stopped; failures are logged, never thrown. */
  start(): void {
    const tick = () => {
      if (this.#stopped) return;
      this.#running = this.runOnce()
        .catch((error: unknown) => this.options.logger.error({ err: error }, "sealing the record failed"))
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopped) this.#timer = setTimeout(tick, this.options.settings.intervalMs);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops the timer, seals and checkpoints what is left (when it holds or gets the lease), and gives the lease back. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
    const { store, logger } = this.options;
    try {
      this.#lastCheckpointMs = Number.NEGATIVE_INFINITY;
      await this.runOnce();
    } catch (error) {
      logger.error({ err: error }, "sealing the record at shutdown failed");
    } finally {
      await releaseLease(store.db, SEALER_LEASE, this.holder).catch(() => undefined);
    }
  }
}

/**
 * Seals what is pending once, for a command run from the shell (verify, checkpoint, report, import): under the sealer
 * lease when it is free; when a running `liaison start` holds it, that process seals within its interval and this
 * does nothing.
 */
export async function sealOnceIfFree(store: Store, keys: RecordKeys, leaseClock: Clock, leaseMs = 60_000): Promise<SealerRun> {
  const holder = newLeaseHolder();
  const lease = await acquireLease(store.db, leaseClock, SEALER_LEASE, holder, leaseMs);
  if (!lease.acquired) return { sealed: 0, refused: [], skipped: `a running Liaison process seals the record (${lease.taken.holder})` };
  try {
    return await sealPending(store, keys);
  } finally {
    await releaseLease(store.db, SEALER_LEASE, holder);
  }
}
