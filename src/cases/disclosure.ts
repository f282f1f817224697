// Who may see what of a case: the one rule every output uses (cards, status, lists, history, reminders,
// escalations, digests). TLP 2.0 (FIRST, https://www.first.org/tlp/):
// - TLP:RED: "For the eyes and ears of individual recipients only, no further disclosure." Here the named people are
//   the recipients: the opener and the recipient organisation's responsible contact.
// - TLP:AMBER+STRICT: "Recipients may share TLP:AMBER+STRICT information only with members of their own
//   organization." Here the recipients are the two parties, so people of other organisations (a third organisation's
//   coordinator) see no content.
import type { Tlp } from "../core/message.js";
import type { Disclosure } from "./view.js";

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

/** The disclosure for a directory contact, from the case's parties and named people. */
export function disclosureFor(
  contact: { id: string; organisationId: string },
  row: { tlp: string; openerContactId: string; responsibleContactId: string | null; openerOrgId: string; recipientOrgId: string },
): Disclosure {
  const named = contact.id === row.openerContactId || contact.id === row.responsibleContactId;
  const ofAParty = contact.organisationId === row.openerOrgId || contact.organisationId === row.recipientOrgId;
  return disclosureOf(row.tlp, { named, ofAParty });
}
