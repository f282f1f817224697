// TCO Art. 3(2): before a competent authority's first removal order to a hosting service provider, the information
// on procedures and deadlines, at least 12 hours earlier; except in a duly justified emergency. On both databases.
import { expect } from "vitest";
import { describeOnBothDatabases, type CaseHarness } from "../support/cases.js";

const ORDER = '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"';

/** The harness with no advance information recorded (the shared seed gives every authority some). */
async function fresh(h: CaseHarness): Promise<void> {
  await h.db.tcoAdvance.deleteMany({});
}

describeOnBothDatabases("advance information (TCO Art. 3(2))", (harness, test) => {
  test("a first order is refused until 12 hours after the information, across the spring-forward night", async () => {
    const h = harness();
    await fresh(h);
    h.clock.set("2027-03-27T21:00:00Z"); // Saturday 22:00 CET
    const refused = await h.run("sanne.devries", ORDER);
    expect(refused.failure).toBe("not-allowed");
    expect(refused.message.text).toMatch(/nl-iru has not issued a removal order to acme-hosting before/);
    expect(refused.message.text).toContain("/tco inform acme-hosting");
    expect(refused.message.text).toContain("--emergency-justification");
    expect(await h.db.case.count()).toBe(0);
    expect(await h.ok("sanne.devries", "/tco inform acme-hosting")).toContain("may be issued from 2027-03-28 11:00 CEST (2027-03-28T09:00:00.000Z)");
    for (const [at, allowed] of [["2027-03-28T08:59:59.999Z", false], ["2027-03-28T09:00:00.000Z", true]] as const) {
      h.clock.set(at);
      const answer = await h.run("sanne.devries", ORDER);
      expect(answer.failure, `${at}: ${answer.message.text}`).toBe(allowed ? undefined : "not-allowed");
      if (!allowed) expect(answer.message.text).toContain("it may be issued from 2027-03-28 11:00 CEST (2027-03-28T09:00:00.000Z)");
    }
    // Once an order was issued, the next needs no information.
    await h.db.tcoAdvance.deleteMany({});
    await h.ok("sanne.devries", ORDER);
    const records = await h.db.auditEntry.findMany({ where: { action: "tco.inform" } });
    expect(records.map((entry) => entry.result)).toEqual(["ok"]);
  });

  test("information given earlier by another channel is entered with --at; never in the future; the earliest is kept", async () => {
    const h = harness();
    await fresh(h);
    h.clock.set("2026-11-20T10:00:00Z");
    expect((await h.run("sanne.devries", "/tco inform acme-hosting --at 2026-11-20T12:00+01:00")).failure).toBe("bad-arguments");
    await h.ok("sanne.devries", "/tco inform acme-hosting --at 2026-11-19T21:00+01:00");
    expect(await h.ok("sanne.devries", "/tco inform acme-hosting --at 2026-11-20T09:00+01:00")).toMatch(/^Already recorded: .*2026-11-19 21:00 CET/);
    await h.ok("sanne.devries", ORDER); // 20:00 UTC the day before + 12 h = 08:00 UTC, before 10:00
    expect((await h.run("sanne.devries", "/tco inform acme-hosting --at 2026-11-20")).failure).toBe("bad-arguments");
  });

  test("a duly justified emergency: issued at once, the justification recorded", async () => {
    const h = harness();
    await fresh(h);
    const justification = "live-streamed attack under way <@U123> @room \u202Egnirrah\u001b[2J";
    await h.ok("sanne.devries", `${ORDER} --emergency-justification "${justification}"`);
    const row = await h.caseRow("R-2026-0001");
    const order = await h.db.tcoOrder.findUniqueOrThrow({ where: { caseId: row.id } });
    expect(order.emergencyJustification).toBe(justification);
    const record = await h.db.auditEntry.findFirstOrThrow({ where: { action: "tco.open" } });
    expect(JSON.parse(record.detail)).toMatchObject({ emergencyJustification: justification });
    // Too long is refused before anything is stored; a notice takes no justification.
    expect((await h.run("sanne.devries", `${ORDER} --emergency-justification "${"x".repeat(100_000)}"`)).failure).toBe("bad-arguments");
    expect((await h.run("sanne.devries", '/notice acme-hosting https://example.test/n/1 --reason "incites violence" --emergency-justification "urgent matter"')).failure).toBe("bad-arguments");
    expect(await h.db.case.count()).toBe(1);
  });

  test("only a designated competent authority records advance information; every other role is refused and recorded", async () => {
    const h = harness();
    await fresh(h);
    for (const [who, code] of [
      ["jan.jansen", "not-allowed"], // the provider's own admin
      ["noor.dekker", "not-allowed"], // an NGO's admin
      ["demo.coordinator", "not-allowed"], // a coordinator is not the competent authority
    ] as const) {
      const answer = await h.run(who, "/tco inform chirp-social");
      expect(answer.failure, `${who}: ${answer.message.text}`).toBe(code);
    }
    expect((await h.run({ platform: "console", workspace: "", userId: "stranger" }, "/tco inform chirp-social")).failure).toBeDefined();
    expect((await h.run("sanne.devries", `/tco inform ${"a".repeat(100_000)}`)).failure).toBe("bad-arguments");
    expect((await h.run("sanne.devries", "/tco inform nl-iru")).failure).toBe("bad-arguments");
    expect((await h.run("sanne.devries", "/tco inform <@U123>")).failure).toBe("not-found");
    expect(await h.db.tcoAdvance.count()).toBe(0);
    const refusals = await h.db.auditEntry.findMany({ where: { action: "tco.inform" } });
    expect(refusals.filter((entry) => entry.result.startsWith("refused:")).length).toBeGreaterThanOrEqual(3);
  });
});
