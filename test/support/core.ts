// The core on a real database for tests: a store (SQLite in a temporary directory, or a temporary PostgreSQL
// database), migrated, optionally seeded with config/demo-directory.yaml, and the Dispatcher built by createCore
// with a ManualClock. Stores are opened lazily on first use, so that a skipped PostgreSQL block never connects.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, it } from "vitest";
import { createCore, type Core } from "../../src/app/app.js";
import { resolveActor } from "../../src/app/inbound.js";
import type { Actor } from "../../src/core/actor.js";
import type { Dispatcher } from "../../src/commands/dispatch.js";
import { loadConfig, type LoadedConfig } from "../../src/config/load.js";
import type { PlatformIdentity } from "../../src/core/adapter.js";
import { ManualClock } from "../../src/core/clock.js";
import { importDirectory } from "../../src/directory/import.js";
import { silentLogger } from "../../src/log.js";
import { openStore, type Provider, type Store } from "../../src/store/db.js";
import { Prisma } from "../../src/store/generated/sqlite/client.js";
import { applyMigrations } from "../../src/store/migrate.js";
import { createTempDatabase, describeOnPostgres, type PostgresTest } from "./postgres.js";
import { TEST_KEYS } from "./keys.js";
import { sealOnCommit } from "./sealing.js";
import { seedTcoAdvance } from "./tco.js";

/** The project's root directory. */
export const ROOT_DIR = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Both databases, for describe blocks that run on each. */
export const PROVIDERS: readonly Provider[] = ["sqlite", "postgresql"];

/** The demo directory file's text. */
export function demoDirectoryText(): string {
  return readFileSync(join(ROOT_DIR, "config/demo-directory.yaml"), "utf8");
}

/** A migrated database for one test file (or one describe block). */
export interface TestStore {
  store: Store;
  provider: Provider;
  /** Deletes every row of every table, so the database is as freshly migrated. */
  reset(): Promise<void>;
  /** Closes the store and removes the database. */
  dispose(): Promise<void>;
}

const tempDirs: string[] = [];

