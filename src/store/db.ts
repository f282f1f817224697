// Opening the database: SQLite (embedded default, one file shared by the processes of an installation) or
// PostgreSQL (DATABASE_URL=postgres://...). Both use the Prisma client generated for SQLite as their type; the
// PostgreSQL client is generated from the derived schema and accepts every call the SQLite one does.
// SQLite files are put in WAL mode with a busy timeout, so that several processes can share one file. A SQLite
// ":memory:" store keeps its one connection to itself; migrate it with applyMigrations(store), not its target.
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";
import type pg from "pg";
import { PrismaClient as SqlitePrismaClient } from "./generated/sqlite/client.js";
import { explainStoreFailure, StoreUnavailableError } from "./failures.js";
import { preparedStatementNames } from "./prepared-statements.js";
import type { Tx } from "./types.js";

/** The database client all code uses (the SQLite client's type; the PostgreSQL client is cast to it). */
export type Db = SqlitePrismaClient;

/** A supported database. */
export type Provider = "sqlite" | "postgresql";

/** Which database to open: a SQLite file path (or ":memory:") or a postgres:// URL. */
export interface StoreTarget {
  provider: Provider;
  url: string;
}

/** An open database. */
export interface Store {
  db: Db;
  provider: Provider;
  target: StoreTarget;
  /**
   * Runs `work` in one transaction on the store's one connection pool: everything it writes commits together or not
   * at all. Transactions wait for each other (SQLite has one writer); the wait and the work are each bounded.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Disconnects; the store cannot be used afterwards. */
  close(): Promise<void>;
}

/** How a transaction begins. */
export interface TransactionOptions {
  /** The work's first statement is a write (it takes SQLite's write lock itself), so no lock is taken before it. */
  startsWithWrite?: boolean;
}

/** Longest a transaction waits to start (behind the other writers) before it fails. */
export const TRANSACTION_MAX_WAIT_MS = 30_000;

/** Longest a transaction may run before it is rolled back. */
export const TRANSACTION_TIMEOUT_MS = 30_000;

/**
 * Takes the database's write lock at once, as the first statement of a transaction that reads before it writes: a
 * write that changes nothing, as BEGIN IMMEDIATE would on SQLite (the driver adapter begins with a plain BEGIN). On
 * SQLite such a transaction could otherwise fail at once, without waiting, when another process wrote in between; with
 * the lock it waits up to SQLITE_BUSY_TIMEOUT_MS for the other process. On PostgreSQL it locks nothing.
 */
export async function lockForWriting(tx: Tx): Promise<void> {
  await tx.$executeRaw`UPDATE "Counter" SET "value" = "value" WHERE 1 = 0`;
}

/** The bounds of every interactive transaction: its wait to start, and its run. */
export const TRANSACTION_OPTIONS = { maxWait: TRANSACTION_MAX_WAIT_MS, timeout: TRANSACTION_TIMEOUT_MS } as const;

/** The store's transaction function for a client: on SQLite each transaction takes the write lock first. */
function transactionsOf(db: Db, provider: Provider): Store["transaction"] {
  const options = TRANSACTION_OPTIONS;
  if (provider === "postgresql") return (work) => db.$transaction(work, options);
  return (work, begin) =>
    db.$transaction(async (tx) => {
      if (!begin?.startsWithWrite) await lockForWriting(tx);
      return work(tx);
    }, options);
}

/** How long a SQLite connection waits for another process's lock before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

const IN_MEMORY = ":memory:";

/** The database: DATABASE_URL (postgres://..., file:<path> for SQLite) or else `sqlitePath`, relative to `rootDir`. */
export function storeTarget(databaseUrl: string | undefined, sqlitePath: string, rootDir: string): StoreTarget {
  const url = databaseUrl?.trim();
  if (!url) return { provider: "sqlite", url: sqliteFile(sqlitePath, rootDir) };
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: "postgresql", url };
  if (/^file:/i.test(url)) {
    if (/^file:\/\//i.test(url)) return { provider: "sqlite", url: fileURLToPath(url.replace(/\?.*$/, "")) };
    const path = url.slice("file:".length).replace(/\?.*$/, "");
    if (!path) throw new StoreUnavailableError("DATABASE_URL: file: needs a path, e.g. file:./data/liaison.db");
    return { provider: "sqlite", url: sqliteFile(path, rootDir) };
  }
  throw new StoreUnavailableError(`DATABASE_URL must be a postgres:// URL or file:<path> for SQLite, not ${maskUrl(url)}`);
}

function sqliteFile(path: string, rootDir: string): string {
  if (path === IN_MEMORY) return IN_MEMORY;
  return isAbsolute(path) ? path : resolve(rootDir, path);
}

