// A removal order as TCO Regulation (EU) 2021/784 defines it, on both databases: the Annex I fields on the form,
// validated, shown on the card under the TLP rule; the Annex II answer (the measure and the time of effect: not in the
// future, not before receipt, across the end of summer time) and the Annex III ground of non-execution, stored in
// CaseDecision; receipt when the recipient acts first; and who may answer.
import { expect } from "vitest";
import { renderMessage } from "../../adapters/slack/render.js";
import { parseCaseFields } from "../../src/cases/kinds.js";
import { deliveryError, describeOnBothDatabases, expectPastTimeRefusals, threadTitle, type CaseHarness } from "../support/cases.js";
import type { PlatformIdentity } from "../../src/core/adapter.js";

const REDRESS = "objection to the issuing authority within 6 weeks (Awb art. 6:7), then appeal to the court";
const ORDER = `/notice acme-hosting https://example.test/v/1 https://example.test/v/2 --kind removal-order --content-type incitement --reason "glorifies the attack of 3 May and calls for more" --redress "${REDRESS}"`;
const UNLINKED: PlatformIdentity = { platform: "slack", workspace: "T0TEST", userId: "U0NOBODY" };
const ACME = threadTitle("R-2026-0001", "acme-hosting");
const FORM = { urls: ["https://example.test/v/1"], reason: "glorifies the attack", contentTypes: ["incitement"], redress: REDRESS };

/** Opens the order at `at` (UTC) and delivers its cards, so that it is received then. */
async function openAndDeliver(h: CaseHarness, at: string, extra = ""): Promise<void> {
  h.clock.set(at);
  await h.ok("sanne.devries", `${ORDER}${extra}`);
  await h.drain();
}

