// Benchmark: where the memory of an idle Liaison goes. Target (issue "One inbound event, one transaction", item 9):
// idle RSS under 200 MB with every chat adapter enabled.
//
//  1. Parts: each part imported (and, for the Prisma client, used) alone in a fresh plain `node` process; RSS
//     (VmRSS, after 1.5 s so that background compilation has settled) and the delta over bare Node.
//  2. `liaison start`, idle: the compiled product (src/cli/liaison.mjs) and the same from the TypeScript sources
//     through tsx (scripts/liaison-dev.mjs), with the console piped (after answering /whoami, stdin left open); the
//     compiled build without the launcher's V8 settings (src/cli/v8-settings.mjs); a first start (migrations pending).
//  3. Every adapter enabled: Slack (HTTP mode), Matrix and Discord against the local fakes of test/fakes (run in this
//     process), started in a child process as `liaison start` starts them (src/cli/start.ts: store, demo directory,
//     core, adapters, outbox, scheduler), compiled and through tsx. The adapters' API addresses are options of
//     their constructors, not configuration, which is why this part does not spawn `liaison start` itself. These
//     rows also say where the memory is: the JS heap (used, and committed with the new space's share), external
//     memory (buffers, WebAssembly memories) and the rest (Node itself, native modules, WebAssembly code).
//
// RSS is taken IDLE_MS (3 s) after start-up; V8's memory reducer runs some 20 s after the last start-up garbage
// collection and lowers it further (BENCH_IDLE_MS=30000 shows the figures after it).
//
// Needs the compiled build (`npm run build`). Linux only (reads /proc). Run: node --import tsx bench/idle-rss.ts
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildProblem } from "../scripts/build-stamp.mjs";
import { FakeDiscord, IDS } from "../test/fakes/discord/server.js";
import { FakeHomeserver } from "../test/fakes/matrix/homeserver.js";
import { FakeSlack } from "../test/fakes/slack/server.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SETTLE_MS = 1500;
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 3000);
/** The launcher's V8 settings (src/cli/v8-settings.mjs), for the parts that bypass the launcher. */
const V8_SETTINGS = 'const { applyV8Settings } = await import("./src/cli/v8-settings.mjs"); applyV8Settings();';

const problem = buildProblem(ROOT);
if (problem !== undefined) {
  console.error(problem);
  process.exit(1);
}

const directory = mkdtempSync(join(tmpdir(), "liaison-bench-rss-"));
const configFile = join(directory, "liaison.yaml");
const database = join(directory, "liaison.db");
writeFileSync(configFile, `database:\n  sqlitePath: ${JSON.stringify(database)}\nlog:\n  level: warn\n`);
const env: NodeJS.ProcessEnv = { ...process.env, LIAISON_CONFIG: configFile };
delete env.DATABASE_URL;
delete env.NODE_OPTIONS;

interface Status {
  rssMb: number;
  peakMb: number;
  /** Where the memory is, as the process said (the every-adapter harness only). */
  breakdown?: string;
}

function status(pid: number | "self"): Status {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(text)?.[1] ?? Number.NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `code` (an ES module) in a fresh process with `args` and returns its RSS once it has printed "ready" and
 * stayed idle for `idleMs`; the process is then ended (stdin closed, then SIGTERM). With `breakdown`, the process is
 * then asked (a "memory" line on stdin) where its memory is, and answers with a "memory {...}" line.
 */
function measure(args: string[], options: { input?: string; idleMs?: number; env?: NodeJS.ProcessEnv; breakdown?: boolean } = {}): Promise<Status> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: options.env ?? env, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    let done = false;
    const onData = async (chunk: Buffer) => {
      output += chunk.toString();
      if (done || !/ready|You are /.test(output)) return;
      done = true;
      await sleep(options.idleMs ?? IDLE_MS);
      let measured: Status;
      try {
        measured = status(child.pid!);
      } catch (error) {
        reject(error);
        return;
      }
      if (options.breakdown) {
        const answered = output.length;
        child.stdin.write("memory\n");
        for (let waited = 0; !/memory \{.*\}\n/.test(output.slice(answered)) && waited < 5000; waited += 50) await sleep(50);
        const answer = /memory (\{.*\})\n/.exec(output.slice(answered))?.[1];
        if (answer) measured.breakdown = describeBreakdown(measured.rssMb, JSON.parse(answer) as Breakdown);
      }
      resolve(measured);
      child.stdin.end();
      setTimeout(() => child.kill("SIGTERM"), 2000).unref();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!done) reject(new Error(`${args.join(" ")} exited with ${code} before it was ready:\n${output}`));
    });
    if (options.input) child.stdin.write(options.input);
  });
}

