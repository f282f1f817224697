import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openStore, postgresConnectionString, type StoreTarget } from "../../src/store/db.js";
import {
  applyMigrations,
  createMigration,
  defaultMigrationsRoot,
  diffAgainstMigrations,
} from "../../src/store/migrate.js";
import { readSourceSchema } from "../../scripts/schema-variants.mjs";
import { createTempDatabase, describeOnPostgres, postgresUrl } from "../support/postgres.js";

const MODELS = [
  "Organisation",
  "Responsibility",
  "CaseChannel",
  "Contact",
  "ContactRole",
  "ChatIdentity",
  "AuditEntry",
  "AuditHead",
  "InboundEvent",
  "OutboxMessage",
  "Counter",
  "Lease",
  "AdapterState",
];

function migrationNames(provider: "sqlite" | "postgresql"): string[] {
  return readdirSync(join(defaultMigrationsRoot, provider), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The schema with one more column: what a developer does before forgetting to create a migration. */
function schemaWithExtraColumn(): string {
  const schema = readSourceSchema();
  const changed = schema.replace(/model Lease \{/, "model Lease {\n  note String?");
  expect(changed).not.toBe(schema);
  return changed;
}

function driftMessage(provider: string, sql: string): string {
  return (
    `prisma/schema.prisma and prisma/migrations/${provider} have drifted apart. ` +
    `Run \`npm run migration:create -- <name>\` to write the missing migration for both databases. ` +
    `The migrations lack:\n${sql}`
  );
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "liaison-migrations-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("SQLite migrations", () => {
  it("apply to a fresh file once, then find nothing to do", async () => {
    const target: StoreTarget = { provider: "sqlite", url: join(tempDir(), "nested", "liaison.db") };

    const first = await applyMigrations(target);
    expect(first.applied).toEqual(migrationNames("sqlite"));
    const second = await applyMigrations(target);
    expect(second.applied).toEqual([]);

    const db = new Database(target.url, { readonly: true });
    try {
      const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      const tables = rows.map((row) => row.name);
      expect(tables).toEqual(expect.arrayContaining([...MODELS, "_prisma_migrations"]));
      const ledger = db
        .prepare("SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name")
        .all() as { migration_name: string; finished_at: string | null; rolled_back_at: string | null }[];
      expect(ledger.map((row) => row.migration_name)).toEqual(migrationNames("sqlite"));
      for (const row of ledger) {
        expect(row.finished_at).not.toBeNull();
        expect(row.rolled_back_at).toBeNull();
      }
    } finally {
      db.close();
    }
  });

  it("migrate an in-memory store through its own connection, and the store works", async () => {
    const store = await openStore({ provider: "sqlite", url: ":memory:" });
    try {
      expect((await applyMigrations(store)).applied).toEqual(migrationNames("sqlite"));
      // The second run goes through the engine too (an in-memory database has no ledger to read beforehand).
      expect((await applyMigrations(store)).applied).toEqual([]);
      const now = new Date();
      await store.db.counter.create({ data: { name: "outbox", value: 1 } });
      await store.db.lease.create({ data: { name: "scheduler", holder: "test", expiresAt: now } });
      expect(await store.db.counter.findUnique({ where: { name: "outbox" } })).toEqual({ name: "outbox", value: 1 });
      expect((await store.db.lease.findUniqueOrThrow({ where: { name: "scheduler" } })).expiresAt).toEqual(now);
    } finally {
      await store.close();
    }
  });

  it("migrate a file store that is already open, and find it in WAL mode", async () => {
    const target: StoreTarget = { provider: "sqlite", url: join(tempDir(), "data", "liaison.db") };
    const store = await openStore(target);
    try {
      // The store's connection is open; the engine needs the file to itself, so the store lends it.
      expect((await applyMigrations(store)).applied).toEqual(migrationNames("sqlite"));
      await store.db.counter.create({ data: { name: "n", value: 7 } });
      expect(await store.db.counter.count()).toBe(1);
    } finally {
      await store.close();
    }
    const db = new Database(target.url, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
  });
});

describe("schema drift", () => {
  it("the SQLite migrations produce prisma/schema.prisma", async () => {
    const diff = await diffAgainstMigrations("sqlite");
    expect(diff.changed, driftMessage("sqlite", diff.sql)).toBe(false);
  });

  it("a schema change the SQLite migrations lack is reported", async () => {
    const diff = await diffAgainstMigrations("sqlite", { schema: schemaWithExtraColumn() });
    expect(diff.changed).toBe(true);
    expect(diff.sql).toMatch(/ALTER TABLE "Lease" ADD COLUMN "note" TEXT/);
  });
});

describeOnPostgres("PostgreSQL migrations", (test) => {
  const server = postgresUrl() as string;

  async function tables(url: string): Promise<string[]> {
    const client = new pg.Client({ connectionString: postgresConnectionString(url) });
    await client.connect();
    try {
      const result = await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
      );
      return result.rows.map((row) => row.tablename);
    } finally {
      await client.end();
    }
  }

  async function ledger(url: string): Promise<{ migration_name: string; finished_at: Date | null }[]> {
    const client = new pg.Client({ connectionString: postgresConnectionString(url) });
    await client.connect();
    try {
      const result = await client.query<{ migration_name: string; finished_at: Date | null }>(
        "SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name",
      );
      return result.rows;
    } finally {
      await client.end();
    }
  }

  test("apply to a fresh database once, then find nothing to do", async () => {
    const database = await createTempDatabase();
    try {
      const target: StoreTarget = { provider: "postgresql", url: database.url };
      expect((await applyMigrations(target)).applied).toEqual(migrationNames("postgresql"));
      expect((await applyMigrations(target)).applied).toEqual([]);
      expect(await tables(database.url)).toEqual(expect.arrayContaining([...MODELS, "_prisma_migrations"]));
      const rows = await ledger(database.url);
      expect(rows.map((row) => row.migration_name)).toEqual(migrationNames("postgresql"));
      expect(rows.every((row) => row.finished_at !== null)).toBe(true);

      const store = await openStore(target);
      try {
        await store.db.counter.create({ data: { name: "outbox", value: 3 } });
        expect(await store.db.counter.findUnique({ where: { name: "outbox" } })).toEqual({ name: "outbox", value: 3 });
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
    }
  });

  test("three concurrent runs on a fresh database apply each migration once", async () => {
    const database = await createTempDatabase();
    try {
      const target: StoreTarget = { provider: "postgresql", url: database.url };
      const runs = await Promise.all([applyMigrations(target), applyMigrations(target), applyMigrations(target)]);
      const applied = runs.flatMap((run) => run.applied).sort();
      expect(applied).toEqual(migrationNames("postgresql"));
      expect((await ledger(database.url)).map((row) => row.migration_name)).toEqual(migrationNames("postgresql"));
    } finally {
      await database.drop();
    }
  });

  test("the PostgreSQL migrations produce prisma/schema.prisma", async () => {
    const diff = await diffAgainstMigrations("postgresql", { postgresServerUrl: server });
    expect(diff.changed, driftMessage("postgresql", diff.sql)).toBe(false);
  });

  test("a schema change the PostgreSQL migrations lack is reported", async () => {
    const options = { schema: schemaWithExtraColumn(), postgresServerUrl: server };
    const diff = await diffAgainstMigrations("postgresql", options);
    expect(diff.changed).toBe(true);
    expect(diff.sql).toMatch(/ALTER TABLE "Lease" ADD COLUMN +"note" TEXT/);
  });

  test("createMigration writes one migration per database that closes the gap, then nothing", async () => {
    const root = join(tempDir(), "migrations");
    cpSync(defaultMigrationsRoot, root, { recursive: true });
    const options = { schema: schemaWithExtraColumn(), migrationsRoot: root, postgresServerUrl: server };

    const created = await createMigration("lease note", options);
    expect(created).toHaveLength(2);
    expect(created.map((dir) => dir.slice(root.length + 1))).toEqual([
      expect.stringMatching(/^sqlite\/\d{14}_lease_note$/),
      expect.stringMatching(/^postgresql\/\d{14}_lease_note$/),
    ]);
    for (const provider of ["sqlite", "postgresql"] as const) {
      expect((await diffAgainstMigrations(provider, options)).changed).toBe(false);
    }
    expect(await createMigration("again", options)).toEqual([]);
  });
});
