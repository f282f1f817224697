// Sustained X-ARF intake over HTTP on one process: reports per second accepted (committed before the 202) and latency
// percentiles, against the real listener on a local port. Each report is a new one (its own report id) about one of
// a few thousand addresses in a range of the demo directory, so that reports both open items and join open ones.
// Usage: npx tsx bench/intake.ts [reports=3000] [concurrency=16]; DATABASE_URL=postgres://... for PostgreSQL.
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
import { openBenchDatabase } from "./store.js";
import { formatPercentiles } from "./stats.js";

const total = Number(process.argv[2] ?? 3000);
const concurrency = Number(process.argv[3] ?? 16);
const loaded = loadConfig({ env: {} });
const keys = RecordKeys.derive(Buffer.alloc(32, 9));
const bench = await openBenchDatabase("intake");
const { store } = bench;
const demo = readFileSync(new URL("../config/demo-directory.yaml", import.meta.url), "utf8");
const imported = await importDirectory(store.db, new ManualClock(new Date()), keys, demo, "yaml", { actor: "system", via: "bench" });
if (!imported.ok) throw new Error("demo directory did not import");
const created = await inUnitOfWork(store, systemClock, keys, (work) => createIntakeToken(work, { actor: "operator", via: "bench" }, "de-cert", "bench"));
if (!created.ok) throw new Error(created.message);
const token = created.value.text;
const intake = { ...loaded.config.intake, api: { ...loaded.config.intake.api, rate: { window: 60_000, perToken: 1_000_000_000 } } };
const { server, address } = await startHttpServer({ store, clock: systemClock, keys, http: { ...loaded.config.http, enabled: true, port: 0 }, intake });
const sample = JSON.parse(readFileSync(new URL("../../shared/specs/xarf/samples/v4/connection-ddos.json", import.meta.url), "utf8")) as Record<string, unknown>;

const latencies: number[] = [];
let next = 0;
let failures = 0;
async function worker(): Promise<void> {
  while (next < total) {
    const index = next++;
    const body = JSON.stringify({ ...sample, report_id: randomUUID(), source_identifier: `192.0.2.${index % 250}` });
    const started = performance.now();
    const reply = await fetch(`${address}${INTAKE_REPORTS_PATH}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
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
const items = await store.db.intakeItem.count();
console.log(`intake over HTTP, ${bench.label}: ${total} reports, concurrency ${concurrency}, ${items} items`);
console.log(`  ${(total / seconds).toFixed(0)} reports/s accepted (committed), ${failures} not 202`);
console.log(`  ${formatPercentiles("latency", latencies)}`);
console.log(`  ${((cpu.user + cpu.system) / 1000 / total).toFixed(2)} ms of CPU in this process per report; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`);
await server.close();
await bench.close();