/** What the harness says of its memory (MB): process.memoryUsage() and the new space's committed size. */
interface Breakdown {
  heapUsedMb: number;
  heapTotalMb: number;
  newSpaceMb: number;
  externalMb: number;
}

function describeBreakdown(rssMb: number, b: Breakdown): string {
  const rest = rssMb - b.heapTotalMb - b.externalMb;
  return `heap ${b.heapUsedMb.toFixed(0)} used of ${b.heapTotalMb.toFixed(0)} (new space ${b.newSpaceMb.toFixed(0)}), external ${b.externalMb.toFixed(0)}, rest ${rest.toFixed(0)}`;
}

/** A part: ES module code run in a fresh process; it prints "ready" when done. */
function part(code: string, loader: string[] = []): Promise<Status> {
  return measure([...loader, "--input-type=module", "-e", `${code}\nconsole.log("ready");\nprocess.stdin.resume();`], { idleMs: SETTLE_MS });
}

const PRISMA = `
const { PrismaClient } = await import("./dist/src/store/generated/sqlite/client.js");
const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
const db = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: ${JSON.stringify(database)} }) });
await db.organisation.count();
await db.contact.findMany({ include: { organisation: true } });`;

const ADAPTERS = [
  ["slack", "@slack/bolt"],
  ["matrix", "matrix-bot-sdk"],
  ["discord", "discord.js"],
] as const;

const rows: { part: string; rssMb: number; deltaMb?: number; note?: string }[] = [];
function row(name: string, measured: Status, base?: Status, note?: string): void {
  const text = note ?? measured.breakdown;
  rows.push({ part: name, rssMb: measured.rssMb, ...(base ? { deltaMb: measured.rssMb - base.rssMb } : {}), ...(text ? { note: text } : {}) });
  console.error(`  measured: ${name}`);
}