describeOnBothDatabases("removal order form (TCO Annex I)", (harness, test) => {
  test("each Annex I field is validated, with the flag named", async () => {
    const h = harness();
    h.clock.set("2026-11-20T10:00:00Z");
    const base = ORDER;
    for (const [line, says] of [
      [base.replace(` --redress "${REDRESS}"`, ""), /--redress: is required/],
      [base.replace(" --content-type incitement", ""), /--content-type: is required/],
      [base.replace("--content-type incitement", "--content-type glorification"), /--content-type: .*incitement, solicitation, group-participation, instruction, threat/],
      [base.replace("--content-type incitement", "--content-type illegal-speech"), /--content-type/],
      [`${base} --member-state DE`, /--member-state: nl-iru is a competent authority of NL, not DE/],
      [`${base} --member-state XX`, /--member-state: a Member State code/],
      [`${base} --issued-at 2026-11-20T11:30+01:00`, /--issued-at .* is in the future/],
      [`${base} --issued-at 2026-11-20T10:00`, /--issued-at: a time with its offset/],
      [`${base} --host-member-state NL`, /--host-member-state: NL is the issuing Member State/],
      [`${base} --reference "RO\u202E-1"`, /--reference: must be plain text on one line/],
      [`${base} --legal-representative "Legal\u0007 Rep"`, /--legal-representative: must be plain text on one line/],
      [`${base} --reference "${"x".repeat(101)}"`, /--reference: at most 100 characters/],
      [base.replace(REDRESS, "x".repeat(2_001)), /--redress: at most 2000 characters/],
    ] as const) {
      const answer = await h.run("sanne.devries", line);
      expect(answer.failure, `${line.slice(-60)}: ${answer.message.text}`).toBeDefined();
      expect(answer.message.text, line.slice(-60)).toMatch(says);
    }
    expect(await h.db.case.count()).toBe(0);
  });

  test("hostile input: 100,000 characters in any field, control characters, mention syntax", async () => {
    const h = harness();
    const huge = "x".repeat(100_000);
    for (const field of ["reason", "redress", "reference", "legalRepresentative", "basis"] as const) {
      const parsed = parseCaseFields("removal-order", { ...FORM, [field]: huge });
      expect(parsed.ok, field).toBe(false);
      if (!parsed.ok) expect(parsed.problems.join("\n"), field).toMatch(/at most \d+ characters/);
    }
    expect(parseCaseFields("removal-order", { ...FORM, urls: [`https://example.test/${huge}`] }).ok).toBe(false);
    expect(parseCaseFields("removal-order", { ...FORM, contentTypes: [huge] }).ok).toBe(false);
    // Through the dispatcher, a line that long is refused before any field is read.
    const long = await h.run("sanne.devries", `${ORDER} --reference "${huge}"`);
    expect(long.failure).toBe("bad-arguments");
    // Mention syntax is kept as text, and no platform turns it into a mention.
    await openAndDeliver(h, "2026-11-20T10:00:00Z", ' --reference "<!channel> @everyone <@U0ADMIN>" --legal-representative "<!here> Legal BV"');
    const card = h.adapter.calls.find((call) => call.op === "openThread" && call.title === ACME);
    expect(card?.message.text).toContain("<!channel> @everyone <@U0ADMIN>");
    const slack = JSON.stringify(renderMessage(card!.message, { maxParts: 5 }));
    expect(slack).not.toMatch(/<!channel>|<!here>|<@U0ADMIN>/);
    expect(slack).toContain("&lt;!channel&gt;");
  });

  test("defaults: the issuing Member State from the issuer, the time of issuing now, the legal contact from the directory", async () => {
    const h = harness();
    await openAndDeliver(h, "2026-11-20T10:00:00Z");
    const fields = JSON.parse((await h.caseRow("R-2026-0001")).fields);
    expect(fields).toMatchObject({
      memberState: "NL", issuedAt: "2026-11-20T10:00:00.000Z", basis: "Regulation (EU) 2021/784 (TCO), Art. 3", contentTypes: ["incitement"],
      legalRepresentative: "TCO Art. 15 contact point — legal@acme-hosting.example", legalRepresentativeFromDirectory: true, nonDisclosure: false, redress: REDRESS,
    });
    h.clock.set("2026-11-20T12:00:00Z");
    await h.ok("sanne.devries", `${ORDER} --issued-at 2026-11-20T12:55+01:00 --reference "NL-TCO-2026-77" --legal-representative "Acme EU Rep BV, Dublin" --non-disclosure --host-member-state IE --content-type incitement,threat`.replace("--content-type incitement ", ""));
    expect(JSON.parse((await h.caseRow("R-2026-0002")).fields)).toMatchObject({
      issuedAt: "2026-11-20T12:55+01:00", reference: "NL-TCO-2026-77", legalRepresentative: "Acme EU Rep BV, Dublin", nonDisclosure: true, hostMemberState: "IE", contentTypes: ["incitement", "threat"],
    });
    expect(JSON.parse((await h.caseRow("R-2026-0002")).fields).legalRepresentativeFromDirectory).toBeUndefined();
  });

  test("the card shows the Annex I fields to the parties, and nothing of them under TLP:RED to those not named", async () => {
    const h = harness();
    await openAndDeliver(h, "2026-11-20T10:00:00Z", ' --non-disclosure --host-member-state IE --reference "NL-TCO-2026-77"');
    const card = h.adapter.threadTexts(ACME)[0] ?? "";
    for (const shown of [
      /Type of terrorist content: incites the commission of terrorist offences \(Art\. 2\(7\)\(a\)\)/, /Issuing Member State: NL/, /Issued \(as stated on the order\): 2026-11-20T10:00:00\.000Z/,
      /Addressee's legal contact \(from the directory\): TCO Art\. 15 contact point/, new RegExp(`Redress: ${REDRESS.replace(/[()]/g, "\\$&")}`), /NOT to be told/, /a copy goes to the competent authority of IE/,
      /Order reference: NL-TCO-2026-77/, /URLs \(2\)/,
    ]) expect(card).toMatch(shown);
    await h.ok("sanne.devries", `${ORDER.replace("v/1 ", "v/9 ")} --tlp RED`);
    await h.drain();
    const status = await h.run("eva.mulder", "/case status R-2026-0002");
    expect(status.message.text).toMatch(/TLP:RED: shown to the named people only/);
    expect(status.message.text).not.toContain(REDRESS);
    expect(status.message.text).not.toMatch(/Issuing Member State|Type of terrorist content/);
    expect((await h.run("jan.jansen", "/case status R-2026-0002")).message.text).toContain(REDRESS);
  });
});

