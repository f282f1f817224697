// TCO Art. 3(2): advance information before an authority's first removal order to a hosting service provider. The
// check at opening (called by checkOpening in cases/opening.ts, beside openingRefusal) and the rows it reads.
import { fail, type Failure } from "../../core/result.js";
import type { Tx } from "../../store/types.js";
import { formatLocal } from "../../time/calendar.js";
import { mayIssueFrom } from "./periods.js";

/** The issuer and provider of a removal order about to be opened. */
export interface AdvanceParties {
  issuerOrgId: string;
  issuerSlug: string;
  issuerTimeZone: string;
  providerOrgId: string;
  providerSlug: string;
}

/**
 * Why a removal order may not be issued yet, or undefined when it may. Art. 3(2): "Where a competent authority has
 * not previously issued a removal order to a hosting service provider, it shall provide that hosting service provider
 * with information on the applicable procedures and deadlines, at least 12 hours before issuing the removal order."
 * (paraphrase: the first subparagraph was not checked against the Official Journal text.) Second subparagraph, as
 * checked: "The first subparagraph shall not apply in duly justified cases of emergency." An earlier removal order in Liaison from the same authority to the same
 * provider counts as "previously issued"; orders served outside Liaison count when the authority records the
 * information (`/tco inform --at`).
 */
export async function advanceInformationRefusal(db: Tx, parties: AdvanceParties, at: Date, emergencyJustification: string | undefined): Promise<Failure | undefined> {
  if (emergencyJustification !== undefined) return undefined;
  const earlier = await db.case.findFirst({ where: { kind: "removal-order", openerOrgId: parties.issuerOrgId, recipientOrgId: parties.providerOrgId, openedAt: { lte: at } }, select: { id: true } });
  if (earlier) return undefined;
  const informed = await db.tcoAdvance.findUnique({ where: { issuerOrgId_providerOrgId: { issuerOrgId: parties.issuerOrgId, providerOrgId: parties.providerOrgId } } });
  if (informed && mayIssueFrom(informed.informedAt).getTime() <= at.getTime()) return undefined;
  const hint = `Or, in a duly justified emergency, give --emergency-justification "…" (Art. 3(2), second subparagraph).`;
  if (!informed) {
    return fail("not-allowed", `${parties.issuerSlug} has not issued a removal order to ${parties.providerSlug} before, and has not given it the information on the applicable procedures and deadlines: TCO Art. 3(2) asks for that information at least 12 hours before the first removal order.`, `Give it and record it: /tco inform ${parties.providerSlug}; the order may then be issued 12 hours later. ${hint}`);
  }
  const from = mayIssueFrom(informed.informedAt);
  return fail("not-allowed", `${parties.providerSlug} was given the information on procedures and deadlines at ${formatLocal(informed.informedAt, parties.issuerTimeZone)}; TCO Art. 3(2) asks for at least 12 hours before the first removal order: it may be issued from ${formatLocal(from, parties.issuerTimeZone)} (${from.toISOString()}).`, hint);
}

/** Records that the information was given; the earliest time is kept. Returns the time kept. */
export async function recordAdvance(db: Tx, issuerOrgId: string, providerOrgId: string, informedAt: Date, at: Date, by: string): Promise<{ informedAt: Date; changed: boolean }> {
  const key = { issuerOrgId_providerOrgId: { issuerOrgId, providerOrgId } };
  const current = await db.tcoAdvance.findUnique({ where: key });
  if (current && current.informedAt.getTime() <= informedAt.getTime()) return { informedAt: current.informedAt, changed: false };
  await db.tcoAdvance.upsert({ where: key, create: { issuerOrgId, providerOrgId, informedAt, recordedAt: at, recordedBy: by }, update: { informedAt, recordedAt: at, recordedBy: by } });
  return { informedAt, changed: true };
}
