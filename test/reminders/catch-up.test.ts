// Catching up after downtime, and never reminding nobody, on both databases: every person and thread the skipped
// steps would have reached gets one message, which says it is late and which reminders it stands for; the
// coordinators are not told "has been reminded" when that is not true; a step whose audience has nobody (no
// responsible contact, no backup) goes to the next people who can act; a person holding several roles gets it once.
import { expect, onTestFinished } from "vitest";
import { describeOnBothDatabases, START, type CaseHarness } from "../support/cases.js";
import { MINUTE, openRemovalOrder, queuedLines, runJob } from "../support/reminders.js";

/** Puts the directory's roles back after the test (the harness keeps the directory between tests). */
async function restoreRolesAfter(h: CaseHarness): Promise<void> {
  const rows = await h.db.contactRole.findMany();
  onTestFinished(async () => {
    await h.db.contactRole.deleteMany();
    for (const row of rows) await h.db.contactRole.create({ data: row });
  });
}

const at = (minutes: number) => new Date(new Date(START).getTime() + minutes * MINUTE);

describeOnBothDatabases("reminder catch-up", (harness, test) => {
  test("down from the start until after the coordinators' step: all six audiences, one message each, saying what happened", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h);
    await h.drain();
    h.adapter.calls.length = 0;
    h.clock.set(at(130));
    const report = await runJob(h, "sweep");
    expect(queuedLines(report).sort()).toEqual([
      "[DM → demo.coordinator] coordinators", "[DM → eva.mulder] backup", "[DM → jan.jansen] due-soon", "[DM → tom.hendriks] escalation",
      `[${reference} @ acme-hosting] overdue`, `[${reference} @ nl-iru] overdue`,
    ]);
    await h.drain();
    const late = "Late: Liaison sent no reminders for this case from 2026-11-20 11:10 CET until now (it was not running, or its reminders were held up); this one message stands for the 8 due meanwhile (ack-due-soon, ack-overdue, half-time, due-soon, overdue, backup, escalation, coordinators).";
    for (const user of ["jan.jansen", "eva.mulder", "tom.hendriks", "demo.coordinator"]) {
      const texts = h.adapter.directTexts(user);
      expect(texts, user).toHaveLength(1);
      expect(texts[0], user).toContain(late);
    }
    expect(h.adapter.threadTexts(`${reference} @ acme-hosting`).join("\n")).toContain(late);
    // Not "ACME Hosting has been reminded": it is being told only now.
    const coordinator = h.adapter.directTexts("demo.coordinator")[0] ?? "";
    expect(coordinator).not.toContain("has been reminded");
    expect(coordinator).toContain("ACME Hosting B.V. is being told only now, with this catch-up; responsible: Jan Jansen (jan.jansen).");
    // Nothing is sent again.
    h.clock.set(at(200));
    expect((await runJob(h, "sweep")).queued).toEqual([]);
  });

  test("on time, the coordinators' message may say the recipient has been reminded, and carries no 'Late' line", async () => {
    const h = harness();
    await openRemovalOrder(h);
    for (const minutes of [10, 15, 30, 50, 60, 75, 105, 120]) {
      h.clock.set(at(minutes));
      await runJob(h, "sweep");
    }
    await h.drain();
    const coordinator = h.adapter.directTexts("demo.coordinator")[0] ?? "";
    expect(coordinator).toContain("ACME Hosting B.V. has been reminded");
    expect(h.adapter.everything()).not.toContain("Late:");
  });

  test("a case with nobody responsible: the reminders to the responsible go to the backup, told why; the coordinators are asked to assign someone", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h);
    await h.drain(); // received at once: the hour runs from opening
    await h.db.case.update({ where: { reference }, data: { responsibleContactId: null } });
    h.clock.set(at(50));
    const report = await runJob(h, "sweep");
    // Half-time (+30, to the responsible and the thread) was not swept: caught up with, the thread once, eva once.
    expect(queuedLines(report).sort()).toEqual(["[DM → eva.mulder] due-soon", `[${reference} @ acme-hosting] half-time`]);
    expect(report.notes.join("\n")).toContain(`${reference}: no responsible contact; due-soon goes to the backup instead`);
    await h.drain();
    expect(h.adapter.directTexts("eva.mulder")[0]).toContain("You get this because the case has no responsible contact to tell.");
    h.clock.set(at(120));
    await runJob(h, "sweep");
    await h.drain();
    expect(h.adapter.directTexts("demo.coordinator").at(-1)).toContain(`Nobody at ACME Hosting B.V. is responsible for it: assign someone with /case reassign ${reference} --to <handle>.`);
  });

  test("with no backup and no escalation contact either, the step reaches the coordinators rather than nobody", async () => {
    const h = harness();
    await restoreRolesAfter(h);
    const reference = await openRemovalOrder(h);
    await h.drain(); // received at once: the hour runs from opening
    await h.db.case.update({ where: { reference }, data: { responsibleContactId: null } });
    const acme = await h.db.organisation.findFirstOrThrow({ where: { slug: "acme-hosting" } });
    await h.db.contactRole.deleteMany({ where: { topic: "removal-orders", contact: { organisationId: acme.id } } });
    h.clock.set(at(50));
    expect(queuedLines(await runJob(h, "sweep")).sort()).toEqual(["[DM → demo.coordinator] due-soon", `[${reference} @ acme-hosting] half-time`]);
  });

  test("a person holding several roles on the case (responsible and backup) gets each reminder once", async () => {
    const h = harness();
    await restoreRolesAfter(h);
    const reference = await openRemovalOrder(h);
    await h.drain();
    const jan = await h.db.contact.findFirstOrThrow({ where: { handle: "jan.jansen" } });
    await h.db.contactRole.updateMany({ where: { topic: "removal-orders", contactId: { not: jan.id } }, data: { role: "primary" } });
    await h.db.contactRole.updateMany({ where: { topic: "removal-orders", contactId: jan.id }, data: { role: "backup" } });
    await h.db.case.update({ where: { reference }, data: { responsibleContactId: jan.id } });
    h.clock.set(at(80)); // half-time, due-soon, overdue, backup: jan is responsible and the backup
    const report = await runJob(h, "sweep");
    const lines = queuedLines(report);
    expect(lines.filter((line) => line.startsWith("[DM → jan.jansen]"))).toEqual(["[DM → jan.jansen] backup"]);
  });
});
