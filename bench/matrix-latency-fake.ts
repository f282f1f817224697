/**
 * Command-to-reply latency on Matrix against the fake homeserver (bench/matrix-latency.ts measures a real Synapse): Liaison's adapter versus a bare matrix-bot-sdk echo bot, side by side in the
 * same run against the local fake homeserver. Each command is a person's "!ping N" appended to the homeserver; the
 * latency is the time until the bot's reply event is stored by the homeserver (sync wake-up, processing, send).
 *
 *   node --import tsx bench/matrix-latency-fake.ts [commands=1000] [warmup=50]
 *
 * With BENCH_CORE=real, Liaison's side is the real core (a migrated store with the demo directory; the person is
 * linked to a contact) answering "!whoami" (identity lookup, record entry, a private reply by direct message),
 * instead of a stand-in answering at once, and the adapter keeps its state and its encryption keys in that database.
 * The database is a temporary SQLite file, or PostgreSQL with DATABASE_URL=postgres://... (a temporary database, see
 * store.ts), removed at the end, also when the run fails. Without BENCH_CORE=real there is no database.
 */
import { performance } from "node:perf_hooks";
import { LogLevel, LogService, MatrixClient, MemoryStorageProvider } from "matrix-bot-sdk";
import pino from "pino";
import { createMatrixAdapter, matrixConfigSchema } from "../adapters/matrix/index.js";
import { systemClock } from "../src/core/clock.js";
import { openRealCore, wantsRealCore, type RealCore } from "./real-core.js";
import { adapterRecordStore } from "../src/store/adapter-records.js";
import { adapterStateStore } from "../src/store/adapter-state.js";
import { parseSecretKey } from "../src/store/secret-box.js";
import { FakeHomeserver } from "../test/fakes/matrix/homeserver.js";
import { MemoryStateStore } from "../test/support/memory-state.js";

const COMMANDS = Number(process.argv[2] ?? 1000);
const WARMUP = Number(process.argv[3] ?? 50);
const SYNC_TIMEOUT_MS = 30_000;

const LIAISON = "@liaison:bench.test";
const ECHO = "@echo:bench.test";
const PERSON = "@ann:bench.test";
/** The installation's LIAISON_SECRET_KEY with the real core (the encryption keys are sealed, as in production). */
const SECRET_KEY = parseSecretKey(Buffer.alloc(32, 7).toString("hex"));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

async function main(): Promise<void> {
  LogService.setLevel(LogLevel.ERROR);
  const realCore = wantsRealCore() ? await openRealCore("matrix", { platform: "matrix", workspace: "", userId: PERSON }) : undefined;
  try {
    await run(realCore);
  } finally {
    // Closes the store and removes the benchmark database (unless kept), also after a failed run.
    await realCore?.close();
  }
}

