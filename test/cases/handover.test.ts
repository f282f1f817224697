// Removing a contact or an organisation named on open cases, on both databases: the removal warns with the cases,
// each case the contact was responsible for goes to the backup (then escalation, then another primary), every
// thread is told, status names the new responsible contact, the coordinators are asked to assign a case nobody
// could take, and the reminders keep reaching someone.
import { expect } from "vitest";
import { describeOnBothDatabases, MINUTE, threadTitle } from "../support/cases.js";
import { openRemovalOrder, queuedLines, runJob } from "../support/reminders.js";

const at = (minutes: number) => new Date(new Date("2026-11-20T10:00:00.000Z").getTime() + minutes * MINUTE);

describeOnBothDatabases("open cases of a removed contact or organisation", (harness, test) => {
  test("the responsible contact removed: backup, then escalation, then nobody (coordinators told); reminders follow", async () => {
    const h = harness();
    const reference = await openRemovalOrder(h);
    await h.drain();
    const removedJan = await h.ok("demo.coordinator", '/contacts remove jan.jansen --reason "left the company"');
    expect(removedJan).toContain(`⚠ 1 open case(s) named them:\n• ${reference}: handed to Eva Mulder (eva.mulder)`);
    expect(await h.ok("sanne.devries", `/case status ${reference}`)).toContain("Responsible: Eva Mulder (eva.mulder)");
    await h.drain();
    for (const slug of ["acme-hosting", "nl-iru"]) {
      expect(h.adapter.threadTexts(threadTitle(reference, slug)).join("\n")).toContain(`→ ${reference}: Eva Mulder (eva.mulder) is now responsible; Jan Jansen has left the directory.`);
    }
    h.clock.set(at(30));
    expect(queuedLines(await runJob(h, "sweep")).sort()).toEqual(["[DM → eva.mulder] half-time", `[${reference} @ acme-hosting] half-time`]);

    expect(await h.ok("demo.coordinator", '/contacts remove eva.mulder --reason "left too"')).toContain(`• ${reference}: handed to Tom Hendriks (tom.hendriks)`);
    const removedTom = await h.ok("demo.coordinator", '/contacts remove tom.hendriks --reason "the whole team left"');
    expect(removedTom).toContain(`• ${reference}: nobody could take it; the coordinators are asked to assign someone`);
    await h.drain();
    expect(h.adapter.directTexts("demo.coordinator").join("\n")).toContain(`⚠ ${reference} has nobody responsible: Tom Hendriks was removed from the directory`);
    expect(await h.ok("sanne.devries", `/case status ${reference}`)).toContain("Responsible: no point of contact for this topic");
    // The 10-minutes-before reminder reaches the coordinators, not nobody.
    h.clock.set(at(50));
    expect(queuedLines(await runJob(h, "sweep"))).toEqual(["[DM → demo.coordinator] due-soon"]);
    const records = await h.db.auditEntry.findMany({ where: { action: "case.reassign", subjectId: reference } });
    expect(records.map((record) => JSON.parse(record.detail).to)).toEqual(["Eva Mulder (eva.mulder)", "Tom Hendriks (tom.hendriks)", "nobody"]);
  });

  test("a contact with no open case: no warning", async () => {
    const h = harness();
    const reply = await h.ok("demo.coordinator", '/contacts remove felix.wagner --reason "left the company"');
    expect(reply).not.toContain("⚠");
  });

  test("an organisation removed with an open case: the reply lists it, the threads are told, its reminders reach the coordinators", async () => {
    const h = harness();
    const opened = await h.ok("sanne.devries", '/notice chirp-social https://chirp.example/p/1 --reason "incites violence"');
    const reference = /\b(N-\d{4}-\d{4})\b/.exec(opened)?.[1] ?? "";
    await h.drain();
    const reply = await h.ok("demo.coordinator", '/contacts remove-org chirp-social --reason "went out of business"');
    expect(reply).toContain("⚠ 1 open case(s) named them:");
    expect(reply).toContain(`• ${reference}: nobody could take it; the coordinators are asked to assign someone`);
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle(reference, "nl-iru")).join("\n")).toContain(`→ ${reference}: Lena Schmidt has left the directory and nobody else can take it`);
    // Notices count working hours (Berlin, mon-fri 09:00-18:00): acknowledge 4 h from 11:00 -> 15:00; reminded 30 min before.
    h.clock.set("2026-11-20T13:30:00.000Z");
    expect(queuedLines(await runJob(h, "sweep"))).toEqual(["[DM → demo.coordinator] ack-due-soon"]);
  });
});
