// Sustained X-ARF intake over HTTP on one process: reports per second accepted (committed before the 202) and latency
// percentiles, against the real listener on a local port. Each report is a new one (its own report id) about one of
// 250 addresses in a range of the demo directory, so that reports both open items and join open ones (BENCH_TARGETS=N:
// N addresses instead; more than 250 are IPv6, and most reports then open an item).
// The client that posts the reports runs in a process of its own (as a feed would), so that the figures are the
// server's: its CPU per report, and what it accepts per second. The first BENCH_WARMUP reports (300) warm the server
// up (compiled code, caches) and are not counted.
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
import { Prisma } from "../src/store/generated/sqlite/client.js";
import { analyzeAfterSeeding, openBenchDatabase } from "./store.js";
import { formatPercentiles } from "./stats.js";

const serverOnly = process.env.BENCH_SERVER_ONLY === "1";
const clientOnly = process.env.BENCH_CLIENT_ONLY === "1";
const total = Number(process.argv[2] ?? 3000);
const openItems = Number(process.env.BENCH_OPEN_ITEMS ?? 0);
const processes = Number(process.env.BENCH_PROCESSES ?? 1);
const concurrency = Number(process.argv[3] ?? 16);
const warmup = Number(process.env.BENCH_WARMUP ?? 300);
// How many different addresses the reports are about: 250 (IPv4, most reports join an open item), or more (IPv6
// addresses in acme-hosting's range, so that most reports open an item: routing, cards, de-confliction, repeat counts).
const targets = Number(process.env.BENCH_TARGETS ?? 250);
const loaded = loadConfig({ env: {} });
const keys = RecordKeys.derive(Buffer.alloc(32, 9));
const intake = { ...loaded.config.intake, api: { ...loaded.config.intake.api, rate: { window: 60_000, perToken: 1_000_000_000 } } };

if (clientOnly) {
  // The client: posts `total` reports with `concurrency` in flight to the addresses it is given, and answers with
  // each report's latency.
  process.once("message", (task: { addresses: string[]; token: string }) => {
    void (async () => {
      await postReports(task.addresses, task.token, warmup);
      process.send?.({ warm: true });
      process.send?.(await postReports(task.addresses, task.token, total, warmup));
      process.disconnect?.();
    })();
  });
} else if (serverOnly) {
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

/**
 * Adds `count` open items about other addresses, routed to acme-hosting as the bench's reports are, in one INSERT ...
 * SELECT over a counting CTE (a million rows in well under a minute; through the client it would take most of an hour).
 */
async function seedOpenItems(count: number): Promise<void> {
  const acme = await store.db.organisation.findFirstOrThrow({ where: { slug: "acme-hosting" } });
  const at = new Date();
  const started = performance.now();
  const postgres = store.provider === "postgresql";
  const hex = postgres ? Prisma.sql`lpad(to_hex(n."i"), 16, '0')` : Prisma.sql`printf('%016x', n."i")`;
  const when = postgres ? Prisma.sql`CAST(${at} AS TIMESTAMP(3))` : Prisma.sql`${at}`;
  const ipKey = Prisma.sql`('20010db8ac3e0001' || ${hex})`;
  await store.db.$executeRaw`
    WITH RECURSIVE n("i") AS (SELECT 0 UNION ALL SELECT n."i" + 1 FROM n WHERE n."i" < ${count - 1})
    INSERT INTO "IntakeItem" ("id", "reference", "routedToId", "routeReason", "category", "type", "groupKey", "urlKey", "ipKey", "domainKey", "contentHash",
      "target", "summary", "tlp", "state", "reportCount", "firstReportedAt", "lastReportedAt", "createdAt", "updatedAt")
    SELECT 'seed-' || n."i", 'I-2000-S' || n."i", ${acme.id}, 'seed', 'connection', 'ddos', 'connection/ddos|ip:' || ${ipKey}, NULL, ${ipKey},
      CASE WHEN n."i" % 2 = 0 THEN 'host' || n."i" || '.acme-hosting.example' END, NULL, '{}', 'seed', 'AMBER', 'open', 1, ${when}, ${when}, ${when}, ${when}
    FROM n`;
  await analyzeAfterSeeding(store);
  console.log(`seeded ${count} open items in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * Runs the client in a process of its own: after its warm-up, the time and this process's CPU (the server's: less
 * sensitive than rates to other load on the host) are taken over the counted reports, with their latencies.
 */
function runClient(targets: string[], bearer: string): Promise<{ latencies: number[]; failures: number; seconds: number; cpu: NodeJS.CpuUsage }> {
  const child = fork(new URL(import.meta.url).pathname, process.argv.slice(2), { env: { ...process.env, BENCH_CLIENT_ONLY: "1" }, execArgv: ["--import", "tsx"] });
  let startedAt = performance.now();
  let cpuBefore = process.cpuUsage();
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.on("message", (message: { warm: true } | { latencies: number[]; failures: number }) => {
      if ("warm" in message) {
        startedAt = performance.now();
        cpuBefore = process.cpuUsage();
        return;
      }
      resolve({ ...message, seconds: (performance.now() - startedAt) / 1000, cpu: process.cpuUsage(cpuBefore) });
    });
    child.send({ addresses: targets, token: bearer });
  });
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
const { latencies, failures, seconds, cpu } = await runClient(addresses, token);
const childCpuMs = (await Promise.all(children.map((child) => child.stop()))).reduce((sum, ms) => sum + ms, 0);
const items = await store.db.intakeItem.count();
console.log(`intake over HTTP, ${bench.label}: ${total} reports (after ${warmup} not counted), concurrency ${concurrency}, ${processes} process${processes === 1 ? "" : "es"}, ${items} items (${openItems} seeded open)`);
console.log(`  ${(total / seconds).toFixed(0)} reports/s accepted (committed), ${failures} not 202`);
console.log(`  ${formatPercentiles("latency", latencies)}`);
console.log(`  ${((cpu.user + cpu.system) / 1000 / total).toFixed(2)} ms of CPU in the server per report${children.length > 0 ? `, ${(childCpuMs / total).toFixed(2)} ms in the other` : ""}; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`);
await server.close();
await bench.close();
}

/** Posts `count` reports, `concurrency` at a time, spread over the listeners; each a new report about one of `targets` addresses. */
async function postReports(listeners: string[], bearer: string, count: number, from = 0): Promise<{ latencies: number[]; failures: number }> {
  const sample = JSON.parse(readFileSync(new URL("../../shared/specs/xarf/samples/v4/connection-ddos.json", import.meta.url), "utf8")) as Record<string, unknown>;
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = from + next++;
      const address = targets <= 250 ? `192.0.2.${index % targets}` : `2001:db8:ac3e:2::${(index % targets).toString(16)}`;
      const body = JSON.stringify({ ...sample, report_id: randomUUID(), source_identifier: address });
      const started = performance.now();
      const reply = await fetch(`${listeners[index % listeners.length]}${INTAKE_REPORTS_PATH}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` }, body });
      await reply.arrayBuffer();
      latencies.push(performance.now() - started);
      if (reply.status !== 202) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return { latencies, failures };
}
