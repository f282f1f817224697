// Reminders the issue found missing, on both databases: a threat-to-life case (acknowledge within 15 minutes) is
// reminded of the acknowledgement; while a clarification is pending (its clock stopped) the opener is nudged to
// answer it; and /case status says what the clock does meanwhile, as the policy says (a removal order's hour starts
// again in full, TCO Art. 3(8); a notice's clock pauses).
import { expect } from "vitest";
import { describeOnBothDatabases, START } from "../support/cases.js";
import { MINUTE, openRemovalOrder, queuedLines, runJob } from "../support/reminders.js";

const at = (minutes: number) => new Date(new Date(START).getTime() + minutes * MINUTE);

describeOnBothDatabases("acknowledgement and clarification reminders", (harness, test) => {
  test("threat to life: the responsible contact is reminded 5 minutes before the 15-minute acknowledgement, the thread and the backup at it", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting --kind threat-to-life --reason "threat against a school"');
    await h.drain();
    h.clock.set(at(9));
    expect(queuedLines(await runJob(h, "sweep"))).toEqual([]);
    h.clock.set(at(10));
    expect(queuedLines(await runJob(h, "sweep"))).toEqual(["[DM → jan.jansen] ack-due-soon"]);
    h.clock.set(at(15));
    expect(queuedLines(await runJob(h, "sweep")).sort()).toEqual(["[DM → eva.mulder] ack-overdue", "[T-2026-0001 @ acme-hosting] ack-overdue"]);
    await h.drain();
    expect(h.adapter.directTexts("jan.jansen").at(-1)).toContain("must be acknowledged by 2026-11-20 11:15 CET (in 5 min)");
  });

  test("acknowledged in time: no acknowledge reminder", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting --kind threat-to-life --reason "threat against a school"');
    await h.drain();
    h.clock.set(at(3));
    await h.ok("jan.jansen", "/case ack T-2026-0001");
    h.clock.set(at(16));
    expect(queuedLines(await runJob(h, "sweep"))).toEqual([]);
  });

  test("a removal order waiting for a clarification: the opener is nudged after 30 minutes and again after 4 hours (with the coordinators); no resolve reminder meanwhile", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h);
    await h.drain();
    h.clock.set(at(5));
    await h.ok("jan.jansen", `/case clarify ${reference} --question "Which of the two videos?"`);
    h.clock.set(at(34));
    expect(queuedLines(await runJob(h, "sweep"))).toEqual([]);
    h.clock.set(at(35));
    expect(queuedLines(await runJob(h, "sweep"))).toEqual(["[DM → sanne.devries] clarification-pending"]);
    await h.drain();
    const nudge = h.adapter.directTexts("sanne.devries").at(-1) ?? "";
    expect(nudge).toContain(`${reference} (Removal order (TCO), nl-iru → acme-hosting) waits for the clarification asked 30 min ago (at 2026-11-20 11:05 CET); its clock is stopped until it is given.`);
    expect(nudge).toContain(`Answer it with /case answer ${reference} --text "..."`);
    h.clock.set(at(5 + 240));
    expect(queuedLines(await runJob(h, "sweep")).sort()).toEqual(["[DM → demo.coordinator] clarification-still-pending", "[DM → sanne.devries] clarification-still-pending"]);
    // Answered: the hour starts again, with its own ladder; no more clarification nudges.
    h.clock.set(at(300));
    await h.ok("sanne.devries", `/case answer ${reference} --text "The second one."`);
    h.clock.set(at(330));
    expect(queuedLines(await runJob(h, "sweep")).sort()).toEqual(["[DM → jan.jansen] half-time", `[${reference} @ acme-hosting] half-time`]);
  });

  test("/case status tells the truth about the clock during a clarification: a removal order's hour restarts, a notice's clock pauses", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h);
    await h.drain();
    await h.ok("jan.jansen", `/case clarify ${reference} --question "Which video?"`);
    const removal = await h.ok("sanne.devries", `/case status ${reference}`);
    expect(removal).toContain("Clock: stopped until the clarification is given; then the full 1 h starts again (TCO Art. 3(8))");
    expect(removal).not.toContain("paused");
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/2 --reason "incites violence"');
    await h.ok("jan.jansen", '/case clarify N-2026-0001 --question "Which post?"');
    expect(await h.ok("sanne.devries", "/case status N-2026-0001")).toContain("Clock: paused until the clarification is given; then it runs on from where it stopped");
  });
});
