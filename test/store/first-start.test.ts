// First starts: several `liaison start` processes on one new database at the same time all succeed, the migrations
// are applied once and the demo directory is loaded once. Underneath: the startup lock (a lock database beside a
// SQLite file, an advisory lock on PostgreSQL) makes them wait for each other, dies with its holder, and gives up
// with a clear message; on PostgreSQL the schema engine also takes Prisma's own advisory lock.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { postgresConnectionString, type StoreTarget } from "../../src/store/db.js";
import { StoreUnavailableError } from "../../src/store/failures.js";
import { applyMigrations, defaultMigrationsRoot } from "../../src/store/migrate.js";
import { POSTGRES_STARTUP_LOCK_KEY, sqliteLockPath, withStartupLock } from "../../src/store/startup-lock.js";
import { runLiaison, type CliRun } from "../support/cli.js";
import { demoDirectoryText, ROOT_DIR, tempDir } from "../support/core.js";
import { createTempDatabase, describeOnPostgres } from "../support/postgres.js";

/** How many processes start at once. */
const PROCESSES = 8;

/** Prisma's advisory lock key for migrations, as the engine takes it (seen in pg_locks while it waits). */
const PRISMA_MIGRATION_LOCK_KEY = 72707369;

const demo = parseYaml(demoDirectoryText()) as { organisations: { contacts?: unknown[] }[] };
const DEMO_ORGANISATIONS = demo.organisations.length;
const DEMO_CONTACTS = demo.organisations.reduce((sum, organisation) => sum + (organisation.contacts?.length ?? 0), 0);

