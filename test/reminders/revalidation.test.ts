// Directory revalidation with a manual clock: a contact is asked a year after their last confirmation, reminded after
// 15 days, marked unverified after 30 (their organisation admins and the coordinators are told); confirming resets the
// timeline; after downtime only the latest stage is sent; find and show display the state.
import { expect } from "vitest";
import { describeOnBothDatabases, type CaseHarness } from "../support/cases.js";
import { DAY, queuedLines, runJob } from "../support/reminders.js";

/** Every demo contact confirmed at `at` except lotte.visser (last confirmed 2025-08-20, as in the demo directory). */
async function onlyLotteIsDue(h: CaseHarness, at: Date): Promise<void> {
  await h.db.contact.updateMany({ data: { verification: "verified", lastVerifiedAt: at, verificationAskedAt: null } });
  await h.db.contact.updateMany({ where: { handle: "lotte.visser" }, data: { lastVerifiedAt: new Date("2025-08-20T00:00:00.000Z") } });
}

describeOnBothDatabases("directory revalidation", (harness, test) => {
  test("ask after a year, remind at 15 days, unverified at 30, and the admin and coordinators told", async () => {
    const h = harness();
    await onlyLotteIsDue(h, h.clock.now());
    const asked = new Date("2026-11-23T09:00:00.000Z"); // Monday 10:00 in Amsterdam
    h.clock.set(asked);
    let report = await runJob(h, "revalidation");
    expect(queuedLines(report)).toEqual(["[DM → lotte.visser] ask"]);
    expect(report.queued[0]?.text).toContain("You last confirmed on 2025-08-20.");
    expect(report.queued[0]?.text).toContain("reminded on 2026-12-08 and marked unverified on 2026-12-23");
    await h.drain();
    expect(h.adapter.calls.find((call) => call.op === "sendDirect" && call.userId === "lotte.visser")?.message.actions).toEqual([expect.objectContaining({ label: "Confirm", command: "/contacts confirm" })]);
    expect((await runJob(h, "revalidation")).queued).toEqual([]);

    h.clock.set(new Date(asked.getTime() + 15 * DAY - 60_000));
    expect((await runJob(h, "revalidation")).queued).toEqual([]);
    h.clock.set(new Date(asked.getTime() + 15 * DAY));
    expect(queuedLines(await runJob(h, "revalidation"))).toEqual(["[DM → lotte.visser] remind"]);
    expect((await runJob(h, "revalidation")).queued).toEqual([]);

    h.clock.set(new Date(asked.getTime() + 30 * DAY));
    report = await runJob(h, "revalidation");
    expect(queuedLines(report).sort()).toEqual(["[DM → ahmed.elamrani] unverified", "[DM → demo.coordinator] unverified", "[DM → lotte.visser] unverified"]);
    expect((await h.db.contact.findUniqueOrThrow({ where: { handle: "lotte.visser" } })).verification).toBe("unverified");
    expect(await h.ok("demo.coordinator", "/contacts show lotte.visser")).toContain("⚠ unverified");
    expect((await runJob(h, "revalidation")).queued).toEqual([]);
    const actions = (await h.db.auditEntry.findMany({ where: { subjectId: "lotte.visser", actor: "system" }, orderBy: { seq: "asc" } })).map((entry) => entry.action);
    expect(actions).toEqual(["contact.revalidation-ask", "contact.revalidation-remind", "contact.unverified"]);

    // Confirming resets it: verified again, and next asked a year later.
    h.clock.set(new Date(asked.getTime() + 31 * DAY));
    await h.ok("lotte.visser", "/contacts confirm");
    expect(await h.ok("demo.coordinator", "/contacts show lotte.visser")).toContain("✓ verified 2026-12-24");
    const lotte = (lines: string[]) => lines.filter((line) => line.includes("lotte.visser"));
    h.clock.set(new Date(asked.getTime() + (31 + 364) * DAY));
    expect(lotte(queuedLines(await runJob(h, "revalidation")))).toEqual([]);
    h.clock.set(new Date(asked.getTime() + (31 + 365) * DAY + 3_600_000));
    expect(lotte(queuedLines(await runJob(h, "revalidation")))).toEqual(["[DM → lotte.visser] ask"]);
  });

  test("a confirmation within the 15 days stops the reminders; after downtime only the latest stage is sent", async () => {
    const h = harness();
    await onlyLotteIsDue(h, h.clock.now());
    const asked = new Date("2026-11-23T09:00:00.000Z");
    h.clock.set(asked);
    await runJob(h, "revalidation");
    h.clock.set(new Date(asked.getTime() + 3 * DAY));
    await h.ok("lotte.visser", "/contacts confirm");
    h.clock.set(new Date(asked.getTime() + 40 * DAY));
    expect((await runJob(h, "revalidation")).queued).toEqual([]);

    // Another contact asked, then Liaison down for 35 days: marked unverified at once, without the reminder first.
    await onlyLotteIsDue(h, h.clock.now());
    await h.db.contact.updateMany({ where: { handle: "lotte.visser" }, data: { lastVerifiedAt: new Date("2025-08-20T00:00:00.000Z") } });
    const again = new Date(asked.getTime() + 41 * DAY);
    h.clock.set(again);
    expect(queuedLines(await runJob(h, "revalidation"))).toEqual(["[DM → lotte.visser] ask"]);
    h.clock.set(new Date(again.getTime() + 35 * DAY));
    const lines = queuedLines(await runJob(h, "revalidation"));
    expect(lines).not.toContain("[DM → lotte.visser] remind");
    expect(lines).toContain("[DM → lotte.visser] unverified");
  });

  test("a contact never confirmed is asked a day after being added, in their working hours", async () => {
    const h = harness();
    await onlyLotteIsDue(h, h.clock.now());
    await h.db.contact.updateMany({ where: { handle: "lotte.visser" }, data: { lastVerifiedAt: h.clock.now() } });
    await h.ok("jan.jansen", "/contacts add kees.smit --org acme-hosting --name \"Kees Smit\" --roles removal-orders:backup");
    h.clock.set(new Date(h.clock.now().getTime() + DAY - 60_000));
    expect((await runJob(h, "revalidation")).queued).toEqual([]);
    h.clock.set("2026-11-21T20:00:00.000Z"); // Saturday evening: asked now, delivered Monday 09:00 (acme-hosting's hours)
    expect(queuedLines(await runJob(h, "revalidation"))).toEqual(["[DM → kees.smit] ask"]);
    const row = await h.db.outboxMessage.findFirstOrThrow({ where: { onceKey: { startsWith: "revalidation:" } } });
    expect(row.dueAt).toEqual(new Date("2026-11-23T08:00:00.000Z"));
    await h.db.contact.deleteMany({ where: { handle: "kees.smit" } });
  });
});
