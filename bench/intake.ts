// Sustained X-ARF intake over HTTP on one process: reports per second accepted (committed before the 202) and latency
// percentiles, against the real listener on a local port. Each report is a new one (its own report id) about one of
// a few thousand addresses in a range of the demo directory, so that reports both open items and join open ones.
// Usage: npx tsx bench/intake.ts [reports=3000] [concurrency=16]; DATABASE_URL=postgres://... for PostgreSQL.
// BENCH_OPEN_ITEMS=N first adds N open items (other targets, routed to the same organisation) to measure the growth
// with the number of open items (the issue compares 10k and 1M). BENCH_PROCESSES=2 starts a second listener in a
// child process on the same database (PostgreSQL) and sends half of the reports to each; the CPU figure then adds
// the child's.
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { ManualClock, systemClock } from "../src/core/clock.js";
import { loadConfig } from "../src/config/load.js";
import { importDirectory } from "../src/directory/import.js";
import { RecordKeys } from "../src/audit/keys.js";
import { startHttpServer } from "../src/http/server.js";
import { INTAKE_REPORTS_PATH } from "../src/http/intake-api.js";
import { createIntakeToken } from "../src/intake/tokens.js";
import { inUnitOfWork } from "../src/work/unit-of-work.js";
import { analyzeAfterSeeding, openBenchDatabase } from "./store.js";
import { formatPercentiles } from "./stats.js";

const serverOnly = process.env.BENCH_SERVER_ONLY === "1";
const total = Number(process.argv[2] ?? 3000);
const openItems = Number(process.env.BENCH_OPEN_ITEMS ?? 0);
const processes = Number(process.env.BENCH_PROCESSES ?? 1);
const concurrency = Number(process.argv[3] ?? 16);
const loaded = loadConfig({ env: {} });
const keys = RecordKeys.derive(Buffer.alloc(32, 9));
const intake = { ...loaded.config.intake, api: { ...loaded.config.intake.api, rate: { window: 60_000, perToken: 1_000_000_000 } } };

if (serverOnly) {
  // The second process: a listener on the parent's database (BENCH_DB), until the parent says stop.
  const { openStore, storeTarget } = await import("../src/store/db.js");
  const store = await openStore(storeTarget(process.env.DATABASE_URL, ":memory:", new URL("..", import.meta.url).pathname));
  const { server, address } = await startHttpServer({ store, clock: systemClock, keys, http: { ...loaded.config.http, enabled: true, port: 0 }, intake });
  const cpuBefore = process.cpuUsage();
  process.send?.({ address });
  process.on("message", () => {
    const cpu = process.cpuUsage(cpuBefore);
    process.send?.({ cpuMs: (cpu.user + cpu.system) / 1000 });
    void server.close().then(() => store.close()).then(() => process.exit(0));
  });
} else {
const bench = await openBenchDatabase("intake");
const { store } = bench;
const demo = readFileSync(new URL("../config/demo-directory.yaml", import.meta.url), "utf8");
const imported = await importDirectory(store.db, new ManualClock(new Date()), keys, demo, "yaml", { actor: "system", via: "bench" });
if (!imported.ok) throw new Error("demo directory did not import");
const created = await inUnitOfWork(store, systemClock, keys, (work) => createIntakeToken(work, { actor: "operator", via: "bench" }, "de-cert", "bench"));
if (!created.ok) throw new Error(created.message);
const token = created.value.text;
if (openItems > 0) await seedOpenItems(openItems);
const { server, address } = await startHttpServer({ store, clock: systemClock, keys, http: { ...loaded.config.http, enabled: true, port: 0 }, intake });
const children = processes > 1 ? await Promise.all(Array.from({ length: processes - 1 }, () => startChild())) : [];
const addresses = [address, ...children.map((child) => child.address)];

/** Adds `count` open items about other addresses and URLs, routed to acme-hosting as the bench's reports are. */
async function seedOpenItems(count: number): Promise<void> {
  const acme = await store.db.organisation.findFirstOrThrow({ where: { slug: "acme-hosting" } });
  const at = new Date();
  const started = performance.now();
  for (let from = 0; from < count; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - from) }, (_, offset) => {
      const serial = from + offset;
      const ipKey = `20010db8ac3e0001${serial.toString(16).padStart(16, "0")}`;
      return {
        id: `seed-${serial}`, reference: `I-2000-${String(serial).padStart(7, "0")}`, routedToId: acme.id, routeReason: "seed", category: "connection", type: "ddos",
        groupKey: `connection/ddos|ip:${ipKey}`, urlKey: null, ipKey, domainKey: serial % 2 === 0 ? `host${serial}.acme-hosting.example` : null, contentHash: null,
        target: "{}", summary: "seed", tlp: "AMBER", state: "open", reportCount: 1, firstReportedAt: at, lastReportedAt: at, createdAt: at, updatedAt: at,
      };
    });
    await store.db.intakeItem.createMany({ data: rows });
  }
  await analyzeAfterSeeding(store);
  console.log(`seeded ${count} open items in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** A second listener in a child process, on this database. */
function startChild(): Promise<{ address: string; stop(): Promise<number> }> {
  if (store.provider !== "postgresql") throw new Error("BENCH_PROCESSES > 1 needs PostgreSQL (DATABASE_URL)");
  const child = fork(new URL(import.meta.url).pathname, [], { env: { ...process.env, BENCH_SERVER_ONLY: "1", DATABASE_URL: store.target.url }, execArgv: ["--import", "tsx"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", (message: { address: string }) =>
      resolve({
        address: message.address,
        stop: () =>
          new Promise<number>((done) => {
            child.once("message", (last: { cpuMs: number }) => done(last.cpuMs));
            child.send("stop");
          }),
      }),
    );
  });
}
const sample = JSON.parse(readFileSync(new URL("../../shared/specs/xarf/samples/v4/connection-ddos.json", import.meta.url), "utf8")) as Record<string, unknown>;

const latencies: number[] = [];
let next = 0;
let failures = 0;
async function worker(): Promise<void> {
  while (next < total) {
    const index = next++;
    const body = JSON.stringify({ ...sample, report_id: randomUUID(), source_identifier: `192.0.2.${index % 250}` });
    const started = performance.now();
    const reply = await fetch(`${addresses[index % addresses.length]}${INTAKE_REPORTS_PATH}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
    await reply.arrayBuffer();
    latencies.push(performance.now() - started);
    if (reply.status !== 202) failures += 1;
  }
}
const startedAt = performance.now();
const cpuBefore = process.cpuUsage();
await Promise.all(Array.from({ length: concurrency }, () => worker()));
const seconds = (performance.now() - startedAt) / 1000;
// CPU of this process (server and client together) per report: less sensitive than rates to other load on the host.
const cpu = process.cpuUsage(cpuBefore);
const childCpuMs = (await Promise.all(children.map((child) => child.stop()))).reduce((sum, ms) => sum + ms, 0);
const items = await store.db.intakeItem.count();
console.log(`intake over HTTP, ${bench.label}: ${total} reports, concurrency ${concurrency}, ${processes} process${processes === 1 ? "" : "es"}, ${items} items (${openItems} seeded open)`);
console.log(`  ${(total / seconds).toFixed(0)} reports/s accepted (committed), ${failures} not 202`);
console.log(`  ${formatPercentiles("latency", latencies)}`);
console.log(`  ${((cpu.user + cpu.system) / 1000 / total).toFixed(2)} ms of CPU in this process per report (client included)${children.length > 0 ? `, ${(childCpuMs / total).toFixed(2)} ms in the other` : ""}; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`);
await server.close();
await bench.close();
}