/** The harness for part 3: `liaison start`'s start-up with every adapter against the fakes named in BENCH_FAKES. */
const HARNESS = `
const { default: v8 } = await import("node:v8");
if (process.env.BENCH_V8_SETTINGS === "1") { const { applyV8Settings } = await import("./src/cli/v8-settings.mjs"); applyV8Settings(); }
const ext = process.env.BENCH_EXT;
const from = (path) => import(new URL(process.env.BENCH_BASE + path + ext, "file://" + process.cwd() + "/").href);
const fakes = JSON.parse(process.env.BENCH_FAKES);
const [{ loadConfig }, { createLogger }, { prepareStore }, app, { systemClock: clock }, { commandCatalog: catalog }, { adapterStateStore }, { Scheduler }] = await Promise.all(
  ["src/config/load", "src/log", "src/cli/main", "src/app/app", "src/core/clock", "src/commands/catalog", "src/store/adapter-state", "src/jobs/scheduler"].map(from));
const [slack, matrix, discord] = await Promise.all(["adapters/slack/index", "adapters/matrix/index", "adapters/discord/index"].map(from));
const { discordConfigSchema } = await from("adapters/discord/config");
const loaded = loadConfig();
const logger = createLogger(loaded.config.log.level);
const store = await prepareStore(loaded);
const { RecordKeys } = await from("src/audit/keys");
const keys = RecordKeys.derive((await import("node:crypto")).randomBytes(32));
await app.seedDemoDirectory(store, clock, keys, loaded);
const core = app.createCore({ store, clock, keys, logger, loaded });
const environment = (namespace) => ({ catalog, state: adapterStateStore(store.db, clock, namespace), logger: logger.child({ platform: namespace }), clock, openCaseThreads: async () => [] });
const adapters = [
  slack.createSlackAdapter({ config: slack.slackConfigSchema.parse({ enabled: true, http: { host: "127.0.0.1", port: 0 }, apiUrl: fakes.slack.apiUrl }), secrets: fakes.slack.secrets, env: environment("slack") }),
  matrix.createMatrixAdapter({ config: matrix.matrixConfigSchema.parse({ enabled: true, homeserverUrl: fakes.matrix.url }), secrets: { MATRIX_ACCESS_TOKEN: fakes.matrix.token }, env: environment("matrix") }),
  discord.createDiscordAdapter({ config: discordConfigSchema.parse({ enabled: true, applicationId: fakes.discord.applicationId, guildIds: [fakes.discord.guildId], apiBaseUrl: fakes.discord.apiBaseUrl, readyTimeoutMs: 20000 }), secrets: { DISCORD_TOKEN: fakes.discord.token }, env: environment("discord") }),
];
for (const adapter of adapters) await adapter.start(core.attach(adapter));
core.outbox.start(loaded.config.outbox.pollIntervalMs);
const scheduler = new Scheduler(core.reminders.scheduled(), logger);
scheduler.start();
console.log("ready");
const mb = (bytes) => bytes / 1048576;
process.stdin.on("data", (chunk) => {
  if (!String(chunk).includes("memory")) return;
  const usage = process.memoryUsage();
  const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
  console.log("memory " + JSON.stringify({ heapUsedMb: mb(usage.heapUsed), heapTotalMb: mb(usage.heapTotal), newSpaceMb: mb(newSpace?.physical_space_size ?? 0), externalMb: mb(usage.external) }));
});
await new Promise((resolve) => process.stdin.on("end", resolve));
await scheduler.stop();
await core.outbox.stop();
for (const adapter of adapters) await adapter.stop();
await store.close();
`;