/** A readable description of the target for logs and messages; passwords are masked. */
export function describeTarget(target: StoreTarget): string {
  if (target.provider === "sqlite") return target.url === IN_MEMORY ? "SQLite in memory" : `SQLite ${target.url}`;
  return `PostgreSQL ${maskUrl(target.url)}`;
}

/** The URL with any password (in the user-info part or a `password` parameter) replaced by "****". */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass/i.test(key)) parsed.searchParams.set(key, "****");
    }
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, "$1****@").replace(/(pass\w*=)[^&\s]*/gi, "$1****");
  }
}

/** The URL for node-postgres: without a user name it connects as PGUSER or else the OS user, as libpq does. */
export function postgresConnectionString(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || process.env.PGUSER) return url;
  parsed.username = encodeURIComponent(process.env.USER || userInfo().username);
  return parsed.toString();
}

/** Permission bits of the directory holding a SQLite file: its owner only (it holds platform tokens). */
export const SQLITE_DIRECTORY_MODE = 0o700;

/** Permission bits of a SQLite database file and its -wal and -shm files: its owner only. */
export const SQLITE_FILE_MODE = 0o600;

/** Creates the directory that will hold a SQLite file (e.g. ./data/), owner only; nothing for PostgreSQL or ":memory:". */
export function ensureSqliteDirectory(target: StoreTarget): void {
  if (target.provider !== "sqlite" || target.url === IN_MEMORY) return;
  mkdirSync(dirname(target.url), { recursive: true, mode: SQLITE_DIRECTORY_MODE });
}

/** The SQLite directory and files that grant more than their owner-only mode: path, current and wanted bits. */
function looseModes(target: StoreTarget): Array<{ path: string; current: number; wanted: number }> {
  if (target.provider !== "sqlite" || target.url === IN_MEMORY) return [];
  const loose: Array<{ path: string; current: number; wanted: number }> = [];
  const wanted: Array<[string, number]> = [
    [dirname(target.url), SQLITE_DIRECTORY_MODE],
    ...["", "-wal", "-shm"].map((suffix): [string, number] => [`${target.url}${suffix}`, SQLITE_FILE_MODE]),
  ];
  for (const [path, mode] of wanted) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (!stat.isDirectory() && !stat.isFile()) continue;
    // A shared directory (sticky, like /tmp) or one of another user is left as it is; only the files are tightened.
    if (stat.isDirectory() && ((stat.mode & 0o1000) !== 0 || (process.getuid && stat.uid !== process.getuid()))) continue;
    const current = stat.mode & 0o777;
    if ((current & ~mode) !== 0) loose.push({ path, current, wanted: mode });
  }
  return loose;
}

/** The SQLite directory and files that others may read or enter (none for PostgreSQL or ":memory:"); changes nothing. */
export function looseSqlitePaths(target: StoreTarget): string[] {
  return looseModes(target).map((entry) => entry.path);
}

/**
 * Takes group and other permissions away from an existing SQLite directory and its database, -wal and -shm files;
 * returns the paths that were changed (none for PostgreSQL, ":memory:", or files that were already owner only). Best
 * effort: a path this process may not change (another owner, a read-only file system) is left as it is.
 */
export function tightenSqliteModes(target: StoreTarget): string[] {
  const changed: string[] = [];
  for (const { path, current, wanted } of looseModes(target)) {
    try {
      chmodSync(path, current & wanted);
      changed.push(path);
    } catch {
      // Not ours to change (EPERM, EROFS): opening the store reports what matters about it.
    }
  }
  return changed;
}

/**
 * How the Prisma client words its errors: "minimal" (the error's message and code only). Any other format makes the
 * client capture a stack trace on every query, to point a developer at the calling line; that costs more than the
 * statement itself on SQLite, and no database error is ever shown to a person (they are logged, with their code).
 */
export const PRISMA_ERROR_FORMAT = "minimal";

/** The driver adapter for a SQLite file or ":memory:", with the busy timeout that lets processes share a file. */
export function sqliteAdapterFactory(path: string): PrismaBetterSqlite3 {
  return new PrismaBetterSqlite3({ url: path, timeout: SQLITE_BUSY_TIMEOUT_MS });
}

// Stores whose database exists only inside this process (SQLite ":memory:") share their one connection with the
// migration engine, which reaches it through this map (see adapterFactoryOf).
const sharedFactories = new WeakMap<Store, SqlMigrationAwareDriverAdapterFactory>();

/**
 * Opens (and connects to) the database; SQLite files are switched to WAL mode and their directory is created. A
 * database that cannot be used fails here with a StoreUnavailableError saying what is wrong and what to do.
 */
