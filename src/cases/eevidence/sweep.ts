// The e-Evidence reminder sweep: finds the orders whose nextReminderAt has come (an indexed range read), sends each
// due reminder once to its side (the issuing authority's or the addressee's case thread, the coordinators when it is
// overdue), and moves nextReminderAt on. Run with the case sweep, under the same lease (src/jobs/jobs.ts). Each order
// is handled in one transaction: the claim (nextReminderAt moved only if the order did not change since it was read),
// the outbox messages with once-only keys, and the record entry. A crash before the commit sends nothing; a sweep
// after a restart finds the keys written and sends nothing twice.
import type { AuditRecord } from "../../audit/log.js";
import { appendAuditEntries } from "../../audit/log.js";
import type { RecordKeys } from "../../audit/keys.js";
import type { Clock } from "../../core/clock.js";
import type { DomainSweep, JobReport } from "../../core/job-report.js";
import type { Tlp } from "../../core/message.js";
import { contactStream, enqueueItems, threadStream, type OutboxItem } from "../../outbox/outbox.js";
import { lockForWriting, TRANSACTION_OPTIONS, type Db } from "../../store/db.js";
import { formatLocal } from "../../time/calendar.js";
import { dueEvidenceReminders, evidenceReminderKey, nextEvidenceReminderAt, type EvidenceAudience, type EvidenceReminder } from "./reminders.js";
import type { EvidenceOrderRow } from "./store.js";

/** Most orders one run handles; the rest wait for the next run. */
const MAX_ORDERS_PER_RUN = 500;

/** Where one reminder goes, with the time zone its instant is shown in and how reports name it. */
interface Target {
  item: OutboxItem;
  label: string;
}

