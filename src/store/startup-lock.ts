// The startup lock: one lock per database, across processes, for what must happen once when several Liaison processes
// start at the same time (applying migrations, loading the demo directory). Whoever holds it re-checks whether the
// work is still to do, so the processes that waited find it done.
//
// SQLite: an exclusive transaction on a small lock database beside the data file (`<file>.lock`). It cannot be the
// data file itself: the schema engine needs that file to itself while it migrates. SQLite's locks are the operating
// system's file locks, so a process that dies releases the lock at once; there is no stale lock to clear.
// PostgreSQL: a session advisory lock on its own connection (released when the session ends, also if the process dies).
// The schema engine takes Prisma's own advisory lock too, which guards against a `prisma migrate deploy` run beside us.
import { mkdirSync, openSync, closeSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import Database from "better-sqlite3";
import { describeTarget, postgresConnectionString, type StoreTarget } from "./db.js";
import { storeFailure, StoreUnavailableError } from "./failures.js";

/** Longest a process waits for another one's startup work (migrating, loading the demo directory) before giving up. */
export const STARTUP_LOCK_WAIT_MS = 300_000;

/** The PostgreSQL advisory lock key of the startup lock ("lias" in ASCII); Prisma's migrations use another key. */
export const POSTGRES_STARTUP_LOCK_KEY = 0x6c696173;

/** How long to wait between two tries for a SQLite lock that another connection holds. */
const SQLITE_RETRY_MS = 25;

/** The lock database beside a SQLite file. */
export function sqliteLockPath(databasePath: string): string {
  return `${databasePath}.lock`;
}

/**
 * Runs `work` holding the database's startup lock, after waiting (up to `waitMs`) for any other process holding it.
 * A SQLite ":memory:" database belongs to one process: `work` runs at once.
 */
export async function withStartupLock<T>(target: StoreTarget, work: () => Promise<T>, waitMs = STARTUP_LOCK_WAIT_MS): Promise<T> {
  if (target.provider === "postgresql") return withPostgresLock(target, work, waitMs);
  if (target.url === ":memory:") return work();
  return withSqliteLock(target, work, waitMs);
}

async function withSqliteLock<T>(target: StoreTarget, work: () => Promise<T>, waitMs: number): Promise<T> {
  const lockPath = sqliteLockPath(target.url);
  let lock: Database.Database;
  try {
    mkdirSync(dirname(target.url), { recursive: true });
    // Created with the file system's own call first, so that a refusal comes with its reason (EACCES, EROFS, ...).
    closeSync(openSync(lockPath, "a"));
    lock = new Database(lockPath, { timeout: 0 });
  } catch (error) {
    throw storeFailure(target, error, `creating the lock file ${lockPath}`);
  }
  try {
    const deadline = performance.now() + waitMs;
    for (;;) {
      try {
        lock.exec("BEGIN EXCLUSIVE");
        break;
      } catch (error) {
        if ((error as { code?: unknown }).code !== "SQLITE_BUSY") throw storeFailure(target, error, `locking ${lockPath}`);
      }
      if (performance.now() > deadline) throw busyTooLong(target, waitMs);
      await delay(SQLITE_RETRY_MS + Math.floor(Math.random() * SQLITE_RETRY_MS));
    }
    try {
      return await work();
    } finally {
      lock.exec("ROLLBACK");
    }
  } finally {
    lock.close();
  }
}

async function withPostgresLock<T>(target: StoreTarget, work: () => Promise<T>, waitMs: number): Promise<T> {
  // The PostgreSQL client is loaded only here, as in db.ts, so that the embedded default starts without it.
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: postgresConnectionString(target.url), connectionTimeoutMillis: 10_000 });
  client.on("error", () => undefined); // a session that breaks while held is reported by the next statement
  try {
    await client.connect();
    await client.query(`SET lock_timeout = ${Math.max(1, Math.round(waitMs))}`);
    await client.query("SELECT pg_advisory_lock($1)", [POSTGRES_STARTUP_LOCK_KEY]);
  } catch (error) {
    await client.end().catch(() => undefined);
    if ((error as { code?: unknown }).code === "55P03") throw busyTooLong(target, waitMs);
    throw storeFailure(target, error, `taking the startup lock of ${describeTarget(target)}`);
  }
  try {
    return await work();
  } finally {
    // Ending the session releases the lock.
    await client.end().catch(() => undefined);
  }
}

function busyTooLong(target: StoreTarget, waitMs: number): StoreUnavailableError {
  return new StoreUnavailableError(
    `Another Liaison process has been preparing ${describeTarget(target)} (migrating, or loading the demo directory) for more than ` +
      `${Math.round(waitMs / 1000)} s: wait for it to finish, or stop it, then start again.`,
  );
}
