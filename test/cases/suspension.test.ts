// TCO Art. 3(7): a hosting service provider that cannot comply with a removal order on grounds of force majeure or
// de facto impossibility informs the issuer of the grounds, and the hour starts to run when the grounds cease. On
// both databases, through the commands and the threads the parties read.
import { expect } from "vitest";
import { renderForConsole } from "../../adapters/console/render.js";
import { buildReport } from "../../src/cases/report.js";
import { describeOnBothDatabases, threadTitle } from "../support/cases.js";

const REMOVAL = '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"';
const GROUNDS = "data centre outage since 11:15: the storage cluster holding the content is unreachable";

describeOnBothDatabases("suspension (TCO Art. 3(7))", (harness, test) => {
  test("the recipient suspends with the grounds; the issuer is told; resuming gives the full hour from then", async () => {
    const h = harness();
    h.clock.set("2026-11-20T11:00:00Z");
    await h.ok("sanne.devries", REMOVAL);
    await h.drain();
    h.clock.set("2026-11-20T11:20:00Z");
    await h.ok("jan.jansen", `/case suspend R-2026-0001 --grounds "${GROUNDS}"`);
    let row = await h.caseRow("R-2026-0001");
    expect([row.state, row.resolveDueAt, row.ackDueAt]).toEqual(["suspended", null, null]);
    expect(row.acknowledgedAt?.toISOString()).toBe("2026-11-20T11:20:00.000Z");
    expect((await h.reminderRow("R-2026-0001")).nextReminderAt).toBeNull();
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "nl-iru")).at(-1)).toContain(`cannot be complied with for now (force majeure or de facto impossibility, TCO Art. 3(7)): ${GROUNDS}`);
    expect((await h.run("sanne.devries", "/case status R-2026-0001")).message.text).toMatch(/suspended until the grounds cease/);
    // While suspended, nothing is overdue.
    h.clock.set("2026-11-20T13:00:00Z");
    expect((await h.core.reminders.run("sweep")).queued).toEqual([]);
    await h.ok("jan.jansen", "/case resume R-2026-0001");
    row = await h.caseRow("R-2026-0001");
    expect(row.state).toBe("acknowledged");
    expect(row.resolveDueAt?.toISOString()).toBe("2026-11-20T14:00:00.000Z");
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "nl-iru")).at(-1)).toMatch(/grounds have ceased; the deadline runs again in full: resolve by 2026-11-20 15:00 CET/);
    h.clock.set("2026-11-20T13:50:00Z");
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
    const report = await buildReport(h.db, new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"), h.clock.now());
    expect(report.rows[0]).toMatchObject({ resolvedLate: 0, acknowledgedLate: 0 });
    const actions = (await h.db.auditEntry.findMany({ where: { action: { in: ["case.suspend", "case.resume"] } }, orderBy: { seq: "asc" } })).map((entry) => `${entry.action} ${entry.result}`);
    expect(actions).toEqual(["case.suspend ok", "case.resume ok"]);
  });

  test("only the recipient's side suspends and resumes, only removal orders, only with grounds", async () => {
    const h = harness();
    await h.ok("sanne.devries", REMOVAL);
    for (const [who, line, code] of [
      ["sanne.devries", `/case suspend R-2026-0001 --grounds "${GROUNDS}"`, "not-allowed"],
      ["lena.schmidt", `/case suspend R-2026-0001 --grounds "${GROUNDS}"`, "not-allowed"],
      ["jan.jansen", "/case suspend R-2026-0001 --grounds short", "bad-arguments"],
      ["jan.jansen", "/case resume R-2026-0001", "invalid-transition"],
    ] as const) {
      const answer = await h.run(who, line);
      expect(answer.failure, `${who}: ${line}: ${answer.message.text}`).toBe(code);
    }
    expect((await h.caseRow("R-2026-0001")).state).toBe("open");
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/n/1 --reason "incites violence"');
    const notice = await h.run("jan.jansen", `/case suspend N-2026-0001 --grounds "${GROUNDS}"`);
    expect(notice.failure).toBe("bad-arguments");
    expect(notice.message.text).toMatch(/only a removal order/);
    // Hostile grounds are refused when too long and shown inert otherwise.
    expect((await h.run("jan.jansen", `/case suspend R-2026-0001 --grounds "${"x".repeat(5_000)}"`)).failure).toBe("bad-arguments");
    await h.ok("jan.jansen", '/case suspend R-2026-0001 --grounds "outage <!channel> @everyone \u202Egnirrah\u001b[2J"');
    await h.drain();
    const calls = h.adapter.calls.filter((call) => call.op === "send" && call.message.text.includes("cannot be complied with"));
    expect(calls.length).toBeGreaterThan(0);
    // As the console shows it: the controls are visible markers, not obeyed.
    for (const call of calls) expect(renderForConsole(call.message)).not.toMatch(/[\u202E\u001b]/);
  });
});
