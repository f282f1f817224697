/**
 * Slash-command acknowledgement latency: Liaison's Slack adapter against a bare Bolt app that acks immediately,
 * side by side in one run, over the same fake Slack (signed form-encoded requests over HTTP on 127.0.0.1).
 *
 *   node --import tsx bench/slack-latency.ts [--requests 1000] [--warmup 50]
 *
 * The core is stood in for by a handler that resolves a reply at once; Liaison then answers through response_url
 * after the ack, as it does in production. With BENCH_CORE=real, the real core is behind the adapter instead (a
 * migrated database with the demo directory, the Slack user linked to a contact, the adapter's state kept in the
 * database as in production): it runs the command for real after the ack. The database is a temporary SQLite file,
 * or PostgreSQL with DATABASE_URL=postgres://... (a temporary database, see store.ts). Requests alternate between the two apps, one at a time, over keep-alive
 * connections. They are sent and timed from a worker thread (its own event loop, as Slack is remote): latency runs
 * from the request being written to the end of the ack response.
 */
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { App, LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import pino from "pino";
import { createSlackAdapter, slackConfigSchema } from "../adapters/slack/index.js";
import { commandCatalog } from "../src/commands/catalog.js";
import type { InboundHandler } from "../src/core/adapter.js";
import { systemClock } from "../src/core/clock.js";
import { adapterStateStore } from "../src/store/adapter-state.js";
import { FakeSlack } from "../test/fakes/slack/server.js";
import { MemoryStateStore } from "../test/support/memory-state.js";
import { openRealCore, wantsRealCore } from "./real-core.js";

type Target = "liaison" | "bare";

/** One request for the load generator. */
interface PlannedRequest {
  target: Target;
  url: string;
  body: string;
  headers: Record<string, string>;
  record: boolean;
}

/** One measured request. */
interface Sample {
  target: Target;
  ms: number;
  record: boolean;
}

const silentBolt: BoltLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

function percentile(sortedMs: number[], p: number): number {
  const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[index] ?? Number.NaN;
}

/**
 * The load generator, run in a worker thread (plain JavaScript, so it needs no TypeScript loader): sends the planned
 * requests one at a time over a keep-alive connection per app and posts back each latency.
 */
const LOAD_GENERATOR = `
const { Agent, request } = require("node:http");
const { performance } = require("node:perf_hooks");
const { parentPort, workerData } = require("node:worker_threads");
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function post(item) {
  return new Promise((resolve, reject) => {
    const url = new URL(item.url);
    const headers = { ...item.headers, "content-length": String(Buffer.byteLength(item.body)) };
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end(item.body);
  });
}
(async () => {
  const samples = [];
  for (const item of workerData) {
    const started = performance.now();
    const status = await post(item);
    const ms = performance.now() - started;
    if (status !== 200) throw new Error(item.target + ": HTTP " + status);
    samples.push({ target: item.target, ms, record: item.record });
  }
  agent.destroy();
  parentPort.postMessage(samples);
})();
`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: "string", default: "1000" }, warmup: { type: "string", default: "50" } } });
  const requests = Number(values.requests);
  const warmup = Number(values.warmup);

  const fake = await FakeSlack.start();
  fake.echoBotMessages = false;
  const workspace = fake.addWorkspace({ teamId: "T0BENCH", users: [{ id: "U0ANN", name: "ann" }], channels: [{ id: "C0CASES", name: "cases" }] });

  // Liaison's adapter: HTTP receiver, one workspace, the same code path as production.
  const realCore = wantsRealCore() ? await openRealCore("slack", { platform: "slack", workspace: "T0BENCH", userId: "U0ANN" }) : undefined;
  let coreCalls = 0;
  const liaison = createSlackAdapter({
    config: slackConfigSchema.parse({ enabled: true, http: { host: "127.0.0.1", port: 0 }, apiUrl: fake.apiUrl }),
    secrets: { SLACK_BOT_TOKEN: workspace.botToken, SLACK_SIGNING_SECRET: fake.signingSecret },
    env: {
      catalog: realCore ? commandCatalog : [],
      // With the real core, the adapter keeps its state in the database, as in production.
      state: realCore ? adapterStateStore(realCore.store.db, systemClock, "slack") : new MemoryStateStore(),
      logger: pino({ level: "silent" }),
      clock: systemClock,
      // The benchmark measures live commands; no case threads to catch up on.
      openCaseThreads: async () => [],
    },
  });
  const core: InboundHandler = realCore
    ? realCore.core.attach(liaison)
    : async () => ({ message: { text: "reply from the core" }, delivery: "ephemeral" });
  await liaison.start(async (event) => {
    coreCalls += 1;
    return core(event);
  });
  const liaisonUrl = `http://127.0.0.1:${liaison.listeningPort() ?? 0}/slack/events`;

  // A bare Bolt app that acknowledges immediately and does nothing else.
  const bare = new App({ token: workspace.botToken, signingSecret: fake.signingSecret, logger: silentBolt, clientOptions: { slackApiUrl: fake.apiUrl } });
  bare.command(/.*/, async ({ ack }) => {
    await ack();
  });
  const bareServer = await bare.start({ port: 0, host: "127.0.0.1" });
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/slack/events`;

  // Signed requests, each with its own trigger_id and response_url (signatures stay valid for 5 minutes).
  const planned: PlannedRequest[] = [];
  const plan = (target: Target, record: boolean): void => {
    const payload = fake.slashCommandPayload({ team: "T0BENCH", user: "U0ANN", channel: "C0CASES", command: "/contacts", text: "find hosting --country NL" });
    planned.push({ target, url: target === "liaison" ? liaisonUrl : bareUrl, ...fake.signedRequest("command", payload), record });
  };
  for (let index = 0; index < warmup; index += 1) {
    plan("liaison", false);
    plan("bare", false);
  }
  for (let index = 0; index < requests; index += 1) {
    // Alternate which goes first so that neither always follows the other's background work.
    for (const target of index % 2 === 0 ? (["liaison", "bare"] as const) : (["bare", "liaison"] as const)) plan(target, true);
  }

  const worker = new Worker(LOAD_GENERATOR, { eval: true, workerData: planned });
  const results = await new Promise<Sample[]>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  await liaison.whenIdle();

  const rows = (["liaison", "bare"] as const).map((target) => {
    const sorted = results.filter((sample) => sample.record && sample.target === target).map((sample) => sample.ms).sort((a, b) => a - b);
    return { target, n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
  });
  const [ours, theirs] = rows;
  const replies = fake.callsOf("response_url").filter((call) => call.status === 200).length;
  console.log(`Slack slash-command ack latency: ${requests} signed requests to each app (after ${warmup} warm-up each), same run`);
  console.log(realCore ? `Liaison side: the real core running "/contacts find hosting --country NL", ${realCore.label}` : "Liaison side: a stand-in core answering at once (no database; BENCH_CORE=real for the real core)");
  console.log(`node ${process.version}, load average ${loadavg().map((load) => load.toFixed(2)).join(" ")}`);
  console.log("app                           n   p50 ms   p99 ms   max ms");
  for (const row of rows) {
    const name = row.target === "liaison" ? "Liaison Slack adapter" : "bare Bolt app (ack only)";
    console.log(`${name.padEnd(25)} ${String(row.n).padStart(5)} ${row.p50.toFixed(2).padStart(8)} ${row.p99.toFixed(2).padStart(8)} ${row.max.toFixed(2).padStart(8)}`);
  }
  console.log(`p99 ratio (Liaison / bare): ${((ours?.p99 ?? 0) / (theirs?.p99 ?? 1)).toFixed(2)} (target <= 1.3)`);
  console.log(`p50 ratio (Liaison / bare): ${((ours?.p50 ?? 0) / (theirs?.p50 ?? 1)).toFixed(2)}`);
  // The apps share one process: a request that follows one to Liaison competes with Liaison's post-ack work.
  const after = (target: Target, previous: Target): string => {
    const sorted = results
      .filter((sample, index) => sample.record && sample.target === target && results[index - 1]?.target === previous)
      .map((sample) => sample.ms)
      .sort((a, b) => a - b);
    return `p50 ${percentile(sorted, 50).toFixed(2)} / p99 ${percentile(sorted, 99).toFixed(2)} ms (n=${sorted.length})`;
  };
  console.log(`by predecessor: Liaison after Liaison ${after("liaison", "liaison")}, after bare ${after("liaison", "bare")}`);
  console.log(`                bare after Liaison ${after("bare", "liaison")}, after bare ${after("bare", "bare")}`);
  console.log(`core calls: ${coreCalls}; replies delivered through response_url: ${replies}`);
  const failed = fake.callsOf("response_url").filter((call) => JSON.stringify(call.params).includes("✗")).length;
  if (failed > 0) console.log(`replies saying something failed: ${failed} (first: ${JSON.stringify(fake.callsOf("response_url")[0]?.params).slice(0, 200)})`);

  await liaison.stop();
  await bare.stop();
  await fake.close();
  await realCore?.close();
}

await main();
