// Benchmark: /contacts find with 50,000 contacts in 5,000 organisations, on the embedded database (SQLite) or on
// PostgreSQL (DATABASE_URL=postgres://...; a temporary database per run unless BENCH_DB names one, see store.ts).
// Target (issue: foundation): p95 under 10 ms. Prints figures; run with `node --import tsx bench/directory-find.ts`.
// Contacts get names from 40 first and 60 last names (2,400 combinations over 50,000 people: each name is shared by
// about 20 people, and each surname by about 830); organisations from 15 words and 10 kinds.
import { createCore } from "../src/app/app.js";
import { loadConfig } from "../src/config/load.js";
import { withUnreachedCeilings } from "./limits.js";
import { ManualClock } from "../src/core/clock.js";
import { silentLogger } from "../src/log.js";
import { analyzeAfterSeeding, openBenchDatabase } from "./store.js";
import { formatPercentiles } from "./stats.js";
import { seedLargeDirectory } from "./seed.js";
import { TEST_KEYS } from "../test/support/keys.js";

const ORGANISATIONS = Number(process.env.BENCH_ORGANISATIONS ?? 5000);
const CONTACTS_PER_ORGANISATION = Number(process.env.BENCH_CONTACTS_PER_ORGANISATION ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 1000);

const database = await openBenchDatabase("find"); // BENCH_DB: reuse a seeded database between runs
const { store } = database;
try {
  const clock = new ManualClock("2026-11-23T10:00:00Z");
  const seedStartMs = performance.now();
  const seeded = (await store.db.organisation.count()) > 0;
  if (!seeded) await seedLargeDirectory(store.db, ORGANISATIONS, CONTACTS_PER_ORGANISATION, clock.now());
  const seedMs = performance.now() - seedStartMs;
  // A coordinator to act as.
  if (!seeded) await store.db.organisation.create({
    data: { id: "bench-org", slug: "bench-desk", name: "Bench desk", kind: "government", country: "NL", timeZone: "Europe/Amsterdam", workingHours: "24/7", createdAt: clock.now(), updatedAt: clock.now() },
  });
  if (!seeded) await store.db.contact.create({
    data: { id: "bench-coordinator", handle: "bench.coordinator", organisationId: "bench-org", name: "Bench", coordinator: true, createdAt: clock.now(), updatedAt: clock.now() },
  });
  if (!seeded) await analyzeAfterSeeding(store);
  const loaded = withUnreachedCeilings(loadConfig({ rootDir: new URL("..", import.meta.url).pathname, env: {} }));
  const core = createCore({ store, clock, keys: TEST_KEYS, logger: silentLogger(), loaded });
  const actor = { identity: { platform: "console" as const, workspace: "", userId: "bench.coordinator" }, contact: await core.directory.actorByHandle("bench.coordinator") };
  const queries = (index: number): string => {
    const orgIndex = (index * 7919) % ORGANISATIONS;
    switch (index % 6) {
      case 0: return `/contacts find harbor --country DE`;
      case 1: return `/contacts find www.summit-${["government", "lea", "referral-unit", "hosting", "platform", "registrar", "access-provider", "ngo", "cert", "other"][orgIndex % 10]}-${orgIndex}.example`;
      case 2: return `/contacts find 10.${Math.floor(orgIndex / 256) % 256}.${orgIndex % 256}.17`;
      case 3: return `/contacts find --kind hosting --country NL --topic notices`;
      case 4: return `/contacts find AS${65000 + orgIndex}`;
      default: return `/contacts find ${["jansen", "schmidt", "peeters", "anna weber", "lucas"][index % 5]} --language de`;
    }
  };
  for (let index = 0; index < 50; index += 1) await core.dispatcher.run(actor, queries(index));
  const querySamples: number[] = [];
  const commandSamples: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const line = queries(index);
    const started = performance.now();
    await core.dispatcher.run(actor, line);
    commandSamples.push(performance.now() - started);
  }
  for (let index = 0; index < RUNS; index += 1) {
    const orgIndex = (index * 7919) % ORGANISATIONS;
    const started = performance.now();
    await core.directory.find(index % 2 === 0 ? { query: "harbor", country: "DE", limit: 10 } : { query: `10.${Math.floor(orgIndex / 256) % 256}.${orgIndex % 256}.17`, limit: 10 });
    querySamples.push(performance.now() - started);
  }
  const perKind = new Map<number, number[]>();
  for (let index = 0; index < RUNS; index += 1) {
    const started = performance.now();
    await core.dispatcher.run(actor, queries(index));
    const list = perKind.get(index % 6) ?? [];
    list.push(performance.now() - started);
    perKind.set(index % 6, list);
  }
  console.log(`directory: ${ORGANISATIONS} organisations, ${ORGANISATIONS * CONTACTS_PER_ORGANISATION} contacts (seeded in ${(seedMs / 1000).toFixed(1)} s), ${database.label}`);
  console.log(formatPercentiles("find, whole command (parse+query+record)", commandSamples));
  console.log(formatPercentiles("find, directory query only", querySamples));
  for (const [kind, samples] of perKind) console.log(formatPercentiles(`  ${queries(kind).replace(/\d+/g, "N")}`, samples));
} finally {
  await database.close();
}