/** Runs the e-Evidence reminders. */
export class EvidenceReminderSweep implements DomainSweep {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keys: RecordKeys,
  ) {}

  /** Sends every reminder due now; returns what was queued. */
  async run(): Promise<JobReport> {
    const now = this.clock.now();
    const report: JobReport = { job: "sweep", handled: 0, queued: [], notes: [] };
    const due = await this.db.evidenceOrder.findMany({ where: { nextReminderAt: { lte: now } }, orderBy: { nextReminderAt: "asc" }, take: MAX_ORDERS_PER_RUN });
    for (const order of due) await this.handle(order, now, report);
    return report;
  }

  private async handle(read: EvidenceOrderRow, now: Date, report: JobReport): Promise<void> {
    const row = await this.db.case.findUnique({ where: { id: read.caseId }, select: { id: true, reference: true, tlp: true, openerOrgId: true, openerContactId: true, recipientOrgId: true, responsibleContactId: true } });
    if (!row) return;
    const due = dueEvidenceReminders(read, now);
    const targets: { reminder: EvidenceReminder; target: Target }[] = [];
    for (const { reminder, audience } of due) for (const target of await this.targets(row, audience, reminder, now)) targets.push({ reminder, target });
    const next = nextEvidenceReminderAt(read, now);
    await this.db.$transaction(async (tx) => {
      await lockForWriting(tx);
      // The claim: only if the order is as it was read (an action meanwhile planned its reminders afresh).
      const claimed = await tx.evidenceOrder.updateMany({ where: { caseId: read.caseId, updatedAt: read.updatedAt, nextReminderAt: read.nextReminderAt }, data: { nextReminderAt: next } });
      if (claimed.count === 0) return;
      report.handled += 1;
      const written = new Set(await enqueueItems(tx, this.clock, targets.map((entry) => entry.target.item)));
      const sent = targets.filter((entry) => written.has(entry.target.item));
      if (sent.length === 0) return;
      const record: AuditRecord = {
        actorId: null, actor: "system", via: "scheduler", action: "eevidence.reminder", subjectType: "case", subjectId: row.reference, caseId: row.id, result: "ok",
        detail: { asOf: now, steps: [...new Set(sent.map((entry) => entry.reminder.step))], to: sent.map((entry) => entry.target.label) },
      };
      await appendAuditEntries(tx, this.clock, this.keys, [record]);
      for (const entry of sent) report.queued.push({ subject: row.reference, step: entry.reminder.step, to: entry.target.label, text: entry.target.item.message.text });
    }, TRANSACTION_OPTIONS);
  }

  /**
   * The destinations of a reminder: the side's case thread (else its named person: the opener, the responsible
   * contact), or every coordinator by direct message. The instant is shown in the reader's time zone.
   */
  private async targets(row: CaseRow, audience: EvidenceAudience, reminder: EvidenceReminder, now: Date): Promise<Target[]> {
    const message = (timeZone: string) => ({ text: reminderText(row.reference, reminder, now, timeZone), tlp: row.tlp as Tlp, tone: reminder.at.getTime() >= reminder.deadline.getTime() ? ("warning" as const) : ("info" as const) });
    if (audience === "coordinators") {
      const coordinators = await this.db.contact.findMany({ where: { coordinator: true, removedAt: null }, select: { id: true, handle: true, timeZone: true, organisation: { select: { timeZone: true } } }, orderBy: { handle: "asc" } });
      return coordinators.map((coordinator) => ({
        item: { streamKey: contactStream(coordinator.id), destination: { type: "contact", contactId: coordinator.id }, message: message(coordinator.timeZone ?? coordinator.organisation.timeZone), onceKey: evidenceReminderKey(row.id, reminder, `contact:${coordinator.id}`) },
        label: `DM → ${coordinator.handle}`,
      }));
    }
    const organisationId = audience === "issuer" ? row.openerOrgId : row.recipientOrgId;
    const organisation = await this.db.organisation.findUnique({ where: { id: organisationId }, select: { timeZone: true } });
    const timeZone = organisation?.timeZone ?? "UTC";
    const threads = await this.db.caseThread.findMany({ where: { caseId: row.id, organisationId }, select: { id: true, kind: true, title: true }, orderBy: { id: "asc" } });
    if (threads.length > 0) {
      return threads.map((thread) => ({
        item: { streamKey: threadStream(thread.id), destination: { type: "case-thread", caseThreadId: thread.id }, message: message(timeZone), onceKey: evidenceReminderKey(row.id, reminder, `thread:${thread.id}`) },
        label: thread.title,
      }));
    }
    const personId = audience === "issuer" ? row.openerContactId : row.responsibleContactId;
    const person = personId ? await this.db.contact.findFirst({ where: { id: personId, removedAt: null }, select: { id: true, handle: true, timeZone: true } }) : null;
    if (!person) return [];
    return [{
      item: { streamKey: contactStream(person.id), destination: { type: "contact", contactId: person.id }, message: message(person.timeZone ?? timeZone), onceKey: evidenceReminderKey(row.id, reminder, `contact:${person.id}`) },
      label: `DM → ${person.handle}`,
    }];
  }
}

/** The case columns a reminder needs. */
interface CaseRow {
  id: string;
  reference: string;
  tlp: string;
  openerOrgId: string;
  openerContactId: string;
  recipientOrgId: string;
  responsibleContactId: string | null;
}

/** "⏰ P-2026-0001: <what is due> 2026-11-22 23:10 CET (in 12 h)." — the reference and the clock, never the order's content. */
export function reminderText(reference: string, reminder: EvidenceReminder, now: Date, timeZone: string): string {
  const remainingMs = reminder.deadline.getTime() - now.getTime();
  const hours = Math.round(Math.abs(remainingMs) / 3_600_000);
  const relative = remainingMs > 0 ? `in ${hours} h` : remainingMs === 0 ? "now" : `${hours} h ago`;
  const mark = remainingMs > 0 ? "⏰" : "⚠";
  return `${mark} ${reference}: ${reminder.text} ${formatLocal(reminder.deadline, timeZone)} (${relative}).`;
}
