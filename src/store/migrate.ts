// Migrations without Prisma's native schema engine (it cannot be downloaded here): the WASM schema engine
// (@prisma/schema-engine-wasm, pinned) drives the application's own driver adapters. It writes the same
// `_prisma_migrations` ledger as `prisma migrate deploy`. Its shadow-database path does not work with driver adapters,
// so "create a migration" and "check for drift" apply the checked-in migrations to a scratch database (SQLite in
// memory, or a temporary PostgreSQL database) and diff that database against the schema.
// See shared/notes/offline-build.md (beside the project) for what was tried.
//
// applyMigrations is safe to run from several processes at once: when the ledger does not already list every local
// migration as applied (then it answers without loading the engine), it takes the startup lock (startup-lock.ts: a
// lock file beside a SQLite database, an advisory lock on PostgreSQL), reads the ledger again, and only then runs
// the engine, which on PostgreSQL also holds Prisma's advisory lock while it migrates. It needs no Prisma client:
// commands migrate first and open the store afterwards. A SQLite ":memory:" database exists only inside its store: pass the Store.
// Given a SQLite file store with migrations pending, it closes the store's connection first (the engine needs the
// file to itself); the store reconnects on its next query. So migrate before using the store, as at start.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import Database from "better-sqlite3";
import { providers, rootDir, schemaFor } from "../../scripts/schema-variants.mjs";
import {
  adapterFactoryOf,
  createTemporaryPostgresDatabase,
  describeTarget,
  ensureSqliteDirectory,
  maskUrl,
  postgresConnectionString,
  sqliteAdapterFactory,
  SQLITE_BUSY_TIMEOUT_MS,
  type Provider,
  type Store,
  type StoreTarget,
} from "./db.js";
import { explainStoreFailure, storeFailure, StoreUnavailableError } from "./failures.js";
import { engineConnection, postgresEngineConnection, trackConnections, type EngineConnection } from "./migration-connections.js";
import { checksum, defaultMigrationsRoot, LOCKFILE, lockfileContent, lockfileProvider, MIGRATION_FILE, migrationSlug, nextTimestamp, readMigrations } from "./migration-files.js";
import { withStartupLock } from "./startup-lock.js";

/** Where the checked-in migrations live (see migration-files.ts). */
export { defaultMigrationsRoot };

/** Options shared by the migration functions. */
export interface MigrationOptions {
  /** Folder holding one migrations folder per provider; default prisma/migrations. */
  migrationsRoot?: string;
}

/** Options for diffing and creating migrations. */
export interface DiffOptions extends MigrationOptions {
  /** Source schema text as in prisma/schema.prisma (provider "sqlite"); default that file. */
  schema?: string;
  /** Server on which a scratch PostgreSQL database is created; default scratchPostgresServerUrl(). */
  postgresServerUrl?: string;
}

/** The PostgreSQL server for scratch databases: LIAISON_TEST_DATABASE_URL, or postgres://127.0.0.1:5432/test. */
export function scratchPostgresServerUrl(): string {
  return process.env.LIAISON_TEST_DATABASE_URL || "postgres://127.0.0.1:5432/test";
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/**
 * Applies the checked-in migrations the database lacks, like `prisma migrate deploy`, and returns their names.
 * Processes that start at once wait for each other (the startup lock); the one that gets the lock second finds the
 * migrations applied. A database that cannot be used fails with a StoreUnavailableError saying what to do.
 */
export async function applyMigrations(
  target: StoreTarget | Store,
  options: MigrationOptions = {},
): Promise<{ applied: string[] }> {
  const store = "db" in target ? target : undefined;
  const storeTarget = store ? store.target : (target as StoreTarget);
  const migrations = readMigrations(storeTarget.provider, options.migrationsRoot);
  if (migrations.migrationDirectories.length === 0) {
    throw new Error(`no migrations found in ${migrations.baseDir}`);
  }
  const shared = store ? adapterFactoryOf(store) : undefined;
  if (!shared && storeTarget.provider === "sqlite" && storeTarget.url === ":memory:") {
    throw new Error('a SQLite ":memory:" database exists only inside its store: pass the Store to applyMigrations');
  }
  if (shared) return applyWithEngine(storeTarget, trackConnections(shared), migrations);
  if (await ledgerIsUpToDate(storeTarget, migrations)) return { applied: [] };

  return withStartupLock(storeTarget, async () => {
    // Another process may have applied them while this one waited.
    if (await ledgerIsUpToDate(storeTarget, migrations)) return { applied: [] };
    if (store && storeTarget.provider === "sqlite") {
      // The engine takes the file for itself (SQLite exclusive locking mode), which an open connection of this
      // process would block; the store's client reconnects on its next query.
      await store.db.$disconnect();
    }
    return applyWithEngine(storeTarget, await engineConnection(storeTarget), migrations);
  });
}

/** Runs the engine's applyMigrations on `connection`; failures are explained (StoreUnavailableError) when possible. */
async function applyWithEngine(
  target: StoreTarget,
  connection: EngineConnection,
  migrations: MigrationList,
): Promise<{ applied: string[] }> {
  const output = await withEngine(connection, datasourceOnlySchema(target.provider), (engine) =>
    engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTERS }),
  ).catch((error: unknown) => {
    const context = `applying migrations to ${describeTarget(target)}`;
    // better-sqlite3's SQLITE_BUSY reaches the engine as a "SocketTimeout" it cannot read.
    if (target.provider === "sqlite" && /SocketTimeout|database is locked|SQLITE_BUSY/.test(String(error))) {
      const busy =
        `${context} failed: the file stayed locked by another connection for ${SQLITE_BUSY_TIMEOUT_MS} ms, and migrating ` +
        "needs it to itself for a moment (a store of this process: pass the Store instead of its target; another " +
        "process: retry once it is idle, or stop it)";
      throw new StoreUnavailableError(busy, { cause: error });
    }
    throw storeFailure(target, error, context);
  });
  return { applied: output.appliedMigrationNames };
}