/** Runs the benchmark with Liaison's adapter behind `realCore`, or behind a stand-in core when it is undefined. */
async function run(realCore: RealCore | undefined): Promise<void> {
  const fake = new FakeHomeserver("bench.test");
  await fake.start();
  const liaisonToken = fake.registerUser(LIAISON);
  const echoToken = fake.registerUser(ECHO);
  fake.registerUser(PERSON);
  const liaisonRoom = fake.createRoom(PERSON, { name: "liaison", members: [LIAISON] });
  const echoRoom = fake.createRoom(PERSON, { name: "echo", members: [ECHO] });

  // Liaison's adapter, behind the real core or a stand-in that answers at once.
  const adapter = createMatrixAdapter({
    config: matrixConfigSchema.parse({ enabled: true, homeserverUrl: fake.baseUrl, syncTimeoutMs: SYNC_TIMEOUT_MS }),
    secrets: { MATRIX_ACCESS_TOKEN: liaisonToken },
    // With the real core, the adapter keeps its state (sync token, direct rooms) and its encryption keys in the
    // database, as in production (src/app/platforms.ts); the stand-in keeps them in memory.
    env: {
      catalog: [],
      state: realCore ? adapterStateStore(realCore.store.db, systemClock, "matrix") : new MemoryStateStore(),
      logger: pino({ level: "silent" }),
      clock: systemClock,
      openCaseThreads: async () => [],
      records: realCore ? adapterRecordStore(realCore.store, systemClock, "matrix", SECRET_KEY) : undefined,
    },
  });
  await adapter.start(
    realCore
      ? realCore.core.attach(adapter)
      : async (event) => (event.type === "command" ? { message: { text: `pong ${event.text}` }, delivery: "in-place" } : undefined),
  );

  // The bare SDK echo bot: the usual matrix-bot-sdk bot, replying with a notice.
  const echo = new MatrixClient(fake.baseUrl, echoToken, new MemoryStorageProvider());
  echo.syncingTimeout = SYNC_TIMEOUT_MS;
  echo.on("room.message", (roomId: string, event: { sender?: string; content?: { msgtype?: string; body?: string } }) => {
    if (event.sender === ECHO || event.content?.msgtype === "m.notice" || !event.content?.body?.startsWith("!")) return;
    void echo.replyNotice(roomId, event, `pong /${event.content.body.slice(1)}`).catch(() => undefined);
  });
  await echo.start();

  const measure = (bot: string, roomId: string, n: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const timer = setTimeout(() => reject(new Error(`no reply from ${bot} to command ${n}`)), 10_000);
      const unsubscribe = fake.model.onAppend(() => {
        const last = fake.model.stream.at(-1)?.event;
        // The real core answers !whoami privately, in the person's direct room with Liaison.
        const sameRoom = last?.room_id === roomId || (realCore !== undefined && bot === LIAISON);
        if (last?.sender === bot && sameRoom && last.type === "m.room.message") {
          clearTimeout(timer);
          unsubscribe();
          resolve(performance.now() - started);
        }
      });
      fake.say(PERSON, roomId, realCore && bot === LIAISON ? "!whoami" : `!ping ${n}`);
    });

  const liaison: number[] = [];
  const bare: number[] = [];
  for (let n = 0; n < WARMUP + COMMANDS; n += 1) {
    // Alternate who goes first so neither bot always follows the other's traffic.
    const order = n % 2 === 0 ? (["liaison", "bare"] as const) : (["bare", "liaison"] as const);
    for (const who of order) {
      const ms = who === "liaison" ? await measure(LIAISON, liaisonRoom, n) : await measure(ECHO, echoRoom, n);
      if (n >= WARMUP) (who === "liaison" ? liaison : bare).push(ms);
    }
  }

  await adapter.stop();
  echo.stop();
  await fake.close();

  const row = (name: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    return { name, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, max: sorted.at(-1) ?? Number.NaN };
  };
  const rows = [row("liaison adapter", liaison), row("bare matrix-bot-sdk bot", bare)];
  const format = (value: number) => value.toFixed(2).padStart(8);
  console.log(`Matrix command-to-reply latency: ${COMMANDS} commands per bot (after ${WARMUP} warm-up), fake homeserver on 127.0.0.1, node ${process.version}`);
  console.log(realCore ? `Liaison side: the real core answering !whoami, ${realCore.label}` : "Liaison side: a stand-in core answering at once (no database; BENCH_CORE=real for the real core)");
  console.log(`${"".padEnd(26)}${"p50 ms".padStart(8)}${"p99 ms".padStart(8)}${"mean ms".padStart(8)}${"max ms".padStart(8)}`);
  for (const { name, p50, p99, mean, max } of rows) console.log(`${name.padEnd(26)}${format(p50)}${format(p99)}${format(mean)}${format(max)}`);
  const ratio = (rows[0]?.p99 ?? Number.NaN) / (rows[1]?.p99 ?? Number.NaN);
  const p50Ratio = (rows[0]?.p50 ?? Number.NaN) / (rows[1]?.p50 ?? Number.NaN);
  console.log(`p99 ratio (liaison / bare): ${ratio.toFixed(2)} (target <= 1.3: ${ratio <= 1.3 ? "met" : "NOT met"}); p50 ratio ${p50Ratio.toFixed(2)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