describeOnBothDatabases("removal order answer (TCO Annex II and III)", (harness, test) => {
  // Receipt and effect as written, with the instants they are; the Netherlands leaves summer time on 2026-10-25 at
  // 03:00 CEST (01:00 UTC), so 02:20+01:00 comes 40 minutes after 02:40+02:00.
  const rows = [
    { name: "in time across the end of summer time", receipt: "2026-10-25T00:30+02:00", effect: "2026-10-25T01:25+02:00", stored: "2026-10-24T23:25:00.000Z" },
    { name: "a later wall-clock reading that is earlier in time is before receipt", receipt: "2026-10-25T02:40+01:00", effect: "2026-10-25T02:50+02:00", refused: /before R-2026-0001 was received/ },
    { name: "an earlier wall-clock reading that is later in time is after receipt", receipt: "2026-10-25T02:40+02:00", effect: "2026-10-25T02:20+01:00", stored: "2026-10-25T01:20:00.000Z" },
    { name: "effect before receipt", receipt: "2026-11-20T11:00+01:00", effect: "2026-11-20T10:59+01:00", refused: /before R-2026-0001 was received \(2026-11-20T10:00:00\.000Z\)/ },
    { name: "effect in the future", receipt: "2026-11-20T11:00+01:00", effect: "2026-11-20T12:01+01:00", refused: /in the future/ },
    { name: "effect without an offset", receipt: "2026-11-20T11:00+01:00", effect: "2026-11-20T11:10", refused: /offset from UTC/ },
    { name: "effect in New York's time", receipt: "2026-11-20T11:00+01:00", effect: "2026-11-20T05:20-05:00", stored: "2026-11-20T10:20:00.000Z" },
  ] as const;
  for (const row of rows) {
    test(`--effective-at: ${row.name}`, async () => {
      const h = harness();
      await openAndDeliver(h, new Date(row.receipt).toISOString());
      // An hour after receipt.
      h.clock.set(new Date(new Date(row.receipt).getTime() + 60 * 60_000).toISOString());
      const answer = await h.run("jan.jansen", `/case resolve R-2026-0001 --outcome removed --effective-at ${row.effect}`);
      if ("refused" in row) {
        expect(answer.failure, answer.message.text).toBe("bad-arguments");
        expect(answer.message.text).toMatch(row.refused);
        expect((await h.caseRow("R-2026-0001")).state).toBe("open");
        expect(await h.db.caseDecision.count()).toBe(0);
        return;
      }
      expect(answer.failure, answer.message.text).toBeUndefined();
      const decision = await h.db.caseDecision.findUniqueOrThrow({ where: { caseId: (await h.caseRow("R-2026-0001")).id } });
      expect([decision.outcome, decision.effectAt?.toISOString(), decision.restriction]).toEqual(["removed", row.stored, "removal"]);
    });
  }

  test("the time of effect defaults to now; access disabled in all Member States; the answer is told in the issuer's thread", async () => {
    const h = harness();
    await openAndDeliver(h, "2026-11-20T10:00:00Z");
    h.clock.set("2026-11-20T10:40:00Z");
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome access-disabled");
    const row = await h.caseRow("R-2026-0001");
    const decision = await h.db.caseDecision.findUniqueOrThrow({ where: { caseId: row.id } });
    expect([decision.effectAt?.toISOString(), decision.restriction]).toEqual(["2026-11-20T10:40:00.000Z", "access-disabled"]);
    await h.drain();
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "nl-iru")).at(-1)).toMatch(/resolved: access-disabled \(Statement: effect given 2026-11-20 11:40 CET/);
    // /case decide gives the same answer with the same rules.
    await openAndDeliver(h, "2026-11-20T11:00:00Z");
    h.clock.set("2026-11-20T11:20:00Z");
    expect((await h.run("jan.jansen", "/case decide R-2026-0002 --outcome removed --effect-at 2026-11-20T13:00+01:00")).message.text).toMatch(/in the future/);
    await h.ok("jan.jansen", "/case decide R-2026-0002 --outcome removed --effect-at 2026-11-20T12:10+01:00");
    expect((await h.db.caseDecision.findUniqueOrThrow({ where: { caseId: (await h.caseRow("R-2026-0002")).id } })).effectAt?.toISOString()).toBe("2026-11-20T11:10:00.000Z");
  });

  test('--effective-at "2h ago": the instant two hours before the clock\'s now is stored', async () => {
    const h = harness();
    await openAndDeliver(h, "2026-11-20T10:00:00Z");
    h.clock.set("2026-11-20T13:00:00Z");
    await h.ok("jan.jansen", '/case resolve R-2026-0001 --outcome removed --effective-at "2h ago"');
    const decision = await h.db.caseDecision.findUniqueOrThrow({ where: { caseId: (await h.caseRow("R-2026-0001")).id } });
    expect([decision.effectAt?.toISOString(), decision.restriction]).toEqual(["2026-11-20T11:00:00.000Z", "removal"]);
  });

  test("--effective-at: a time in the future, before receipt or not in either form is refused in words, and nothing is stored", async () => {
    const h = harness();
    await openAndDeliver(h, "2026-11-20T10:00:00Z");
    h.clock.set("2026-11-20T13:00:00Z");
    await expectPastTimeRefusals(h, {
      who: "jan.jansen", line: "/case resolve R-2026-0001 --outcome removed", option: "--effective-at",
      future: ["2026-11-20T14:01+01:00", /--effective-at 2026-11-20T13:01:00\.000Z is in the future/],
      more: [["4h ago", /before R-2026-0001 was received \(2026-11-20T10:00:00\.000Z\)/]],
    });
    expect((await h.caseRow("R-2026-0001")).state).toBe("open");
    expect(await h.db.caseDecision.count()).toBe(0);
  });

  test("cannot-comply names its Annex III ground and explains it; other outcomes and kinds take no ground", async () => {
    const h = harness();
    await openAndDeliver(h, "2026-11-20T10:00:00Z");
    h.clock.set("2026-11-20T10:10:00Z");
    for (const [line, says] of [
      ["/case resolve R-2026-0001 --outcome cannot-comply --reason \"the URL is a news report\"", /--ground: .*force-majeure, de-facto-impossibility, manifest-errors, insufficient-information/],
      ["/case resolve R-2026-0001 --outcome cannot-comply --ground manifest-errors", /needs a reason/],
      ["/case resolve R-2026-0001 --outcome cannot-comply --ground bogus --reason \"x y z\"", /--ground/],
      ["/case resolve R-2026-0001 --outcome cannot-comply --ground manifest-errors --reason \"news\" --effective-at 2026-11-20T11:05+01:00", /no time of effect/],
      ["/case resolve R-2026-0001 --outcome removed --ground manifest-errors", /Annex III ground/],
      ["/case resolve R-2026-0001 --outcome no-action --reason \"satire\"", /not an outcome of a removal order/],
      ["/case decide R-2026-0001 --outcome removed --ground law --ground-text \"Art. 137d Sr\"", /Annex III ground|A removal order's answer/],
    ] as const) {
      const answer = await h.run("jan.jansen", line);
      expect(answer.failure, `${line}: ${answer.message.text}`).toBeDefined();
      expect(answer.message.text, line).toMatch(says);
    }
    expect((await h.caseRow("R-2026-0001")).state).toBe("open");
    await h.ok("jan.jansen", '/case resolve R-2026-0001 --outcome cannot-comply --ground manifest-errors --reason "the URL points to a news report on the attack, not to the video"');
    const row = await h.caseRow("R-2026-0001");
    expect([row.outcome, row.outcomeReason]).toEqual(["cannot-comply", expect.stringContaining("not executed on the ground of manifest errors (TCO Annex III)")]);
    expect((await h.db.caseDecision.findUniqueOrThrow({ where: { caseId: row.id } })).ground).toBe("manifest-errors");
    // A notice takes neither flag.
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/n/1 --reason "incites violence"');
    expect((await h.run("jan.jansen", "/case resolve N-2026-0001 --outcome removed --effective-at 2026-11-20T11:05+01:00")).message.text).toMatch(/belong to removal orders/);
  });

  test("each lower role is refused to resolve and to decide, and nothing is stored", async () => {
    const h = harness();
    await openAndDeliver(h, "2026-11-20T10:00:00Z");
    h.clock.set("2026-11-20T10:10:00Z");
    for (const who of ["sanne.devries", "pieter.bakker", "lena.schmidt", UNLINKED] as const) {
      for (const line of ["/case resolve R-2026-0001 --outcome removed --effective-at 2026-11-20T11:05+01:00", "/case resolve R-2026-0001 --outcome cannot-comply --ground force-majeure --reason \"outage\"", "/case decide R-2026-0001 --outcome removed --effect-at 2026-11-20T11:05+01:00"]) {
        const answer = await h.run(who, line);
        const name = typeof who === "string" ? who : "unlinked";
        expect(answer.failure, `${name}: ${line}`).toMatch(/not-allowed|not-linked/);
      }
    }
    const row = await h.caseRow("R-2026-0001");
    expect(row.state).toBe("open");
    expect(await h.db.caseDecision.count()).toBe(0);
    // The recipient's colleague and a coordinator may.
    await h.ok("eva.mulder", "/case resolve R-2026-0001 --outcome removed");
    expect((await h.caseRow("R-2026-0001")).state).toBe("resolved");
  });
});

