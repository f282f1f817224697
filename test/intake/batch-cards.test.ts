// The cards of a batch that opens many items at once: the same as when each report comes alone, also when more than
// 20 items share a URL or content hash (the oldest ones are named, those opened later in the batch never) and when
// the look-ups take more than one statement; and the statements a batch costs do not grow with the items it opens.
// On SQLite and PostgreSQL.
import { beforeEach, expect } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import { acceptIntakeReports, type AcceptIntakeInput } from "../../src/intake/accept.js";
import { intakeReportSchema, type IntakeReport } from "../../src/intake/report.js";
import type { Store } from "../../src/store/db.js";
import type { Tx } from "../../src/store/types.js";
import { inUnitOfWork } from "../../src/work/unit-of-work.js";
import { describeOnProviders } from "../support/core.js";
import { freshIntakeStore } from "../support/intake.js";
import { TEST_KEYS } from "../support/keys.js";

const HASH = "c".repeat(64);

/** A report about `target`, with the shared evidence hash when `hashed`, happening `minutes` after 08:00. */
const report = (target: Record<string, unknown>, id: string, minutes: number, hashed = true, type = "ddos"): IntakeReport =>
  intakeReportSchema.parse({
    source: "api", format: "xarf-v4", sourceReportId: id, category: "connection", type, target,
    occurredAt: new Date(Date.UTC(2026, 10, 20, 8, minutes)), summary: `report ${id}`,
    evidence: hashed ? [{ contentType: "text/plain", description: "flows", sha256: HASH }] : [],
  });

/**
 * Reports that each open an item: 160 addresses (so that the look-ups of one batch fill more than one statement),
 * most with the same evidence, mostly earlier than the ones before them (so that which item is the oldest keeps
 * changing, and it is not the first opened); a few about one URL, and one about nothing anyone else reported.
 */
function newReports(count: number): IntakeReport[] {
  const reports = Array.from({ length: count }, (_, index) => report({ ip: `192.0.2.${index}`, port: 1000 + index }, `new-${index}`, 100 - index + (index % 5) * 3, index % 7 !== 3));
  reports.push(report({ url: "https://shop.acme-hosting.example/login" }, "u1", 30, false), report({ url: "HTTPS://shop.acme-hosting.example/login#x" }, "u2", 5, false, "port_scan"));
  reports.push(report({ ip: "192.0.2.251" }, "alone", 1, false));
  return reports;
}

/** A transaction handle that counts the statements sent through it (raw ones and model queries alike). */
function counting(tx: Tx, count: { statements: number }): Tx {
  const counted = (target: object) =>
    new Proxy(target, {
      get(inner, property) {
        const value = Reflect.get(inner, property) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => ((count.statements += 1), (value as (...a: unknown[]) => unknown).apply(inner, args));
      },
    });
  return new Proxy(tx, {
    get(inner, property) {
      const value = Reflect.get(inner, property) as unknown;
      if (typeof property === "string" && property.startsWith("$") && typeof value === "function") return (...args: unknown[]) => ((count.statements += 1), (value as (...a: unknown[]) => unknown).apply(inner, args));
      return typeof value === "object" && value !== null ? counted(value) : value;
    },
  });
}

describeOnProviders("intake cards of batches that open many items", (provider, test) => {
  const fresh = freshIntakeStore(provider);
  let store: Store;
  let clock: ManualClock;

  beforeEach(async () => {
    ({ store, clock } = await fresh());
    // Repeat counts are taken once the batch is written; they are not what this compares.
    await store.db.organisation.updateMany({ data: { repeatThreshold: 1_000_000 } });
  });

  const inputs = (reports: readonly IntakeReport[]): AcceptIntakeInput[] => reports.map((one) => ({ report: one, receivedVia: "test" }));
  const cards = async () => (await store.db.outboxMessage.findMany({ where: { streamKey: { startsWith: "intake:" } }, orderBy: { seq: "asc" } })).map((row) => row.message);

  test("a batch's cards are those of its reports one at a time, and its statements do not grow with the items it opens", async () => {
    // Open items before the batch: 25 with the same evidence (more than the 20 oldest a look-up considers), routed
    // nowhere, reported later in the morning than some of the batch's reports.
    const before = Array.from({ length: 25 }, (_, index) => report({ ip: `198.51.100.${index}` }, `old-${index}`, 40 + ((index * 13) % 25)));
    const earlier = newReports(160);

    for (const one of before) await inUnitOfWork(store, clock, TEST_KEYS, (work) => acceptIntakeReports(work, inputs([one])));
    for (const one of earlier) await inUnitOfWork(store, clock, TEST_KEYS, (work) => acceptIntakeReports(work, inputs([one])));
    const alone = await cards();

    ({ store, clock } = await fresh());
    await store.db.organisation.updateMany({ data: { repeatThreshold: 1_000_000 } });
    await inUnitOfWork(store, clock, TEST_KEYS, (work) => acceptIntakeReports(work, inputs(before)));
    const count = { statements: 0 };
    const countingStore: Pick<Store, "transaction"> = { transaction: (work, options) => store.transaction((tx) => work(counting(tx, count)), options) };
    const answers = await inUnitOfWork(countingStore, clock, TEST_KEYS, (work) => acceptIntakeReports(work, inputs(earlier)));
    const together = await cards();

    expect(answers.every((answer) => !answer.grouped && !answer.duplicate)).toBe(true);
    expect(together).toHaveLength(alone.length);
    expect(together).toEqual(alone);
    // The comparison has something to compare: cards name older items (of before the batch and of it, by first
    // report), the URL's second item its first, the lone report nothing.
    const named = together.map((card) => /Already open as (I-\d{4}-\d{6})/.exec(card)?.[1]).filter((reference) => reference !== undefined);
    expect(named.length).toBeGreaterThan(130);
    expect(new Set(named).size).toBeGreaterThan(3);
    expect(named.some((reference) => reference <= "I-2026-000025")).toBe(true);
    expect(named.some((reference) => reference > "I-2026-000025")).toBe(true);
    expect(together.at(-2)).toContain("Already open as I-2026-000186 ");
    expect(together.at(-1)).not.toContain("Already open as");
    // 163 new items: a few dozen statements at most, not several per item.
    expect(count.statements).toBeGreaterThan(5);
    expect(count.statements).toBeLessThan(40);
  });
});
