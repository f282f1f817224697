// TLP 2.0 on every output path of a case, on both databases: the card, thread updates, relayed messages, replies,
// /case status, /case list, /case history and the report. A TLP:RED case goes only to the named people (the opener
// and the recipient's responsible contact) by direct message, never into a channel thread; people who are not named
// see its reference, state and deadlines, never its URLs, reasons or messages.
import { expect } from "vitest";
import { renderForConsole } from "../../adapters/console/render.js";
import { buildReport } from "../../src/cases/report.js";
import { reportCsv, reportTable } from "../../src/cli/report.js";
import type { OutboxDestination } from "../../src/outbox/outbox.js";
import { describeOnBothDatabases, threadTitle, type CaseHarness } from "../support/cases.js";

const URL_TEXT = "https://example.test/secret-video";
const REASON = "incitement to terrorism";
const BASIS = "TCO Art. 3 secret basis";
const QUESTION = "is it the clip at 02:13";
const ANSWER = "yes the clip at 02:13";
const MESSAGE = "our private note about the uploader";
/** Words of the case's content that must not reach people who are not named. */
const CONTENT = [URL_TEXT, REASON, BASIS, QUESTION, ANSWER, MESSAGE, "secret-video", "uploader"];

const RED = `/notice acme-hosting ${URL_TEXT} --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "${BASIS}" --reason "${REASON}" --tlp RED`;

function expectNoContent(text: string, who: string): void {
  for (const word of CONTENT) expect(text, `${who} saw "${word}"`).not.toContain(word);
}

async function redCaseWithHistory(h: CaseHarness): Promise<string> {
  await h.ok("sanne.devries", RED);
  await h.ok("jan.jansen", `/case clarify R-2026-0001 --question "${QUESTION}"`);
  await h.ok("sanne.devries", `/case answer R-2026-0001 --text "${ANSWER}"`);
  await h.ok("jan.jansen", `/case say R-2026-0001 ${MESSAGE}`);
  await h.drain();
  return "R-2026-0001";
}

