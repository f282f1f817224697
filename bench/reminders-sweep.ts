// Benchmark: one reminder sweep on the embedded database (SQLite) or on PostgreSQL (DATABASE_URL=postgres://...; a
// temporary database per run, see store.ts), with 100,000 open cases of which 1,000 have a step due, then with
// 1,000,000 open cases (the same 1,000 due). Targets: under 250 ms, and no more than 1.5 times as long
// with ten times the open cases (the sweep reads CaseReminder.nextReminderAt through its index, so it scales with
// what is due). Run: node --import tsx bench/reminders-sweep.ts [--open 100000] [--large 1000000] [--due 1000] [--rounds 5]
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ManualClock } from "../src/core/clock.js";
import { newId } from "../src/core/ids.js";
import { loadEscalationPolicy } from "../src/cases/reminders/policy.js";
import { ReminderSweep } from "../src/cases/reminders/sweep.js";
import type { Db } from "../src/store/db.js";
import { analyzeAfterSeeding, openBenchDatabase } from "./store.js";
import { seedLargeDirectory } from "./seed.js";
import { percentiles } from "./stats.js";
import { TEST_KEYS } from "../test/support/keys.js";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const MINUTE = 60_000;
const { values } = parseArgs({ options: { open: { type: "string" }, large: { type: "string" }, due: { type: "string" }, rounds: { type: "string" } } });
const OPEN = Number(values.open ?? 100_000);
const LARGE = Number(values.large ?? 1_000_000);
const DUE = Number(values.due ?? 1000);
const ROUNDS = Number(values.rounds ?? 5);
const NOW = new Date("2026-11-23T10:00:00.000Z");

interface Party {
  organisationId: string;
  contactId: string;
}

const CASE_COLUMNS = [
  "id", "reference", "kind", "priority", "state", "tlp", "topic", "openerOrgId", "openerContactId", "recipientOrgId", "responsibleContactId",
  "summary", "fields", "openedAt", "clockMode", "ackDueAt", "resolveDueAt", "clockStartAt", "pauses", "extendedMs", "ackDurationMs",
  "resolveDurationMs", "updatedAt",
].map((column) => `"${column}"`);

/**
 * Open removal orders with createMany, each with its reminder state: `due` of them opened 35 minutes ago (their
 * half-time step is due, and they have a thread), the others 10 minutes ago. Returns the due cases' ids.
 */
async function seedCases(db: Db, from: number, count: number, due: number, openers: Party[], recipients: Party[]): Promise<string[]> {
  const dueIds: string[] = [];
  const batch = 2000;
  for (let start = from; start < from + count; start += batch) {
    const rows = [];
    const reminders = [];
    const threads = [];
    for (let index = start; index < Math.min(from + count, start + batch); index += 1) {
      const isDue = index - from < due;
      const openedAt = new Date(NOW.getTime() - (isDue ? 35 : 10) * MINUTE);
      const opener = openers[index % openers.length] as Party;
      const recipient = recipients[index % recipients.length] as Party;
      const id = newId();
      if (isDue) dueIds.push(id);
      rows.push({
        id, reference: `R-2026-${String(index + 1).padStart(7, "0")}`, kind: "removal-order", priority: "normal", state: "open", tlp: "AMBER",
        topic: "removal-orders", openerOrgId: opener.organisationId, openerContactId: opener.contactId, recipientOrgId: recipient.organisationId,
        responsibleContactId: recipient.contactId, summary: `https://example.test/v/${index}`, fields: "{}", openedAt, clockMode: "continuous",
        ackDueAt: new Date(openedAt.getTime() + 15 * MINUTE), resolveDueAt: new Date(openedAt.getTime() + 60 * MINUTE), clockStartAt: openedAt,
        ackDurationMs: 15 * MINUTE, resolveDurationMs: 60 * MINUTE, updatedAt: openedAt,
      });
      reminders.push({ caseId: id, nextReminderAt: new Date(openedAt.getTime() + 30 * MINUTE), remindedUntil: openedAt });
      if (isDue) {
        threads.push({ id: newId(), caseId: id, organisationId: recipient.organisationId, kind: "channel", platform: "console", channelId: "cases", threadId: `t-${index}`, title: `R-${index} @ r` });
      }
    }
    await db.case.createMany({ data: rows });
    await db.caseReminder.createMany({ data: reminders });
    if (threads.length > 0) await db.caseThread.createMany({ data: threads });
  }
  return dueIds;
}

/**
 * Copies the not-due cases seeded with createMany until there are `total` cases, in SQL (one INSERT ... SELECT per
 * copy, on either database, then one for the copies' reminder state): seeding a million rows through the client would
 * take most of an hour. Copies keep every value but id and reference (suffixed ":<n>").
 */
let copyNumber = 1;

async function copyOpenCases(db: Db, total: number): Promise<number> {
  const columns = CASE_COLUMNS.join(", ");
  const selected = CASE_COLUMNS.map((column) => (column === '"id"' || column === '"reference"' ? `${column} || ':' || ${"$copy"}` : column)).join(", ");
  const openedAfter = new Date(NOW.getTime() - 20 * MINUTE).toISOString().replace("Z", "+00:00");
  let count = await db.case.count();
  for (; count < total; copyNumber += 1) {
    const copy = copyNumber;
    const limit = total - count;
    const copied = await db.$executeRawUnsafe(
      `INSERT INTO "Case" (${columns}) SELECT ${selected.replaceAll("$copy", `'${copy}'`)} FROM "Case" WHERE "openedAt" > '${openedAfter}' AND "id" NOT LIKE '%:%' LIMIT ${limit}`,
    );
    if (copied === 0) throw new Error(`there are no cases that are not due to copy: --open must be larger than --due (${DUE})`);
    const suffix = `:${copy}`;
    await db.$executeRawUnsafe(
      `INSERT INTO "CaseReminder" ("caseId", "nextReminderAt", "remindedUntil") SELECT c."id", r."nextReminderAt", r."remindedUntil" FROM "Case" c ` +
        `JOIN "CaseReminder" r ON r."caseId" = substr(c."id", 1, length(c."id") - ${suffix.length}) WHERE c."id" LIKE '%${suffix}'`,
    );
    count += copied;
  }
  const reminders = await db.caseReminder.count();
  if (reminders !== count) throw new Error(`${count} cases but ${reminders} reminder states after copying`);
  return count;
}