/** Diffs the schema against a scratch database built by the migrations; `sql` is what the migrations lack. */
export async function diffAgainstMigrations(
  provider: Provider,
  options: DiffOptions = {},
): Promise<{ changed: boolean; sql: string }> {
  const schema = schemaFor(provider, options.schema);
  const migrations = readMigrations(provider, options.migrationsRoot);
  return withScratchDatabase(provider, options, async (connection) => {
    const result = await withEngine(connection, schema, async (engine) => {
      if (migrations.migrationDirectories.length > 0) {
        await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTERS });
      }
      return engine.diff({
        from: { tag: "schemaDatasource", files: [{ path: "schema.prisma", content: schema }], configDir: rootDir },
        to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schema }] },
        script: true,
        exitCode: true,
        filters: NO_FILTERS,
      });
    });
    const changed = result.exitCode === 2;
    return { changed, sql: changed ? (result.stdout ?? "") : "" };
  }).catch((error: unknown) => {
    throw wrapError(`checking the ${provider} migrations against the schema failed`, error);
  });
}

/** Writes `<timestamp>_<name>/migration.sql` for each provider whose migrations lag the schema; returns the folders. */
export async function createMigration(name: string, options: DiffOptions = {}): Promise<string[]> {
  const slug = migrationSlug(name);
  const root = options.migrationsRoot ?? defaultMigrationsRoot;
  const changes: { provider: Provider; sql: string }[] = [];
  for (const provider of providers) {
    const diff = await diffAgainstMigrations(provider, options);
    if (diff.changed) changes.push({ provider, sql: diff.sql });
  }
  if (changes.length === 0) return [];

  const folderName = `${nextTimestamp(root)}_${slug}`;
  const created: string[] = [];
  try {
    for (const { provider, sql } of changes) {
      const providerDir = join(root, provider);
      mkdirSync(providerDir, { recursive: true });
      const lockfile = join(providerDir, LOCKFILE);
      if (existsSync(lockfile)) {
        const locked = lockfileProvider(readFileSync(lockfile, "utf8"));
        if (locked !== provider) throw new Error(`${lockfile} names provider "${locked}", expected "${provider}"`);
      } else {
        writeFileSync(lockfile, lockfileContent(provider));
      }
      const dir = join(providerDir, folderName);
      mkdirSync(dir);
      created.push(dir);
      writeFileSync(join(dir, MIGRATION_FILE), sql);
    }
    // The new migrations must apply cleanly and leave nothing to change.
    for (const { provider } of changes) {
      const check = await diffAgainstMigrations(provider, options);
      if (check.changed) throw new Error(`the new ${provider} migration still leaves changes:\n${check.sql}`);
    }
  } catch (error) {
    for (const dir of created) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return created;
}

/**
 * True when the ledger lists every local migration as applied with the same checksum and none has failed; then
 * the engine (about 0.1-0.2 s to load) is not needed. Any doubt answers false and lets the engine decide, except a
 * database that cannot be used at all (not a database, damaged, unreachable, refused): that is a StoreUnavailableError.
 */
async function ledgerIsUpToDate(target: StoreTarget, migrations: MigrationList): Promise<boolean> {
  const wanted = new Map<string, string>();
  for (const dir of migrations.migrationDirectories) {
    if (dir.migrationFile.content.tag !== "ok") return false;
    wanted.set(dir.path, checksum(dir.migrationFile.content.value));
  }
  let rows: { migration_name: string; checksum: string; finished_at: unknown; rolled_back_at: unknown }[];
  const query =
    "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations";
  try {
    if (target.provider === "sqlite") {
      if (target.url === ":memory:" || !existsSync(target.url)) return false;
      const db = new Database(target.url, { readonly: true, fileMustExist: true, timeout: SQLITE_BUSY_TIMEOUT_MS });
      try {
        const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'");
        if (!exists.get()) return false;
        rows = db.prepare(query).all() as typeof rows;
      } finally {
        db.close();
      }
    } else {
      const { default: pgModule } = await import("pg");
      const client = new pgModule.Client({
        connectionString: postgresConnectionString(target.url),
        connectionTimeoutMillis: 10_000,
      });
      await client.connect();
      try {
        const exists = await client.query("SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present");
        if (!exists.rows[0]?.present) return false;
        rows = (await client.query(query.replace("_prisma_migrations", "public._prisma_migrations"))).rows;
      } finally {
        await client.end();
      }
    }
  } catch (error) {
    // A database that cannot be used is said so now; anything else (a lock held for a moment) lets the engine decide.
    const explained = /SQLITE_BUSY|database is locked/.test(String((error as { code?: unknown }).code ?? error))
      ? undefined
      : explainStoreFailure(target, error);
    if (explained) throw new StoreUnavailableError(explained, { cause: error });
    return false;
  }
  for (const row of rows) {
    const failed = row.finished_at == null && row.rolled_back_at == null;
    if (failed) return false;
    if (row.finished_at != null && row.rolled_back_at == null && wanted.get(row.migration_name) === row.checksum) {
      wanted.delete(row.migration_name);
    }
  }
  return wanted.size === 0;
}

// ---- The engine ----

type EngineGlue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

// The part of the WebAssembly API used here (the project's lib settings do not declare it).
const webAssembly = (
  globalThis as unknown as {
    WebAssembly: {
      instantiate(
        bytes: Uint8Array,
        imports: Record<string, Record<string, unknown>>,
      ): Promise<{ instance: { exports: Record<string, unknown> } }>;
    };
  }
).WebAssembly;

let engineGlue: Promise<EngineGlue> | undefined;

// Timers the engine started that have not fired yet. It leaves one of ~10 s behind after taking PostgreSQL's
// advisory lock; once an engine call has finished, these are unref'd so they do not keep the process alive.
const engineTimers = new Set<NodeJS.Timeout>();

/** Loads and instantiates the WASM schema engine once, on first use (Node cannot import the .wasm file itself). */
function loadEngine(): Promise<EngineGlue> {
  engineGlue ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as EngineGlue;
    const bytes = await readFile(join(dirname(gluePath), "schema_engine_bg.wasm"));
    const imports: Record<string, unknown> = { ...glue };
    for (const key of Object.keys(glue)) {
      if (key.startsWith("__wbg_setTimeout_")) {
        imports[key] = (callback: () => void, ms: number) => {
          const timer = setTimeout(() => {
            engineTimers.delete(timer);
            callback();
          }, ms >>> 0);
          engineTimers.add(timer);
          return timer;
        };
      }
    }
    const { instance } = await webAssembly.instantiate(bytes, { "./schema_engine_bg.js": imports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  engineGlue.catch(() => {
    engineGlue = undefined;
  });
  return engineGlue;
}

/** Runs `use` with an engine on `connection`; frees the engine and closes the connection afterwards. */
async function withEngine<T>(
  connection: EngineConnection,
  schema: string,
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  let engine: SchemaEngine | undefined;
  const logs: string[] = [];
  try {
    const glue = await loadEngine();
    engine = await glue.SchemaEngine.new(
      { datamodels: [["schema.prisma", schema]] },
      (line: string) => logs.push(line),
      bindMigrationAwareSqlAdapterFactory(connection.factory),
    );
    return await use(engine);
  } catch (error) {
    const problems = logs.filter((line) => /"level":"(WARN|ERROR)"/.test(line));
    if (problems.length > 0 && error instanceof Error) error.message += `\nengine log:\n${problems.join("\n")}`;
    throw error;
  } finally {
    engine?.free();
    await connection.close();
    for (const timer of engineTimers) timer.unref();
  }
}

/** A schema with only a datasource: what the engine needs to apply migrations (schema.prisma is not read then). */
function datasourceOnlySchema(provider: Provider): string {
  return `datasource db {\n  provider = "${provider}"\n}\n`;
}

/** Runs `use` on an empty scratch database of `provider`, removed afterwards. */
async function withScratchDatabase<T>(
  provider: Provider,
  options: DiffOptions,
  use: (connection: EngineConnection) => Promise<T>,
): Promise<T> {
  if (provider === "sqlite") return use(trackConnections(sqliteAdapterFactory(":memory:")));
  const server = options.postgresServerUrl ?? scratchPostgresServerUrl();
  let scratch;
  try {
    scratch = await createTemporaryPostgresDatabase(server, "liaison_scratch");
  } catch (error) {
    throw wrapError(
      `a scratch PostgreSQL database is needed, but none could be created on ${maskUrl(server)} ` +
        "(set LIAISON_TEST_DATABASE_URL to a server where this user may create databases)",
      error,
    );
  }
  try {
    return await use(await postgresEngineConnection(scratch.url));
  } finally {
    await scratch.drop();
  }
}

function wrapError(context: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${context}: ${message}`, { cause: error });
}