export async function openStore(target: StoreTarget): Promise<Store> {
  let store: Store | undefined;
  try {
    store = await openClient(target);
    // Connecting is lazy; a first query makes an unreachable server or unreadable file fail here, not later.
    await store.db.$queryRawUnsafe("SELECT 1");
    return store;
  } catch (error) {
    await store?.close().catch(() => undefined);
    const explained = explainStoreFailure(target, error);
    if (explained) throw new StoreUnavailableError(explained, { cause: error });
    // Prisma's messages start with the invocation; the reason is the last line.
    const message = (error instanceof Error ? error.message : String(error)).trim().split("\n").pop();
    throw new StoreUnavailableError(`Cannot open ${describeTarget(target)}: ${message}`, { cause: error });
  }
}

async function openClient(target: StoreTarget): Promise<Store> {
  if (target.provider === "postgresql") {
    // Loaded only for PostgreSQL, so that the embedded default starts without the PostgreSQL client.
    const [{ PrismaPg }, { PrismaClient: PostgresPrismaClient }] = await Promise.all([
      import("@prisma/adapter-pg"),
      import("./generated/postgresql/client.js"),
    ]);
    const adapter = new PrismaPg({ connectionString: postgresConnectionString(target.url) }, { statementNameGenerator: preparedStatementNames() });
    const db = new PostgresPrismaClient({ adapter, errorFormat: PRISMA_ERROR_FORMAT }) as unknown as Db;
    return { db, provider: "postgresql", target, transaction: transactionsOf(db, "postgresql"), close: () => db.$disconnect() };
  }

  if (target.url === IN_MEMORY) {
    const shared = new SharedConnectionFactory(sqliteAdapterFactory(IN_MEMORY));
    const db = new SqlitePrismaClient({ adapter: shared, errorFormat: PRISMA_ERROR_FORMAT });
    const close = async () => {
      await db.$disconnect();
      await shared.disposeConnection();
    };
    const store: Store = { db, provider: "sqlite", target, transaction: transactionsOf(db, "sqlite"), close };
    sharedFactories.set(store, shared);
    return store;
  }

  ensureSqliteDirectory(target);
  // SQLite opens a file it may not write read-only, without a word, and fails at the first write; ask the system
  // first, so that a read-only file fails here with its reason (EACCES, EPERM, EROFS).
  // A new file is created owner only; SQLite gives its -wal and -shm files the database file's permissions.
  closeSync(openSync(target.url, existsSync(target.url) ? "r+" : "a", SQLITE_FILE_MODE));
  const raw = new Database(target.url, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    // WAL is a property of the file: once set, every later connection (any process) uses it.
    raw.pragma("journal_mode = WAL");
  } finally {
    raw.close();
  }
  const db = new SqlitePrismaClient({ adapter: sqliteAdapterFactory(target.url), errorFormat: PRISMA_ERROR_FORMAT });
  return { db, provider: "sqlite", target, transaction: transactionsOf(db, "sqlite"), close: () => db.$disconnect() };
}

/** The adapter factory the migration engine must share with this store (SQLite ":memory:"), if any. */
export function adapterFactoryOf(store: Store): SqlMigrationAwareDriverAdapterFactory | undefined {
  return sharedFactories.get(store);
}

/**
 * An adapter factory that opens one connection and hands it to every caller (the Prisma client and the migration
 * engine), so that they see the same in-memory database. Callers' dispose() does nothing; disposeConnection() closes.
 */
class SharedConnectionFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider: SqlMigrationAwareDriverAdapterFactory["provider"];
  readonly adapterName: string;
  #connection: Promise<SqlDriverAdapter> | undefined;

  constructor(private readonly inner: SqlMigrationAwareDriverAdapterFactory) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    this.#connection ??= this.inner.connect();
    const adapter = await this.#connection;
    return new Proxy(adapter, {
      get(target, key) {
        if (key === "dispose") return () => Promise.resolve();
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.inner.connectToShadowDb();
  }

  async disposeConnection(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection) await (await connection).dispose();
  }
}

/** A database created on a PostgreSQL server for one use (tests, drift checks), dropped by drop(). */
export interface TemporaryPostgresDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database `<prefix>_<random>` on the server of `serverUrl` (a database there to connect to). */
export async function createTemporaryPostgresDatabase(
  serverUrl: string,
  prefix = "liaison_tmp",
): Promise<TemporaryPostgresDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`invalid database name prefix "${prefix}"`);
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = postgresConnectionString(serverUrl);
  await withPgClient(admin, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      // FORCE (PostgreSQL 13+) ends connections that are still open, e.g. a pool that was not closed.
      await withPgClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withPgClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const { default: pgModule } = await import("pg");
  const client = new pgModule.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