/** Puts the due cases back as they were before a sweep, and removes what it wrote. */
async function resetDue(db: Db, dueIds: string[]): Promise<void> {
  const openedAt = new Date(NOW.getTime() - 35 * MINUTE);
  for (let start = 0; start < dueIds.length; start += 500) {
    await db.caseReminder.updateMany({ where: { caseId: { in: dueIds.slice(start, start + 500) } }, data: { nextReminderAt: new Date(openedAt.getTime() + 30 * MINUTE), remindedUntil: openedAt } });
  }
  await db.outboxMessage.deleteMany();
  await db.auditEntry.deleteMany();
  await db.auditPending.deleteMany();
  await db.auditHead.deleteMany();
  await db.counter.deleteMany();
}

/**
 * Sweeps `rounds` times (resetting in between) and returns the times in milliseconds. Every due case must be handled
 * and get its half-time reminder in its thread and to its responsible contact; a case whose organisation has a backup
 * contact also gets the escalation of its overdue acknowledgement (due 20 minutes ago), so a sweep queues at least two
 * messages per due case, and the same number in every round.
 */
async function measure(db: Db, sweep: ReminderSweep, dueIds: string[]): Promise<{ samples: number[]; queued: number }> {
  const samples: number[] = [];
  let queued: number | undefined;
  for (let round = 0; round < ROUNDS; round += 1) {
    await resetDue(db, dueIds);
    const started = performance.now();
    const report = await sweep.run();
    samples.push(performance.now() - started);
    const halfTime = new Set(report.queued.filter((message) => message.step === "half-time").map((message) => message.subject));
    if (report.handled !== dueIds.length || halfTime.size !== dueIds.length || report.queued.length < 2 * dueIds.length || (queued !== undefined && queued !== report.queued.length)) {
      throw new Error(`the sweep handled ${report.handled} cases (${halfTime.size} with a half-time reminder) and queued ${report.queued.length} messages; expected ${dueIds.length} cases and at least ${2 * dueIds.length} messages, as many in every round`);
    }
    queued = report.queued.length;
  }
  return { samples, queued: queued ?? 0 };
}

async function main(): Promise<void> {
  const database = await openBenchDatabase("sweep");
  try {
    const { store } = database;
    const db = store.db;
    await seedLargeDirectory(db, 200, 3, NOW);
    const contacts = await db.contact.findMany({ select: { id: true, organisationId: true } });
    const parties = contacts.map((contact) => ({ organisationId: contact.organisationId, contactId: contact.id }));
    // Openers from every other organisation, recipients from the rest: a case is never between one organisation and itself.
    const organisationIds = [...new Set(parties.map((party) => party.organisationId))];
    const openerOrganisations = new Set(organisationIds.filter((_, index) => index % 2 === 0));
    const openers = parties.filter((party) => openerOrganisations.has(party.organisationId));
    const recipients = parties.filter((party) => !openerOrganisations.has(party.organisationId));
    const policy = loadEscalationPolicy(join(ROOT, "config/escalation.yaml"));
    const sweep = new ReminderSweep(db, store.provider, new ManualClock(NOW), TEST_KEYS, policy, 1000);
    console.log(`database: ${database.label}`);

    let seeded = performance.now();
    const dueIds = await seedCases(db, 0, Math.min(OPEN, DUE + 9000), DUE, openers, recipients);
    const open = await copyOpenCases(db, OPEN);
    await analyzeAfterSeeding(store);
    console.log(`seeded ${open.toLocaleString("en")} open cases (${DUE} due) in ${((performance.now() - seeded) / 1000).toFixed(1)} s (with ANALYZE)`);
    await measure(db, sweep, dueIds); // warm-up: statement caches, page cache
    const smallRun = await measure(db, sweep, dueIds);
    const small = percentiles(smallRun.samples);
    console.log(`sweep, ${open.toLocaleString("en")} open / ${DUE} due (${smallRun.queued} messages queued): p50 ${small.p50.toFixed(1)} ms, max ${small.max.toFixed(1)} ms (n=${small.n}; target < 250 ms)`);

    seeded = performance.now();
    const total = await copyOpenCases(db, LARGE);
    await analyzeAfterSeeding(store);
    console.log(`copied up to ${total.toLocaleString("en")} open cases in ${((performance.now() - seeded) / 1000).toFixed(1)} s (with ANALYZE)`);
    await measure(db, sweep, dueIds);
    const largeRun = await measure(db, sweep, dueIds);
    const large = percentiles(largeRun.samples);
    const ratio = large.p50 / small.p50;
    console.log(`sweep, ${total.toLocaleString("en")} open / ${DUE} due (${largeRun.queued} messages queued): p50 ${large.p50.toFixed(1)} ms, max ${large.max.toFixed(1)} ms (n=${large.n})`);
    console.log(`ratio ${ratio.toFixed(2)} (target <= 1.5)`);
    const passed = small.p50 < 250 && ratio <= 1.5;
    console.log(`${passed ? "PASS" : "FAIL"} (${database.label})`);
    process.exitCode = passed ? 0 : 1;
  } finally {
    await database.close();
  }
}

await main();
