// DSA Art. 9 orders to act against illegal content and Art. 10 orders to provide information: who issues them (a
// national authority; its Member State is the issuing one), their required fields, their outcomes (effect given and
// when / not given with reasons; information provided / not held / not provided with reasons), and the ATKM's order
// for child sexual abuse material (at most twelve hours, the ATKM only). On both databases.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { loadCasePolicy } from "../../src/cases/policy.js";
import { describeOnBothDatabases, expectPastTimeRefusals, ROOT, tempDir, threadTitle } from "../support/cases.js";
import { writeFileSync } from "node:fs";

const ACT = 'https://example.test/p/7 --basis "Art. 54a Sr" --reason "offers counterfeit medicines, Art. 174 Sr" --scope "the Netherlands" --redress "objection within 6 weeks (Awb)" --content-type unsafe-products';
const ACT_ORDER = `/order acme-hosting ${ACT}`;
const INFO = '--kind dsa-info-order --target "@example_user" --data "the e-mail address registered" --basis "Art. 126nc Sv" --redress "complaint (Art. 552a Sv)"';

describeOnBothDatabases("DSA Art. 9 and 10 orders, ATKM orders", (harness, test) => {
  test("an Art. 9 order needs every Art. 9(2) field; each missing one is named", async () => {
    const h = harness();
    for (const [missing, line] of [
      ["--basis", ACT_ORDER.replace(/--basis "[^"]+"/, "")],
      ["--reason", ACT_ORDER.replace(/--reason "[^"]+"/, "")],
      ["--scope", ACT_ORDER.replace(/--scope "[^"]+"/, "")],
      ["--redress", ACT_ORDER.replace(/--redress "[^"]+"/, "")],
      ["--content-type", ACT_ORDER.replace(/--content-type \S+/, "")],
      ["<url>", ACT_ORDER.replace("https://example.test/p/7", "")],
    ] as const) {
      const answer = await h.run("ahmed.elamrani", line);
      expect(answer.failure, missing).toBe("bad-arguments");
      expect(answer.message.text, missing).toContain(missing);
    }
    expect(await h.db.case.count()).toBe(0);
    await h.ok("ahmed.elamrani", ACT_ORDER);
    const row = await h.caseRow("A-2026-0001");
    expect(JSON.parse(row.fields)).toMatchObject({ memberState: "NL", scope: "the Netherlands", contentType: "unsafe-products" });
    const card = h.adapter.threadTexts(threadTitle("A-2026-0001", "acme-hosting"));
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("A-2026-0001", "acme-hosting"))[0]).toMatch(/Issuing Member State[\s\S]*NL/);
    expect(card).toBeDefined();
  });

  test("only a national authority issues a DSA order: by kind, by Member State, and from the Union", async () => {
    const h = harness();
    for (const [who, line, code, says] of [
      ["jan.jansen", "/order chirp-social " + ACT, "not-allowed", /hosting organisation cannot issue/],
      ["noor.dekker", ACT_ORDER, "not-allowed", /ngo organisation cannot issue/],
      ["sanne.devries", ACT_ORDER, "not-allowed", /referral-unit organisation cannot issue/],
      ["ahmed.elamrani", `${ACT_ORDER} --member-state DE`, "bad-arguments", /authority of NL, not DE/],
      ["ahmed.elamrani", `${ACT_ORDER} --member-state US`, "bad-arguments", /Member State code/],
      ["ahmed.elamrani", `${ACT_ORDER} --member-state ${"X".repeat(100_000)}`, "bad-arguments", /./],
    ] as const) {
      const answer = await h.run(who, line);
      expect(answer.failure, `${who}: ${answer.message.text}`).toBe(code);
      expect(answer.message.text).toMatch(says);
      expect(answer.message.text.length).toBeLessThan(3_000);
    }
    await h.db.organisation.update({ where: { slug: "nl-police-cyber" }, data: { country: "US" } });
    try {
      const abroad = await h.run("ahmed.elamrani", ACT_ORDER);
      expect(abroad.failure).toBe("not-allowed");
      expect(abroad.message.text).toMatch(/not in a Member State/);
    } finally {
      await h.db.organisation.update({ where: { slug: "nl-police-cyber" }, data: { country: "NL" } });
    }
    expect(await h.db.case.count()).toBe(0);
  });

  test("Art. 9 outcomes: effect given needs when (after receipt, not in the future); not given needs reasons; only the recipient decides", async () => {
    const h = harness();
    h.clock.set("2026-11-20T10:00:00Z");
    await h.ok("ahmed.elamrani", ACT_ORDER);
    await h.drain(); // delivered: received at 10:00
    h.clock.set("2026-11-20T12:00:00Z");
    for (const [who, line, code, says] of [
      ["jan.jansen", "/case resolve A-2026-0001 --outcome effect-given", "bad-arguments", /give it with \/case decide/],
      ["jan.jansen", "/case decide A-2026-0001 --outcome effect-given", "bad-arguments", /--effect-at: say when effect was given/],
      ["jan.jansen", "/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T14:00+01:00", "bad-arguments", /in the future/],
      ["jan.jansen", "/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T10:59+02:00", "bad-arguments", /before A-2026-0001 was received/],
      ["jan.jansen", "/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T11:30", "bad-arguments", /offset/],
      ["jan.jansen", "/case decide A-2026-0001 --outcome effect-not-given", "bad-arguments", /needs a reason/],
      ["jan.jansen", "/case decide A-2026-0001 --outcome removed --effect-at 2026-11-20T11:30+01:00", "bad-arguments", /not an outcome/],
      ["jan.jansen", '/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T11:30+01:00 --ground law --ground-text "x y z"', "bad-arguments", /statement of reasons on a notice/],
      ["jan.jansen", "/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T11:30+01:00 --host elsewhere", "bad-arguments", /--host goes with/],
      ["ahmed.elamrani", "/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T11:30+01:00", "not-allowed", /Only/],
      ["lena.schmidt", "/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T11:30+01:00", "not-allowed", /between other organisations/],
    ] as const) {
      const answer = await h.run(who, line);
      expect(answer.failure, `${line}: ${answer.message.text}`).toBe(code);
      expect(answer.message.text).toMatch(says);
    }
    expect((await h.caseRow("A-2026-0001")).state).toBe("open");
    expect(await h.db.caseDecision.count()).toBe(0);
    // 10:30 UTC written in another offset (Helsinki, +02:00): the same instant.
    await h.ok("jan.jansen", "/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T12:30+02:00");
    const row = await h.caseRow("A-2026-0001");
    expect([row.state, row.outcome]).toEqual(["resolved", "effect-given"]);
    const decision = await h.db.caseDecision.findUniqueOrThrow({ where: { caseId: row.id } });
    expect(decision.effectAt?.toISOString()).toBe("2026-11-20T10:30:00.000Z");
    expect(decision.ground).toBeNull();
    await h.drain();
    // The issuer is told if and when (Art. 9(1)), in the recipient's time zone.
    expect(h.adapter.threadTexts(threadTitle("A-2026-0001", "nl-police-cyber")).at(-1)).toMatch(/effect given 2026-11-20 11:30 CET/);
    // Not given: with the reasons.
    await h.ok("ahmed.elamrani", ACT_ORDER);
    await h.ok("jan.jansen", '/case decide A-2026-0002 --outcome effect-not-given --reason "the URL is not on our service"');
    expect((await h.caseRow("A-2026-0002")).outcomeReason).toBe("the URL is not on our service");
  });

  test('--effect-at "2h ago": the instant two hours before the clock\'s now is stored', async () => {
    const h = harness();
    h.clock.set("2026-11-20T10:00:00Z");
    await h.ok("ahmed.elamrani", ACT_ORDER);
    await h.drain(); // delivered: received at 10:00
    h.clock.set("2026-11-20T12:30:00Z");
    await h.ok("jan.jansen", '/case decide A-2026-0001 --outcome effect-given --effect-at "2h ago"');
    const decision = await h.db.caseDecision.findUniqueOrThrow({ where: { caseId: (await h.caseRow("A-2026-0001")).id } });
    expect(decision.effectAt?.toISOString()).toBe("2026-11-20T10:30:00.000Z");
  });

  test("--effect-at: a time in the future, before receipt or not in either form is refused in words, and nothing is stored", async () => {
    const h = harness();
    h.clock.set("2026-11-20T10:00:00Z");
    await h.ok("ahmed.elamrani", ACT_ORDER);
    await h.drain();
    h.clock.set("2026-11-20T12:30:00Z");
    await expectPastTimeRefusals(h, {
      who: "jan.jansen", line: "/case decide A-2026-0001 --outcome effect-given", option: "--effect-at",
      future: ["2026-11-20T14:00+01:00", /--effect-at is in the future/],
      more: [["3h ago", /--effect-at is before A-2026-0001 was received/]],
    });
    expect((await h.caseRow("A-2026-0001")).state).toBe("open");
    expect(await h.db.caseDecision.count()).toBe(0);
  });

  test("Art. 10 orders: fields, reasons or their withholding, and the three outcomes", async () => {
    const h = harness();
    for (const [line, says] of [
      [`/order chirp-social ${INFO}`, /--reason: is required, unless/],
      [`/order chirp-social https://example.test/x ${INFO} --reasons-withheld`, /does not take --urls/],
      [`/order chirp-social ${INFO.replace(/--redress "[^"]+"/, "")} --reasons-withheld`, /--redress/],
      [`/order chirp-social ${INFO.replace(/--target "[^"]+"/, "")} --reasons-withheld`, /--target/],
    ] as const) {
      const answer = await h.run("ahmed.elamrani", line);
      expect(answer.failure, answer.message.text).toBe("bad-arguments");
      expect(answer.message.text).toMatch(says);
    }
    await h.ok("ahmed.elamrani", `/order chirp-social ${INFO} --reasons-withheld`);
    await h.ok("ahmed.elamrani", `/order chirp-social ${INFO} --reason "identify the author of threats against a school"`);
    await h.ok("ahmed.elamrani", `/order chirp-social ${INFO} --reason "identify the author of threats against a school"`);
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("D-2026-0001", "chirp-social"))[0]).toMatch(/withheld for the prevention/);
    h.clock.set("2026-11-20T11:00:00Z");
    expect((await h.run("lena.schmidt", "/case resolve D-2026-0001 --outcome information-provided")).failure).toBe("bad-arguments");
    await h.ok("lena.schmidt", "/case decide D-2026-0001 --outcome information-provided --effect-at 2026-11-20T11:45+01:00");
    await h.ok("lena.schmidt", "/case resolve D-2026-0002 --outcome not-held");
    expect((await h.run("lena.schmidt", "/case resolve D-2026-0003 --outcome information-not-provided")).message.text).toMatch(/needs a reason/);
    await h.ok("lena.schmidt", '/case resolve D-2026-0003 --outcome information-not-provided --reason "content data: not within Art. 10"');
    expect((await h.db.case.findMany({ orderBy: { reference: "asc" }, select: { outcome: true } })).map((row) => row.outcome)).toEqual(["information-provided", "not-held", "information-not-provided"]);
  });

  test("ATKM orders: only the organisation designated nl-atkm; at most 12 hours; a shorter term; no extension", async () => {
    const h = harness();
    const ATKM = "/order acme-hosting https://example.test/img/1 --kind atkm-order";
    const refused = await h.run("demo.coordinator", ATKM);
    expect(refused.failure).toBe("not-allowed");
    expect(refused.message.text).toMatch(/not designated nl-atkm/);
    expect((await h.run("ahmed.elamrani", ATKM)).message.text).toMatch(/lea organisation cannot issue/);
    await h.ok("demo.coordinator", "/contacts edit-org nl-coordination --designate nl-atkm");
    try {
      // The DST night of March 2027 (Amsterdam 02:00 -> 03:00) and a weekend: twelve hours are twelve hours.
      h.clock.set("2027-03-27T23:30:00Z");
      await h.ok("demo.coordinator", ATKM);
      await h.drain();
      expect((await h.caseRow("K-2027-0001")).resolveDueAt?.toISOString()).toBe("2027-03-28T11:30:00.000Z");
      await h.ok("demo.coordinator", `${ATKM} --term 1h`);
      expect((await h.caseRow("K-2027-0002")).resolveDueAt?.toISOString()).toBe("2027-03-28T00:30:00.000Z");
      for (const [term, says] of [["13h", /at most 12 hours/], ["0m", /at least one minute/], ["1d", /minutes or hours/], ["9".repeat(10_000), /./]] as const) {
        const answer = await h.run("demo.coordinator", `${ATKM} --term ${term}`);
        expect(answer.failure, term.slice(0, 10)).toBe("bad-arguments");
        expect(answer.message.text).toMatch(says);
      }
      const extend = await h.run("demo.coordinator", '/case extend K-2027-0001 --by 2h --reason "weekend"');
      expect(extend.failure).toBe("not-allowed");
      expect(extend.message.text).toMatch(/set by law/);
      await h.ok("jan.jansen", "/case resolve K-2027-0001 --outcome removed");
    } finally {
      await h.ok("demo.coordinator", "/contacts edit-org nl-coordination --undesignate nl-atkm");
    }
  });

  test("a policy cannot lengthen the ATKM's twelve hours nor move them to working hours", () => {
    const original = readFileSync(join(ROOT, "config/policy.yaml"), "utf8");
    const section = original.slice(original.indexOf("  atkm-order:"));
    for (const [edit, says] of [
      [(text: string) => text.replace(section, section.replace("resolve: { normal: 12h }", "resolve: { normal: 24h }")), /at most 12h/],
      [(text: string) => text.replace(section, section.replace("clock: continuous", "clock: working-hours")), /must be continuous/],
    ] as const) {
      const path = join(tempDir(), "policy.yaml");
      writeFileSync(path, edit(original));
      expect(() => loadCasePolicy(path)).toThrow(says);
    }
  });
});
