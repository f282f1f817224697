// The TCO sweep, beside the case sweep (src/cases/reminders/sweep.ts) and of the same design: an indexed range read
// of TcoOrder.nextReminderAt, the due reminders of each order (reminders.ts) written to the outbox with a once-only
// key, and the order's reminder state moved on only if the order did not change since it was read, all in one
// transaction with the record. It runs in the "sweep" job, under that job's lease (src/jobs/jobs.ts).
import type { AuditRecord } from "../../audit/log.js";
import { appendAuditEntries } from "../../audit/log.js";
import type { RecordKeys } from "../../audit/keys.js";
import type { Clock } from "../../core/clock.js";
import type { DomainSweep, JobReport } from "../../core/job-report.js";
import { contactStream, enqueueItems, threadStream, type OutboxItem } from "../../outbox/outbox.js";
import { lockForWriting, TRANSACTION_OPTIONS, type Db } from "../../store/db.js";
import { responsibleFor } from "../opening.js";
import { dueReminders, nextTcoReminderAt, type TcoAudience } from "./reminders.js";
import { renderTcoReminder } from "./render.js";
import type { TcoOrderRow } from "./service.js";

/** Most batches one run handles before it leaves the rest to the next run. */
const MAX_BATCHES = 50;

/** Sends the TCO timers' reminders that are due. */
export class TcoSweep implements DomainSweep {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keys: RecordKeys,
    private readonly batchSize: number,
  ) {}

  /** Handles every order with a reminder due now; returns what was queued (a part of the sweep job's report). */
  async run(): Promise<JobReport> {
    const now = this.clock.now();
    const report: JobReport = { job: "sweep", handled: 0, queued: [], notes: [] };
    for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
      const rows = await this.db.tcoOrder.findMany({ where: { nextReminderAt: { lte: now } }, orderBy: { nextReminderAt: "asc" }, take: this.batchSize });
      if (rows.length === 0) break;
      for (const row of rows) await this.handle(row, now, report);
      if (rows.length < this.batchSize) break;
    }
    return report;
  }

  private async handle(row: TcoOrderRow, now: Date, report: JobReport): Promise<void> {
    const due = dueReminders(row, row.remindedUntil, now);
    const found = await this.db.case.findUnique({ where: { id: row.caseId }, select: { reference: true, tlp: true, openerOrgId: true, recipientOrgId: true } });
    const expired = due.some((entry) => entry.kind === "preservation-ended");
    const ended = due.some((entry) => entry.kind === "nondisclosure-ended");
    const after = { ...row, ...(expired ? { preservationExpiredAt: now } : {}), ...(ended ? { nondisclosureEndedAt: now } : {}) };
    const items: OutboxItem[] = [];
    const labels = new Map<OutboxItem, string>();
    if (found) {
      const threads = await this.db.caseThread.findMany({ where: { caseId: row.caseId }, select: { id: true, organisationId: true, title: true } });
      const provider = await this.db.organisation.findUnique({ where: { id: found.recipientOrgId }, select: { timeZone: true } });
      const host = row.copyOrgId ? await this.db.organisation.findUnique({ where: { id: row.copyOrgId }, select: { id: true, slug: true, timeZone: true } }) : null;
      const hostContact = host && due.some((entry) => entry.to.includes("host")) ? await responsibleFor(this.db, host.id, "removal-orders") : undefined;
      for (const entry of due) {
        const targets = (audience: TcoAudience) => threads.filter((thread) => thread.organisationId === (audience === "issuer" ? found.openerOrgId : found.recipientOrgId));
        for (const audience of entry.to) {
          if (audience === "host") {
            if (!hostContact || !host) {
              report.notes.push(`${found.reference}: ${entry.kind} has nobody at the host Member State's authority to go to`);
              continue;
            }
            const item: OutboxItem = { streamKey: contactStream(hostContact.id), destination: { type: "contact", contactId: hostContact.id }, message: renderTcoReminder(found.reference, entry, row.nondisclosureExtended, found.tlp, host.timeZone), onceKey: `tco:${row.caseId}:${entry.key}:host` };
            items.push(item);
            labels.set(item, `DM → ${hostContact.handle}`);
            continue;
          }
          for (const thread of targets(audience)) {
            const item: OutboxItem = { streamKey: threadStream(thread.id), destination: { type: "case-thread", caseThreadId: thread.id }, message: renderTcoReminder(found.reference, entry, row.nondisclosureExtended, found.tlp, provider?.timeZone ?? "UTC"), onceKey: `tco:${row.caseId}:${entry.key}:${thread.id}` };
            items.push(item);
            labels.set(item, thread.title);
          }
        }
      }
    }
    await this.db.$transaction(async (tx) => {
      await lockForWriting(tx);
      const claimed = await tx.tcoOrder.updateMany({
        where: { caseId: row.caseId, updatedAt: row.updatedAt, nextReminderAt: row.nextReminderAt },
        data: { remindedUntil: now, nextReminderAt: nextTcoReminderAt(after, now), ...(expired ? { preservationExpiredAt: now } : {}), ...(ended ? { nondisclosureEndedAt: now } : {}) },
      });
      if (claimed.count === 0) return;
      const written = new Set(await enqueueItems(tx, this.clock, items));
      const records: AuditRecord[] = [];
      for (const entry of due) {
        const planned = items.filter((item) => item.onceKey?.includes(`:${entry.key}:`));
        const sent = planned.filter((item) => written.has(item));
        // Sent before (the once-only keys held after a crash between the outbox and moving on): recorded then.
        if (planned.length > 0 && sent.length === 0) continue;
        records.push({
          actorId: null, actor: "system", via: "scheduler", action: `tco.${entry.kind}`, subjectType: "case", subjectId: found?.reference ?? row.caseId, caseId: row.caseId, result: "ok",
          detail: { asOf: now, deadline: entry.deadline, to: sent.map((item) => labels.get(item) ?? "") },
        });
      }
      await appendAuditEntries(tx, this.clock, this.keys, records);
      for (const item of items) if (written.has(item)) report.queued.push({ subject: found?.reference ?? row.caseId, step: item.onceKey?.split(":")[2]?.split("@")[0] ?? "tco", to: labels.get(item) ?? "", text: item.message.text });
      report.handled += 1;
    }, TRANSACTION_OPTIONS);
  }
}
