// The benchmarks' database, chosen as `liaison start` chooses it: DATABASE_URL (postgres://... or file:<path>), or
// else the embedded database (SQLite) in a temporary directory, opened as `liaison start` opens it.
//
// - SQLite: a new file per run, removed afterwards, unless BENCH_DB (a path) or DATABASE_URL=file:<path> names a
//   file to keep and reuse.
// - PostgreSQL: a new database `liaison_bench_<random>` on the server of DATABASE_URL per run, dropped afterwards,
//   unless BENCH_DB names a database to keep and reuse (a name on that server, or a postgres:// URL).
// Migrations are applied the way `liaison start` applies them (openStore, then applyMigrations on the store).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import {
  createTemporaryPostgresDatabase,
  describeTarget,
  openStore,
  postgresConnectionString,
  storeTarget,
  type Store,
  type StoreTarget,
} from "../src/store/db.js";
import { applyMigrations } from "../src/store/migrate.js";

const ROOT = new URL("..", import.meta.url).pathname;

/** A database for one benchmark run: where it is, and how to give it back. */
export interface BenchDatabase {
  target: StoreTarget;
  /** "SQLite /tmp/.../bench.db" or "PostgreSQL postgres://.../liaison_bench_..." (password masked), for printing. */
  label: string;
  /** True when the database is kept after the run (BENCH_DB or a file: URL). */
  kept: boolean;
  /** Opens the database and applies pending migrations. */
  open(): Promise<Store>;
  /** Removes the database unless it is kept (close its stores first). */
  dispose(): Promise<void>;
}

/** An open, migrated benchmark database. */
export interface OpenBenchDatabase {
  store: Store;
  /** Which database the figures are for (see BenchDatabase.label). */
  label: string;
  /** Closes the store, then removes the database unless it is kept. */
  close(): Promise<void>;
}

/** Creates (or names) the database for a run of benchmark `name` (a short lower-case word, used in temporary names). */
export async function benchDatabase(name: string, env: NodeJS.ProcessEnv = process.env): Promise<BenchDatabase> {
  const databaseUrl = env.DATABASE_URL?.trim();
  const kept = env.BENCH_DB?.trim();
  const chosen = storeTarget(databaseUrl, ":memory:", ROOT);
  const open = async (target: StoreTarget): Promise<Store> => {
    const store = await openStore(target);
    try {
      await applyMigrations(store);
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
    return store;
  };

  if (chosen.provider === "postgresql") {
    if (kept) {
      const target: StoreTarget = { provider: "postgresql", url: keptPostgresUrl(chosen.url, kept) };
      await ensurePostgresDatabase(chosen.url, target.url);
      return { target, label: describeTarget(target), kept: true, open: () => open(target), dispose: async () => undefined };
    }
    const temporary = await createTemporaryPostgresDatabase(chosen.url, `liaison_bench_${name.replace(/[^a-z0-9_]/g, "_")}`);
    const target: StoreTarget = { provider: "postgresql", url: temporary.url };
    return { target, label: describeTarget(target), kept: false, open: () => open(target), dispose: () => temporary.drop() };
  }

  // SQLite: BENCH_DB, else the file of DATABASE_URL=file:<path>, else a temporary file.
  const keptPath = kept ?? (databaseUrl ? chosen.url : undefined);
  if (keptPath) {
    const target: StoreTarget = { provider: "sqlite", url: keptPath };
    return { target, label: describeTarget(target), kept: true, open: () => open(target), dispose: async () => undefined };
  }
  const directory = mkdtempSync(join(tmpdir(), `liaison-bench-${name}-`));
  const target: StoreTarget = { provider: "sqlite", url: join(directory, "bench.db") };
  return {
    target,
    label: describeTarget(target),
    kept: false,
    open: () => open(target),
    dispose: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** Opens the database for a run of benchmark `name` (see benchDatabase), migrated. */
export async function openBenchDatabase(name: string, env: NodeJS.ProcessEnv = process.env): Promise<OpenBenchDatabase> {
  const database = await benchDatabase(name, env);
  let store: Store;
  try {
    store = await database.open();
  } catch (error) {
    await database.dispose().catch(() => undefined);
    throw error;
  }
  return {
    store,
    label: database.label,
    close: async () => {
      try {
        await store.close();
      } finally {
        await database.dispose();
      }
    },
  };
}

/**
 * Refreshes the planner's statistics after bulk seeding, as an operator would after a bulk import: ANALYZE on
 * PostgreSQL; ANALYZE and PRAGMA optimize on SQLite.
 */
export async function analyzeAfterSeeding(store: Store): Promise<void> {
  await store.db.$executeRawUnsafe("ANALYZE");
  if (store.provider === "sqlite") await store.db.$queryRawUnsafe("PRAGMA optimize");
}

/** The URL of a kept PostgreSQL database: BENCH_DB as a postgres:// URL, or a database name on the server of `serverUrl`. */
function keptPostgresUrl(serverUrl: string, kept: string): string {
  if (/^postgres(ql)?:\/\//i.test(kept)) return kept;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(kept)) throw new Error(`BENCH_DB must be a database name or a postgres:// URL on PostgreSQL, not "${kept}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${kept}`;
  return url.toString();
}

/** Creates the kept PostgreSQL database at `url` when the server does not have it yet (connected through `serverUrl`). */
async function ensurePostgresDatabase(serverUrl: string, url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const client = new pg.Client({ connectionString: postgresConnectionString(serverUrl), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
