// The real core for the platform latency benchmarks (BENCH_CORE=real): a migrated benchmark database (SQLite, or
// PostgreSQL with DATABASE_URL; see store.ts) with the demo directory, one chat identity linked to the demo
// coordinator, and the core built by createCore as `liaison start` builds it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { createCore, type Core } from "../src/app/app.js";
import { loadConfig } from "../src/config/load.js";
import { withUnreachedCeilings } from "./limits.js";
import type { PlatformIdentity } from "../src/core/adapter.js";
import { systemClock } from "../src/core/clock.js";
import { importDirectory } from "../src/directory/import.js";
import type { Store } from "../src/store/db.js";
import { analyzeAfterSeeding, openBenchDatabase } from "./store.js";
import { TEST_KEYS } from "../test/support/keys.js";

const ROOT = new URL("..", import.meta.url).pathname;

/** A running real core on its own benchmark database. */
export interface RealCore {
  core: Core;
  store: Store;
  /** Which database the core runs on, for printing. */
  label: string;
  /** Closes the store and removes the database (unless kept). */
  close(): Promise<void>;
}

/** True when BENCH_CORE=real asks for the real core behind the adapter. */
export function wantsRealCore(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.BENCH_CORE === "real";
}

/** Opens the real core for benchmark `name`, with `identity` linked to the demo coordinator. */
export async function openRealCore(name: string, identity: PlatformIdentity): Promise<RealCore> {
  const database = await openBenchDatabase(name);
  const { store } = database;
  try {
    const demo = readFileSync(join(ROOT, "config/demo-directory.yaml"), "utf8");
    const imported = await importDirectory(store.db, systemClock, TEST_KEYS, demo, "yaml", { actor: "system", via: "bench" });
    if (!imported.ok) throw new Error("demo directory did not import");
    const coordinator = await store.db.contact.findUniqueOrThrow({ where: { handle: "demo.coordinator" } });
    await store.db.chatIdentity.create({
      data: { id: `bench-identity-${name}`, contactId: coordinator.id, platform: identity.platform, workspace: identity.workspace, userId: identity.userId, createdAt: systemClock.now() },
    });
    await analyzeAfterSeeding(store);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  const core = createCore({ store, clock: systemClock, keys: TEST_KEYS, logger: pino({ level: "silent" }), loaded: withUnreachedCeilings(loadConfig({ rootDir: ROOT, env: {} })) });
  return { core, store, label: database.label, close: () => database.close() };
}
