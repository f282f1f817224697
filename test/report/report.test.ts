import { expect } from "vitest";
import { buildReport, median, percentile } from "../../src/cases/report.js";
import { reportCsv, reportTable } from "../../src/cli/report.js";
import { createTestCore, describeOnProviders, lazyStore } from "../support/core.js";

const MINUTE_MS = 60_000;

describeOnProviders("transparency report", (provider, test) => {
  const database = lazyStore(provider);

  test("a clarification asked after the deadline does not erase its lateness; one asked in time is not late", async () => {
    const { store } = await database.get();
    await (await database.get()).reset();
    const testCore = await createTestCore(store, { clock: undefined });
    const { clock, dispatcher } = testCore;
    clock.set("2026-11-23T09:00:00Z");
    const sanne = await testCore.actor("sanne.devries");
    const jan = await testCore.actor("jan.jansen");
    const run = async (actor: typeof jan, line: string) => expect((await dispatcher.run(actor, line)).failure, line).toBeUndefined();
    // No chat platform delivers the cards here: the issuer enters the receipt at once, so that the clocks run from opening.
    const received = async (reference: string) => run(sanne, `/case received ${reference} --at ${clock.now().toISOString()}`);
    const order = (url: string) => `/notice acme-hosting ${url} --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "secret reason text"`;
    // acknowledged in time; clarification asked 70 minutes after opening (the hour had passed), answered, then
    // resolved within the restarted hour. Late.
    await run(sanne, order("https://example.test/late"));
    await received("R-2026-0001");
    clock.advance(10 * MINUTE_MS);
    await run(jan, "/case ack R-2026-0001");
    clock.advance(60 * MINUTE_MS);
    await run(jan, '/case clarify R-2026-0001 --question "which URL exactly?"');
    clock.advance(5 * MINUTE_MS);
    await run(sanne, '/case answer R-2026-0001 --text "the second one"');
    clock.advance(20 * MINUTE_MS);
    await run(jan, "/case resolve R-2026-0001 --outcome removed");
    // the same, but the clarification asked 30 minutes after opening. Not late.
    await run(sanne, order("https://example.test/in-time"));
    await received("R-2026-0002");
    clock.advance(10 * MINUTE_MS);
    await run(jan, "/case ack R-2026-0002");
    clock.advance(20 * MINUTE_MS);
    await run(jan, '/case clarify R-2026-0002 --question "which URL exactly?"');
    clock.advance(5 * MINUTE_MS);
    await run(sanne, '/case answer R-2026-0002 --text "the second one"');
    clock.advance(50 * MINUTE_MS);
    await run(jan, "/case resolve R-2026-0002 --outcome removed");
    const report = await buildReport(store.db, new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"), clock.now());
    expect(report.rows).toHaveLength(1);
    expect(report.rows[0]).toMatchObject({ received: 2, acknowledgedLate: 0, resolvedLate: 1 });
  });

  test("counts by kind and outcome, times to acknowledge and resolve, late cases, and no content", async () => {
    const { store } = await database.get();
    await (await database.get()).reset();
    // Monday 2026-11-23 10:00 Amsterdam (09:00 UTC): within ACME's working hours.
    const testCore = await createTestCore(store, { clock: undefined });
    const { clock, dispatcher } = testCore;
    clock.set("2026-11-23T09:00:00Z");
    const sanne = await testCore.actor("sanne.devries");
    const jan = await testCore.actor("jan.jansen");
    const open = async (url: string) => {
      const answer = await dispatcher.run(sanne, `/notice acme-hosting ${url} --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "secret reason text"`);
      expect(answer.failure).toBeUndefined();
      // No chat platform delivers the cards here: the issuer enters the receipt at once, so that the clocks run from opening.
      const reference = /R-\d{4}-\d{4}/.exec(answer.message.text)?.[0] ?? "";
      expect((await dispatcher.run(sanne, `/case received ${reference} --at ${clock.now().toISOString()}`)).failure).toBeUndefined();
    };
    // acknowledged after 10 min, resolved (removed) after 40 min: on time.
    await open("https://example.test/a");
    clock.advance(10 * MINUTE_MS);
    expect((await dispatcher.run(jan, "/case ack R-2026-0001")).failure).toBeUndefined();
    clock.advance(30 * MINUTE_MS);
    expect((await dispatcher.run(jan, "/case resolve R-2026-0001 --outcome removed")).failure).toBeUndefined();
    // R-2 (opened 09:40): acknowledged after 20 min (late: 15 min), resolved after 90 min (late: 1 h).
    await open("https://example.test/b");
    clock.advance(20 * MINUTE_MS);
    expect((await dispatcher.run(jan, "/case ack R-2026-0002")).failure).toBeUndefined();
    clock.advance(70 * MINUTE_MS);
    expect((await dispatcher.run(jan, '/case resolve R-2026-0002 --outcome cannot-comply --ground force-majeure --reason "force majeure: outage"')).failure).toBeUndefined();
    // R-3 (opened 11:10): withdrawn before anything happened.
    await open("https://example.test/c");
    expect((await dispatcher.run(sanne, "/case withdraw R-2026-0003")).failure).toBeUndefined();
    // R-4 (opened 11:10): never acknowledged; by 13:00 UTC both its deadlines have passed.
    await open("https://example.test/d");
    // R-4 was due at 11:25 (acknowledge) and 12:10 (resolve) UTC.
    clock.set("2026-11-23T13:00:00Z");

    const report = await buildReport(store.db, new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"), clock.now());
    expect(report.rows).toHaveLength(1);
    const [row] = report.rows;
    expect(row).toMatchObject({
      organisation: "acme-hosting",
      kind: "removal-order",
      received: 4,
      outcomes: { removed: 1, "cannot-comply": 1, withdrawn: 1, open: 1 },
      // Even counts: the median is the mean of the two middle values (10 and 20 min; 40 and 90 min).
      acknowledgeMedianMs: 15 * MINUTE_MS,
      acknowledgeP90Ms: 20 * MINUTE_MS,
      resolveMedianMs: 65 * MINUTE_MS,
      resolveP90Ms: 90 * MINUTE_MS,
      acknowledgedLate: 2,
      resolvedLate: 2,
    });
    const published = `${reportTable(report)}\n${reportCsv(report)}\n${JSON.stringify(report)}`;
    expect(published).not.toContain("secret reason text");
    expect(published).not.toContain("example.test");
    expect(reportCsv(report).split("\n")[0]).toBe(
      "organisation,kind,received,outcome_cannot-comply,outcome_open,outcome_removed,outcome_withdrawn,ack_median_min,ack_p90_min,resolve_median_min,resolve_p90_min,ack_late,resolve_late",
    );

    const other = await buildReport(store.db, new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"), clock.now(), "chirp-social");
    expect(other.rows).toEqual([]);
    const before = await buildReport(store.db, new Date("2026-10-01T00:00:00Z"), new Date("2026-11-01T00:00:00Z"), clock.now());
    expect(before.rows).toEqual([]);
  });
});

describeOnProviders("percentile", (_provider, test) => {
  test("uses the nearest rank", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5], 0.9)).toBe(5);
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });

  test("the median of an even count is the mean of the two middle values", () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10 * 60_000, 20 * 60_000])).toBe(15 * 60_000);
    expect(median([3, 1, 2])).toBe(2);
  });
});