describeOnBothDatabases("TLP", (harness, test) => {
  test("a TLP:RED case opens direct threads to the named people only; nothing goes to a channel", async () => {
    const h = harness();
    const ref = await redCaseWithHistory(h);
    const sanne = await h.actor("sanne.devries");
    const jan = await h.actor("jan.jansen");
    const threads = await h.db.caseThread.findMany();
    expect(threads.map((thread) => [thread.kind, thread.contactId]).sort()).toEqual([["direct", jan.contact?.id], ["direct", sanne.contact?.id]].sort());
    // Every outbox message of the case goes to one of these direct threads.
    const outbox = await h.db.outboxMessage.findMany({ orderBy: { seq: "asc" } });
    expect(outbox.length).toBeGreaterThan(0);
    for (const item of outbox) {
      const destination = JSON.parse(item.destination) as OutboxDestination;
      expect(["open-case-thread", "case-thread"]).toContain(destination.type);
      const threadId = (destination as { caseThreadId: string }).caseThreadId;
      expect(threads.find((thread) => thread.id === threadId)?.kind).toBe("direct");
      expect(JSON.parse(item.message).tlp).toBe("RED");
      expect(item.state).toBe("sent");
    }
    // What the platform got: direct messages to the two named people, nothing else.
    expect(h.adapter.calls.length).toBe(outbox.length);
    expect(new Set(h.adapter.calls.map((call) => call.op))).toEqual(new Set(["sendDirect"]));
    expect(new Set(h.adapter.calls.map((call) => (call.op === "sendDirect" ? call.userId : "")))).toEqual(new Set(["sanne.devries", "jan.jansen"]));
    // Both named people got the card with the content and the label, and the updates.
    for (const handle of ["sanne.devries", "jan.jansen"]) {
      const texts = h.adapter.directTexts(handle);
      expect(texts[0]).toContain(`R-2026-0001 · TLP:RED`);
      expect(texts[0]).toContain(URL_TEXT);
      expect(texts.join("\n")).toContain(QUESTION);
    }
    // jan's message (/case say, outside any thread: every thread gets it) reached sanne.
    expect(h.adapter.directTexts("sanne.devries")).toContain(`Jan Jansen (ACME Hosting B.V.): ${MESSAGE}`);
    // Every delivered message carries the label, and the console shows it.
    for (const call of h.adapter.calls) {
      expect(call.message.tlp).toBe("RED");
      expect(renderForConsole(call.message)).toContain("TLP:RED");
    }
    expect(ref).toBe("R-2026-0001");
  });

  test("people who are not named see reference, state and deadline of a TLP:RED case, never its content", async () => {
    const h = harness();
    const ref = await redCaseWithHistory(h);
    for (const who of ["pieter.bakker", "eva.mulder", "tom.hendriks", "demo.coordinator"]) {
      const status = await h.run(who, `/case status ${ref}`);
      expect(status.failure, who).toBeUndefined();
      expect(status.message.text).toContain(ref);
      expect(status.message.text).toContain("TLP:RED");
      expect(status.message.text).toContain("acknowledged");
      expect(status.message.text).toMatch(/Resolve by: \d{4}-\d\d-\d\d \d\d:\d\d/);
      expectNoContent(JSON.stringify(status.message), `${who} (status)`);

      const list = await h.run(who, "/case list --state all");
      expect(list.message.text).toContain(ref);
      expect(list.message.text).toMatch(/resolve by \d{4}-\d\d-\d\d/);
      expectNoContent(JSON.stringify(list.message), `${who} (list)`);

      const history = await h.run(who, `/case history ${ref}`);
      expect(history.message.text).toContain(`History of ${ref} (TLP:RED)`);
      expect(history.message.text).toContain("request-clarification");
      expectNoContent(JSON.stringify(history.message), `${who} (history)`);
    }
    // The named people see it all.
    for (const who of ["sanne.devries", "jan.jansen"]) {
      expect((await h.run(who, `/case status ${ref}`)).message.text).toContain(URL_TEXT);
      expect((await h.run(who, "/case list --state all")).message.text).toContain(URL_TEXT);
      const history = (await h.run(who, `/case history ${ref}`)).message.text;
      expect(history).toContain(QUESTION);
      expect(history).toContain(MESSAGE);
    }
  });

  test("a person who is not named may act on a TLP:RED case; the reply and the updates keep the content to the named", async () => {
    const h = harness();
    await h.ok("sanne.devries", RED);
    await h.drain();
    const reply = await h.run("eva.mulder", `/case resolve R-2026-0001 --outcome cannot-comply --ground insufficient-information --reason "${REASON} is unclear"`);
    expect(reply.failure).toBeUndefined();
    expect(reply.message.tlp).toBe("RED");
    expectNoContent(JSON.stringify(reply.message), "eva (reply)");
    await h.drain();
    // The update went to the named people's direct threads only.
    expect(new Set(h.adapter.calls.map((call) => call.op))).toEqual(new Set(["sendDirect"]));
    expect(h.adapter.directTexts("eva.mulder")).toEqual([]);
    expect(h.adapter.directTexts("sanne.devries").at(-1)).toContain("resolved: cannot-comply");
    // She cannot write in it: refused, nothing relayed.
    const written = await h.run("eva.mulder", `/case say R-2026-0001 ${MESSAGE}`);
    expect(written.message.text).toMatch(/^✗ .*TLP:RED/);
    expectNoContent(JSON.stringify(written.message), "eva (relay refusal)");
    expect(await h.db.caseMessage.count()).toBe(0);
  });

  test("reassigning a TLP:RED case names the new contact: they get the case by direct message, the former one no more", async () => {
    const h = harness();
    await h.ok("sanne.devries", RED);
    await h.drain();
    await h.ok("jan.jansen", "/case reassign R-2026-0001 --to eva.mulder");
    await h.drain();
    h.adapter.calls.length = 0;
    await h.ok("eva.mulder", '/case clarify R-2026-0001 --question "which clip, agreed with eva"');
    await h.ok("sanne.devries", `/case say R-2026-0001 ${MESSAGE}`);
    await h.drain();
    expect(h.adapter.directTexts("jan.jansen")).toEqual([]);
    const eva = h.adapter.directTexts("eva.mulder").join("\n");
    expect(eva).toContain("which clip");
    expect(eva).toContain(MESSAGE);
    // eva is named now: she sees the content; jan no longer does.
    expect((await h.run("eva.mulder", "/case status R-2026-0001")).message.text).toContain(URL_TEXT);
    expectNoContent((await h.run("jan.jansen", "/case status R-2026-0001")).message.text, "jan after reassignment");
    // Nothing ever went to a channel.
    expect((await h.db.caseThread.findMany()).every((thread) => thread.kind === "direct")).toBe(true);
  });

  test("only the named contact or a coordinator reassigns a TLP:RED case; an unnamed colleague cannot name themselves; the opener is told", async () => {
    const h = harness();
    await h.ok("sanne.devries", RED);
    await h.drain();
    const jan = await h.actor("jan.jansen");
    h.adapter.calls.length = 0;
    // Colleagues of the named contact at the recipient, its admin included, are refused: nothing changes, nothing is sent.
    for (const colleague of ["eva.mulder", "tom.hendriks"]) {
      const answer = await h.run(colleague, `/case reassign R-2026-0001 --to ${colleague}`);
      expect(answer.failure, answer.message.text).toBe("not-allowed");
      expect(answer.message.text).toMatch(/TLP:RED.*named responsible contact or a coordinator/);
      expectNoContent(JSON.stringify(answer.message), `${colleague} (refusal)`);
    }
    await h.drain();
    expect(h.adapter.calls).toEqual([]);
    expect((await h.db.case.findFirstOrThrow()).responsibleContactId).toBe(jan.contact?.id);
    const refusals = await h.db.auditEntry.findMany({ where: { action: "case.reassign" } });
    expect(refusals.map((entry) => entry.result)).toEqual(["refused:not-allowed", "refused:not-allowed"]);
    // A coordinator may; the opener and the new contact are told by direct message, the former one is not.
    await h.ok("demo.coordinator", "/case reassign R-2026-0001 --to eva.mulder");
    await h.drain();
    expect(h.adapter.directTexts("sanne.devries").join("\n")).toMatch(/eva\.mulder\) is now responsible/);
    expect(h.adapter.directTexts("eva.mulder").join("\n")).toContain(URL_TEXT);
    // And the named contact may hand it on; the opener is told again.
    h.adapter.calls.length = 0;
    await h.ok("eva.mulder", "/case reassign R-2026-0001 --to jan.jansen");
    await h.drain();
    expect(h.adapter.directTexts("sanne.devries").join("\n")).toMatch(/jan\.jansen\) is now responsible/);
  });

  test("an AMBER case: card in both channel threads with its label; updates, relayed messages and replies carry it", async () => {
    const h = harness();
    const open = await h.run("sanne.devries", `/notice acme-hosting ${URL_TEXT} --reason "${REASON}"`);
    expect(open.message.tlp).toBe("AMBER");
    await h.drain();
    await h.ok("jan.jansen", "/case ack N-2026-0001");
    await h.write("jan.jansen", threadTitle("N-2026-0001", "acme-hosting"), "looking at it");
    await h.drain();
    const cards = h.adapter.calls.filter((call) => call.op === "openThread");
    expect(cards.map((call) => (call.op === "openThread" ? call.title : "")).sort()).toEqual([threadTitle("N-2026-0001", "acme-hosting"), threadTitle("N-2026-0001", "nl-iru")]);
    for (const card of cards) {
      expect(card.message.title).toContain("TLP:AMBER");
      expect(renderForConsole(card.message).split("\n")[0]).toContain("TLP:AMBER");
    }
    expect(h.adapter.calls).toHaveLength(2 + 2 + 1);
    for (const call of h.adapter.calls) expect(call.message.tlp).toBe("AMBER");
    expect(h.adapter.threadTexts(threadTitle("N-2026-0001", "nl-iru"))).toContain("Jan Jansen (ACME Hosting B.V.): looking at it");
  });

  test("the label chosen by the opener wins over the kind's default (CLEAR, GREEN, AMBER+STRICT go to channel threads)", async () => {
    const h = harness();
    // Three URLs: a notice repeating an open one of the same organisation would be refused as a duplicate.
    for (const tlp of ["CLEAR", "GREEN", "AMBER+STRICT"]) await h.ok("sanne.devries", `/notice acme-hosting ${URL_TEXT}/${tlp.toLowerCase()} --reason "${REASON}" --tlp ${tlp}`);
    const rows = await h.db.case.findMany({ orderBy: { reference: "asc" } });
    expect(rows.map((row) => row.tlp)).toEqual(["CLEAR", "GREEN", "AMBER+STRICT"]);
    expect((await h.db.caseThread.findMany()).every((thread) => thread.kind === "channel")).toBe(true);
    await h.drain();
    for (const call of h.adapter.calls) expect(call.op === "openThread" && call.title.startsWith("N-2026-0003") ? call.message.tlp : "AMBER+STRICT").toBe("AMBER+STRICT");
  });

  test("a TLP:AMBER+STRICT case shows its content to both parties' people, and not to another organisation's coordinator", async () => {
    const h = harness();
    await h.ok("sanne.devries", `/notice acme-hosting ${URL_TEXT} --reason "${REASON}" --tlp "AMBER+STRICT"`);
    const ref = "N-2026-0001";
    // Of the parties, named or not: the opener's colleague and the recipient's contacts see everything.
    for (const who of ["sanne.devries", "pieter.bakker", "jan.jansen", "eva.mulder"]) {
      expect((await h.run(who, `/case status ${ref}`)).message.text, who).toContain(URL_TEXT);
    }
    // A coordinator of a third organisation may follow the case, but sees its reference, state and deadlines only.
    const status = await h.run("demo.coordinator", `/case status ${ref}`);
    expect(status.failure).toBeUndefined();
    expect(status.message.text).toContain(ref);
    expect(status.message.text).toContain("TLP:AMBER+STRICT");
    expectNoContent(JSON.stringify(status.message), "demo.coordinator (status)");
    const list = await h.run("demo.coordinator", "/case list");
    expect(list.message.text).toContain(ref);
    expectNoContent(JSON.stringify(list.message), "demo.coordinator (list)");
  });

  test("the report holds counts and times, never case content", async () => {
    const h = harness();
    await redCaseWithHistory(h);
    await h.ok("jan.jansen", `/case resolve R-2026-0001 --outcome cannot-comply --ground insufficient-information --reason "${REASON}"`);
    await h.ok("sanne.devries", `/notice acme-hosting ${URL_TEXT}?2 --reason "${REASON}"`);
    const report = await buildReport(h.db, new Date("2026-01-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z"), h.clock.now());
    expect(report.rows.map((row) => [row.organisation, row.kind, row.received])).toEqual([
      ["acme-hosting", "notice", 1],
      ["acme-hosting", "removal-order", 1],
    ]);
    for (const text of [JSON.stringify(report), reportCsv(report), reportTable(report)]) expectNoContent(text, "report");
  });
});
