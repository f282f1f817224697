// Who may see what of a case: the one rule every output uses (cards, status, lists, history, reminders,
// escalations, digests). TLP 2.0 (FIRST, https://www.first.org/tlp/):
// - TLP:RED: "For the eyes and ears of individual recipients only, no further disclosure." Here the named people are
//   the recipients: the opener and the recipient organisation's responsible contact.
// - TLP:AMBER+STRICT: "Recipients may share TLP:AMBER+STRICT information only with members of their own
//   organization." Here the recipients are the two parties, so people of other organisations (a third organisation's
//   coordinator) see no content.
// - European Production and Preservation Orders (Regulation (EU) 2023/1543) are AMBER+STRICT at least, whatever the
//   opener asked for. Art. 13(4) (paraphrase: English wording not checked against EUR-Lex; checked against the German text): the
//   addressees "and, where different, the service providers shall take the necessary
//   state-of-the-art operational and technical measures to ensure the confidentiality, secrecy and integrity of the
//   EPOC or the EPOC-PR and of the data produced or preserved". The parties are the issuing authority, the addressee
//   and the enforcing authority notified under Art. 8; a coordinator of any other organisation sees the reference,
//   state and deadlines only. Informing the person whose data is sought is the issuing authority's task (Art. 13(1), checked
//   against the German text: "Die Anordnungsbehörde informiert die Person, deren Daten angefordert werden, unverzüglich
//   über die Herausgabe von Daten"; Art. 11 is the execution of an EPOC-PR), never Liaison's.
import { TLP_LABELS, type Tlp } from "../core/message.js";
import type { Disclosure } from "./view.js";

/** The kinds that carry European orders, whose TLP is never below AMBER+STRICT (Art. 13(4)). */
export const CONFIDENTIAL_ORDER_KINDS: readonly string[] = ["production-order", "preservation-order"];

/** The lowest TLP a kind may carry. */
export function tlpFloorOf(kind: string): Tlp {
  return CONFIDENTIAL_ORDER_KINDS.includes(kind) ? "AMBER+STRICT" : "CLEAR";
}

/** A TLP raised to its kind's floor (an opener's lower label is raised, never the reverse). */
export function withTlpFloor(kind: string, tlp: Tlp | string): Tlp {
  const floor = tlpFloorOf(kind);
  const rank = TLP_LABELS.indexOf(tlp as Tlp);
  return rank === -1 || rank < TLP_LABELS.indexOf(floor) ? floor : (tlp as Tlp);
}

/** What a viewer is to a case: named on it (opener or responsible contact), or a member of one of its parties. */
export interface DisclosureStanding {
  named: boolean;
  ofAParty: boolean;
}

/** The one disclosure rule: everything, or (content withheld) only a case's reference, state and deadlines. */
export function disclosureOf(tlp: Tlp | string, standing: DisclosureStanding): Disclosure {
  if (tlp === "RED") return standing.named ? "full" : "metadata";
  if (tlp === "AMBER+STRICT") return standing.ofAParty || standing.named ? "full" : "metadata";
  return "full";
}

/**
 * Where an organisation is a party to a case, as a query condition: opener, recipient, or the cases of `caseIds`: the
 * enforcing authority notified of a European order (Art. 8), and the host authority sent the copy of a removal order
 * (TCO Art. 4(1)), which reads it. Lists use it, so an organisation finds in its list every case whose status it may read.
 */
export function partyCasesWhere(organisationId: string, caseIds: readonly string[]): { OR: Record<string, unknown>[] } {
  return { OR: [{ openerOrgId: organisationId }, { recipientOrgId: organisationId }, ...(caseIds.length > 0 ? [{ id: { in: [...caseIds] } }] : [])] };
}

/**
 * The disclosure for a directory contact, from the case's parties and named people. `otherPartyOrgIds` are parties
 * beside the opener and the recipient (a European order's enforcing authority). `readerOrgIds` read the case without
 * being a party: the host Member State's competent authority sent the copy of a cross-border removal order. The
 * kind's TLP floor applies.
 *
 * The host authority is a recipient the law names: TCO Art. 4(1) has the issuing authority "submit a copy of the
 * removal order" to it, and Art. 4(3)-(4) has it scrutinise that order, which it cannot do on a reference alone. So it
 * stands where a European order's enforcing authority stands (a recipient of an AMBER+STRICT case: everything), and
 * no higher: it is not named on the case, so a TLP:RED order shows it the reference, state and deadlines only, as it
 * shows every other member of every party. Naming it would let a label meant for individual recipients travel to an
 * organisation the opener did not name; a TLP:RED order's content reaches it another way, from the issuer.
 */
export function disclosureFor(
  contact: { id: string; organisationId: string },
  row: { kind: string; tlp: string; openerContactId: string; responsibleContactId: string | null; openerOrgId: string; recipientOrgId: string },
  otherPartyOrgIds: readonly string[] = [],
  readerOrgIds: readonly string[] = [],
): Disclosure {
  const named = contact.id === row.openerContactId || contact.id === row.responsibleContactId;
  const ofAParty = contact.organisationId === row.openerOrgId || contact.organisationId === row.recipientOrgId || otherPartyOrgIds.includes(contact.organisationId) || readerOrgIds.includes(contact.organisationId);
  return disclosureOf(withTlpFloor(row.kind, row.tlp), { named, ofAParty });
}