/** A new directory under the OS temp directory, removed when the test file ends. */
export function tempDir(prefix = "liaison-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Opens a new, migrated database of the given kind. Its transactions seal the record entries they append as they
 * commit (test/support/sealing.ts) unless `sealOnCommit` is false (tests of entries waiting to be sealed).
 */
export async function openTestStore(provider: Provider, options: { sealOnCommit?: boolean } = {}): Promise<TestStore> {
  const sealing = (store: Store) => (options.sealOnCommit === false ? store : sealOnCommit(store));
  if (provider === "sqlite") {
    const target = { provider: "sqlite" as const, url: join(tempDir("liaison-sqlite-"), "liaison.db") };
    await applyMigrations(target);
    const store = sealing(await openStore(target));
    return { store, provider, reset: () => resetStore(store), dispose: () => store.close() };
  }
  const database = await createTempDatabase();
  try {
    const target = { provider: "postgresql" as const, url: database.url };
    await applyMigrations(target);
    const store = sealing(await openStore(target));
    return {
      store,
      provider,
      reset: () => resetStore(store),
      dispose: async () => {
        await store.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** Parents before children; models not named here (added later) come last when inserting, first when deleting. */
const MODEL_ORDER = ["Organisation", "Contact", "Responsibility", "CaseChannel", "ContactRole", "ChatIdentity"];

/** Every model's client delegate (on the client or inside a transaction), in insertion order. */
function delegates(db: object): { name: string; delegate: ModelDelegate }[] {
  const names = Object.values(Prisma.ModelName) as string[];
  const ordered = [...MODEL_ORDER.filter((name) => names.includes(name)), ...names.filter((name) => !MODEL_ORDER.includes(name))];
  return ordered.map((name) => ({
    name,
    delegate: (db as Record<string, ModelDelegate>)[name.charAt(0).toLowerCase() + name.slice(1)] as ModelDelegate,
  }));
}

interface ModelDelegate {
  findMany(): Promise<Record<string, unknown>[]>;
  deleteMany(): Promise<unknown>;
  createMany(args: { data: Record<string, unknown>[] }): Prisma.PrismaPromise<unknown>;
}

/** Every row of every table, to put back with restoreStore. */
export type StoreSnapshot = { name: string; rows: Record<string, unknown>[] }[];

/** Runs a query on a model's table; a table the migrations do not create yet (P2021) reads as empty. */
async function unlessMissing<T>(query: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if ((error as { code?: string }).code === "P2021") return empty;
    throw error;
  }
}

/** Deletes every row, children before parents. */
export async function resetStore(store: Store): Promise<void> {
  await restoreStore(store, []);
}

/** Reads every row of every table. */
export async function snapshotStore(store: Store): Promise<StoreSnapshot> {
  const snapshot: StoreSnapshot = [];
  for (const { name, delegate } of delegates(store.db)) snapshot.push({ name, rows: await unlessMissing(() => delegate.findMany(), []) });
  return snapshot.filter((table) => table.rows.length > 0);
}

/** Makes the database hold exactly the snapshot's rows again, in one transaction (much faster than a new database). */
export async function restoreStore(store: Store, snapshot: StoreSnapshot): Promise<void> {
  const existing = await snapshotNames(store);
  const all = delegates(store.db);
  const byName = new Map(all.map(({ name, delegate }) => [name, delegate]));
  const deletes = all
    .map(({ name }) => name)
    .filter((name) => existing.has(name))
    .reverse()
    .map((name) => store.db.$executeRawUnsafe(`DELETE FROM "${name}"`));
  const inserts = snapshot.flatMap(({ name, rows }) => {
    const delegate = byName.get(name);
    return delegate ? [delegate.createMany({ data: rows })] : [];
  });
  await store.db.$transaction([...deletes, ...(inserts as never[])]);
}

const tablesOf = new WeakMap<Store, Set<string>>();

/** Models whose tables exist (a model the migrations do not create yet is left alone). */
async function snapshotNames(store: Store): Promise<Set<string>> {
  const known = tablesOf.get(store);
  if (known) return known;
  const names = new Set<string>();
  for (const { name, delegate } of delegates(store.db)) {
    if (await unlessMissing(() => delegate.findMany().then(() => true), false)) names.add(name);
  }
  tablesOf.set(store, names);
  return names;
}

/**
 * A store opened on first use and disposed after the enclosing describe block. Use inside a describe body:
 * `const db = lazyStore(provider); ... const { store } = await db.get();`.
 */
export function lazyStore(provider: Provider): { get(): Promise<TestStore> } {
  let opened: Promise<TestStore> | undefined;
  afterAll(async () => {
    if (opened) await (await opened).dispose();
  });
  return {
    get() {
      opened ??= openTestStore(provider);
      return opened;
    },
  };
}

/**
 * Registers a describe block once per database. On PostgreSQL the tests run when the server answers, are skipped
 * with a printed reason when it does not, and fail when CI is set (see test/support/postgres.ts).
 */
export function describeOnProviders(name: string, body: (provider: Provider, test: PostgresTest) => void): void {
  describe.each(PROVIDERS)(`${name} (%s)`, (provider) => {
    if (provider === "postgresql") {
      describeOnPostgres("on PostgreSQL", (test) => body(provider, test));
    } else {
      body(provider, (testName, fn, timeout) => it(testName, fn, timeout));
    }
  });
}

/** The project's configuration as loaded from config/default.yaml alone, with settings changed as given. */
export function testConfig(directory: { unlinkedMayRead?: boolean; findLimit?: number } = {}): LoadedConfig {
  const loaded = loadConfig({ rootDir: ROOT_DIR, env: {} });
  return { ...loaded, config: { ...loaded.config, directory: { ...loaded.config.directory, ...directory } } };
}

/** The start of the test clock. */
export const TEST_START = "2026-11-20T10:00:00.000Z";

/** The core on a store, with a clock tests can move. */
export interface TestCore {
  store: Store;
  core: Core;
  dispatcher: Dispatcher;
  clock: ManualClock;
  loaded: LoadedConfig;
  /** Directory reads outside any unit of work. */
  directory: Core["directory"];
  /** The actor a linked console user with this handle is (undefined contact when no such live contact). */
  actor(handle: string): Promise<Actor>;
  /** The actor of a chat identity as the core resolves it (linked contact, or unlinked). */
  actorOf(identity: PlatformIdentity): Promise<Actor>;
}

/** Imports the demo directory as the system would at start. */
export async function seedDemo(store: Store, clock: ManualClock): Promise<void> {
  const result = await importDirectory(store.db, clock, TEST_KEYS, demoDirectoryText(), "yaml", { actor: "system", via: "test-seed" });
  if (!result.ok) throw new Error(`demo directory did not import: ${JSON.stringify(result.problems)}`);
  await seedTcoAdvance(store.db);
}

/** Builds the core on `store`; with `seed` the demo directory is imported first. */
export async function createTestCore(
  store: Store,
  options: { seed?: boolean; unlinkedMayRead?: boolean; findLimit?: number; clock?: ManualClock } = {},
): Promise<TestCore> {
  const clock = options.clock ?? new ManualClock(TEST_START);
  if (options.seed ?? true) await seedDemo(store, clock);
  const loaded = testConfig({
    ...(options.unlinkedMayRead !== undefined ? { unlinkedMayRead: options.unlinkedMayRead } : {}),
    ...(options.findLimit !== undefined ? { findLimit: options.findLimit } : {}),
  });
  const core = createCore({ store, clock, keys: TEST_KEYS, logger: silentLogger(), loaded });
  // Console user ids are directory handles (the console adapter declares userIdIsHandle).
  const actorOf = (identity: PlatformIdentity) => resolveActor(core.directory, identity, { userIdIsHandle: identity.platform === "console" });
  return {
    store,
    core,
    dispatcher: core.dispatcher,
    directory: core.directory,
    clock,
    loaded,
    actorOf,
    actor: (handle) => actorOf({ platform: "console", workspace: "", userId: handle }),
  };
}

/** An identity on Slack that no contact is linked to. */
export const UNLINKED_IDENTITY: PlatformIdentity = { platform: "slack", workspace: "T0TEST", userId: "U0NOBODY" };
