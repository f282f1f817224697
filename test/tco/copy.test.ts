// TCO Art. 4(1): the copy of a cross-border removal order carries the order (its Annex I form as the card shows it),
// the host Member State's authority that received it reads the case (and nothing more), and a request for scrutiny
// (Art. 4(4)) reaches that authority at once. On both databases.
import { expect } from "vitest";
import { renderForConsole } from "../../adapters/console/render.js";
import { renderMessage } from "../../adapters/slack/render.js";
import { acceptIntakeReportInStore } from "../../src/intake/accept.js";
import { intakeReportSchema } from "../../src/intake/report.js";
import { describeOnBothDatabases, HOUR, START, threadTitle, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";
import { designateGermanAuthority } from "../support/tco.js";

const REDRESS = "Objection under the Awb within 6 weeks to the issuing authority; appeal to the district court.";
const ORDER = `/notice chirp-social https://chirp.example/p/9 https://chirp.example/p/10 --kind removal-order --content-type incitement,instruction --redress "${REDRESS}" --reason "video glorifying the attack" --reference NL-TCO-2026-77 --host-member-state DE`;
const HOSTILE = "<@U123> <!channel> <@&42> @everyone @room \u202Egnirrah\u001b[2J";

const at = (ms: number) => new Date(new Date(START).getTime() + ms).toISOString();

/** An intake report about `url` on chirp.example (routed to chirp-social's intake); answers the item's reference. */
async function reportAbout(h: CaseHarness, url: string): Promise<string> {
  const report = intakeReportSchema.parse({
    source: "api", format: "xarf-v4", sourceReportId: crypto.randomUUID(), category: "content", type: "terrorism",
    target: { url }, occurredAt: new Date(START), reporter: { organisation: "Example CERT" }, summary: "the video again", evidence: [],
  });
  const accepted = await acceptIntakeReportInStore(h.store, h.clock, TEST_KEYS, { report, reportingOrganisationId: undefined, receivedVia: "test" });
  return accepted.reference;
}

describeOnBothDatabases("the TCO Art. 4(1) copy and the host authority as a reader", (harness, test) => {
  test("the copy carries the URLs and the Annex I fields; the issuer and the provider get none", async () => {
    const h = harness();
    await designateGermanAuthority(h, { plainContact: true });
    await h.ok("sanne.devries", ORDER);
    await h.drain();
    const copies = h.adapter.directTexts("jonas.becker");
    expect(copies).toHaveLength(1);
    const copy = copies[0] ?? "";
    for (const part of [
      "Copy of removal order R-2026-0001 (TCO Art. 4(1)): you are the competent authority of DE",
      "https://chirp.example/p/9", "https://chirp.example/p/10",
      "video glorifying the attack", REDRESS.replace(/\n/g, ", "), "Regulation (EU) 2021/784 (TCO), Art. 3",
      "incites the commission of terrorist offences (Art. 2(7)(a))", "instructs on making or using explosives",
      "Issuing Member State: NL", "Issued (as stated on the order): 2026-11-20T10:00:00.000Z", "Order reference: NL-TCO-2026-77",
      "a copy goes to the competent authority of DE", "From: ", "[nl-iru]", "To: ", "[chirp-social]",
      "/tco scrutiny-decision R-2026-0001", "/case status R-2026-0001",
    ]) expect(copy, part).toContain(part);
    // Times in the reader's zone (de-cert: Europe/Berlin), named.
    expect(copy).toContain("Times in: Europe/Berlin");
    // The recipient's buttons are not on the copy: the host authority does not resolve the order.
    const call = h.adapter.calls.find((entry) => entry.op === "sendDirect" && entry.userId === "jonas.becker");
    expect(call?.message.actions).toBeUndefined();
    expect(call?.message.tlp).toBe("AMBER");
    for (const other of ["sanne.devries", "lena.schmidt", "felix.wagner", "mia.koch"]) expect(h.adapter.directTexts(other).join("\n"), other).not.toContain("Copy of removal order");
  });

  test("hostile form fields stay inert in the copy on every platform's rendering", async () => {
    const h = harness();
    await designateGermanAuthority(h, { plainContact: true });
    await h.ok("sanne.devries", `${ORDER.replace("video glorifying the attack", `video ${HOSTILE}`)} --legal-representative "<!here> Legal BV"`);
    await h.drain();
    const call = h.adapter.calls.find((entry) => entry.op === "sendDirect" && entry.userId === "jonas.becker");
    expect(call).toBeDefined();
    const message = call!.message;
    expect(message.text).toContain("video <@U123>");
    const console = renderForConsole(message);
    expect(console).not.toMatch(/[\u202E\u001b]/);
    expect(console).toContain("⟨U+202E⟩");
    const slack = JSON.stringify(renderMessage(message, { maxParts: 5 }));
    expect(slack).not.toMatch(/<@U123>|<!channel>|<!here>|\u202E|\\u202e|\u001b|\\u001b/i);
    expect(slack).toContain("&lt;!channel&gt;");
    // A reason of 100,000 characters is refused before anything is opened or sent.
    const long = await h.run("sanne.devries", ORDER.replace("video glorifying the attack", "x".repeat(100_000)));
    expect(long.failure).toBe("bad-arguments");
    expect(await h.db.case.count()).toBe(1);
  });

  test("the host authority's contacts read the order with /case status and /case history, and act on nothing", async () => {
    const h = harness();
    await designateGermanAuthority(h, { plainContact: true });
    await h.ok("sanne.devries", ORDER);
    await h.drain();
    for (const reader of ["jonas.becker", "mia.koch"]) {
      const status = await h.run(reader, "/case status R-2026-0001");
      expect(status.failure, `${reader}: ${status.message.text}`).toBeUndefined();
      expect(status.message.text).toContain("https://chirp.example/p/9");
      expect(status.message.text).toContain("Order reference: NL-TCO-2026-77");
      expect(status.message.actions).toBeUndefined();
      const history = await h.run(reader, "/case history R-2026-0001");
      expect(history.failure, reader).toBeUndefined();
      expect(history.message.text).toContain("open: removal-order to chirp-social");
    }
    const before = await h.caseRow("R-2026-0001");
    const seq = await h.auditSeq();
    for (const reader of ["jonas.becker", "mia.koch"]) {
      for (const line of ["/case ack R-2026-0001", "/case resolve R-2026-0001 --outcome removed", '/case clarify R-2026-0001 --question "which one?"', '/case withdraw R-2026-0001 --reason "not ours"', "/case reassign R-2026-0001 --to felix.wagner", '/case suspend R-2026-0001 --grounds "outage of the platform"']) {
        const answer = await h.run(reader, line);
        expect(answer.failure, `${reader}: ${line}: ${answer.message.text}`).toBe("not-allowed");
      }
      const say = await h.run(reader, "/case say R-2026-0001 hello from the host authority");
      expect([say.failure, say.message.text], reader).toEqual(["not-allowed", expect.stringContaining("not a party")]);
    }
    const after = await h.caseRow("R-2026-0001");
    expect([after.state, after.responsibleContactId, after.receivedAt?.toISOString()]).toEqual([before.state, before.responsibleContactId, before.receivedAt?.toISOString()]);
    expect(await h.db.caseMessage.count()).toBe(0);
    const refusals = (await h.auditAfter(seq)).filter((entry) => entry.result === "refused:not-allowed" && entry.action.startsWith("case."));
    expect(refusals.length).toBeGreaterThanOrEqual(12);
    // It finds the order in its list; an unrelated organisation does not.
    expect((await h.ok("mia.koch", "/case list"))).toContain("R-2026-0001");
    expect((await h.ok("noor.dekker", "/case list"))).not.toContain("R-2026-0001");
    // Its own command stays its own: only after a request, and it decides.
    expect((await h.run("jonas.becker", '/tco scrutiny-decision R-2026-0001 --infringes no --reasons "none asked"')).failure).toBe("invalid-transition");
  });

  test("the host authority cannot add an intake item to the order it only reads, even from its own intake; the provider can", async () => {
    const h = harness();
    await designateGermanAuthority(h, { plainContact: true });
    await h.ok("sanne.devries", ORDER);
    await h.drain();
    // The provider, a party, adds a report about the order's URL to the order: adding works on this case.
    const own = await reportAbout(h, "https://chirp.example/p/9");
    await h.ok("lena.schmidt", `/intake add ${own} R-2026-0001`);
    const order = await h.caseRow("R-2026-0001");
    expect(await h.db.intakeItem.findFirstOrThrow({ where: { reference: own } })).toMatchObject({ state: "added", caseId: order.id });
    // A second report, forwarded to de-cert's intake: de-cert's contacts decide it, but not into the order.
    const forwarded = await reportAbout(h, "https://chirp.example/p/10");
    await h.ok("lena.schmidt", `/intake forward ${forwarded} de-cert --reason "the host authority has the copy"`);
    const seq = await h.auditSeq();
    for (const reader of ["jonas.becker", "mia.koch"]) {
      const answer = await h.run(reader, `/intake add ${forwarded} R-2026-0001`);
      expect(answer.failure, `${reader}: ${answer.message.text}`).toBe("not-allowed");
      expect(answer.message.text, reader).toContain("R-2026-0001 is not a case of de-cert: it only reads it; open a notice instead.");
    }
    const item = await h.db.intakeItem.findFirstOrThrow({ where: { reference: forwarded } });
    expect([item.state, item.caseId, item.decidedAt]).toEqual(["open", null, null]);
    expect((await h.auditAfter(seq)).filter((entry) => entry.action === "intake.decided")).toEqual([]);
    // The refusal is the reader's: the same contact may take another decision on the item.
    await h.ok("jonas.becker", `/intake dismiss ${forwarded} --reason "already in R-2026-0001"`);
    expect((await h.db.intakeItem.findFirstOrThrow({ where: { reference: forwarded } })).state).toBe("dismissed");
  });

  test("an unrelated organisation and another organisation's plain contact are refused; a recorded copy names no reader", async () => {
    const h = harness();
    await designateGermanAuthority(h, { plainContact: true });
    await h.ok("sanne.devries", ORDER);
    for (const outsider of ["noor.dekker", "tom.hendriks", "eva.mulder", "sofie.peeters"]) {
      for (const line of ["/case status R-2026-0001", "/case history R-2026-0001", "/case say R-2026-0001 hi"]) {
        const answer = await h.run(outsider, line);
        expect(answer.failure, `${outsider}: ${line}`).toBe("not-allowed");
        expect(answer.message.text).not.toContain("chirp.example");
      }
    }
    // A domestic order (acme-hosting is Dutch) has no copy and no reader, whatever de-cert is designated for.
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --reason "terrorist video"');
    expect((await h.run("jonas.becker", "/case status R-2026-0002")).failure).toBe("not-allowed");
    // A copy recorded as sent another way (no authority in the directory) names no organisation: nobody new reads.
    await h.ok("sanne.devries", '/notice anchor-registrar https://anchor.example/x --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --reason "terrorist video"');
    await h.ok("sanne.devries", `/tco copy R-2026-0003 --at ${at(0)}`);
    for (const outsider of ["jonas.becker", "mia.koch"]) expect((await h.run(outsider, "/case status R-2026-0003")).failure, outsider).toBe("not-allowed");
  });

  test("TLP:RED: the copy and /case status show the host authority the reference, state and deadlines only", async () => {
    const h = harness();
    await designateGermanAuthority(h, { plainContact: true });
    await h.ok("sanne.devries", `${ORDER} --tlp RED`);
    await h.drain();
    const copy = h.adapter.directTexts("jonas.becker").join("\n");
    expect(copy).toContain("Copy of removal order R-2026-0001");
    expect(copy).toContain("the issuing authority, nl-iru, submits the content to you another way");
    expect(copy).not.toMatch(/chirp\.example|glorifying|NL-TCO-2026-77/);
    const status = await h.run("jonas.becker", "/case status R-2026-0001");
    expect(status.failure).toBeUndefined();
    expect(status.message.text).toContain("TLP:RED: shown to the named people only");
    expect(status.message.text).not.toMatch(/chirp\.example\/p|glorifying/);
    const history = await h.run("jonas.becker", "/case history R-2026-0001");
    expect(history.message.text).not.toMatch(/glorifying/);
  });

  test("a request for scrutiny reaches the host authority's contact once, with the 72 hours in its zone", async () => {
    const h = harness();
    await designateGermanAuthority(h, { plainContact: true });
    await h.ok("sanne.devries", ORDER);
    await h.drain();
    h.clock.set(at(10 * HOUR));
    await h.ok("lena.schmidt", `/tco scrutiny R-2026-0001 --reasons "news reporting ${HOSTILE}"`);
    await h.drain();
    await h.drain();
    const requests = h.adapter.directTexts("jonas.becker").filter((text) => text.includes("requested your scrutiny"));
    expect(requests).toHaveLength(1);
    // Due 72 hours after the request: 2026-11-23 20:00 UTC is 21:00 in Berlin (CET).
    expect(requests[0]).toContain(`by 2026-11-23 21:00 CET (${at((10 + 72) * HOUR)})`);
    expect(requests[0]).toContain("The hosting service provider requested your scrutiny of the removal order (TCO Art. 4(4))");
    expect(requests[0]).toContain("/tco scrutiny-decision R-2026-0001");
    const call = h.adapter.calls.find((entry) => entry.op === "sendDirect" && entry.message.text.includes("requested your scrutiny"));
    expect(renderForConsole(call!.message)).not.toMatch(/[\u202E\u001b]/);
    expect(JSON.stringify(renderMessage(call!.message, { maxParts: 5 }))).not.toMatch(/<@U123>|<!channel>/);
    // Nobody else is told by direct message; the parties' threads are told as before.
    for (const other of ["sanne.devries", "lena.schmidt", "mia.koch", "noor.dekker"]) expect(h.adapter.directTexts(other).join("\n"), other).not.toContain("requested your scrutiny");
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "nl-iru")).at(-1)).toContain("requested scrutiny of the removal order by de-cert");
    expect((await h.db.outboxMessage.findMany({ where: { onceKey: { startsWith: "tco-scrutiny-request:" } } })).length).toBe(1);
  });
});
