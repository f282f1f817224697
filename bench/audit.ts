// Benchmark: the keyed record. Hashing an entry (HMAC-SHA-256 now, SHA-256 before), appending one entry per
// transaction (a command's unit of work; with and without a TLP:RED case to seal under), and verifying the record in
// full and incrementally from a checkpoint. On the embedded database (SQLite) or on PostgreSQL (DATABASE_URL; a
// temporary database per run unless BENCH_DB names one, see store.ts).
// Concurrent appends: BENCH_WRITERS connections (default 8) each running BENCH_TX small transactions (default 100; an
// inbound-event claim and one record entry, as a command's unit of work), appending the old way (each transaction
// chains its entry under the head row, which serialises them) and the new way (a pending row, touching no shared
// row), then the sealer's throughput over what they appended.
// Run: node --import tsx bench/audit.ts (BENCH_RUNS appends of each kind, default 200; BENCH_ENTRIES in the record
// verified, default 20000). Keep the numbers small on a shared machine.
import { createHash, randomBytes } from "node:crypto";
import { takeCheckpoint } from "../src/audit/checkpoint.js";
import { RecordKeys } from "../src/audit/keys.js";
import { appendAuditEntries, canonicalEntry, chainIntoRecord, entryHash, lockAuditHead, storedRecord, type AuditRecord } from "../src/audit/log.js";
import { sealPending } from "../src/audit/sealer.js";
import type { Store } from "../src/store/db.js";
import { verifyAudit } from "../src/audit/verify.js";
import { ManualClock } from "../src/core/clock.js";
import { formatPercentiles } from "./stats.js";
import { openBenchDatabase } from "./store.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const TRANSACTIONS = Number(process.env.BENCH_TX ?? 100);
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 20_000);
const keys = RecordKeys.derive(randomBytes(32));
const clock = new ManualClock("2026-12-01T09:00:00Z");

const command = (index: number, caseId: string | null = null): AuditRecord => ({
  actorId: null, actor: "bench", via: "bench", action: "command", subjectType: "command", subjectId: "case say",
  caseId, result: "ok",
  // A plain command names no case; one of the TLP:RED case names it (and is sealed under it).
  detail: caseId ? { line: `/case say R-2026-0001 a message of some length, number ${index}`, text: `a message of some length, number ${index}` } : { line: `/contacts find a query of some length, number ${index}` },
});

// Hashing alone, in memory.
const sample = { seq: 1, at: clock.now(), actorId: null, actor: "bench", via: "bench", action: "command", subjectType: "command", subjectId: "x", caseId: null, result: "ok", detail: JSON.stringify(command(1).detail), prevHash: "0".repeat(64) };
for (const [label, hash] of [["SHA-256 (before)", (entry: typeof sample) => createHash("sha256").update(canonicalEntry(entry)).digest("hex")], ["HMAC-SHA-256 (keyed)", (entry: typeof sample) => entryHash(keys, entry)]] as const) {
  const started = performance.now();
  for (let index = 0; index < 100_000; index += 1) hash({ ...sample, seq: index });
  console.log(`${label.padEnd(22)} ${((performance.now() - started) / 100).toFixed(2)} µs per entry (100,000 entries)`);
}

const { store, label, close } = await openBenchDatabase("audit");
try {
  console.log(`database: ${label}`);
  const caseId = "bench-red-case";
  await store.db.case.create({
    data: {
      id: caseId, reference: "R-2026-0001", kind: "removal-order", priority: "normal", state: "open", tlp: "RED", topic: "notices", openerOrgId: "o1", openerContactId: "c1",
      recipientOrgId: "o2", summary: "", fields: "{}", openedAt: clock.now(), clockMode: "continuous", clockStartAt: clock.now(), ackDurationMs: 1, updatedAt: clock.now(),
      reminder: { create: {} },
    },
  });
  for (const [kind, caseOf] of [["append, plain command", null], ["append, TLP:RED case (sealed)", caseId]] as const) {
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const started = performance.now();
      await store.transaction((tx) => appendAuditEntries(tx, clock, keys, [command(run, caseOf)]));
      samples.push(performance.now() - started);
    }
    console.log(formatPercentiles(kind, samples.slice(10)));
  }
  let started = performance.now();
  const warmup = await sealPending(store, keys);
  console.log(`sealer: ${warmup.sealed} entries appended one per transaction, sealed in ${(performance.now() - started).toFixed(0)} ms`);
  await concurrentAppends(store);
  let written = await store.db.auditEntry.count();
  while (written < ENTRIES) {
    const count = Math.min(1000, ENTRIES - written);
    await store.transaction((tx) => appendAuditEntries(tx, clock, keys, Array.from({ length: count }, (_, index) => command(written + index))));
    written += count;
  }
  await sealPending(store, keys);
  started = performance.now();
  const full = await verifyAudit(store.db, keys, { full: true });
  console.log(`verify --full: ${full.entries.toLocaleString("en")} entries in ${(performance.now() - started).toFixed(0)} ms (${full.problems.length} problems)`);
  await takeCheckpoint(store.db, clock, keys, full.last);
  await store.transaction((tx) => appendAuditEntries(tx, clock, keys, Array.from({ length: 100 }, (_, index) => command(index))));
  await sealPending(store, keys);
  started = performance.now();
  const incremental = await verifyAudit(store.db, keys);
  console.log(`verify from the last checkpoint: ${incremental.entries} entries in ${(performance.now() - started).toFixed(0)} ms (${incremental.problems.length} problems)`);
} finally {
  await close();
}

/**
 * WRITERS transactions at a time, TRANSACTIONS each: claim an inbound event and append one entry, the old way
 * (chained under the locked head in the transaction) or the new way (a pending row); then seals what they left.
 */
async function concurrentAppends(store: Store): Promise<void> {
  let counter = 0;
  const old = async (tx: Parameters<Parameters<Store["transaction"]>[0]>[0], record: AuditRecord) => {
    const head = await lockAuditHead(tx, store.provider);
    await chainIntoRecord(tx, keys, head, [storedRecord(record, clock.now())]);
  };
  const fresh = async (tx: Parameters<Parameters<Store["transaction"]>[0]>[0], record: AuditRecord) => {
    await appendAuditEntries(tx, clock, keys, [record]);
  };
  for (const [kind, append] of [["before: chained under the head row", old], ["now: pending row, no shared row", fresh]] as const) {
    const samples: number[] = [];
    const startedAll = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let run = 0; run < TRANSACTIONS; run += 1) {
          const key = `bench-event-${(counter += 1)}`;
          const started = performance.now();
          await store.transaction(async (tx) => {
            await tx.inboundEvent.create({ data: { key, receivedAt: clock.now() } });
            await append(tx, command(counter));
          });
          samples.push(performance.now() - started);
        }
      }),
    );
    const seconds = (performance.now() - startedAll) / 1000;
    console.log(formatPercentiles(`${WRITERS} writers, ${kind}`, samples));
    console.log(`${"".padEnd(4)}${((WRITERS * TRANSACTIONS) / seconds).toFixed(0)} transactions/s`);
  }
  const started = performance.now();
  const sealed = await sealPending(store, keys);
  const ms = performance.now() - started;
  console.log(`sealer: ${sealed.sealed.toLocaleString("en")} pending entries sealed in ${ms.toFixed(0)} ms (${((sealed.sealed / ms) * 1000).toFixed(0)} entries/s, batches of 1,000)`);
}