function migrationNames(provider: "sqlite" | "postgresql"): string[] {
  return readdirSync(join(defaultMigrationsRoot, provider), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** A LIAISON_CONFIG in a new directory: the SQLite file there, info logs (to see who loaded the demo directory). */
function installation(): { env: Record<string, string>; dbFile: string } {
  const dir = tempDir("liaison-first-start-");
  const dbFile = join(dir, "data", "liaison.db");
  const config = join(dir, "liaison.yaml");
  writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(dbFile)}\nlog:\n  level: info\n`);
  return { env: { LIAISON_CONFIG: config }, dbFile };
}

/** Starts `liaison start` PROCESSES times at once; each runs a scripted console session with no input and ends. */
function startAtOnce(env: Record<string, string>): Promise<CliRun[]> {
  return Promise.all(Array.from({ length: PROCESSES }, () => runLiaison(["start"], env, "", 120_000)));
}

/** Checks that every process succeeded and that exactly one of them loaded the demo directory. */
function expectAllStartedOneSeeded(runs: CliRun[]): void {
  for (const run of runs) {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr, run.stderr).not.toMatch(/"level":(50|60)|"level":"(error|fatal)"/);
  }
  const logs = runs.map((run) => run.stderr).join("\n");
  expect(logs.match(/demo directory loaded/g)?.length, logs).toBe(1);
  expect(logs.match(/directory not empty; demo not loaded/g)?.length, logs).toBe(PROCESSES - 1);
}

describe("concurrent first starts on SQLite", () => {
  it(`${PROCESSES} processes starting on one new file all succeed; migrations and the demo directory are applied once`, async () => {
    const { env, dbFile } = installation();
    expectAllStartedOneSeeded(await startAtOnce(env));
    const db = new Database(dbFile, { readonly: true });
    try {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      const ledger = db.prepare("SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name").all() as {
        migration_name: string;
        finished_at: string | null;
        rolled_back_at: string | null;
      }[];
      expect(ledger.map((row) => row.migration_name)).toEqual(migrationNames("sqlite"));
      expect(ledger.every((row) => row.finished_at !== null && row.rolled_back_at === null)).toBe(true);
      expect(count('SELECT COUNT(*) AS n FROM "Organisation"')).toBe(DEMO_ORGANISATIONS);
      expect(count('SELECT COUNT(*) AS n FROM "Contact"')).toBe(DEMO_CONTACTS);
      expect(count(`SELECT COUNT(*) AS n FROM "AuditEntry" WHERE "action" = 'directory.import'`)).toBe(1);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
  }, 180_000);
});

describe("the SQLite startup lock", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill("SIGKILL");
  });

  /** A process that holds the lock of `databasePath` until killed; resolves once it holds it. */
  async function holdLockInAnotherProcess(databasePath: string): Promise<ChildProcess> {
    const script = `const Database = require("better-sqlite3"); const db = new Database(process.argv[1]); db.exec("BEGIN EXCLUSIVE"); process.stdout.write("locked\\n"); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["-e", script, sqliteLockPath(databasePath)], { cwd: ROOT_DIR, stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("locked")) resolve();
      });
      child.on("exit", (code) => reject(new Error(`the lock holder exited early (${code})`)));
    });
    return child;
  }

  it("makes a migration wait while another process holds it, gives up with a clear message, and dies with its holder", async () => {
    const target: StoreTarget = { provider: "sqlite", url: join(tempDir("liaison-lock-"), "data", "liaison.db") };
    mkdirSync(dirname(target.url));
    const holder = await holdLockInAnotherProcess(target.url);

    const gaveUp = withStartupLock(target, () => applyMigrations(target), 300);
    await expect(gaveUp).rejects.toThrow(StoreUnavailableError);
    await expect(gaveUp).rejects.toThrow(/^Another Liaison process has been preparing SQLite .*liaison\.db .* wait for it to finish, or stop it/);
    // Nothing was migrated while the other process held the lock.
    expect(existsSync(target.url)).toBe(false);

    // The holder dies without releasing anything: its lock goes with it, and migrating goes ahead.
    const exited = new Promise((resolve) => holder.once("exit", resolve));
    holder.kill("SIGKILL");
    await exited;
    expect((await applyMigrations(target)).applied).toEqual(migrationNames("sqlite"));
  }, 60_000);

  it("serialises holders in one process too, and each finds the work done by the one before", async () => {
    const target: StoreTarget = { provider: "sqlite", url: join(tempDir("liaison-lock-"), "liaison.db") };
    const runs = await Promise.all([applyMigrations(target), applyMigrations(target), applyMigrations(target)]);
    expect(runs.flatMap((run) => run.applied).sort()).toEqual(migrationNames("sqlite"));
    let inside = 0;
    let most = 0;
    await Promise.all(
      [1, 2, 3].map(() =>
        withStartupLock(target, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((resolve) => setImmediate(resolve));
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
  }, 60_000);
});

describeOnPostgres("concurrent first starts on PostgreSQL", (test) => {
  test(`${PROCESSES} processes starting on one new database all succeed; migrations and the demo directory are applied once`, async () => {
    const database = await createTempDatabase();
    try {
      const { env } = installation();
      expectAllStartedOneSeeded(await startAtOnce({ ...env, DATABASE_URL: database.url }));
      const client = new pg.Client({ connectionString: postgresConnectionString(database.url) });
      await client.connect();
      try {
        const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]?.n);
        const ledger = await client.query<{ migration_name: string; finished_at: Date | null }>("SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name");
        expect(ledger.rows.map((row) => row.migration_name)).toEqual(migrationNames("postgresql"));
        expect(ledger.rows.every((row) => row.finished_at !== null)).toBe(true);
        expect(await count('SELECT COUNT(*) AS n FROM "Organisation"')).toBe(DEMO_ORGANISATIONS);
        expect(await count('SELECT COUNT(*) AS n FROM "Contact"')).toBe(DEMO_CONTACTS);
        expect(await count(`SELECT COUNT(*) AS n FROM "AuditEntry" WHERE "action" = 'directory.import'`)).toBe(1);
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  }, 180_000);

  /** A session of its own on the database, for holding locks and looking at pg_locks. */
  async function session(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: postgresConnectionString(url) });
    await client.connect();
    return client;
  }

  /** Resolves once some session waits for the advisory lock `key` (a condition in pg_locks, polled). */
  async function untilWaitingFor(client: pg.Client, key: number): Promise<void> {
    for (;;) {
      const waiting = await client.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted", [key]);
      if (waiting.rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  test("the schema engine waits for Prisma's advisory lock, behind the startup lock", async () => {
    const database = await createTempDatabase();
    const other = await session(database.url);
    try {
      const target: StoreTarget = { provider: "postgresql", url: database.url };
      // Another migrator (e.g. `prisma migrate deploy`) holds Prisma's lock.
      await other.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATION_LOCK_KEY]);
      let settled = false;
      const applying = applyMigrations(target).finally(() => (settled = true));
      await untilWaitingFor(other, PRISMA_MIGRATION_LOCK_KEY);
      // The waiting session holds the startup lock meanwhile.
      const held = await other.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted", [POSTGRES_STARTUP_LOCK_KEY]);
      expect(held.rowCount).toBe(1);
      expect(settled).toBe(false);
      await other.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATION_LOCK_KEY]);
      expect((await applying).applied).toEqual(migrationNames("postgresql"));
    } finally {
      await other.end();
      await database.drop();
    }
  }, 60_000);

  test("a process waits for the startup lock, and gives up with a clear message after its wait", async () => {
    const database = await createTempDatabase();
    const other = await session(database.url);
    let ended = false;
    try {
      const target: StoreTarget = { provider: "postgresql", url: database.url };
      await other.query("SELECT pg_advisory_lock($1)", [POSTGRES_STARTUP_LOCK_KEY]);
      const gaveUp = withStartupLock(target, () => Promise.resolve("ran"), 300);
      await expect(gaveUp).rejects.toThrow(StoreUnavailableError);
      await expect(gaveUp).rejects.toThrow(/^Another Liaison process has been preparing PostgreSQL .* wait for it to finish, or stop it/);

      const waiting = withStartupLock(target, () => Promise.resolve("ran"));
      await untilWaitingFor(other, POSTGRES_STARTUP_LOCK_KEY);
      // The holder's session ends (as when its process dies): the lock goes with it.
      ended = true;
      await other.end();
      expect(await waiting).toBe("ran");
    } finally {
      if (!ended) await other.end();
      await database.drop();
    }
  }, 60_000);
});
