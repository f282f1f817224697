// TCO Art. 3(2) in tests that are not about it: the directory's competent authorities are recorded as having given
// every other organisation the advance information long before the tests' clocks start, so their removal orders
// open as before. Tests of Art. 3(2) itself empty TcoAdvance first. And the cross-border set-up (Art. 4): de-cert
// designated as Germany's competent authority, where chirp-social is established.
import type { Db } from "../../src/store/db.js";
import type { CaseHarness } from "./cases.js";

/** When the seeded information was given: long before every test's clock. */
export const SEEDED_ADVANCE_AT = new Date("2020-01-01T00:00:00Z");

/** Records advance information from each tco-competent-authority to every other organisation. */
export async function seedTcoAdvance(db: Db): Promise<void> {
  const organisations = await db.organisation.findMany({ select: { id: true, designations: true } });
  const authorities = organisations.filter((organisation) => organisation.designations.includes("tco-competent-authority:"));
  const rows = authorities.flatMap((authority) => organisations.filter((other) => other.id !== authority.id).map((other) => ({ issuerOrgId: authority.id, providerOrgId: other.id, informedAt: SEEDED_ADVANCE_AT, recordedAt: SEEDED_ADVANCE_AT, recordedBy: "test-seed" })));
  for (const row of rows) await db.tcoAdvance.upsert({ where: { issuerOrgId_providerOrgId: { issuerOrgId: row.issuerOrgId, providerOrgId: row.providerOrgId } }, create: row, update: {} });
}

/**
 * The cross-border directory set-up: de-cert stands in for Germany's competent authority (a coordinator designates it,
 * once per harness). With `plainContact`, it also gets a plain contact, mia.koch (no admin, no role), who reads what
 * its organisation reads.
 */
export async function designateGermanAuthority(h: CaseHarness, options: { plainContact?: boolean } = {}): Promise<void> {
  const org = await h.db.organisation.findUniqueOrThrow({ where: { slug: "de-cert" } });
  if (!org.designations.includes("tco-competent-authority:DE")) await h.ok("demo.coordinator", "/contacts edit-org de-cert --designate tco-competent-authority:DE");
  if (options.plainContact && !(await h.db.contact.findFirst({ where: { handle: "mia.koch" } }))) await h.ok("demo.coordinator", '/contacts add mia.koch --org de-cert --name "Mia Koch"');
}

/** The TcoOrder row of the case `reference`. */
export async function tcoRow(h: CaseHarness, reference: string) {
  return h.db.tcoOrder.findUniqueOrThrow({ where: { caseId: (await h.caseRow(reference)).id } });
}
