// TLP:RED goes to the named people only (disclosure.ts): when a case's responsible contact changes (a reassignment,
// or a hand-over when a contact leaves the directory), the new one gets a direct thread of their own with the card,
// and the former one's direct thread is removed, unless they opened the case.
import { threadStream } from "../outbox/outbox.js";
import type { UnitOfWork } from "../work/unit-of-work.js";
import { threadRows } from "./opening.js";
import { renderCard } from "./render.js";
import { CaseRepository, type CaseRow, type CaseThreadRow } from "./repository.js";
import type { CaseView } from "./view.js";

/** Moves a TLP:RED case's direct thread to its new responsible contact; returns the case's threads afterwards. */
export async function moveRedThread(work: UnitOfWork, row: CaseRow, view: CaseView, threads: CaseThreadRow[], formerContactId: string | null, at: Date): Promise<CaseThreadRow[]> {
  const repository = new CaseRepository(work.tx);
  let result = threads;
  const responsible = view.responsible;
  if (responsible && !threads.some((thread) => thread.kind === "direct" && thread.contactId === responsible.id)) {
    const added = await threadRows(work.tx, row.id, row.reference, row.tlp, row.topic, [{ organisationId: row.recipientOrgId, slug: view.recipient.slug, people: [responsible] }]);
    await repository.addThreads(added);
    work.send(added.map((thread) => ({ streamKey: threadStream(thread.id as string), destination: { type: "open-case-thread", caseThreadId: thread.id as string }, message: renderCard(view, at, "recipient") })));
    result = [...result, ...(added as CaseThreadRow[])];
  }
  if (formerContactId && formerContactId !== responsible?.id && formerContactId !== row.openerContactId) {
    await repository.removeDirectThread(row.id, formerContactId);
    result = result.filter((thread) => !(thread.kind === "direct" && thread.contactId === formerContactId));
  }
  return result;
}