describeOnBothDatabases("receipt when the recipient acts first", (harness, test) => {
  /** Opens the order at 10:00 with the recipient's channel failing, so that no delivery is recorded. */
  async function openUndelivered(h: CaseHarness): Promise<void> {
    h.adapter.failWith = (call) => (call.op === "openThread" && call.title === ACME ? deliveryError("channel_not_found", { permanent: true }) : undefined);
    h.clock.set("2026-11-20T10:00:00Z");
    await h.ok("sanne.devries", ORDER);
    await h.drain();
  }

  test("resolving first: receipt is the action, recorded once; an effect before it is refused with the way out", async () => {
    const h = harness();
    await openUndelivered(h);
    h.clock.set("2026-11-20T10:25:00Z");
    const early = await h.run("jan.jansen", "/case resolve R-2026-0001 --outcome removed --effective-at 2026-11-20T11:20+01:00");
    expect(early.failure).toBe("bad-arguments");
    expect(early.message.text).toMatch(/no delivery of R-2026-0001 is recorded, so your answer now is its receipt/);
    expect(early.message.text).toMatch(/\/case received R-2026-0001 --at/);
    expect((await h.caseRow("R-2026-0001")).receivedAt).toBeNull();
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
    const row = await h.caseRow("R-2026-0001");
    expect(row.receivedAt?.toISOString()).toBe("2026-11-20T10:25:00.000Z");
    const received = await h.db.auditEntry.findMany({ where: { action: "case.received", result: "ok" } });
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]?.detail ?? "{}")).toMatchObject({ source: "first-action", by: "resolve" });
    // The card is delivered after all: nothing more is recorded.
    h.adapter.failWith = undefined;
    h.clock.set("2026-11-20T10:40:00Z");
    await h.core.outbox.drain();
    expect(await h.db.auditEntry.count({ where: { action: "case.received" } })).toBe(1);
    expect((await h.caseRow("R-2026-0001")).receivedAt?.toISOString()).toBe("2026-11-20T10:25:00.000Z");
  });

  test("acknowledging first: receipt then, and the legal hour runs from it", async () => {
    const h = harness();
    await openUndelivered(h);
    h.clock.set("2026-11-20T10:30:00Z");
    await h.ok("jan.jansen", "/case ack R-2026-0001");
    const row = await h.caseRow("R-2026-0001");
    expect(row.receivedAt?.toISOString()).toBe("2026-11-20T10:30:00.000Z");
    expect(row.resolveDueAt?.toISOString()).toBe("2026-11-20T11:30:00.000Z");
    // The issuer's side acting first is no receipt.
    await h.ok("sanne.devries", ORDER);
    await h.ok("sanne.devries", '/case withdraw R-2026-0002 --reason "wrong provider"');
    expect((await h.caseRow("R-2026-0002")).receivedAt).toBeNull();
  });
});
