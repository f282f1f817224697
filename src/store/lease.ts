// Named leases in the database (the Lease model), so that of several Liaison processes sharing one database only one
// runs a job (the scheduler's jobs, the record sealer) at a time. A lease expires by itself when its holder dies; its
// holder renews or releases it; and a holder on this host whose process is gone frees it at once (holderIsDead), so a
// Liaison restarted after kill -9 does not wait for the lease to run out. The holder's name and the liveness check are
// also those of the outbox's message leases (src/outbox/lease.ts).
import { randomUUID } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import type { Clock } from "../core/clock.js";
import type { Db } from "./db.js";

/**
 * Where process ids mean something: this boot of the machine and this PID namespace (a container has its own). Empty
 * where it cannot be told (not Linux), and then no holder is ever judged dead by its process id.
 */
function processPlace(): string {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim().replace(/[^0-9a-f]/g, "");
    const namespace = /\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/pid"))?.[1];
    return boot !== "" && namespace ? `${boot.slice(0, 16)}.${namespace}` : "";
  } catch {
    return "";
  }
}

const PLACE = processPlace();

/**
 * Who holds a lease: host, process, a random part (two cores in one process are two holders) and the place where the
 * process id is meaningful (boot and PID namespace), as `host:pid:random:place`.
 */
export function newLeaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}:${PLACE}`;
}

/** Whether a process of this machine's current boot and PID namespace is gone (a zombie counts as gone). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  try {
    // "pid (comm) S ...": the state follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}

/**
 * Whether a lease's holder is certainly dead: it names this host, this boot and this PID namespace, and its process no
 * longer exists. Anything else (another host or container, an older holder format, a live or reused process id) is
 * taken as alive, and its lease runs out by itself instead: a wrong "dead" would let two live processes send the same
 * message.
 */
export function holderIsDead(holder: string): boolean {
  const parts = holder.split(":");
  if (parts.length !== 4 || PLACE === "") return false;
  const [host, pidText, , place] = parts;
  const pid = Number(pidText);
  if (host !== hostname() || place !== PLACE || !Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) return false;
  return processGone(pid);
}

/** The holder of a lease taken by someone else, for messages. */
export interface LeaseTaken {
  holder: string;
  expiresAt: Date;
}

/** A lease acquired; `fromDeadHolder` names the dead process it was taken from before it ran out. */
export interface LeaseAcquired {
  acquired: true;
  fromDeadHolder?: string;
}

/**
 * Takes (or renews) the lease `name` for `ttlMs` when it is free, expired, already ours, or held by a process of this
 * host that is gone (holderIsDead); else says who holds it. One conditional UPDATE or one INSERT, each atomic on SQLite
 * and PostgreSQL, so two processes never both win; a dead holder's lease is taken only if it is still that holder's.
 * `clock` is the real clock: leases are about processes being alive, not about simulated time.
 */
export async function acquireLease(db: Db, clock: Clock, name: string, holder: string, ttlMs: number): Promise<LeaseAcquired | { acquired: false; taken: LeaseTaken }> {
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const renewed = await db.lease.updateMany({ where: { name, OR: [{ holder }, { expiresAt: { lte: now } }] }, data: { holder, expiresAt } });
  if (renewed.count > 0) return { acquired: true };
  try {
    await db.lease.create({ data: { name, holder, expiresAt } });
    return { acquired: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const current = await db.lease.findUnique({ where: { name } });
  if (!current) return acquireLease(db, clock, name, holder, ttlMs);
  if (holderIsDead(current.holder)) {
    const freed = await db.lease.updateMany({ where: { name, holder: current.holder, expiresAt: current.expiresAt }, data: { holder, expiresAt } });
    if (freed.count > 0) return { acquired: true, fromDeadHolder: current.holder };
    // Another process took it first (or its holder renewed it): ask again who holds it now.
    return acquireLease(db, clock, name, holder, ttlMs);
  }
  return { acquired: false, taken: { holder: current.holder, expiresAt: current.expiresAt } };
}

/** Gives a lease back (only when we hold it), so another process may run the job at once. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.lease.deleteMany({ where: { name, holder } });
}

/** Whether a database error is a unique-constraint violation (another writer was first). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