try {
  // 1. Parts.
  console.error("Parts, each alone in a fresh process:");
  const node = await part("");
  row("node (nothing loaded)", node);
  row("tsx loader (nothing else)", await part("", ["--import", "tsx"]), node);
  row("pino", await part('await import("pino");'), node);
  row("zod", await part('await import("zod");'), node);
  row("yaml, dotenv, node-cron, csv-parse, csv-stringify", await part('await Promise.all(["yaml", "dotenv", "node-cron", "csv-parse", "csv-stringify"].map((m) => import(m)));'), node);
  row("pg + @prisma/adapter-pg", await part('await import("pg"); await import("@prisma/adapter-pg");'), node);
  row("Prisma client, SQLite: imported", await part('await import("./dist/src/store/generated/sqlite/client.js"); await import("@prisma/adapter-better-sqlite3");'), node);
  for (const [name, module] of ADAPTERS) row(`${module} (${name})`, await part(`await import(${JSON.stringify(module)});`), node);
  row("the three adapters (compiled, with their SDKs)", await part('await Promise.all(["slack", "matrix", "discord"].map((p) => import(`./dist/adapters/${p}/index.js`)));'), node);
  row("Liaison's modules, compiled (dist/src/cli/main.js)", await part('await import("./dist/src/cli/main.js");'), node);
  row("Liaison's modules, through tsx (src/cli/main.ts)", await part('await import("./src/cli/main.ts");', ["--import", "tsx"]), node);

  // 2. liaison start, console piped (the first start creates the database that the Prisma parts query).
  console.error("liaison start, console piped:");
  const first = await measure(["src/cli/liaison.mjs", "start"], { input: "/whoami\n" });
  row("liaison start, first start (migrations, demo directory), compiled", first, node, "the schema engine stays loaded");
  row("Prisma client, SQLite: queried, default V8 settings", await part(PRISMA), node);
  row("Prisma client, SQLite: queried, launcher's V8 settings", await part(`${V8_SETTINGS}\n${PRISMA}`), node);
  const compiled = await measure(["src/cli/liaison.mjs", "start"], { input: "/whoami\n" });
  row("liaison start, compiled (src/cli/liaison.mjs)", compiled, node);
  const untuned = ["--input-type=module", "-e", 'const { main } = await import("./dist/src/cli/main.js"); process.exitCode = await main(["start"]);'];
  row("liaison start, compiled, default V8 settings", await measure(untuned, { input: "/whoami\n" }), node);
  row("liaison start, tsx (scripts/liaison-dev.mjs)", await measure(["scripts/liaison-dev.mjs", "start"], { input: "/whoami\n" }), node);
  // As `liaison start` ran before the build step: the sources through tsx, V8's default settings.
  const before = ["--import", "tsx", "--input-type=module", "-e", 'const { main } = await import("./src/cli/main.ts"); process.exitCode = await main(["start"]);'];
  row("liaison start, tsx, default V8 settings (before the build step)", await measure(before, { input: "/whoami\n" }), node);

  // 3. Every adapter, against the fakes.
  console.error("Every adapter enabled, against the fakes:");
  const slack = await FakeSlack.start();
  const workspace = slack.addWorkspace({ teamId: "T0BENCH", users: [{ id: "U0BENCH", name: "bench" }], channels: [{ id: "C0BENCH", name: "abuse-cases" }] });
  const homeserver = new FakeHomeserver("bench.test");
  await homeserver.start();
  const matrixToken = homeserver.registerUser("@liaison:bench.test", { displayName: "Liaison" });
  const discord = await new FakeDiscord().listen();
  const fakes = JSON.stringify({
    slack: { apiUrl: slack.apiUrl, secrets: { SLACK_BOT_TOKEN: workspace.botToken, SLACK_SIGNING_SECRET: slack.signingSecret } },
    matrix: { url: homeserver.baseUrl, token: matrixToken },
    discord: { token: discord.token, apiBaseUrl: discord.apiBaseUrl, applicationId: IDS.application, guildId: IDS.guild },
  });
  try {
    const harness = (base: string, ext: string, settings: boolean) => ({ breakdown: true, env: { ...env, BENCH_BASE: base, BENCH_EXT: ext, BENCH_FAKES: fakes, BENCH_V8_SETTINGS: settings ? "1" : "0" } });
    row("every adapter, compiled", await measure(["--input-type=module", "-e", HARNESS], harness("dist/", ".js", true)), node);
    row("every adapter, compiled, default V8 settings", await measure(["--input-type=module", "-e", HARNESS], harness("dist/", ".js", false)), node);
    row("every adapter, tsx", await measure(["--import", "tsx", "--input-type=module", "-e", HARNESS], harness("", ".ts", true)), node);
    row("every adapter, tsx, default V8 settings (before the build step)", await measure(["--import", "tsx", "--input-type=module", "-e", HARNESS], harness("", ".ts", false)), node);
  } finally {
    await slack.close();
    await homeserver.close();
    await discord.close();
  }

  const width = Math.max(...rows.map((r) => r.part.length));
  console.log(`${"part".padEnd(width)} | RSS MB | delta MB`);
  console.log(`${"-".repeat(width)} | ------ | --------`);
  for (const r of rows) {
    console.log(`${r.part.padEnd(width)} | ${r.rssMb.toFixed(0).padStart(6)} | ${r.deltaMb === undefined ? "" : `${r.deltaMb >= 0 ? "+" : ""}${r.deltaMb.toFixed(0)}`.padStart(8)}${r.note ? `  (${r.note})` : ""}`);
  }
  console.log(`Node ${process.version}; RSS = VmRSS after ${SETTLE_MS} ms (parts) or ${IDLE_MS} ms idle (processes); delta over bare Node.`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
