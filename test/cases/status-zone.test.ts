// /case status shows every time in the reader's time zone (their own, else their organisation's), naming the zone,
// as /case history does; summer and winter time included. On both databases.
import { expect } from "vitest";
import { describeOnBothDatabases } from "../support/cases.js";

const ORDER = '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"';

describeOnBothDatabases("/case status in the reader's time zone", (harness, test) => {
  test("the opener in New York reads New York times in winter; the recipient reads Amsterdam times", async () => {
    const h = harness();
    await h.ok("sanne.devries", "/contacts edit sanne.devries --time-zone America/New_York");
    await h.ok("sanne.devries", ORDER); // 2026-11-20 10:00 UTC
    await h.drain();
    const opener = await h.ok("sanne.devries", "/case status R-2026-0001");
    expect(opener).toContain("Times in: America/New_York");
    expect(opener).toMatch(/Acknowledge by: 2026-11-20 05:15 EST/);
    expect(opener).toMatch(/Resolve by: 2026-11-20 06:00 EST/);
    expect(opener).toMatch(/Issued: 2026-11-20 05:00 EST/);
    expect(opener).not.toContain("CET");
    const recipient = await h.ok("jan.jansen", "/case status R-2026-0001");
    expect(recipient).toContain("Times in: Europe/Amsterdam");
    expect(recipient).toMatch(/Resolve by: 2026-11-20 12:00 CET/);
    await h.ok("sanne.devries", "/contacts edit sanne.devries --time-zone Europe/Amsterdam");
  });

  test("in summer the zone's summer time is named; a reader without a zone of their own reads their organisation's", async () => {
    const h = harness();
    h.clock.set("2026-07-01T10:00:00.000Z");
    await h.ok("sanne.devries", "/contacts edit sanne.devries --time-zone America/New_York");
    await h.ok("sanne.devries", ORDER);
    await h.drain();
    expect(await h.ok("sanne.devries", "/case status R-2026-0001")).toMatch(/Resolve by: 2026-07-01 07:00 EDT/);
    expect(await h.ok("jan.jansen", "/case status R-2026-0001")).toMatch(/Resolve by: 2026-07-01 13:00 CEST/);
    await h.ok("sanne.devries", "/contacts edit sanne.devries --time-zone Europe/Amsterdam");
  });
});
