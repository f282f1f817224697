// Named leases in the database (the Lease model), so that of several Liaison processes sharing one database only one
// runs a job at a time. A lease expires by itself when its holder dies; its holder renews or releases it.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../core/clock.js";
import type { Db } from "../store/db.js";

/** Who holds a lease: host, process and a random part (two cores in one process are two holders). */
export function newLeaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** The holder of a lease taken by someone else, for messages. */
export interface LeaseTaken {
  holder: string;
  expiresAt: Date;
}

/**
 * Takes (or renews) the lease `name` for `ttlMs` when it is free, expired, or already ours; else says who holds it.
 * One conditional UPDATE or one INSERT, each atomic on SQLite and PostgreSQL, so two processes never both win.
 * `clock` is the real clock: leases are about processes being alive, not about simulated time.
 */
export async function acquireLease(db: Db, clock: Clock, name: string, holder: string, ttlMs: number): Promise<{ acquired: true } | { acquired: false; taken: LeaseTaken }> {
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
