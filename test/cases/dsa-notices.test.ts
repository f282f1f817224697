// Outcomes of notices with the DSA Art. 17 statement of reasons (the restriction, law or terms, automated means);
// EOKM notices under the NTD code's addendum (no "no action"; "not hosted here" names the host); DSA Art. 18 and
// TCO Art. 14(5) reports (the Member States concerned, or the law's "or" / "and" for Europol; the publication time
// with its offset); and the DSA Art. 15(1) figures. On both databases.
import { describe, expect, it } from "vitest";
import { recipientActions } from "../../src/cases/render.js";
import type { CaseView } from "../../src/cases/view.js";
import { buildDsaFigures } from "../../src/cases/dsa/report.js";
import { dsaCsv, dsaTable } from "../../src/cli/report-dsa.js";
import { describeOnBothDatabases, threadTitle } from "../support/cases.js";

const NOTICE = '/notice acme-hosting https://example.test/n/1 --reason "incites hatred against a group" --content-type illegal-speech';
const CSAM = "/notice acme-hosting https://example.test/img/9 --kind csam-notice";
const THREAT = '/notice nl-police-cyber https://chirp.example/p/9 --kind threat-to-life --reason "names a school and a time tomorrow"';
const PERIOD = [new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z")] as const;

describeOnBothDatabases("DSA notices, EOKM notices, Art. 18 reports and the DSA figures", (harness, test) => {
  test("Art. 17: a restriction names its ground (law or terms) with the ground's text; automated means are recorded", async () => {
    const h = harness();
    // Four notices about four URLs (a repeat of an open notice of the same organisation would be refused).
    for (let index = 0; index < 4; index += 1) await h.ok("noor.dekker", NOTICE.replace("/n/1", `/n/${index + 1}`));
    for (const [line, says] of [
      ["/case decide N-2026-0001 --outcome removed", /--ground: say whether/],
      ["/case decide N-2026-0001 --outcome removed --ground law", /--ground-text: name the legal ground/],
      ["/case decide N-2026-0001 --outcome removed --ground terms", /contractual ground.*17\(3\)\(e\)/],
      ['/case decide N-2026-0001 --outcome removed --restriction none --ground law --ground-text "abc"', /does not go with "removed"/],
      [`/case decide N-2026-0001 --outcome removed --ground law --ground-text "${"x".repeat(100_000)}"`, /./],
      ["/case decide N-2026-0001 --outcome no-action", /needs a reason/],
      ["/case decide N-2026-0001 --outcome not-hosted-here --host chirp-social", /not an outcome/],
    ] as const) {
      const answer = await h.run("jan.jansen", line);
      expect(answer.failure, `${line.slice(0, 80)}: ${answer.message.text.slice(0, 200)}`).toBe("bad-arguments");
      expect(answer.message.text).toMatch(says);
    }
    await h.ok("jan.jansen", '/case decide N-2026-0001 --outcome removed --ground law --ground-text "Art. 137d Sr: incitement to hatred" --automated-detection');
    await h.ok("jan.jansen", '/case decide N-2026-0002 --outcome access-disabled --restriction visibility-restricted --ground terms --ground-text "community rules 4.2: hateful conduct" --automated-decision');
    await h.ok("jan.jansen", '/case decide N-2026-0003 --outcome no-action --reason "satire, legal in NL"');
    await h.ok("jan.jansen", "/case resolve N-2026-0004 --outcome removed"); // still possible: no statement recorded
    const decisions = await h.db.caseDecision.findMany({ include: { case: { select: { reference: true } } }, orderBy: { decidedAt: "asc" } });
    expect(decisions.map((row) => [row.case.reference, row.restriction, row.ground, row.automatedDetection, row.automatedDecision])).toEqual([
      ["N-2026-0001", "removal", "law", true, false],
      ["N-2026-0002", "visibility-restricted", "terms", false, true],
      ["N-2026-0003", "none", null, false, false],
    ]);
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("N-2026-0001", "safeweb-hotline")).at(-1)).toMatch(/ground: illegal under the law \(Art\. 137d Sr: incitement to hatred\); detected by automated means: yes; decided by automated means: no/);
  });

  test("EOKM notices: no 'no action'; 'not hosted here' only with the host, through /case decide", async () => {
    const h = harness();
    await h.ok("noor.dekker", CSAM);
    await h.ok("noor.dekker", CSAM.replace("/img/9", "/img/10"));
    for (const [line, says] of [
      ['/case resolve C-2026-0001 --outcome no-action --reason "we think it is legal"', /not an outcome of a CSAM notice/],
      ['/case resolve C-2026-0001 --outcome cannot-comply --reason "x"', /not an outcome/],
      ["/case resolve C-2026-0001 --outcome not-hosted-here", /give it with \/case decide/],
      ["/case decide C-2026-0001 --outcome not-hosted-here", /--host: say who hosts/],
      [`/case decide C-2026-0001 --outcome not-hosted-here --host ${"h".repeat(100_000)}`, /./],
    ] as const) {
      const answer = await h.run("jan.jansen", line);
      expect(answer.failure, line.slice(0, 80)).toBe("bad-arguments");
      expect(answer.message.text).toMatch(says);
    }
    h.clock.set("2026-11-20T10:30:00Z");
    await h.ok("jan.jansen", "/case decide C-2026-0001 --outcome not-hosted-here --host chirp-social");
    await h.ok("jan.jansen", "/case decide C-2026-0002 --outcome removed --effect-at 2026-11-20T11:20+01:00");
    const decisions = await h.db.caseDecision.findMany({ orderBy: { decidedAt: "asc" } });
    expect(decisions.map((row) => [row.outcome, row.host, row.effectAt?.toISOString() ?? null])).toEqual([
      ["not-hosted-here", "chirp-social", null],
      ["removed", null, "2026-11-20T10:20:00.000Z"],
    ]);
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("C-2026-0001", "acme-hosting"))[0]).toMatch(/without your own assessment/);
    expect(h.adapter.threadTexts(threadTitle("C-2026-0001", "safeweb-hotline")).at(-1)).toMatch(/hosted by chirp-social/);
  });

  test("Art. 18 / TCO Art. 14(5): who is told when the Member State is known or not, and the law's 'or' and 'and'", async () => {
    const h = harness();
    const table = [
      // regime, member states, outcome, allowed
      ["dsa-art-18", "", "europol-informed", true],
      ["dsa-art-18", "", "police-informed", true],
      ["dsa-art-18", "", "police-and-europol-informed", true],
      ["dsa-art-18", "NL,DE", "europol-informed", false],
      ["dsa-art-18", "NL", "police-informed", true],
      ["tco-art-14-5", "", "police-informed", false],
      ["tco-art-14-5", "", "europol-informed", false],
      ["tco-art-14-5", "", "police-and-europol-informed", true],
      ["tco-art-14-5", "BE", "europol-informed", false],
      ["tco-art-14-5", "BE", "police-informed", true],
    ] as const;
    let number = 0;
    for (const [regime, states, outcome, allowed] of table) {
      await h.ok("jan.jansen", `${THREAT} --regime ${regime}${states ? ` --member-states ${states}` : ""}`);
      number += 1;
      const reference = `T-2026-${String(number).padStart(4, "0")}`;
      const answer = await h.run("ahmed.elamrani", `/case resolve ${reference} --outcome ${outcome}`);
      expect(answer.failure, `${regime} [${states}] ${outcome}: ${answer.message.text}`).toBe(allowed ? undefined : "bad-arguments");
    }
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("T-2026-0001", "nl-police-cyber"))[0]).toMatch(/or inform Europol, or both|or Europol, or both/);
    expect(h.adapter.threadTexts(threadTitle("T-2026-0006", "nl-police-cyber"))[0]).toMatch(/and Europol \(TCO Art\. 14\(5\): both\)/);
    expect(h.adapter.threadTexts(threadTitle("T-2026-0004", "nl-police-cyber"))[0]).toMatch(/authorities of NL, DE/);
  });

  test("Art. 18: the publication time keeps its offset; bad times, Member States and hostile text are refused", async () => {
    const h = harness();
    await h.ok("jan.jansen", `${THREAT} --published-at 2026-11-20T08:12+01:00 --known-at 2026-11-20T07:40Z --member-states nl,gr`);
    const fields = JSON.parse((await h.caseRow("T-2026-0001")).fields);
    expect(fields).toMatchObject({ publishedAt: "2026-11-20T08:12+01:00", knownAt: "2026-11-20T07:40Z", memberStates: ["NL", "EL"], regime: "dsa-art-18" });
    for (const [extra, says] of [
      ["--published-at 2026-11-20T08:12", /offset/],
      ["--published-at 2026-13-45T08:12+01:00", /real date/],
      ["--member-states NL,XX", /Member State code/],
      ["--member-states US", /Member State code/],
      ["--regime dsa-art-99", /./],
      [`--published-at ${"9".repeat(100_000)}`, /./],
    ] as const) {
      const answer = await h.run("jan.jansen", `${THREAT} ${extra}`);
      expect(answer.failure, extra.slice(0, 60)).toBe("bad-arguments");
      expect(answer.message.text).toMatch(says);
    }
    // A notice does not take the Art. 18 fields.
    expect((await h.run("noor.dekker", `${NOTICE} --regime tco-art-14-5`)).message.text).toMatch(/does not take --regime/);
  });

  test("the DSA Art. 15(1) figures: orders by kind, content type and issuing Member State; notices by type, trusted flaggers, law or terms, automated", async () => {
    const h = harness();
    const ACT = '/order acme-hosting https://example.test/p/1 https://example.test/p/2 --basis "Art. 54a Sr" --reason "counterfeit medicines, Art. 174 Sr" --scope "the Netherlands" --redress "objection (Awb)" --content-type unsafe-products';
    h.clock.set("2026-11-20T10:00:00Z");
    await h.ok("ahmed.elamrani", ACT);
    await h.ok("ahmed.elamrani", ACT);
    await h.ok("noor.dekker", `${NOTICE} --trusted-flagger`);
    await h.ok("noor.dekker", NOTICE.replace("/n/1", "/n/2"));
    await h.ok("noor.dekker", CSAM);
    await h.drain(); // all received at 10:00
    h.clock.set("2026-11-20T10:10:00Z");
    await h.ok("jan.jansen", "/case ack A-2026-0001");
    h.clock.set("2026-11-20T10:30:00Z");
    await h.ok("jan.jansen", "/case ack A-2026-0002");
    h.clock.set("2026-11-20T12:00:00Z");
    await h.ok("jan.jansen", "/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T11:00Z");
    await h.ok("jan.jansen", "/case decide A-2026-0002 --outcome effect-given --effect-at 2026-11-20T12:00Z");
    await h.ok("jan.jansen", '/case decide N-2026-0001 --outcome removed --ground law --ground-text "Art. 137d Sr" --automated-decision');
    await h.ok("jan.jansen", '/case decide N-2026-0002 --outcome removed --ground terms --ground-text "rules 4.2"');
    await h.ok("jan.jansen", "/case resolve C-2026-0001 --outcome removed");
    const figures = await buildDsaFigures(h.db, ...PERIOD);
    expect(figures.orders).toEqual([
      // Inform of receipt: 10 and 30 minutes, median 20 (the mean of the two middle values); effect: 1 h and 2 h.
      { organisation: "acme-hosting", kind: "dsa-act-order", contentType: "unsafe-products", memberState: "NL", received: 2, items: 4, effectGiven: 2, informReceiptMedianMs: 20 * 60_000, effectMedianMs: 90 * 60_000 },
    ]);
    expect(figures.notices).toEqual([
      { organisation: "acme-hosting", contentType: "child-sexual-abuse", received: 1, fromTrustedFlaggers: 0, actedOnLaw: 1, actedOnTerms: 0, actedGroundNotStated: 0, automated: 0, actionMedianMs: 2 * 60 * 60_000 },
      { organisation: "acme-hosting", contentType: "illegal-speech", received: 2, fromTrustedFlaggers: 1, actedOnLaw: 1, actedOnTerms: 1, actedGroundNotStated: 0, automated: 1, actionMedianMs: 2 * 60 * 60_000 },
    ]);
    expect(await buildDsaFigures(h.db, ...PERIOD, "chirp-social")).toMatchObject({ orders: [], notices: [] });
    expect(dsaTable(figures)).toMatch(/acme-hosting\s+dsa-act-order\s+unsafe-products\s+NL\s+2\s+4\s+2\s+20 min\s+1 h 30 min/);
    expect(dsaCsv(figures).split("\n")[1]).toBe("orders,acme-hosting,dsa-act-order,unsafe-products,NL,2,4,2,20.0,90.0,,,,,,");
  });
});

describe("the resolve button", () => {
  it.each([
    ["dsa-act-order", "/case decide A-2026-0001", ["outcome", "reason", "effect-at"]],
    ["dsa-info-order", "/case decide A-2026-0001", ["outcome", "reason", "effect-at"]],
    ["csam-notice", "/case decide A-2026-0001", ["outcome", "reason", "effect-at", "host"]],
    ["notice", "/case resolve A-2026-0001", ["outcome", "reason"]],
    ["atkm-order", "/case resolve A-2026-0001", ["outcome", "reason"]],
  ] as const)("of a %s runs %s with its fields", (kind, command, fields) => {
    const resolve = recipientActions({ kind, reference: "A-2026-0001" } as CaseView).find((action) => action.id === "resolve");
    expect(resolve?.command).toBe(command);
    expect(resolve?.form?.fields.map((field) => field.name)).toEqual(fields);
    expect((resolve?.form?.fields.length ?? 0) <= 5).toBe(true); // a Discord modal holds five
  });
});
