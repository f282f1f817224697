// Who may issue what is decided by legal designations a coordinator records, not by an organisation's kind alone:
// removal orders by a competent authority (TCO Art. 12), production and preservation orders by an issuing authority
// (e-Evidence Art. 4); trusted-flagger status is awarded (DSA Art. 22(2)) and gives priority only at online platforms
// (Art. 22(1)). An organisation's admin cannot designate their own organisation. On both databases.
import { expect } from "vitest";
import { describeOnBothDatabases } from "../support/cases.js";
import { withAuthorities } from "../eevidence/support.js";

const REMOVAL = (to = "acme-hosting") => `/notice ${to} https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"`;
const PRODUCTION = '/eevidence order chirp-social --category subscriber --target "user 4411" --issuer-file "PL 2026/17" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-police-cyber" --validator nl-om --validator-file "OM 1"';

describeOnBothDatabases("designations", (harness, test) => {
  test("a removal order needs the opener's organisation to be a designated competent authority, whatever its kind", async () => {
    const h = harness();
    // nl-coordination is a government body (a kind that may issue), but not designated.
    const refused = await h.run("demo.coordinator", REMOVAL());
    expect(refused.failure, refused.message.text).toBe("not-allowed");
    expect(refused.message.text).toMatch(/nl-coordination is not designated tco-competent-authority/);
    expect(refused.message.text).toContain("--designate tco-competent-authority:");
    expect(await h.db.case.count()).toBe(0);
    // A coordinator records the designation; then it may.
    await h.ok("demo.coordinator", "/contacts edit-org nl-coordination --designate tco-competent-authority:nl");
    expect((await h.db.organisation.findUniqueOrThrow({ where: { slug: "nl-coordination" } })).designations).toBe("tco-competent-authority:NL");
    // Its first order to the provider comes 12 hours after the information on procedures and deadlines (TCO Art. 3(2)).
    await h.ok("demo.coordinator", "/tco inform acme-hosting --at 2026-11-19T09:00+01:00");
    await h.ok("demo.coordinator", REMOVAL());
    // Withdrawn again: refused again.
    await h.ok("demo.coordinator", "/contacts edit-org nl-coordination --undesignate tco-competent-authority:NL");
    expect((await h.run("demo.coordinator", REMOVAL("chirp-social"))).failure).toBe("not-allowed");
  });

  test("production orders need an issuing authority; the kind rule still applies first; /request refuses them with the one path", async () => {
    const h = harness();
    await withAuthorities(h);
    await h.ok("ahmed.elamrani", PRODUCTION); // nl-police-cyber: lea, eevidence-issuing-authority:NL, validated by nl-om
    const iru = await h.run("sanne.devries", PRODUCTION); // nl-iru: a referral unit, not a kind that issues them
    expect(iru.failure).toBe("not-allowed");
    await h.ok("demo.coordinator", "/contacts edit-org nl-police-cyber --undesignate eevidence-issuing-authority:NL");
    const undesignated = await h.run("ahmed.elamrani", PRODUCTION);
    expect(undesignated.failure).toBe("not-allowed");
    // The old route: refused for everyone, the issuing authority included, with the way to issue.
    for (const who of ["ahmed.elamrani", "mark.dejong", "ria.smit", "sanne.devries", "demo.coordinator"]) {
      for (const kind of ["production-order", "preservation-order"]) {
        const old = await h.run(who, `/request chirp-social --kind ${kind} --target "user 4411" --data "subscriber data" --basis "EPOC 2026/17"`);
        expect(old.failure, `${who} ${kind}`).toBe("bad-arguments");
        expect(old.message.text).toMatch(/\/eevidence order/);
      }
    }
    // Hostile text on the old route is refused the same way and not echoed back.
    for (const target of ["x".repeat(100_000), "<!channel> @here \u001b[2J\u202Eevil", "<@U123> [link](https://evil.example)"]) {
      const hostile = await h.run("mark.dejong", `/request chirp-social --kind production-order --target "${target}" --data "d" --basis "b"`);
      expect(hostile.failure).toBe("bad-arguments");
      expect(hostile.message.text).not.toMatch(/<!channel>|\u001b|\u202E|evil|xxxxxxxxxx/);
    }
    expect(await h.db.case.count()).toBe(1);
  });

  test("an organisation's admin cannot designate their own organisation, nor withdraw a designation", async () => {
    const h = harness();
    for (const line of [
      "/contacts edit-org acme-hosting --designate tco-competent-authority:NL",
      "/contacts edit-org acme-hosting --designate dsa-trusted-flagger:terrorist-content",
    ]) {
      const answer = await h.run("jan.jansen", line);
      expect(answer.failure, answer.message.text).toBe("not-allowed");
      expect(answer.message.text).toMatch(/coordinator/i);
    }
    const iru = await h.run("sanne.devries", "/contacts edit-org nl-iru --undesignate tco-competent-authority:NL");
    expect(iru.failure).toBe("not-allowed");
    expect((await h.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } })).designations).toBe("");
    expect((await h.db.organisation.findUniqueOrThrow({ where: { slug: "nl-iru" } })).designations).toContain("tco-competent-authority:NL");
    // A plain contact neither.
    expect((await h.run("eva.mulder", "/contacts edit-org acme-hosting --designate online-platform")).failure).toBe("not-allowed");
  });

  test("designations are checked in their form", async () => {
    const h = harness();
    for (const [value, says] of [
      ["competent-authority:NL", /not a designation/],
      ["tco-competent-authority", /names the Member State/],
      ["tco-competent-authority:Netherlands", /names the Member State/],
      ["dsa-trusted-flagger", /area of expertise/],
      ["dsa-trusted-flagger:Terror Content!", /area of expertise/],
      ["online-platform:yes", /takes no detail/],
      ["tco-competent-authority:NL:extra", /more than one/],
      ["<!channel>", /not a designation/],
      ["x".repeat(100_000), /./],
    ] as const) {
      const answer = await h.run("demo.coordinator", `/contacts edit-org acme-hosting --designate "${value}"`);
      expect(answer.failure, value.slice(0, 40)).toBeDefined();
      expect(answer.message.text, value.slice(0, 40)).toMatch(says);
      expect(answer.message.text.length).toBeLessThan(3_000);
    }
    expect((await h.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } })).designations).toBe("");
  });

  test("trusted-flagger notices: only from a designated trusted flagger, and high priority only at an online platform", async () => {
    const h = harness();
    const notice = (to: string) => `/notice ${to} https://example.test/n/1 --reason "incites violence" --trusted-flagger`;
    // nl-police-cyber is not a designated trusted flagger.
    const claimed = await h.run("ahmed.elamrani", notice("chirp-social"));
    expect(claimed.failure).toBe("not-allowed");
    expect(claimed.message.text).toMatch(/not designated a trusted flagger/);
    // nl-iru is: to an online platform the notice is high priority; to a hosting company it is not.
    await h.ok("sanne.devries", notice("chirp-social"));
    await h.ok("sanne.devries", notice("acme-hosting"));
    const rows = await h.db.case.findMany({ orderBy: { reference: "asc" }, include: { } });
    const recipients = new Map((await h.db.organisation.findMany({ select: { id: true, slug: true } })).map((row) => [row.id, row.slug]));
    expect(rows.map((row) => [recipients.get(row.recipientOrgId), row.priority])).toEqual([["chirp-social", "high"], ["acme-hosting", "normal"]]);
    // The card still says who notified.
    expect(JSON.parse(rows[1]?.fields ?? "{}")).toMatchObject({ trustedFlagger: true });
  });

  test("a notice's good-faith statement (DSA Art. 16(2)(d)) is recorded only when made, and the card says which", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/n/1 --reason "incites violence"');
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/n/2 --reason "incites violence" --good-faith');
    const rows = await h.db.case.findMany({ orderBy: { reference: "asc" } });
    expect(rows.map((row) => (JSON.parse(row.fields) as { goodFaith: boolean }).goodFaith)).toEqual([false, true]);
    await h.drain();
    const cards = h.adapter.calls.filter((call) => call.op === "openThread").map((call) => call.message.text);
    expect(cards.filter((text) => text.includes("Good-faith statement: not made"))).toHaveLength(2);
    expect(cards.filter((text) => /Good-faith statement: the notifier states/.test(text))).toHaveLength(2);
  });
});
