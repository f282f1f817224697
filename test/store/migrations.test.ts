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

/** The migration that moved Case.nextReminderAt and Case.remindedUntil into CaseReminder. */
const CASE_REMINDER_MIGRATION = "20261204190826_case_reminder_table";

/** A copy of the checked-in migrations without CASE_REMINDER_MIGRATION and those after it: a database as it was before. */
function migrationsBeforeCaseReminder(): string {
  const root = join(tempDir(), "migrations");
  cpSync(defaultMigrationsRoot, root, { recursive: true });
  for (const provider of ["sqlite", "postgresql"] as const) {
    for (const name of migrationNames(provider).filter((name) => name >= CASE_REMINDER_MIGRATION)) rmSync(join(root, provider, name), { recursive: true });
  }
  return root;
}

/** Two cases as the schema before CASE_REMINDER_MIGRATION stored them (one with reminder state, one without) and a thread. */
const CASES_BEFORE_CASE_REMINDER = (at: (iso: string) => string) => [
  `INSERT INTO "Case" ("id", "reference", "kind", "priority", "state", "tlp", "topic", "openerOrgId", "openerContactId", "recipientOrgId", "summary", "fields", "openedAt", "clockMode", "clockStartAt", "ackDurationMs", "updatedAt", "nextReminderAt", "remindedUntil") VALUES ` +
    `('c1', 'R-2026-0001', 'removal-order', 'normal', 'open', 'AMBER', 'removal-orders', 'o1', 'p1', 'o2', 's', '{}', ${at("2026-11-20T10:00:00.000Z")}, 'continuous', ${at("2026-11-20T10:00:00.000Z")}, 900000, ${at("2026-11-20T10:00:00.000Z")}, ${at("2026-11-20T10:30:00.123Z")}, ${at("2026-11-20T10:15:00.456Z")}), ` +
    `('c2', 'N-2026-0001', 'notice', 'normal', 'closed', 'GREEN', 'notices', 'o1', 'p1', 'o2', 's', '{}', ${at("2026-11-20T10:00:00.000Z")}, 'continuous', ${at("2026-11-20T10:00:00.000Z")}, 900000, ${at("2026-11-20T10:00:00.000Z")}, NULL, NULL)`,
  `INSERT INTO "CaseThread" ("id", "caseId", "organisationId", "kind", "platform", "channelId", "threadId", "title") VALUES ('t1', 'c1', 'o2', 'channel', 'console', 'cases', 't-1', 'R-2026-0001 @ o2')`,
];

/** What the migration must leave: each case's reminder state in CaseReminder, the cases and their thread. */
async function expectReminderStateCarriedOver(target: StoreTarget): Promise<void> {
  const store = await openStore(target);
  try {
    expect(await store.db.caseReminder.findMany({ orderBy: { caseId: "asc" } })).toEqual([
      { caseId: "c1", nextReminderAt: new Date("2026-11-20T10:30:00.123Z"), remindedUntil: new Date("2026-11-20T10:15:00.456Z") },
      { caseId: "c2", nextReminderAt: null, remindedUntil: null },
    ]);
    expect(await store.db.case.count()).toBe(2);
    expect(await store.db.caseThread.count({ where: { caseId: "c1" } })).toBe(1);
    // The rebuilt Case keeps its children's foreign keys: deleting a case deletes its reminder state.
    await store.db.case.delete({ where: { id: "c2" } });
    expect(await store.db.caseReminder.count()).toBe(1);
  } finally {
    await store.close();
  }
}

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

describe("SQLite migrations, with data", () => {
  it("moving the reminder state out of Case carries every case's over, and keeps the cases and their threads", async () => {
    const target: StoreTarget = { provider: "sqlite", url: join(tempDir(), "liaison.db") };
    await applyMigrations(target, { migrationsRoot: migrationsBeforeCaseReminder() });
    const db = new Database(target.url);
    try {
      for (const statement of CASES_BEFORE_CASE_REMINDER((iso) => `'${iso.replace("Z", "+00:00")}'`)) db.prepare(statement).run();
    } finally {
      db.close();
    }
    expect((await applyMigrations(target)).applied).toEqual([CASE_REMINDER_MIGRATION]);
    await expectReminderStateCarriedOver(target);
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

  test("moving the reminder state out of Case carries every case's over, and keeps the cases and their threads", async () => {
    const database = await createTempDatabase();
    try {
      const target: StoreTarget = { provider: "postgresql", url: database.url };
      await applyMigrations(target, { migrationsRoot: migrationsBeforeCaseReminder() });
      const client = new pg.Client({ connectionString: postgresConnectionString(database.url) });
      await client.connect();
      try {
        for (const statement of CASES_BEFORE_CASE_REMINDER((iso) => `'${iso.replace("T", " ").replace("Z", "")}'`)) await client.query(statement);
      } finally {
        await client.end();
      }
      expect((await applyMigrations(target)).applied).toEqual([CASE_REMINDER_MIGRATION]);
      await expectReminderStateCarriedOver(target);
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
