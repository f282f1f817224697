// Benchmark: cases with 100,000 existing cases, on the embedded database (SQLite) or on PostgreSQL (DATABASE_URL).
// - opening a case through the dispatcher (command in, case stored, both threads' cards queued): target p95 < 20 ms;
// - relaying a party's thread message to two other parties' threads (queued), through the inbound handler:
//   target p95 < 10 ms.
// Run with `node --import tsx bench/cases-open.ts` (BENCH_CASES, BENCH_RUNS to change the sizes; DATABASE_URL for
// PostgreSQL or a SQLite file:<path>; BENCH_DB to keep and reuse a seeded database, see bench/store.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCore } from "../src/app/app.js";
import { resolveActor } from "../src/app/inbound.js";
import { loadConfig } from "../src/config/load.js";
import { withUnreachedCeilings } from "./limits.js";
import { ManualClock } from "../src/core/clock.js";
import { newId } from "../src/core/ids.js";
import { acceptingPlatform } from "./accepting-platform.js";
import { importDirectory } from "../src/directory/import.js";
import { silentLogger } from "../src/log.js";
import { analyzeAfterSeeding, openBenchDatabase } from "./store.js";
import { formatPercentiles, percentiles } from "./stats.js";
import { TEST_KEYS } from "../test/support/keys.js";

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const WARMUP = 50;
const rootDir = new URL("..", import.meta.url).pathname;

const database = await openBenchDatabase("cases");
const { store } = database;

const platform = acceptingPlatform();

/** Fills the database with `count` cases between the demo organisations, each with two threads and its cards sent. */
async function seedCases(count: number, at: Date): Promise<void> {
  const organisations = await store.db.organisation.findMany({ include: { contacts: true } });
  const batch = 500;
  const kinds = [["notice", "N", "notices"], ["removal-order", "R", "removal-orders"], ["investigation-request", "I", "investigations"]] as const;
  const states = ["open", "acknowledged", "resolved", "closed", "closed", "closed", "withdrawn"];
  let outboxSeq = 1_000_000;
  for (let start = 0; start < count; start += batch) {
    const cases = [];
    const threads = [];
    const outbox = [];
    for (let index = start; index < Math.min(count, start + batch); index += 1) {
      const opener = organisations[index % organisations.length];
      const recipient = organisations[(index + 1 + (index % 3)) % organisations.length];
      if (!opener || !recipient || opener.id === recipient.id) continue;
      const [kind, prefix, topic] = kinds[index % kinds.length] ?? kinds[0];
      const openedAt = new Date(at.getTime() - (count - index) * 60_000);
      const state = states[index % states.length] ?? "closed";
      const active = ["open", "acknowledged"].includes(state);
      const id = newId();
      cases.push({
        id, reference: `${prefix}-2025-${String(index).padStart(6, "0")}`, kind, priority: "normal", state, tlp: "AMBER", topic,
        openerOrgId: opener.id, openerContactId: opener.contacts[0]?.id ?? "", recipientOrgId: recipient.id, responsibleContactId: recipient.contacts[0]?.id ?? null,
        summary: `https://example.test/seed/${index}`, fields: JSON.stringify({ urls: [`https://example.test/seed/${index}`], reason: "seeded case" }),
        openedAt, acknowledgedAt: state === "open" ? null : openedAt, resolvedAt: active || state === "withdrawn" ? null : openedAt, closedAt: state === "closed" ? openedAt : null,
        outcome: active || state === "withdrawn" ? null : "removed", clockMode: "continuous", ackDueAt: state === "open" ? new Date(openedAt.getTime() + 3_600_000) : null,
        resolveDueAt: active ? new Date(openedAt.getTime() + 86_400_000) : null, clockStartAt: openedAt, ackDurationMs: 3_600_000, resolveDurationMs: 86_400_000, updatedAt: openedAt,
      });
      for (const party of [opener, recipient]) {
        const threadId = newId();
        threads.push({ id: threadId, caseId: id, organisationId: party.id, kind: "channel", platform: "console", channelId: party.slug, threadId: `seed-${threadId}`, title: `seed ${index} @ ${party.slug}` });
        outbox.push({
          id: newId(), seq: outboxSeq++, createdAt: openedAt, streamKey: `thread:${threadId}`, state: "sent", dueAt: openedAt, attempts: 1,
          destination: JSON.stringify({ type: "open-case-thread", caseThreadId: threadId }), message: JSON.stringify({ text: "seeded card" }), sentAt: openedAt,
        });
      }
    }
    await store.db.case.createMany({ data: cases });
    // Every case has its reminder state (none planned here: the benchmark runs no sweep).
    await store.db.caseReminder.createMany({ data: cases.map((row) => ({ caseId: row.id })) });
    await store.db.caseThread.createMany({ data: threads });
    await store.db.outboxMessage.createMany({ data: outbox });
  }
  await store.db.counter.upsert({ where: { name: "outbox" }, create: { name: "outbox", value: outboxSeq }, update: { value: outboxSeq } });
}

