// Receipt, on both databases: a case records when it was issued and when it was received (the first delivery of the
// recipient's card, or a time the issuer enters for an order served another way); a removal order's hour runs from
// receipt (TCO Art. 3(3), 3(5)); a card that cannot be delivered holds the case and tells its issuer and the
// coordinators at once, with the recipient's other channels.
import { expect } from "vitest";
import { buildReport } from "../../src/cases/report.js";
import { deliveryError, describeOnBothDatabases, expectPastTimeRefusals, threadTitle, type CaseHarness } from "../support/cases.js";

const REMOVAL = '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"';
const ACME = threadTitle("R-2026-0001", "acme-hosting");

/** Opens the removal order at 11:00 UTC with the recipient's channel failing until `until` is called. */
async function openWhileRecipientUnreachable(h: CaseHarness, permanent = false): Promise<{ until: () => void }> {
  let reachable = false;
  h.adapter.failWith = (call) => (!reachable && call.op === "openThread" && call.title === ACME ? deliveryError("channel_not_found", { permanent }) : undefined);
  h.clock.set("2026-11-20T11:00:00Z");
  await h.ok("sanne.devries", REMOVAL);
  return { until: () => void (reachable = true) };
}

describeOnBothDatabases("receipt", (harness, test) => {
  test("a card delivered late: the hour runs from the first delivery, recorded, and every party is told", async () => {
    const h = harness();
    const recipient = await openWhileRecipientUnreachable(h);
    await h.drain();
    let row = await h.caseRow("R-2026-0001");
    expect(row.receivedAt).toBeNull();
    expect(row.resolveDueAt?.toISOString()).toBe("2026-11-20T12:00:00.000Z"); // provisional, from issue
    // The issuer's /case status says it is held.
    expect((await h.run("sanne.devries", "/case status R-2026-0001")).message.text).toMatch(/Received: not yet: held/);
    // Delivered at 11:20: received then; the hour (and the 15 minutes to acknowledge) run from 11:20.
    recipient.until();
    h.clock.set("2026-11-20T11:20:00Z");
    await h.drain();
    row = await h.caseRow("R-2026-0001");
    expect(row.receivedAt?.toISOString()).toBe("2026-11-20T11:20:00.000Z");
    expect(row.clockStartAt.toISOString()).toBe("2026-11-20T11:20:00.000Z");
    expect(row.resolveDueAt?.toISOString()).toBe("2026-11-20T12:20:00.000Z");
    expect(row.ackDueAt?.toISOString()).toBe("2026-11-20T11:35:00.000Z");
    const entries = await h.db.auditEntry.findMany({ where: { action: "case.received" } });
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]?.detail ?? "{}")).toMatchObject({ source: "delivery", receivedAt: "2026-11-20T11:20:00.000Z", clockFromReceipt: true });
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "nl-iru")).at(-1)).toMatch(/📬 R-2026-0001 received by ACME Hosting B\.V\. 2026-11-20 12:20 CET\.\nThe deadline runs from receipt: resolve by 2026-11-20 13:20 CET/);
    expect((await h.run("sanne.devries", "/case status R-2026-0001")).message.text).toMatch(/Issued: 2026-11-20 12:00 CET\s[\s\S]*Received: 2026-11-20 12:20 CET/);
    // Delivered again (a redelivery after a crash): nothing more is recorded.
    const again = await h.db.auditEntry.count();
    await h.drain();
    expect(await h.db.auditEntry.count()).toBe(again);
  });

  test("a card that cannot be delivered: the issuer and the coordinators are told once, with the recipient's other channels", async () => {
    const h = harness();
    await openWhileRecipientUnreachable(h);
    await h.drain();
    h.clock.advance(5_000);
    await h.drain(); // a second failure tells no one again
    for (const handle of ["sanne.devries", "demo.coordinator"]) {
      const told = h.adapter.directTexts(handle).filter((text) => text.includes("could not be delivered"));
      expect(told, handle).toHaveLength(1);
      expect(told[0]).toContain("R-2026-0001");
      expect(told[0]).toContain("abuse@acme-hosting.example");
      expect(told[0]).toMatch(/Emergency phone: \+3120555030[34]/);
      expect(told[0]).toContain("/case received R-2026-0001 --at");
      // The case's content is not in it.
      expect(told[0]).not.toContain("terrorist video");
    }
    expect(h.adapter.directTexts("jan.jansen").join("\n")).not.toContain("could not be delivered");
    expect(await h.db.auditEntry.count({ where: { action: "case.undelivered" } })).toBe(1);
  });

  test("the issuer enters the time an order served another way was received; the hour runs from it", async () => {
    const h = harness();
    await openWhileRecipientUnreachable(h, true);
    await h.drain();
    h.clock.set("2026-11-20T11:30:00Z");
    const answer = await h.run("sanne.devries", "/case received R-2026-0001 --at 2026-11-20T12:10+01:00");
    expect(answer.failure, answer.message.text).toBeUndefined();
    const row = await h.caseRow("R-2026-0001");
    expect(row.receivedAt?.toISOString()).toBe("2026-11-20T11:10:00.000Z");
    expect(row.resolveDueAt?.toISOString()).toBe("2026-11-20T12:10:00.000Z");
    const entry = await h.db.auditEntry.findFirstOrThrow({ where: { action: "case.received" } });
    expect(entry.actor).toBe("sanne.devries");
    expect(JSON.parse(entry.detail)).toMatchObject({ source: "entered" });
    // Earlier is accepted (it was served earlier still); later than what is recorded is not.
    expect((await h.run("sanne.devries", "/case received R-2026-0001 --at 2026-11-20T11:05Z")).failure).toBeUndefined();
    expect((await h.caseRow("R-2026-0001")).resolveDueAt?.toISOString()).toBe("2026-11-20T12:05:00.000Z");
    const later = await h.run("sanne.devries", "/case received R-2026-0001 --at 2026-11-20T11:25Z");
    expect(later.failure).toBe("conflict");
    expect(later.message.text).toMatch(/later time of receipt cannot be entered/);
  });

  test("entering a receipt: only the issuer's side; never in the future, before issue, or without an offset", async () => {
    const h = harness();
    await openWhileRecipientUnreachable(h, true);
    h.clock.set("2026-11-20T11:30:00Z");
    for (const who of ["jan.jansen", "eva.mulder", "lena.schmidt"]) {
      const answer = await h.run(who, "/case received R-2026-0001 --at 2026-11-20T11:10Z");
      expect(answer.failure, `${who}: ${answer.message.text}`).toBe("not-allowed");
    }
    for (const [at, says] of [
      ["2026-11-20T11:45Z", /future/],
      ["2026-11-20T10:59Z", /before R-2026-0001 was issued/],
      ["2026-11-20T11:10", /offset from UTC/],
      ["2026-11-20 11:10 Europe/Amsterdam", /offset from UTC/],
      ["2026-02-30T11:10Z", /real date|future|issued/],
      ["<!channel>", /offset from UTC/],
      ["x".repeat(100_000), /./],
    ] as const) {
      const answer = await h.run("sanne.devries", `/case received R-2026-0001 --at "${at}"`);
      expect(answer.failure, at.slice(0, 40)).toBeDefined();
      expect(answer.message.text, at.slice(0, 40)).toMatch(says);
      expect(answer.message.text.length).toBeLessThan(2_000);
    }
    expect((await h.caseRow("R-2026-0001")).receivedAt).toBeNull();
    const refused = await h.db.auditEntry.findMany({ where: { action: "case.received" } });
    expect(refused.map((entry) => entry.result)).toEqual(["refused:not-allowed", "refused:not-allowed"]);
  });

  test('entering a receipt as "2h ago": the instant two hours before the clock\'s now; the hour runs from it', async () => {
    const h = harness();
    await openWhileRecipientUnreachable(h, true);
    h.clock.set("2026-11-20T13:10:00Z");
    await h.ok("sanne.devries", '/case received R-2026-0001 --at "2h ago"');
    const row = await h.caseRow("R-2026-0001");
    expect(row.receivedAt?.toISOString()).toBe("2026-11-20T11:10:00.000Z");
    expect(row.resolveDueAt?.toISOString()).toBe("2026-11-20T12:10:00.000Z");
    const entry = await h.db.auditEntry.findFirstOrThrow({ where: { action: "case.received", result: "ok" } });
    expect(JSON.parse(entry.detail)).toMatchObject({ source: "entered", receivedAt: "2026-11-20T11:10:00.000Z" });
  });

  test("a receipt in the future, before issue, or in neither form is refused in words", async () => {
    const h = harness();
    await openWhileRecipientUnreachable(h, true);
    h.clock.set("2026-11-20T13:10:00Z");
    await expectPastTimeRefusals(h, {
      who: "sanne.devries", line: "/case received R-2026-0001", option: "--at",
      future: ["2026-11-20T13:11Z", /The time of receipt is in the future/],
      more: [["3h ago", /before R-2026-0001 was issued/], ["3654 days ago", /--at: expected at most 3,653 days ago/]],
    });
    expect((await h.caseRow("R-2026-0001")).receivedAt).toBeNull();
  });

  test("the report measures from receipt", async () => {
    const h = harness();
    const recipient = await openWhileRecipientUnreachable(h);
    await h.drain();
    recipient.until();
    h.clock.set("2026-11-20T11:20:00Z");
    await h.drain();
    h.clock.set("2026-11-20T11:30:00Z");
    await h.ok("jan.jansen", "/case ack R-2026-0001");
    h.clock.set("2026-11-20T12:10:00Z");
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
    const report = await buildReport(h.db, new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"), h.clock.now());
    expect(report.rows[0]).toMatchObject({ acknowledgeMedianMs: 10 * 60_000, resolveMedianMs: 50 * 60_000, acknowledgedLate: 0, resolvedLate: 0 });
  });
});
