// Art. 13(4) of Regulation (EU) 2023/1543 through the one disclosure rule (src/cases/disclosure.ts), on both
// databases: a European order is AMBER+STRICT at least whatever the opener asks; its parties (issuer, addressee and
// the notified enforcing authority) see it; a coordinator of another organisation sees reference and clock only;
// anyone else sees nothing.
import { expect } from "vitest";
import { disclosureFor, withTlpFloor } from "../../src/cases/disclosure.js";
import { describeOnBothDatabases } from "../support/cases.js";
import { withAuthorities } from "./support.js";

const SUBSCRIBER = '--category subscriber --target "@secret_subject" --issuer-file "OM 2026/17" --offence "fraud (oplichting)" --provision "Art. 326 Sr" --deliver-to "nl-om"';
const CONTENT = '--category content --target "@secret_subject" --issuer-file "RB 2026/9" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-rechtbank" --from 2026-10-01T00:00:00+02:00 --to 2026-11-01T00:00:00+01:00';

describeOnBothDatabases("e-Evidence confidentiality (Art. 13(4))", (harness, test) => {
  test("a TLP:CLEAR, GREEN or AMBER order is raised to AMBER+STRICT; RED stays RED; hostile labels are refused", async () => {
    const h = harness();
    await withAuthorities(h);
    for (const tlp of ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]) await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER} --tlp ${tlp}`);
    await h.ok("mark.dejong", `/eevidence order chirp-social --type preservation ${SUBSCRIBER.replace('--deliver-to "nl-om"', "")} --tlp CLEAR`);
    const rows = await h.db.case.findMany({ orderBy: { reference: "asc" }, select: { reference: true, tlp: true } });
    expect(rows.map((row) => [row.reference, row.tlp])).toEqual([
      ["P-2026-0001", "AMBER+STRICT"], ["P-2026-0002", "AMBER+STRICT"], ["P-2026-0003", "AMBER+STRICT"], ["P-2026-0004", "AMBER+STRICT"], ["P-2026-0005", "RED"],
      ["S-2026-0001", "AMBER+STRICT"],
    ]);
    for (const hostile of ["CLEAR\u0000", "<!channel>", "x".repeat(100_000), "amber strict"]) {
      expect((await h.run("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER} --tlp "${hostile}"`)).failure).toBe("bad-arguments");
    }
    expect(await h.db.case.count()).toBe(6);
  });

  test("issuer, addressee and the notified enforcing authority see the order; another organisation's coordinator sees no content; anyone else nothing", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz --tlp GREEN`);
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER} --tlp CLEAR`);
    await h.drain();
    for (const who of ["ria.smit", "lena.schmidt", "felix.wagner", "klaus.richter"]) {
      const status = await h.run(who, "/case status P-2026-0001");
      expect(status.failure, who).toBeUndefined();
      expect(status.message.text, who).toContain("secret_subject");
    }
    // A coordinator of another organisation: reference, state and clock, never the content.
    const coordinator = await h.run("demo.coordinator", "/case status P-2026-0001");
    expect(coordinator.failure).toBeUndefined();
    expect(coordinator.message.text).toContain("P-2026-0001");
    expect(coordinator.message.text).not.toMatch(/secret_subject|fraud|326/);
    // Contacts of organisations that are no party: refused, and told nothing of it.
    for (const who of ["jan.jansen", "sanne.devries", "pieter.bakker", "ahmed.elamrani", "mark.dejong"]) {
      const outsider = await h.run(who, "/case status P-2026-0001");
      expect(outsider.failure, who).toBe("not-allowed");
      expect(outsider.message.text, who).not.toMatch(/secret_subject|fraud/);
    }
    // The enforcing authority of one order is no party to another that was not notified to it.
    const other = await h.run("klaus.richter", "/case status P-2026-0002");
    expect([other.failure, other.message.text.includes("secret_subject")]).toEqual(["not-allowed", false]);
    // The enforcing authority sees, but does not act as the addressee or the issuer on the case.
    for (const line of ["/case ack P-2026-0001", "/case withdraw P-2026-0001 --reason x", '/case resolve P-2026-0001 --outcome data-produced']) {
      expect((await h.run("klaus.richter", line)).failure, line).toMatch(/not-allowed|bad-arguments/);
    }
    // Nothing of the order reached a platform outside the three parties' threads and people.
    const outside = h.adapter.calls.filter((call) => JSON.stringify(call).includes("secret_subject")).map((call) => (call.op === "sendDirect" ? `DM ${call.userId}` : call.op === "openThread" ? call.title : call.op === "send" ? call.threadId : "elsewhere"));
    expect(outside.length).toBeGreaterThan(0);
    for (const place of outside) expect(place).toMatch(/^(P-2026-000\d @ (chirp-social|de-justiz)|P-2026-000\d → (ria\.smit|mark\.dejong|klaus\.richter)|DM (ria\.smit|mark\.dejong|klaus\.richter|lena\.schmidt|felix\.wagner))$/);
  });

  test("the notified enforcing authority finds the order in its own /case list, as /case status shows it; no one else's list has it", async () => {
    const h = harness();
    await withAuthorities(h);
    h.clock.set("2026-11-20T09:00:00+01:00");
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz --tlp GREEN`);
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER} --tlp CLEAR`);
    await h.drain();
    for (const line of ["/case list", "/case list --state all"]) {
      const list = await h.run("klaus.richter", line);
      expect(list.failure, line).toBeUndefined();
      expect(list.message.text, line).toContain("P-2026-0001");
      // The order that was not notified to it stays out of its list.
      expect(list.message.text, line).not.toContain("P-2026-0002");
    }
    // Issuer and addressee still list it; an organisation that is no party does not.
    for (const who of ["ria.smit", "lena.schmidt"]) expect((await h.run(who, "/case list")).message.text, who).toContain("P-2026-0001");
    for (const who of ["jan.jansen", "pieter.bakker", "mark.dejong"]) expect((await h.run(who, "/case list --state all")).message.text, who).not.toContain("P-2026-0001");
  });

  test("the rule itself: the floor cannot be lowered, and only the named parties count", () => {
    for (const tlp of ["CLEAR", "GREEN", "AMBER", "", "nonsense"]) expect(withTlpFloor("production-order", tlp)).toBe("AMBER+STRICT");
    expect(withTlpFloor("preservation-order", "RED")).toBe("RED");
    expect(withTlpFloor("notice", "CLEAR")).toBe("CLEAR");
    const row = { kind: "production-order", tlp: "CLEAR", openerContactId: "c-open", responsibleContactId: "c-resp", openerOrgId: "o-issuer", recipientOrgId: "o-provider" };
    expect(disclosureFor({ id: "c-other", organisationId: "o-issuer" }, row)).toBe("full");
    expect(disclosureFor({ id: "c-other", organisationId: "o-enforcing" }, row)).toBe("metadata");
    expect(disclosureFor({ id: "c-other", organisationId: "o-enforcing" }, row, ["o-enforcing"])).toBe("full");
    expect(disclosureFor({ id: "c-other", organisationId: "o-third" }, row, ["o-enforcing"])).toBe("metadata");
    // The same CLEAR row as a notice is shown to anyone who may see the case.
    expect(disclosureFor({ id: "c-other", organisationId: "o-third" }, { ...row, kind: "notice" })).toBe("full");
  });
});