try {
  const clock = new ManualClock("2026-11-23T10:00:00Z");
  const loaded = withUnreachedCeilings(loadConfig({ rootDir, env: {} }));
  let seedMs = 0;
  if ((await store.db.organisation.count()) === 0) {
    const imported = await importDirectory(store.db, clock, TEST_KEYS, readFileSync(join(rootDir, "config/demo-directory.yaml"), "utf8"), "yaml", { actor: "system", via: "bench" });
    if (!imported.ok) throw new Error("the demo directory did not import");
  }
  const existing = await store.db.case.count();
  if (existing < CASES) {
    const seedStart = performance.now();
    await seedCases(CASES - existing, clock.now());
    seedMs = performance.now() - seedStart;
  }
  // A kept database holds the relayed messages of earlier runs, which this bench queues and never delivers: put them
  // aside, or every delivery claim of this run would read a backlog that grows with each run.
  await store.db.outboxMessage.updateMany({ where: { state: "pending" }, data: { state: "dead", lastError: "left by an earlier benchmark run" } });
  await analyzeAfterSeeding(store);
  const core = createCore({ store, clock, keys: TEST_KEYS, logger: silentLogger(), loaded });
  const handler = core.attach(platform);
  const sanne = await resolveActor(core.directory, { platform: "console", workspace: "", userId: "sanne.devries" }, { userIdIsHandle: true });

  // Opening a case: command in, case stored, cards queued. URLs unique to this run: a kept database holds the earlier
  // runs' open cases, and a repeated URL is (rightly) refused.
  const benchRunId = newId();
  const openSamples: number[] = [];
  const openCpu: number[] = [];
  for (let run = 0; run < WARMUP + RUNS; run += 1) {
    clock.advance(1000);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const answer = await core.dispatcher.run(sanne, `/notice acme-hosting https://example.test/bench/${benchRunId}/${run} --reason "incites violence" --basis "Art. 131 Sr"`);
    const elapsed = performance.now() - started;
    if (answer.failure) throw new Error(answer.message.text);
    const used = process.cpuUsage(cpu);
    if (run >= WARMUP) {
      openSamples.push(elapsed);
      openCpu.push((used.user + used.system) / 1000);
    }
  }

  // Relaying a message to two other parties: one case with a third party's thread (a coordinator's desk).
  const opened = await core.dispatcher.run(sanne, `/notice acme-hosting https://example.test/bench/${benchRunId}/relay --reason "incites violence"`);
  const reference = /Opened (N-\d{4}-\d{4,})/.exec(opened.message.text)?.[1];
  const relayCase = await store.db.case.findUniqueOrThrow({ where: { reference: reference ?? "" } });
  const desk = await store.db.organisation.findFirstOrThrow({ where: { slug: "nl-coordination" } });
  await store.db.caseThread.create({ data: { id: newId(), caseId: relayCase.id, organisationId: desk.id, kind: "channel", platform: "console", channelId: "nl-coordination", title: `${reference} @ nl-coordination` } });
  await core.outbox.drain();
  const acmeThread = await store.db.caseThread.findFirstOrThrow({ where: { caseId: relayCase.id, title: `${reference} @ acme-hosting` } });
  const relaySamples: number[] = [];
  const relayCpu: number[] = [];
  for (let run = 0; run < WARMUP + RUNS * 2; run += 1) {
    clock.advance(1000);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const reply = await handler({
      // Event ids unique to this run: a kept database has the earlier runs' ids, whose repeats are (rightly) not relayed.
      type: "message", eventId: `bench-${benchRunId}-${run}`, identity: { platform: "console", workspace: "", userId: "jan.jansen" }, text: `message ${run}`,
      where: { platform: "console", workspace: "", channelId: "acme-hosting", threadId: acmeThread.threadId, isDirect: false },
    });
    const elapsed = performance.now() - started;
    if (reply) throw new Error(reply.message.text);
    const used = process.cpuUsage(cpu);
    if (run >= WARMUP) {
      relaySamples.push(elapsed);
      relayCpu.push((used.user + used.system) / 1000);
    }
  }
  const otherThreads = await store.db.caseThread.findMany({ where: { caseId: relayCase.id, id: { not: acmeThread.id } }, select: { id: true } });
  const queued = await store.db.outboxMessage.count({ where: { streamKey: { in: otherThreads.map((thread) => `thread:${thread.id}`) }, state: "pending", message: { contains: "message " } } });
  if (queued !== (WARMUP + RUNS * 2) * 2) throw new Error(`expected ${(WARMUP + RUNS * 2) * 2} relayed messages queued, found ${queued}`);

  const open = percentiles(openSamples);
  const relay = percentiles(relaySamples);
  console.log(`cases: ${await store.db.case.count()} (seeded ${CASES} in ${(seedMs / 1000).toFixed(1)} s), ${database.label}`);
  console.log(formatPercentiles("open a case (dispatcher, 2 cards queued)", openSamples));
  console.log(formatPercentiles("relay a thread message to 2 parties", relaySamples));
  // CPU time of this process per operation: what the figures would be without other processes competing for the CPU.
  console.log(formatPercentiles("  (CPU time of this process) open", openCpu));
  console.log(formatPercentiles("  (CPU time of this process) relay", relayCpu));
  console.log(`load average ${(await import("node:os")).loadavg().map((value) => value.toFixed(2)).join(" ")} on ${(await import("node:os")).cpus().length} CPUs`);
  console.log(`targets: open p95 < 20 ms: ${open.p95 < 20 ? "met" : "MISSED"}; relay p95 < 10 ms: ${relay.p95 < 10 ? "met" : "MISSED"}`);
} finally {
  await database.close();
}
