// One Liaison installation against a real homeserver: a store (the SQLite file or PostgreSQL database it is given), the
// core on the system clock, the outbox worker, and the Matrix adapter with its default settings. Two organisations are on Matrix (the police's cases room
// and a hosting company's), so a case between them is relayed both ways through the homeserver. Used in-process
// and, for kill -9, in a child process (synapse-liaison-child.ts).
import { CaseRepository } from "../../src/cases/repository.js";
import { pino } from "pino";
import { createMatrixAdapter, matrixConfigSchema, type MatrixAdapter, type MatrixConfig } from "../../adapters/matrix/index.js";
import { createCore, type Core } from "../../src/app/app.js";
import { commandCatalog } from "../../src/commands/catalog.js";
import { loadConfig } from "../../src/config/load.js";
import { systemClock } from "../../src/core/clock.js";
import { importDirectory } from "../../src/directory/import.js";
import { adapterRecordStore } from "../../src/store/adapter-records.js";
import { adapterStateStore } from "../../src/store/adapter-state.js";
import { parseSecretKey } from "../../src/store/secret-box.js";
import { openStore, type Store, type StoreTarget } from "../../src/store/db.js";
import { applyMigrations } from "../../src/store/migrate.js";
import { TEST_KEYS } from "./keys.js";
import { ROOT_DIR } from "./platform-core.js";

/** The installation's LIAISON_SECRET_KEY in these tests (fixed, so a restarted installation opens its records). */
const TEST_SECRET_KEY = parseSecretKey(Buffer.alloc(32, 9).toString("hex"));

/** The Matrix people and rooms of the Synapse world. */
export interface SynapseWorldIds {
  bot: string;
  anna: string;
  bram: string;
  jan: string;
  /** The police's cases room. */
  policeRoom: string;
  /** The hosting company's cases room. */
  acmeRoom: string;
}

/** What one installation needs. */
export interface LiaisonOptions {
  /**
   * The installation's database (migrated at start): a SQLite file in the tests, the benchmark's database (SQLite or
   * PostgreSQL) in bench/matrix-latency.ts. A target, not an open store, so that a child process can be given it.
   */
  database: StoreTarget;
  homeserverUrl: string;
  botToken: string;
  ids: SynapseWorldIds;
  matrix?: Partial<MatrixConfig>;
  /** Outbox settings (the lease of a message in flight, in milliseconds). */
  leaseMs?: number;
}

/** A running installation. */
export interface RunningLiaison {
  store: Store;
  core: Core;
  adapter: MatrixAdapter;
  /** Stops the adapter and the outbox and closes the store (a clean shutdown). */
  stop(): Promise<void>;
}

/** The directory: the police (Anna, Bram) and a hosting company (Jan), both on Matrix. */
export function synapseDirectory(ids: SynapseWorldIds): string {
  return JSON.stringify({
    version: 1,
    organisations: [
      {
        slug: "nl-police",
        name: "Police Cyber Unit (test)",
        kind: "lea",
        country: "NL",
        timeZone: "Europe/Amsterdam",
        workingHours: "24/7",
        channels: [{ platform: "matrix", channel: ids.policeRoom }],
        contacts: [
          { handle: "anna.politie", name: "Anna Politie", roles: { notices: "primary" }, orgAdmin: true, identities: [{ platform: "matrix", user: ids.anna }] },
          { handle: "bram.politie", name: "Bram Politie", roles: { notices: "backup" }, identities: [{ platform: "matrix", user: ids.bram }] },
        ],
      },
      {
        slug: "acme",
        name: "ACME Hosting (test)",
        kind: "hosting",
        country: "NL",
        timeZone: "Europe/Amsterdam",
        workingHours: "24/7",
        channels: [{ platform: "matrix", channel: ids.acmeRoom }],
        contacts: [{ handle: "jan.acme", name: "Jan Acme", roles: { notices: "primary" }, orgAdmin: true, identities: [{ platform: "matrix", user: ids.jan }] }],
      },
    ],
  });
}

/** Starts an installation on `options.database` (migrated, and given the directory when it is empty). */
export async function startLiaison(options: LiaisonOptions): Promise<RunningLiaison> {
  await applyMigrations(options.database);
  const store = await openStore(options.database);
  const clock = systemClock;
  const log = pino({ level: process.env.LOG_LEVEL ?? "silent" });
  const loaded = loadConfig({ rootDir: ROOT_DIR, env: {} });
  if (options.leaseMs !== undefined) loaded.config.outbox.leaseMs = options.leaseMs;
  if ((await store.db.organisation.count()) === 0) {
    const imported = await importDirectory(store.db, clock, TEST_KEYS, synapseDirectory(options.ids), "json", { actor: "system", via: "test-seed" });
    if (!imported.ok) throw new Error(`test directory did not import: ${JSON.stringify(imported.problems)}`);
  }
  const core = createCore({ store, clock, keys: TEST_KEYS, logger: log, loaded });
  const config = matrixConfigSchema.parse({ enabled: true, homeserverUrl: options.homeserverUrl, allowedInviters: ["police.test"], ...options.matrix });
  const adapter = createMatrixAdapter({
    config,
    secrets: { MATRIX_ACCESS_TOKEN: options.botToken },
    env: { catalog: commandCatalog, state: adapterStateStore(store.db, clock, "matrix"), logger: log.child({ platform: "matrix" }), clock, openCaseThreads: () => new CaseRepository(store.db).threadsToCatchUp("matrix"), records: adapterRecordStore(store, clock, "matrix", TEST_SECRET_KEY) },
  });
  await adapter.start(core.attach(adapter));
  core.outbox.start(50);
  return {
    store,
    core,
    adapter,
    async stop() {
      await core.outbox.stop();
      await adapter.stop();
      await store.close();
    },
  };
}
