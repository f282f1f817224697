// Who may take each TCO action: the issuing authority's side for the copy, the further preservation and the
// non-disclosure; the provider's side for scrutiny requests and reinstatement; the host Member State's authority for
// the scrutiny decision; coordinators for all. Every lower role is refused each action, the refusal is recorded, and
// nothing changes. On both databases.
import { expect } from "vitest";
import { describeOnBothDatabases } from "../support/cases.js";

const ACTIONS = {
  copy: "/tco copy R-2026-0001 --at 2026-11-20T10:00Z",
  "preserve-extend": '/tco preserve-extend R-2026-0001 --until 2028-01-01T00:00Z --reason "judicial review pending"',
  nondisclosure: '/tco nondisclosure R-2026-0001 --reason "ongoing investigation"',
  "nondisclosure-extend": '/tco nondisclosure-extend R-2026-0001 --reason "ongoing investigation"',
  scrutiny: '/tco scrutiny R-2026-0001 --reasons "news reporting"',
  reinstated: "/tco reinstated R-2026-0001",
  "scrutiny-decision": '/tco scrutiny-decision R-2026-0001 --infringes yes --reasons "journalism"',
} as const;

const ISSUER_SIDE = ["sanne.devries", "pieter.bakker"];
const PROVIDER_SIDE = ["lena.schmidt", "felix.wagner"];
const HOST = ["jonas.becker"];
const OUTSIDERS = ["noor.dekker", "jan.jansen"];

/** For each action, the people below it (everyone but its own side and coordinators). */
const REFUSED: Record<keyof typeof ACTIONS, string[]> = {
  copy: [...PROVIDER_SIDE, ...HOST, ...OUTSIDERS],
  "preserve-extend": [...PROVIDER_SIDE, ...HOST, ...OUTSIDERS],
  nondisclosure: [...PROVIDER_SIDE, ...HOST, ...OUTSIDERS],
  "nondisclosure-extend": [...PROVIDER_SIDE, ...HOST, ...OUTSIDERS],
  scrutiny: [...ISSUER_SIDE, ...HOST, ...OUTSIDERS],
  reinstated: [...ISSUER_SIDE, ...HOST, ...OUTSIDERS],
  "scrutiny-decision": [...ISSUER_SIDE, ...PROVIDER_SIDE, ...OUTSIDERS],
};

describeOnBothDatabases("TCO permissions", (harness, test) => {
  test("each lower role is refused each action, recorded, and nothing changes", async () => {
    const h = harness();
    const org = await h.db.organisation.findUniqueOrThrow({ where: { slug: "de-cert" } });
    if (!org.designations.includes("tco-competent-authority:DE")) await h.ok("demo.coordinator", "/contacts edit-org de-cert --designate tco-competent-authority:DE");
    await h.ok("sanne.devries", '/notice chirp-social https://chirp.example/p/9 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"');
    await h.drain();
    const caseId = (await h.caseRow("R-2026-0001")).id;
    const before = await h.db.tcoOrder.findUniqueOrThrow({ where: { caseId } });
    let expectedRefusals = 0;
    for (const [action, line] of Object.entries(ACTIONS) as [keyof typeof ACTIONS, string][]) {
      for (const who of REFUSED[action]) {
        const answer = await h.run(who, line);
        expect(answer.failure, `${who}: ${line}: ${answer.message.text}`).toBe("not-allowed");
        expectedRefusals += 1;
      }
      const unlinked = await h.run({ platform: "console", workspace: "", userId: "stranger" }, line);
      expect(unlinked.failure, `unlinked: ${line}`).toBeDefined();
    }
    expect(await h.db.tcoOrder.findUniqueOrThrow({ where: { caseId } })).toEqual(before);
    const refusals = await h.db.auditEntry.findMany({ where: { action: { startsWith: "tco." }, result: "refused:not-allowed" } });
    expect(refusals).toHaveLength(expectedRefusals);
  });

  test("a coordinator may act for either side", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"');
    await h.ok("demo.coordinator", '/tco nondisclosure R-2026-0001 --reason "ongoing investigation"');
    const row = await h.db.tcoOrder.findUniqueOrThrow({ where: { caseId: (await h.caseRow("R-2026-0001")).id } });
    expect(row.nondisclosureEndsAt).not.toBeNull();
    const record = await h.db.auditEntry.findFirstOrThrow({ where: { action: "tco.nondisclosure", result: "ok" } });
    expect(record.actor).toBe("demo.coordinator");
  });
});
