// `liaison report --eevidence`: the Art. 28(2) statistics of Regulation (EU) 2023/1543 from stored orders, on both
// databases: counts by type of data, addressee and situation (emergency or not), orders issued without prior
// validation, fulfilled and not fulfilled, refusals by the Art. 12(1) ground raised, the average and median time from
// issuing to obtaining the data, and for preservation orders the time to the subsequent request (our reading of (f)).
import { expect } from "vitest";
import { runReport } from "../../src/cli/report.js";
import { describeOnBothDatabases, HOUR } from "../support/cases.js";
import { withAuthorities } from "../eevidence/support.js";

const CONTENT = '--category content --target "@subject" --issuer-file "RB 2026/9" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-rechtbank" --from 2026-10-01T00:00:00+02:00 --to 2026-11-01T00:00:00+01:00';
const SUBSCRIBER = '--category subscriber --target "@subject" --issuer-file "OM 2026/17" --offence "fraud (oplichting)" --provision "Art. 326 Sr" --deliver-to "nl-om"';

async function report(h: { store: Parameters<typeof runReport>[0] }, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runReport(h.store, args, (text) => (out += `${text}\n`), (text) => (err += `${text}\n`));
  return { code, out, err };
}

describeOnBothDatabases("liaison report --eevidence (Art. 28)", (harness, test) => {
  test("counts by data category, addressee and emergency; fulfilled or not; average and true median of the times to the data", async () => {
    const h = harness();
    await withAuthorities(h);
    // Five subscriber orders to Chirp Social issued at 09:00 (Amsterdam, winter time): four produced after 1, 2, 4
    // and 10 hours, the fifth withdrawn by the issuer.
    h.clock.set("2026-11-20T09:00:00+01:00");
    for (let i = 0; i < 5; i += 1) await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
    // An emergency order of the police without prior validation (Art. 4(5)), still open.
    await h.ok("ahmed.elamrani", `/eevidence order chirp-social ${SUBSCRIBER} --emergency "imminent threat to life: a kidnapping in progress"`);
    // A preservation order to Chirp Social, pending.
    await h.ok("mark.dejong", `/eevidence order chirp-social --type preservation ${SUBSCRIBER.replace('--deliver-to "nl-om"', "")}`);
    await h.drain();
    for (const [reference, at] of [["P-2026-0001", "10:00"], ["P-2026-0002", "11:00"], ["P-2026-0003", "13:00"], ["P-2026-0004", "19:00"]] as const) {
      h.clock.set(`2026-11-20T${at}:00+01:00`);
      await h.ok("lena.schmidt", `/eevidence produced ${reference}`);
    }
    await h.ok("mark.dejong", "/case withdraw P-2026-0005 --reason \"no longer needed\"");
    // Issued at 00:30 Amsterdam time on 1 January, 23:30 UTC on 31 December: outside a period that ends at midnight
    // Amsterdam time, inside one that ends at midnight UTC (a bare date).
    h.clock.set("2027-01-01T00:30:00+01:00");
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);

    const json = await report(h, ["--from", "2026-11-01", "--to", "2027-01-01T00:00:00+01:00", "--eevidence", "--format", "json"]);
    expect([json.code, json.err]).toEqual([0, ""]);
    const figures = JSON.parse(json.out) as { rows: Record<string, unknown>[] };
    expect(figures.rows).toEqual([
      { type: "preservation", category: "subscriber", addressee: "chirp-social", emergency: false, issued: 1, exPost: 0, fulfilled: 0, notFulfilled: 0, notified: 0, refused: 0, refusedByGround: { "immunity-or-press": 0, "fundamental-rights": 0, "ne-bis-in-idem": 0, "dual-criminality": 0 }, averageMs: null, medianMs: null, averageToSubsequentRequestMs: null, medianToSubsequentRequestMs: null },
      { type: "production", category: "subscriber", addressee: "chirp-social", emergency: false, issued: 5, exPost: 0, fulfilled: 4, notFulfilled: 1, notified: 0, refused: 0, refusedByGround: { "immunity-or-press": 0, "fundamental-rights": 0, "ne-bis-in-idem": 0, "dual-criminality": 0 }, averageMs: 4.25 * HOUR, medianMs: 3 * HOUR, averageToSubsequentRequestMs: null, medianToSubsequentRequestMs: null },
      { type: "production", category: "subscriber", addressee: "chirp-social", emergency: true, issued: 1, exPost: 1, fulfilled: 0, notFulfilled: 0, notified: 0, refused: 0, refusedByGround: { "immunity-or-press": 0, "fundamental-rights": 0, "ne-bis-in-idem": 0, "dual-criminality": 0 }, averageMs: null, medianMs: null, averageToSubsequentRequestMs: null, medianToSubsequentRequestMs: null },
    ]);

    const csv = await report(h, ["--from", "2026-11-01", "--to", "2027-01-01", "--eevidence", "--format", "csv"]);
    expect(csv.code).toBe(0);
    expect(csv.out.trimEnd().split("\n")).toEqual([
      "type,data_category,addressee,emergency,issued,without_prior_validation,fulfilled,not_fulfilled,notified,refused_by_enforcing_authority,refused_immunity_or_press,refused_fundamental_rights,refused_ne_bis_in_idem,refused_dual_criminality,average_to_data_min,median_to_data_min,average_to_subsequent_request_min,median_to_subsequent_request_min",
      "preservation,subscriber,chirp-social,false,1,0,0,0,0,0,0,0,0,0,,,,",
      "production,subscriber,chirp-social,false,6,0,4,1,0,0,0,0,0,0,255.0,180.0,,",
      "production,subscriber,chirp-social,true,1,1,0,0,0,0,0,0,0,0,,,,",
    ]);

    const table = await report(h, ["--from", "2026-11-01", "--to", "2027-01-01", "--eevidence"]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/Art\. 28\(2\)/);
    expect(table.out).toMatch(/chirp-social\s+no\s+6\s+0\s+4\s+1/);
    expect(table.out).not.toMatch(/subject|fraud|326/);

    // --org: only the orders that organisation issued or was addressed.
    const police = JSON.parse((await report(h, ["--from", "2026-11-01", "--to", "2027-01-01", "--eevidence", "--format", "json", "--org", "nl-police-cyber"])).out) as { rows: { issued: number; emergency: boolean }[] };
    const acme = JSON.parse((await report(h, ["--from", "2026-11-01", "--to", "2027-01-01", "--eevidence", "--format", "json", "--org", "ACME-HOSTING"])).out) as { rows: unknown[] };
    expect(acme.rows).toEqual([]);
    const chirp = JSON.parse((await report(h, ["--from", "2026-11-01", "--to", "2027-01-01", "--eevidence", "--format", "json", "--org", "Chirp-Social"])).out) as { rows: { issued: number }[] };
    expect(chirp.rows.map((row) => row.issued)).toEqual([1, 6, 1]);
    expect(police.rows.map((row) => [row.emergency, row.issued])).toEqual([[true, 1]]);

    // An empty period, and a refused format.
    expect((await report(h, ["--from", "2025-01-01", "--to", "2025-02-01", "--eevidence"])).out).toMatch(/no orders in this period/);
    expect((await report(h, ["--from", "2026-11-01", "--to", "2027-01-01", "--eevidence", "--format", "xml"])).code).toBe(2);
  });

  test("the median of an odd count is the middle value; an order whose enforcing authority refused is not fulfilled", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T09:00:00+01:00");
    for (let i = 0; i < 3; i += 1) await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER}`);
    await h.drain();
    for (const [reference, at] of [["P-2026-0001", "09:30"], ["P-2026-0002", "10:00"], ["P-2026-0003", "17:00"]] as const) {
      h.clock.set(`2026-11-20T${at}:00+01:00`);
      await h.ok("lena.schmidt", `/eevidence produced ${reference}`);
    }
    // A content order notified to the German enforcing authority, which raises a ground for refusal (Art. 12).
    h.clock.set("2026-11-21T10:00:00+01:00");
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
    await h.drain();
    h.clock.set("2026-11-25T10:00:00+01:00");
    await h.ok("klaus.richter", '/eevidence enforcing P-2026-0004 --decision refuse --ground immunity-or-press --reasons "protected by professional privilege"');
    const rows = (JSON.parse((await report(h, ["--from", "2026-11-01", "--to", "2027-01-01", "--eevidence", "--format", "json"])).out) as { rows: { category: string; issued: number; medianMs: number | null; averageMs: number | null; fulfilled: number; notFulfilled: number; notified: number; refused: number }[] }).rows;
    // Art. 28(2)(d): the notification (Art. 8) and the refusal are counted.
    expect(rows.map((row) => [row.category, row.issued, row.fulfilled, row.notFulfilled, row.notified, row.refused, row.medianMs, row.averageMs])).toEqual([
      ["content", 1, 0, 1, 1, 1, null, null],
      ["subscriber", 3, 3, 0, 0, 0, 1 * HOUR, ((0.5 + 1 + 8) / 3) * HOUR],
    ]);
  });

  test("Art. 28(2)(d) refusals by ground and (f) preservation to the subsequent request; two addressees in two Member States", async () => {
    const h = harness();
    await withAuthorities(h);
    // Three content orders to Chirp Social (establishment in Germany), notified to the German enforcing authority.
    h.clock.set("2026-11-20T09:00:00+01:00");
    for (let i = 0; i < 3; i += 1) await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
    // A subscriber order and a preservation order to Nimbus Mail (legal representative in Ireland).
    await h.ok("mark.dejong", `/eevidence order nimbus-mail ${SUBSCRIBER}`);
    await h.ok("mark.dejong", `/eevidence order nimbus-mail --type preservation ${SUBSCRIBER.replace('--deliver-to "nl-om"', "")}`);
    await h.drain();
    const preservation = (await h.db.evidenceOrder.findFirstOrThrow({ where: { type: "preservation" }, select: { caseId: true } })).caseId;
    const preservationRef = (await h.db.case.findUniqueOrThrow({ where: { id: preservation }, select: { reference: true } })).reference;
    // Dublin is on UTC in winter: produced after 2 hours, preserved after 1.
    h.clock.set("2026-11-20T10:00:00Z");
    await h.ok("sean.byrne", "/eevidence produced P-2026-0004");
    h.clock.set("2026-11-20T09:00:00Z");
    await h.ok("sean.byrne", `/eevidence preserved ${preservationRef}`);
    // Five days after issuing, the subsequent request for production (Annex V).
    h.clock.set("2026-11-25T09:00:00+01:00");
    await h.ok("mark.dejong", `/eevidence subsequent ${preservationRef}`);
    // The enforcing authority refuses one order on two grounds, one on one, and confirms the third.
    h.clock.set("2026-11-23T10:00:00+01:00");
    await h.ok("klaus.richter", '/eevidence enforcing P-2026-0001 --decision refuse --ground dual-criminality,ne-bis-in-idem --reasons "not punishable in Germany; acquitted of the same acts in Berlin"');
    await h.ok("klaus.richter", '/eevidence enforcing P-2026-0002 --decision refuse --ground dual-criminality --reasons "not punishable in Germany"');
    await h.ok("klaus.richter", "/eevidence enforcing P-2026-0003 --decision confirm");

    const period = ["--from", "2026-11-01", "--to", "2026-12-01", "--eevidence"];
    const json = await report(h, [...period, "--format", "json"]);
    expect([json.code, json.err]).toEqual([0, ""]);
    const none = { "immunity-or-press": 0, "fundamental-rights": 0, "ne-bis-in-idem": 0, "dual-criminality": 0 };
    expect((JSON.parse(json.out) as { rows: unknown[] }).rows).toEqual([
      { type: "preservation", category: "subscriber", addressee: "nimbus-mail", emergency: false, issued: 1, exPost: 0, fulfilled: 1, notFulfilled: 0, notified: 0, refused: 0, refusedByGround: none, averageMs: 1 * HOUR, medianMs: 1 * HOUR, averageToSubsequentRequestMs: 5 * 24 * HOUR, medianToSubsequentRequestMs: 5 * 24 * HOUR },
      { type: "production", category: "content", addressee: "chirp-social", emergency: false, issued: 3, exPost: 0, fulfilled: 0, notFulfilled: 2, notified: 3, refused: 2, refusedByGround: { ...none, "ne-bis-in-idem": 1, "dual-criminality": 2 }, averageMs: null, medianMs: null, averageToSubsequentRequestMs: null, medianToSubsequentRequestMs: null },
      { type: "production", category: "subscriber", addressee: "nimbus-mail", emergency: false, issued: 1, exPost: 0, fulfilled: 1, notFulfilled: 0, notified: 0, refused: 0, refusedByGround: none, averageMs: 2 * HOUR, medianMs: 2 * HOUR, averageToSubsequentRequestMs: null, medianToSubsequentRequestMs: null },
    ]);

    const csv = await report(h, [...period, "--format", "csv"]);
    expect(csv.code).toBe(0);
    expect(csv.out.trimEnd().split("\n")).toEqual([
      "type,data_category,addressee,emergency,issued,without_prior_validation,fulfilled,not_fulfilled,notified,refused_by_enforcing_authority,refused_immunity_or_press,refused_fundamental_rights,refused_ne_bis_in_idem,refused_dual_criminality,average_to_data_min,median_to_data_min,average_to_subsequent_request_min,median_to_subsequent_request_min",
      "preservation,subscriber,nimbus-mail,false,1,0,1,0,0,0,0,0,0,0,60.0,60.0,7200.0,7200.0",
      "production,content,chirp-social,false,3,0,0,2,3,2,0,0,1,2,,,,",
      "production,subscriber,nimbus-mail,false,1,0,1,0,0,0,0,0,0,0,120.0,120.0,,",
    ]);

    const table = await report(h, period);
    expect(table.code).toBe(0);
    expect(table.out.trimEnd().split("\n")).toEqual([
      "European orders issued 2026-11-01 to 2026-12-01 (exclusive) (Regulation (EU) 2023/1543 Art. 28(2))",
      "type          data category  addressee     emergency  issued  without prior validation  fulfilled  not fulfilled  notified  refused  refused (a)  refused (b)  refused (c)  refused (d)  average to data  median to data  average to Annex V  median to Annex V",
      "preservation  subscriber     nimbus-mail   no         1       0                         1          0              0         0        0            0            0            0            1 h              1 h             5 d                 5 d",
      "production    content        chirp-social  no         3       0                         0          2              3         2        0            0            1            2            —                —               —                   —",
      "production    subscriber     nimbus-mail   no         1       0                         1          0              0         0        0            0            0            0            2 h              2 h             —                   —",
      "refused (a)-(d): by the ground of Art. 12(1) raised (an order refused on two grounds counts under each); to Annex V: preservation orders, issuing to the subsequent request for production (our reading of Art. 28(2)(f))",
    ]);
    expect(table.out).not.toMatch(/subject|fraud|326|Germany|Berlin/);
  });
});
