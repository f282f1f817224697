// European Production and Preservation Orders through the commands, on both databases: scope (Art. 3(1)), issuers
// and validators (Art. 4), the enforcing authority's thread and window (Art. 8, 10(2), 12), the addressee's clock
// (Art. 10(2)-(4), 10(6)), Annex III, and preservation (Art. 11).
import { expect } from "vitest";
import { renderForConsole } from "../../adapters/console/render.js";
import { describeOnBothDatabases, type CaseHarness } from "../support/cases.js";
import { withAuthorities } from "./support.js";

const SUBSCRIBER = '--category subscriber --target "@example_user" --issuer-file "PL 2026/17" --offence "fraud (oplichting)" --provision "Art. 326 Sr" --deliver-to "nl-police-cyber"';
const CONTENT = '--category content --target "@example_user" --issuer-file "RB 2026/9" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-rechtbank" --from 2026-10-01T00:00:00+02:00 --to 2026-11-01T00:00:00+01:00';

async function order(h: CaseHarness) {
  return h.db.evidenceOrder.findFirstOrThrow({ orderBy: { issuedAt: "desc" } });
}

describeOnBothDatabases("e-Evidence orders (Regulation (EU) 2023/1543)", (harness, test) => {
  test("Art. 3(1) and Art. 4: scope and who issues, per data category", async () => {
    const h = harness();
    await withAuthorities(h);
    for (const [who, line, code] of [
      // A Dutch police unit to a Dutch host: domestic, not an EPOC.
      ["ahmed.elamrani", `/eevidence order acme-hosting ${SUBSCRIBER} --validator nl-om --validator-file "OM 1"`, "not-allowed"],
      // A provider with no designated establishment or legal representative.
      ["ahmed.elamrani", `/eevidence order anchor-registrar ${SUBSCRIBER} --validator nl-om --validator-file "OM 1"`, "not-allowed"],
      // Police alone, no emergency: needs validation (Art. 4(1)(b)).
      ["ahmed.elamrani", `/eevidence order chirp-social ${SUBSCRIBER}`, "not-allowed"],
      // Police, content data, validated by a prosecutor: Art. 4(2)(b) needs a judge.
      ["ahmed.elamrani", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz --validator nl-om --validator-file "OM 2"`, "not-allowed"],
      // Content data, no enforcing authority named (Art. 8(1)).
      ["ria.smit", `/eevidence order chirp-social ${CONTENT}`, "bad-arguments"],
      // An enforcing authority that is not the addressee's State's (Art. 8(1)).
      ["ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing nl-om`, "not-allowed"],
      // A hosting company cannot issue at all.
      ["jan.jansen", `/eevidence order chirp-social ${SUBSCRIBER}`, "not-allowed"],
      // Content data in an emergency without prior validation: never (Art. 4(5)).
      ["ahmed.elamrani", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz --emergency "imminent threat to life: a hostage situation"`, "not-allowed"],
      // Hostile: a target of 100,000 characters.
      ["mark.dejong", `/eevidence order chirp-social --category subscriber --target "${"x".repeat(100_000)}" --issuer-file "OM 3" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-om"`, "bad-arguments"],
    ] as const) {
      const answer = await h.run(who, line);
      expect(answer.failure, `${who}: ${line.slice(0, 120)}: ${answer.message.text}`).toBe(code);
    }
    expect(await h.db.case.count()).toBe(0);
    expect((await h.run("ahmed.elamrani", `/eevidence order acme-hosting ${SUBSCRIBER} --validator nl-om --validator-file "OM 1"`)).message.text).toMatch(/Art\. 3\(1\)/);
    // Issued: a prosecutor for subscriber data; police validated by a prosecutor; a judge for content data.
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
    await h.ok("ahmed.elamrani", `/eevidence order chirp-social ${SUBSCRIBER} --validator nl-om --validator-file "OM 4"`);
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
    const orders = await h.db.evidenceOrder.findMany({ orderBy: { issuedAt: "asc" } });
    expect(orders.map((o) => [o.category, o.validation, o.notified, o.addresseeMemberState])).toEqual([
      ["subscriber", "not-needed", false, "DE"],
      ["subscriber", "validated", false, "DE"],
      ["content", "not-needed", true, "DE"],
    ]);
    const refusals = await h.db.auditEntry.count({ where: { action: "eevidence.issue", result: "refused" } });
    // Nine refused by the rules and recorded; the 100,000-character target is refused by the length cap before.
    expect(refusals).toBe(9);
  });

  test("Art. 10(2): notified, no transmission before the end of the 10 days; early after the enforcing authority confirms", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
    await h.drain();
    const row = await h.caseRow("P-2026-0001");
    expect(row.receivedAt?.toISOString()).toBe("2026-11-20T08:00:00.000Z");
    // The enforcing authority has its own thread, with its card.
    const threads = await h.db.caseThread.findMany({ where: { caseId: row.id }, include: {} });
    const enforcing = await h.db.organisation.findUniqueOrThrow({ where: { slug: "de-justiz" } });
    expect(threads.map((thread) => thread.organisationId)).toContain(enforcing.id);
    const card = h.adapter.calls.find((call) => call.op !== "send" && (call.message.title ?? "").includes("notification of a European Production Order"));
    expect(card?.op === "sendDirect" && card.userId).toBe("klaus.richter");
    expect(card?.message.text).toMatch(/Within 10 days of receipt/);
    // Day 5: the provider may not transmit yet; a bare /case resolve is refused altogether.
    h.clock.set("2026-11-25T09:00:00+01:00");
    const early = await h.run("lena.schmidt", "/eevidence produced P-2026-0001");
    expect([early.failure, early.message.text]).toEqual(["not-allowed", expect.stringMatching(/end of the 10-day period, 2026-11-30T08:00:00.000Z.*Art\. 10\(2\)/)]);
    for (const outcome of ["refused --reason no", "data-produced", "cannot-comply --reason x"]) {
      const bare = await h.run("lena.schmidt", `/case resolve P-2026-0001 --outcome ${outcome}`);
      expect(bare.failure, outcome).toBe("bad-arguments");
      expect(bare.message.text).toMatch(/Annex III/);
    }
    // Only the enforcing authority answers the notification.
    expect((await h.run("lena.schmidt", "/eevidence enforcing P-2026-0001 --decision confirm")).failure).toBe("not-allowed");
    expect((await h.run("ria.smit", "/eevidence enforcing P-2026-0001 --decision confirm")).failure).toBe("not-allowed");
    await h.ok("klaus.richter", "/eevidence enforcing P-2026-0001 --decision confirm");
    expect((await h.run("klaus.richter", "/eevidence enforcing P-2026-0001 --decision confirm")).failure).toBe("invalid-transition");
    // The enforcing authority cannot produce; the addressee can now.
    expect((await h.run("klaus.richter", "/eevidence produced P-2026-0001")).failure).toBe("not-allowed");
    await h.ok("lena.schmidt", "/eevidence produced P-2026-0001");
    expect((await h.caseRow("P-2026-0001")).outcome).toBe("data-produced");
    expect((await order(h)).fulfilledAt?.toISOString()).toBe("2026-11-25T08:00:00.000Z");
  });

  test("Art. 10(2) without confirmation: transmission at the end of the period; Art. 12: a refusal stops it, a late one is refused", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
    await h.drain();
    h.clock.set("2026-11-30T08:59:59+01:00");
    expect((await h.run("felix.wagner", "/eevidence produced P-2026-0001")).failure).toBe("not-allowed");
    h.clock.set("2026-11-30T09:00:00+01:00");
    await h.ok("felix.wagner", "/eevidence produced P-2026-0001");
    // The second order: refused within the window on day 9, so it is never transmitted.
    h.clock.set("2026-11-29T12:00:00+01:00");
    expect((await h.run("klaus.richter", "/eevidence enforcing P-2026-0002 --decision refuse")).failure).toBe("bad-arguments");
    h.clock.set("2026-11-30T09:00:01+01:00");
    expect((await h.run("klaus.richter", '/eevidence enforcing P-2026-0002 --decision refuse --ground dual-criminality --reasons "not an offence under German law"')).failure).toBe("not-allowed");
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
    await h.drain();
    h.clock.set("2026-12-05T10:00:00+01:00");
    await h.ok("klaus.richter", '/eevidence enforcing P-2026-0003 --decision refuse --ground immunity-or-press --reasons "protected by professional privilege"');
    h.clock.set("2026-12-11T10:00:00+01:00");
    expect((await h.run("felix.wagner", "/eevidence produced P-2026-0003")).message.text).toMatch(/ground for refusal/);
  });

  test("emergencies: 8 hours; ex-post validation within 48 hours by a prosecutor of the issuing State", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T23:10:00+01:00");
    await h.ok("ahmed.elamrani", `/eevidence order chirp-social ${SUBSCRIBER} --emergency "imminent threat to life: a kidnapping in progress"`);
    await h.drain();
    const row = await h.caseRow("P-2026-0001");
    expect([row.priority, row.resolveDueAt?.toISOString()]).toEqual(["emergency", "2026-11-21T06:10:00.000Z"]);
    const stored = await order(h);
    expect([stored.validation, stored.validationDueAt?.toISOString()]).toEqual(["ex-post-pending", "2026-11-22T22:10:00.000Z"]);
    // The reminder to seek validation comes 12 hours before the 48 hours end.
    expect(stored.nextReminderAt?.toISOString()).toBe("2026-11-22T10:10:00.000Z");
    for (const who of ["jan.jansen", "lena.schmidt", "ahmed.elamrani", "klaus.richter"]) expect((await h.run(who, "/eevidence validate P-2026-0001")).failure, who).toBe("not-allowed");
    h.clock.set("2026-11-21T10:00:00+01:00");
    await h.ok("mark.dejong", "/eevidence validate P-2026-0001");
    expect((await order(h)).validation).toBe("ex-post-validated");
    expect((await h.run("mark.dejong", "/eevidence validate P-2026-0001")).failure).toBe("invalid-transition");
  });

  test("Art. 10(6): a clarification stops the clock; the issuer reacts within 5 days; then the time runs again", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
    await h.drain();
    h.clock.set("2026-11-22T09:00:00+01:00");
    expect((await h.run("mark.dejong", '/eevidence inability P-2026-0001 --ground incomplete --explanation "the issuer asks itself"')).failure).toBe("not-allowed");
    expect((await h.run("lena.schmidt", '/eevidence inability P-2026-0001 --ground refused --explanation "we do not want to"')).failure).toBe("bad-arguments");
    expect((await h.run("lena.schmidt", `/eevidence inability P-2026-0001 --ground incomplete --explanation "${"y".repeat(5000)}"`)).failure).toBe("bad-arguments");
    await h.ok("lena.schmidt", '/eevidence inability P-2026-0001 --ground insufficient-information --explanation "two accounts match <!channel> \u202Eexample\u001b[2J; which one?"');
    let row = await h.caseRow("P-2026-0001");
    expect([row.state, row.resolveDueAt]).toEqual(["clarification-requested", null]);
    expect((await order(h)).issuerReactionDueAt?.toISOString()).toBe("2026-11-27T08:00:00.000Z");
    await h.drain();
    const sent = h.adapter.calls.filter((call) => call.op === "send" && call.message.text.includes("asks for clarification on the Annex III form"));
    expect(sent.length).toBeGreaterThan(0);
    for (const call of sent) expect(renderForConsole(call.message)).not.toMatch(/[\u202E\u001b]/);
    expect((await h.run("lena.schmidt", "/eevidence produced P-2026-0001")).failure).toBe("invalid-transition");
    h.clock.set("2026-11-24T09:00:00+01:00");
    await h.ok("mark.dejong", '/eevidence clarified P-2026-0001 --answer "the account created on 2026-03-02, id 4411"');
    row = await h.caseRow("P-2026-0001");
    // Two days paused: 10 days from 20 Nov 08:00 UTC plus 2 days.
    expect([row.state, row.resolveDueAt?.toISOString()]).toEqual(["acknowledged", "2026-12-02T08:00:00.000Z"]);
    expect((await order(h)).issuerReactionDueAt).toBeNull();
  });

  test("Art. 17: a third-country objection within 10 days of receipt; not for preservation", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
    await h.ok("mark.dejong", `/eevidence order chirp-social --type preservation ${SUBSCRIBER.replace('--deliver-to "nl-police-cyber"', "")}`);
    await h.drain();
    h.clock.set("2026-11-30T09:00:00+01:00");
    await h.ok("lena.schmidt", '/eevidence inability P-2026-0001 --ground third-country-law --explanation "the US Stored Communications Act forbids disclosure of content"');
    h.clock.set("2026-11-30T09:00:01+01:00");
    expect((await h.run("lena.schmidt", '/eevidence inability P-2026-0002 --ground third-country-law --explanation "the US Stored Communications Act forbids it"')).failure).toBe("not-allowed");
    expect((await h.run("lena.schmidt", '/eevidence inability S-2026-0001 --ground third-country-law --explanation "the US Stored Communications Act forbids it"')).failure).toBe("bad-arguments");
  });

  test("Art. 11: preservation 60 days, one 30-day extension, Annex V, release; only the right party", async () => {
    const h = harness();
    await withAuthorities(h);
    const PRESERVE = `/eevidence order chirp-social --type preservation ${SUBSCRIBER.replace('--deliver-to "nl-police-cyber"', "")}`;
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("mark.dejong", PRESERVE);
    await h.ok("mark.dejong", PRESERVE);
    await h.drain();
    expect((await h.run("mark.dejong", "/eevidence preserved S-2026-0001")).failure).toBe("not-allowed");
    expect((await h.run("lena.schmidt", "/eevidence produced S-2026-0001")).failure).toBe("bad-arguments");
    expect((await h.run("lena.schmidt", "/case resolve S-2026-0001 --outcome data-preserved")).failure).toBe("bad-arguments");
    h.clock.set("2026-11-20T10:30:00+01:00");
    await h.ok("lena.schmidt", "/eevidence preserved S-2026-0001");
    let stored = await h.db.evidenceOrder.findFirstOrThrow({ where: { caseId: (await h.caseRow("S-2026-0001")).id } });
    expect([stored.preservation, stored.preservationEndsAt?.toISOString(), stored.nextReminderAt?.toISOString()]).toEqual(["preserving", "2027-01-19T09:30:00.000Z", "2027-01-12T09:30:00.000Z"]);
    expect((await h.caseRow("S-2026-0001")).outcome).toBe("data-preserved");
    expect((await h.run("lena.schmidt", "/eevidence extend S-2026-0001")).failure).toBe("not-allowed");
    h.clock.set("2027-01-15T10:00:00+01:00");
    await h.ok("mark.dejong", "/eevidence extend S-2026-0001");
    expect((await h.run("mark.dejong", "/eevidence extend S-2026-0001")).failure).toBe("not-allowed");
    stored = await h.db.evidenceOrder.findFirstOrThrow({ where: { caseId: (await h.caseRow("S-2026-0001")).id } });
    expect([stored.preservationEndsAt?.toISOString(), stored.preservationExtended]).toEqual(["2027-02-18T09:30:00.000Z", true]);
    await h.ok("mark.dejong", "/eevidence subsequent S-2026-0001");
    stored = await h.db.evidenceOrder.findFirstOrThrow({ where: { caseId: (await h.caseRow("S-2026-0001")).id } });
    expect([stored.preservation, stored.preservationEndsAt, stored.nextReminderAt]).toEqual(["until-production", null, null]);
    await h.ok("mark.dejong", "/eevidence release S-2026-0001");
    expect((await h.run("mark.dejong", "/eevidence release S-2026-0001")).failure).toBe("invalid-transition");
    // The second one, never extended, has ended after 60 days: nothing more is extended or confirmed.
    h.clock.set("2026-11-20T11:00:00+01:00");
    await h.ok("felix.wagner", "/eevidence preserved S-2026-0002");
    h.clock.set("2027-01-19T10:59:59+01:00");
    expect((await h.run("mark.dejong", "/case status S-2026-0002")).failure).toBeUndefined();
    h.clock.set("2027-01-19T11:00:00+01:00");
    expect((await h.run("mark.dejong", "/eevidence extend S-2026-0002")).failure).toBe("invalid-transition");
    expect((await h.run("mark.dejong", "/eevidence subsequent S-2026-0002")).failure).toBe("invalid-transition");
  });
});
