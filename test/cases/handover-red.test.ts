// A TLP:RED case whose responsible contact is removed goes to the named people only: the new responsible contact gets
// a direct thread with the card, the removed contact's direct thread is closed, and nothing reaches a channel or an
// unnamed colleague. On both databases.
import { expect } from "vitest";
import { describeOnBothDatabases } from "../support/cases.js";

const URL_TEXT = "https://example.test/red-video";
const RED = `/notice acme-hosting ${URL_TEXT} --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist content" --tlp RED`;

describeOnBothDatabases("TLP:RED hand-over on removal", (harness, test) => {
  test("the backup who takes the case gets a direct thread with the whole card; nobody else sees it", async () => {
    const h = harness();
    await h.ok("sanne.devries", RED);
    await h.drain();
    const before = h.adapter.calls.length;
    const removed = await h.ok("demo.coordinator", '/contacts remove jan.jansen --reason "left the company"');
    expect(removed).toContain("R-2026-0001: handed to Eva Mulder (eva.mulder)");
    await h.drain();
    const after = h.adapter.calls.slice(before);
    // The card reaches Eva in a direct thread of her own, with the content.
    const threads = await h.db.caseThread.findMany({ where: { case: { reference: "R-2026-0001" } } });
    const handles = new Map((await h.db.contact.findMany({ select: { id: true, handle: true } })).map((contact) => [contact.id, contact.handle]));
    expect(threads.map((thread) => `${thread.kind}:${handles.get(thread.contactId) ?? "-"}`).sort()).toEqual(["direct:eva.mulder", "direct:sanne.devries"]);
    const eva = h.adapter.directTexts("eva.mulder").join("\n");
    expect(eva).toContain(URL_TEXT);
    expect(eva).toContain("R-2026-0001");
    // Nothing went to a channel, or to the unnamed colleague.
    expect(after.filter((call) => call.op !== "sendDirect")).toEqual([]);
    expect(h.adapter.directTexts("tom.hendriks").join("\n")).not.toContain(URL_TEXT);
    expect(await h.ok("eva.mulder", "/case status R-2026-0001")).toContain(URL_TEXT);
    // The opener is told who is responsible now.
    expect(h.adapter.directTexts("sanne.devries").at(-1)).toContain("Eva Mulder (eva.mulder) is now responsible");
    await h.ok("demo.coordinator", '/contacts restore jan.jansen --reason "test done"');
  });

  test("a case that is not TLP:RED keeps its channel threads and opens no direct thread", async () => {
    const h = harness();
    await h.ok("sanne.devries", `/notice acme-hosting ${URL_TEXT} --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist content"`);
    await h.drain();
    await h.ok("demo.coordinator", '/contacts remove jan.jansen --reason "left the company"');
    const threads = await h.db.caseThread.findMany({ where: { case: { reference: "R-2026-0001" } } });
    expect(threads.every((thread) => thread.kind === "channel")).toBe(true);
    await h.ok("demo.coordinator", '/contacts restore jan.jansen --reason "test done"');
  });
});
