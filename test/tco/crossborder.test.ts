// TCO Art. 4: a removal order to a provider established in another Member State. The copy to that State's competent
// authority (sent through Liaison when it is in the directory, else recorded), the 48-hour request for scrutiny, the
// 72-hour decision with reminders before it, and reinstatement after a finding of infringement. On both databases.
import { expect } from "vitest";
import { describeOnBothDatabases, expectPastTimeRefusals, HOUR, START, threadTitle, type CaseHarness } from "../support/cases.js";
import { designateGermanAuthority, tcoRow } from "../support/tco.js";

const TO_CHIRP = '/notice chirp-social https://chirp.example/p/9 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"';
const TCO_STEPS = /^(nondisclosure|preservation|scrutiny)/;

const at = (ms: number) => new Date(new Date(START).getTime() + ms).toISOString();

describeOnBothDatabases("cross-border removal orders (TCO Art. 4)", (harness, test) => {
  test("the copy goes to the host authority at opening; scrutiny within 48 h; a decision within 72 h, reminded; reinstatement", async () => {
    const h = harness();
    await designateGermanAuthority(h);
    await h.ok("sanne.devries", TO_CHIRP);
    await h.drain(); // received now (START)
    const row = await tcoRow(h, "R-2026-0001");
    expect([row.issuerMemberState, row.hostMemberState, row.copyMode]).toEqual(["NL", "DE", "sent"]);
    expect(h.adapter.directTexts("jonas.becker").join("\n")).toContain("Copy of removal order R-2026-0001 (TCO Art. 4(1))");
    expect((await h.run("sanne.devries", "/tco copy R-2026-0001 --to de-cert")).failure).toBe("invalid-transition");

    h.clock.set(at(48 * HOUR));
    await h.ok("lena.schmidt", '/tco scrutiny R-2026-0001 --reasons "news reporting on the attack, not terrorist content"');
    const due = new Date(new Date(START).getTime() + (48 + 72) * HOUR);
    expect((await tcoRow(h, "R-2026-0001")).scrutinyDueAt?.toISOString()).toBe(due.toISOString());
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "nl-iru")).at(-1)).toContain("requested scrutiny of the removal order by de-cert");
    expect((await h.run("lena.schmidt", '/tco scrutiny R-2026-0001 --reasons "asking twice"')).failure).toBe("invalid-transition");

    const tco = async () => (await h.core.reminders.run("sweep")).queued.filter((entry) => TCO_STEPS.test(entry.step)).map((entry) => `[${entry.to}] ${entry.step}`);
    h.clock.set(new Date(due.getTime() - 24 * HOUR - 1).toISOString());
    expect(await tco()).toEqual([]);
    h.clock.set(new Date(due.getTime() - 24 * HOUR).toISOString());
    expect(await tco()).toEqual(["[DM → jonas.becker] scrutiny-due-soon-24h"]);
    h.clock.set(new Date(due.getTime() - 2 * HOUR).toISOString());
    expect(await tco()).toEqual(["[DM → jonas.becker] scrutiny-due-soon-2h"]);
    expect(await tco()).toEqual([]);

    // Only the host authority (or a coordinator) decides; only the provider records the reinstatement.
    for (const who of ["lena.schmidt", "sanne.devries", "noor.dekker"]) expect((await h.run(who, '/tco scrutiny-decision R-2026-0001 --infringes yes --reasons "not for you"')).failure, who).toBe("not-allowed");
    expect((await h.run("lena.schmidt", "/tco reinstated R-2026-0001")).failure).toBe("invalid-transition");
    await h.ok("jonas.becker", '/tco scrutiny-decision R-2026-0001 --infringes yes --reasons "journalistic purpose, Art. 1(3)"');
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "chirp-social")).at(-1)).toContain("ceases to have legal effects");
    h.clock.set(due.toISOString());
    expect(await tco()).toEqual([]);
    for (const who of ["sanne.devries", "jonas.becker"]) expect((await h.run(who, "/tco reinstated R-2026-0001")).failure, who).toBe("not-allowed");
    expect((await h.run("lena.schmidt", `/tco reinstated R-2026-0001 --at ${at(0)}`)).failure).toBe("bad-arguments");
    await h.ok("lena.schmidt", "/tco reinstated R-2026-0001");
    expect((await tcoRow(h, "R-2026-0001")).reinstatedAt?.toISOString()).toBe(due.toISOString());
    expect((await h.run("lena.schmidt", "/tco reinstated R-2026-0001")).failure).toBe("invalid-transition");
    const actions = (await h.db.auditEntry.findMany({ where: { action: { startsWith: "tco." }, result: "ok" }, orderBy: { seq: "asc" } })).map((entry) => entry.action);
    expect(actions).toEqual(["tco.open", "tco.scrutiny", "tco.scrutiny-due-soon", "tco.scrutiny-due-soon", "tco.scrutiny-decision", "tco.reinstated"]);
  });

  for (const [name, afterMs, failure] of [
    ["one ms before 48 h", 48 * HOUR - 1, undefined],
    ["exactly 48 h", 48 * HOUR, undefined],
    ["one ms after 48 h", 48 * HOUR + 1, "not-allowed"],
  ] as const) test(`a request for scrutiny ${name} after receipt`, async () => {
    const h = harness();
    await designateGermanAuthority(h);
    await h.ok("sanne.devries", TO_CHIRP);
    expect((await h.run("lena.schmidt", '/tco scrutiny R-2026-0001 --reasons "before receipt"')).failure).toBe("invalid-transition");
    h.clock.set(at(5 * 60_000));
    await h.drain(); // received 5 minutes after issue: the 48 hours run from receipt
    h.clock.set(at(5 * 60_000 + afterMs));
    const answer = await h.run("lena.schmidt", '/tco scrutiny R-2026-0001 --reasons "news reporting"');
    expect(answer.failure, answer.message.text).toBe(failure);
    if (failure) expect(answer.message.text).toContain(`that window ended at 2026-11-22 11:05 CET (${at(5 * 60_000 + 48 * HOUR)})`);
  });

  test("a content provider's request runs from when it was informed; hostile reasons; a domestic order has no scrutiny", async () => {
    const h = harness();
    await designateGermanAuthority(h);
    await h.ok("sanne.devries", TO_CHIRP);
    await h.drain();
    h.clock.set(at(60 * HOUR));
    expect((await h.run("lena.schmidt", '/tco scrutiny R-2026-0001 --reasons "content provider objects" --by content-provider')).failure).toBe("bad-arguments");
    expect((await h.run("lena.schmidt", `/tco scrutiny R-2026-0001 --reasons "${"x".repeat(100_000)}"`)).failure).toBe("bad-arguments");
    const hostile = "satire <@U123> @room <!channel> \u202Egnirrah\u001b[2J";
    await h.ok("lena.schmidt", `/tco scrutiny R-2026-0001 --by content-provider --informed-at ${at(20 * HOUR)} --reasons "${hostile}"`);
    expect((await tcoRow(h, "R-2026-0001")).scrutinyRequest).toBe(hostile);
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "nl-iru")).at(-1)).not.toMatch(/[\u202E\u001b]/);
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"');
    await h.drain();
    const domestic = await h.run("jan.jansen", '/tco scrutiny R-2026-0002 --reasons "news reporting"');
    expect([domestic.failure, domestic.message.text]).toEqual(["bad-arguments", expect.stringContaining("cross-border")]);
  });

  test('a content provider\'s --informed-at as "2h ago": the 48 hours run from that instant before the clock\'s now', async () => {
    const h = harness();
    await designateGermanAuthority(h);
    await h.ok("sanne.devries", TO_CHIRP);
    await h.drain();
    h.clock.set(at(60 * HOUR));
    // 49 hours before now: the window ended an hour ago, 48 hours after the instant "49h ago" stands for.
    const late = await h.run("lena.schmidt", '/tco scrutiny R-2026-0001 --by content-provider --informed-at "49h ago" --reasons "content provider objects"');
    expect(late.failure, late.message.text).toBe("not-allowed");
    expect(late.message.text).toContain(`that window ended at 2026-11-22 22:00 CET (${at(59 * HOUR)})`);
    await h.ok("lena.schmidt", '/tco scrutiny R-2026-0001 --by content-provider --informed-at "2h ago" --reasons "content provider objects"');
    const row = await tcoRow(h, "R-2026-0001");
    expect([row.scrutinyRequestedBy, row.scrutinyRequestedAt?.toISOString()]).toEqual(["content-provider", at(60 * HOUR)]);
  });

  test("a content provider's --informed-at in the future or in neither form is refused in words, and nothing is recorded", async () => {
    const h = harness();
    await designateGermanAuthority(h);
    await h.ok("sanne.devries", TO_CHIRP);
    await h.drain();
    h.clock.set(at(10 * HOUR));
    await expectPastTimeRefusals(h, {
      who: "lena.schmidt", line: '/tco scrutiny R-2026-0001 --by content-provider --reasons "content provider objects"', option: "--informed-at",
      future: [at(10 * HOUR + 1), /--informed-at .* is in the future/],
    });
    expect((await tcoRow(h, "R-2026-0001")).scrutinyRequestedAt).toBeNull();
    await h.ok("lena.schmidt", '/tco scrutiny R-2026-0001 --by content-provider --reasons "content provider objects" --informed-at "9h ago"');
  });

  test("no host authority in the directory: the issuer records a copy sent another way", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice anchor-registrar https://anchor.example/x --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"');
    expect((await tcoRow(h, "R-2026-0001")).copyAt).toBeNull();
    expect((await h.run("sofie.peeters", `/tco copy R-2026-0001 --at ${at(0)}`)).failure).toBe("not-allowed");
    expect((await h.run("sanne.devries", "/tco copy R-2026-0001")).failure).toBe("bad-arguments");
    expect((await h.run("sanne.devries", "/tco copy R-2026-0001 --to de-cert")).failure).toBe("not-allowed");
    expect((await h.run("sanne.devries", `/tco copy R-2026-0001 --at ${at(HOUR)}`)).failure).toBe("bad-arguments");
    await h.ok("sanne.devries", `/tco copy R-2026-0001 --at ${at(0)}`);
    expect((await tcoRow(h, "R-2026-0001")).copyMode).toBe("recorded");
  });

  test('a copy sent another way, recorded as "2h ago": the instant two hours before the clock\'s now', async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice anchor-registrar https://anchor.example/x --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"');
    h.clock.set(at(3 * HOUR));
    await h.ok("sanne.devries", '/tco copy R-2026-0001 --at "2h ago"');
    const row = await tcoRow(h, "R-2026-0001");
    expect([row.copyMode, row.copyAt?.toISOString()]).toEqual(["recorded", at(HOUR)]);
  });

  test("a copy's --at in the future or in neither form is refused in words, and nothing is recorded", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice anchor-registrar https://anchor.example/x --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"');
    h.clock.set(at(3 * HOUR));
    await expectPastTimeRefusals(h, {
      who: "sanne.devries", line: "/tco copy R-2026-0001", option: "--at",
      future: [at(3 * HOUR + 1), /--at .* is in the future/],
      more: [["99999d ago", /--at: expected at most 3,653 days ago/]],
    });
    expect((await tcoRow(h, "R-2026-0001")).copyAt).toBeNull();
  });

  /** An order to chirp-social whose scrutiny found an infringement, decided at at(2 h). */
  async function infringementFound(h: CaseHarness): Promise<void> {
    await designateGermanAuthority(h);
    await h.ok("sanne.devries", TO_CHIRP);
    await h.drain();
    h.clock.set(at(HOUR));
    await h.ok("lena.schmidt", '/tco scrutiny R-2026-0001 --reasons "news reporting on the attack"');
    h.clock.set(at(2 * HOUR));
    await h.ok("jonas.becker", '/tco scrutiny-decision R-2026-0001 --infringes yes --reasons "journalistic purpose, Art. 1(3)"');
  }

  test('a reinstatement recorded as "2h ago": the instant two hours before the clock\'s now', async () => {
    const h = harness();
    await infringementFound(h);
    h.clock.set(at(5 * HOUR));
    await h.ok("lena.schmidt", '/tco reinstated R-2026-0001 --at "2h ago"');
    expect((await tcoRow(h, "R-2026-0001")).reinstatedAt?.toISOString()).toBe(at(3 * HOUR));
  });

  test("a reinstatement's --at in the future, before the decision or in neither form is refused in words", async () => {
    const h = harness();
    await infringementFound(h);
    h.clock.set(at(5 * HOUR));
    await expectPastTimeRefusals(h, {
      who: "lena.schmidt", line: "/tco reinstated R-2026-0001", option: "--at",
      future: [at(6 * HOUR), /--at .* is in the future/],
      more: [["4h ago", /is before the decision/]],
    });
    expect((await tcoRow(h, "R-2026-0001")).reinstatedAt).toBeNull();
  });
});
