// What a person reads of a case, on both databases: the recipient's card lists the outcomes they may choose; an
// acknowledged case stops offering "Acknowledge"; "reassign" names whom, "extend" by how much; the history is in
// the reader's time zone (their own, else their organisation's), with the zone named, across a DST change.
import { expect } from "vitest";
import { describeOnBothDatabases, HOUR, threadTitle } from "../support/cases.js";

const REMOVAL = '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"';
const NOTICE = '/notice acme-hosting https://example.test/v/2 --reason "incites violence"';

describeOnBothDatabases("cards, replies and history in the person's terms", (harness, test) => {
  test("the recipient's card lists the outcomes of its kind, marking those that need a reason; the opener's does not", async () => {
    const h = harness();
    await h.ok("sanne.devries", REMOVAL);
    await h.drain();
    const recipientCard = h.adapter.threadTexts(threadTitle("R-2026-0001", "acme-hosting"))[0] ?? "";
    expect(recipientCard).toContain("Outcomes you may choose: removed, access-disabled, cannot-comply (with --ground and --reason): /case resolve R-2026-0001 --outcome <outcome>");
    expect(h.adapter.threadTexts(threadTitle("R-2026-0001", "nl-iru"))[0]).not.toContain("Outcomes you may choose");
    const opened = await h.ok("sanne.devries", '/notice acme-hosting --kind threat-to-life --reason "threat against a school"');
    await h.drain();
    const threat = /\b(T-2026-\d{4})\b/.exec(opened)?.[1] ?? "";
    expect(h.adapter.threadTexts(threadTitle(threat, "acme-hosting"))[0]).toContain("Outcomes you may choose: police-informed, europol-informed, police-and-europol-informed, no-action (with --reason)");
  });

  test("an acknowledged case no longer offers Acknowledge (nor clarification once one is pending); resolved, no buttons", async () => {
    const h = harness();
    await h.ok("sanne.devries", REMOVAL);
    const ids = async () => (await h.run("jan.jansen", "/case status R-2026-0001")).message.actions?.map((action) => action.id) ?? [];
    expect(await ids()).toEqual(["ack", "clarify", "resolve"]);
    await h.ok("jan.jansen", "/case ack R-2026-0001");
    expect(await ids()).toEqual(["clarify", "resolve"]);
    await h.ok("jan.jansen", '/case clarify R-2026-0001 --question "which one?"');
    expect(await ids()).toEqual(["resolve"]);
    await h.ok("sanne.devries", '/case answer R-2026-0001 --text "the second"');
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
    expect(await ids()).toEqual([]);
  });

  test("reassign says to whom; the history says to whom and, for an extension, by how much", async () => {
    const h = harness();
    h.clock.set("2026-11-20T14:00:00Z");
    await h.ok("sanne.devries", NOTICE);
    expect(await h.ok("jan.jansen", "/case reassign N-2026-0001 --to eva.mulder")).toContain("Reassigned N-2026-0001 to Eva Mulder (eva.mulder): they are now responsible.");
    await h.ok("sanne.devries", '/case extend N-2026-0001 --by 2d --reason "needs a lawyer"');
    const history = await h.ok("sanne.devries", "/case history N-2026-0001");
    expect(history).toContain("History of N-2026-0001 (TLP:AMBER), times in Europe/Amsterdam");
    expect(history).toContain("2026-11-20 15:00 CET · jan.jansen · reassign: to Eva Mulder (eva.mulder)");
    expect(history).toContain("2026-11-20 15:00 CET · sanne.devries · extend: by 2 working days · needs a lawyer");
    expect(history).not.toContain("UTC");
  });

  test("history in the reader's own time zone, named, on both sides of a DST change", async () => {
    const h = harness();
    h.clock.set("2026-10-24T14:00:00Z"); // Saturday 16:00 CEST; New York 10:00 EDT
    await h.ok("sanne.devries", REMOVAL);
    h.clock.set(new Date(new Date("2026-10-24T14:00:00Z").getTime() + 26 * HOUR)); // after Europe's change (25 Oct), before America's (1 Nov)
    await h.ok("jan.jansen", "/case ack R-2026-0001");
    await h.ok("sanne.devries", "/contacts edit sanne.devries --time-zone America/New_York");
    try {
      const history = await h.ok("sanne.devries", "/case history R-2026-0001");
      expect(history).toContain("times in America/New_York");
      expect(history).toContain("2026-10-24 10:00 EDT · sanne.devries · open");
      expect(history).toContain("2026-10-25 12:00 EDT · jan.jansen · acknowledge");
      // jan.jansen has no time zone of his own: his organisation's (Amsterdam: CEST, then CET).
      const his = await h.ok("jan.jansen", "/case history R-2026-0001");
      expect(his).toContain("2026-10-24 16:00 CEST · sanne.devries · open");
      expect(his).toContain("2026-10-25 17:00 CET · jan.jansen · acknowledge");
    } finally {
      await h.db.contact.update({ where: { handle: "sanne.devries" }, data: { timeZone: null } });
    }
  });
});
