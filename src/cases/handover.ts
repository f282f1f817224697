// When a contact or an organisation leaves the directory while named on active cases: each case the contact was
// responsible for is handed to the recipient's backup for the case's topic (else its escalation contact, else another
// primary), every party's thread is told who is responsible now, the coordinators are told of every case left with
// nobody, and the reply lists the cases. The reminders follow the new responsible contact; where there is nobody,
// they reach the coordinators (reminders/deliveries.ts). Runs in the removal's unit of work.
import { auditActor, type Actor } from "../core/actor.js";
import { contactStream, threadStream, type OutboxItem } from "../outbox/outbox.js";
import type { UnitOfWork } from "../work/unit-of-work.js";
import { ACTIVE_STATES } from "./lifecycle.js";
import { renderHandedOver, renderLeftWithNobody, type HandedOverCase } from "./handover-render.js";
import { moveRedThread } from "./red-threads.js";
import { CaseRepository } from "./repository.js";
import { viewOf } from "./view-of.js";

export type { HandedOverCase } from "./handover-render.js";

/** The roles that take a removed contact's cases over, in order. */
const SUCCESSORS = ["backup", "escalation", "primary"] as const;

/** Hands over the active cases of contacts that are being removed. */
export class CaseHandover {
  constructor(private readonly work: UnitOfWork) {}

  /**
   * The active cases naming the removed contacts (as responsible or opener): the responsible ones handed over, the
   * threads and, for cases left with nobody, the coordinators told. `removed` are contact ids already marked removed.
   */
  async handOver(actor: Actor, removed: { contactIds: readonly string[]; names: ReadonlyMap<string, string>; organisationId?: string }, reason: string): Promise<HandedOverCase[]> {
    const db = this.work.tx;
    const ids = [...removed.contactIds];
    const organisation = removed.organisationId;
    const cases = await db.case.findMany({
      where: {
        state: { in: [...ACTIVE_STATES] },
        OR: [{ responsibleContactId: { in: ids } }, { openerContactId: { in: ids } }, ...(organisation ? [{ recipientOrgId: organisation }, { openerOrgId: organisation }] : [])],
      },
      include: { threads: true }, orderBy: { reference: "asc" },
    });
    if (cases.length === 0) return [];
    const at = this.work.clock.now();
    const result: HandedOverCase[] = [];
    const coordinators = await db.contact.findMany({ where: { coordinator: true, removedAt: null }, select: { id: true } });
    for (const row of cases) {
      const responsibleRemoved = (row.responsibleContactId !== null && ids.includes(row.responsibleContactId)) || row.recipientOrgId === organisation;
      let successor: { id: string; handle: string; name: string } | null = null;
      if (responsibleRemoved) {
        for (const role of SUCCESSORS) {
          const holder = await db.contactRole.findFirst({
            where: { role, topic: row.topic, contact: { organisationId: row.recipientOrgId, removedAt: null } },
            select: { contact: { select: { id: true, handle: true, name: true } } }, orderBy: { contact: { handle: "asc" } },
          });
          if (holder) {
            successor = holder.contact;
            break;
          }
        }
        await db.case.update({ where: { id: row.id }, data: { responsibleContactId: successor?.id ?? null, updatedAt: at } });
      }
      let threads = row.threads;
      if (responsibleRemoved && successor && row.tlp === "RED") {
        // TLP:RED: the new responsible contact is named now, and gets a direct thread of their own with the card.
        const moved = { ...row, responsibleContactId: successor.id, updatedAt: at };
        const [aggregate] = await new CaseRepository(db).completeAll([moved]);
        if (aggregate) threads = await moveRedThread(this.work, moved, viewOf(aggregate), threads, row.responsibleContactId, at);
      }
      const handed: HandedOverCase = {
        reference: row.reference, tlp: row.tlp as HandedOverCase["tlp"], role: responsibleRemoved ? "responsible" : "opener",
        removedName: removed.names.get((responsibleRemoved ? row.responsibleContactId : row.openerContactId) ?? "") ?? removed.names.get(organisation ?? "") ?? "?",
        to: responsibleRemoved ? successor : undefined, reason,
      };
      result.push(handed);
      const update = renderHandedOver(handed);
      this.work.send(threads.map((thread): OutboxItem => ({ streamKey: threadStream(thread.id), destination: { type: "case-thread", caseThreadId: thread.id }, message: update })));
      if (responsibleRemoved && !successor) {
        const alert = renderLeftWithNobody(handed);
        this.work.send(coordinators.map((coordinator): OutboxItem => ({ streamKey: contactStream(coordinator.id), destination: { type: "contact", contactId: coordinator.id }, message: alert })));
      }
      this.work.record({
        ...auditActor(actor), action: "case.reassign", subjectType: "case", subjectId: row.reference, caseId: row.id, result: "ok",
        detail: { cause: "contact removed", removed: handed.removedName, role: handed.role, reason, ...(responsibleRemoved ? { to: successor ? `${successor.name} (${successor.handle})` : "nobody" } : {}) },
      });
    }
    return result;
  }
}
