// Directory revalidation (after RIPE's yearly abuse-mailbox validation, ripe-705, and the 15 + 15 days of the
// withdrawn proposal 2019-04): each contact is asked in chat, periodically, to confirm they are still the point of
// contact (a DM with a Confirm button running /contacts confirm); unanswered, they are reminded after `remindAfter`
// and marked unverified after `unverifiedAfter`, and their organisation admins and the coordinators are told.
// Confirming (DirectoryService.confirm) resets the timeline. After downtime only the latest due stage is sent.
import type { AuditRecord } from "../audit/log.js";
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import type { OutboundMessage } from "../core/message.js";
import { contactStream, type OutboxItem } from "../outbox/outbox.js";
import { lockForWriting, TRANSACTION_OPTIONS, type Db } from "../store/db.js";
import { formatLocal } from "../time/calendar.js";
import type { QuietHours } from "../time/quiet-hours.js";
import type { RemindersConfig } from "../jobs/settings.js";
import { deliverableTime, recipientCalendar } from "../time/organisation-calendar.js";
import { appendAuditEntries } from "../audit/log.js";
import { enqueueItems, prismaOutboxStorage } from "../outbox/outbox.js";
import type { JobReport } from "../core/job-report.js";

const CONTACT_SELECT = {
  id: true, handle: true, name: true, timeZone: true, lastVerifiedAt: true, verification: true, verificationAskedAt: true, createdAt: true,
  organisation: { select: { id: true, slug: true, name: true, timeZone: true, workingHours: true, country: true, holidays: true, publicHolidays: true } },
} as const;

type ContactRow = { id: string; handle: string; name: string; timeZone: string | null; lastVerifiedAt: Date | null; verification: string; verificationAskedAt: Date | null; createdAt: Date; organisation: { id: string; slug: string; name: string; timeZone: string; workingHours: string } };

const CONFIRM_ACTION = { id: "confirm", label: "Confirm", style: "primary", command: "/contacts confirm", reaction: "✅" } as const;

/** Runs the revalidation timeline. */
export class RevalidationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keys: RecordKeys,
    private readonly settings: RemindersConfig["revalidation"],
    private readonly quietHours: QuietHours | null,
  ) {}

  /** One run: asks the contacts whose confirmation is due, reminds, and marks unverified; returns what it queued. */
  async run(): Promise<JobReport> {
    const report: JobReport = { job: "revalidation", handled: 0, queued: [], notes: [] };
    const now = this.clock.now();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const { every, firstAskAfter, remindAfter, unverifiedAfter, batchSize } = this.settings;
    const toAsk = await this.db.contact.findMany({
      where: { removedAt: null, verificationAskedAt: null, OR: [{ lastVerifiedAt: { lte: ago(every) } }, { lastVerifiedAt: null, createdAt: { lte: ago(firstAskAfter) } }] },
      select: CONTACT_SELECT, orderBy: { handle: "asc" }, take: batchSize,
    });
    const asked = await this.db.contact.findMany({
      where: { removedAt: null, verification: { not: "unverified" }, verificationAskedAt: { lte: ago(remindAfter) } },
      select: CONTACT_SELECT, orderBy: { handle: "asc" }, take: batchSize,
    });
    const toMark = asked.filter((contact) => (contact.verificationAskedAt as Date) <= ago(unverifiedAfter));
    const markIds = new Set(toMark.map((contact) => contact.id));
    const toRemind = asked.filter((contact) => !markIds.has(contact.id));
    const reminded = await prismaOutboxStorage.usedOnceKeys(this.db, toRemind.map((contact) => this.key(contact, contact.verificationAskedAt as Date, "remind")));
    const remindNow = toRemind.filter((contact) => !reminded.has(this.key(contact, contact.verificationAskedAt as Date, "remind")));
    const watchers = toMark.length > 0 ? await this.watchers() : [];

    const items: OutboxItem[] = [];
    const records: AuditRecord[] = [];
    const subjects = new Map<OutboxItem, { handle: string; step: string; to: string }>();
    const reminders = new Map<AuditRecord, OutboxItem>();
    const push = (contact: ContactRow, step: string, to: { id: string; handle: string }, askedAt: Date, message: OutboundMessage, notBefore: Date | undefined) => {
      const item: OutboxItem = {
        streamKey: contactStream(to.id), destination: { type: "contact", contactId: to.id }, message,
        onceKey: `${this.key(contact, askedAt, step)}${to.id === contact.id ? "" : `:${to.id}`}`, ...(notBefore && notBefore > now ? { notBefore } : {}),
      };
      items.push(item);
      subjects.set(item, { handle: contact.handle, step, to: `DM → ${to.handle}` });
    };
    await this.db.$transaction(async (tx) => {
      await lockForWriting(tx);
      for (const contact of toAsk) {
        const claimed = await tx.contact.updateMany({ where: { id: contact.id, verificationAskedAt: null }, data: { verificationAskedAt: now } });
        if (claimed.count === 0) continue;
        push(contact, "ask", contact, now, this.askMessage(contact, now), this.deliverable(contact, now));
        records.push(this.record(contact, "contact.revalidation-ask", { lastVerifiedAt: contact.lastVerifiedAt }));
      }
      for (const contact of remindNow) {
        const askedAt = contact.verificationAskedAt as Date;
        push(contact, "remind", contact, askedAt, this.remindMessage(contact, askedAt), this.deliverable(contact, now));
        const record = this.record(contact, "contact.revalidation-remind", { askedAt });
        records.push(record);
        reminders.set(record, items[items.length - 1] as OutboxItem);
      }
      for (const contact of toMark) {
        const askedAt = contact.verificationAskedAt as Date;
        const marked = await tx.contact.updateMany({ where: { id: contact.id, verificationAskedAt: askedAt, verification: { not: "unverified" } }, data: { verification: "unverified", updatedAt: now } });
        if (marked.count === 0) continue;
        push(contact, "unverified", contact, askedAt, this.unverifiedMessage(contact, askedAt, "self"), this.deliverable(contact, now));
        for (const watcher of watchers) {
          if (watcher.id === contact.id || !(watcher.coordinator || watcher.organisationId === contact.organisation.id)) continue;
          push(contact, "unverified", watcher, askedAt, this.unverifiedMessage(contact, askedAt, watcher.coordinator ? "coordinator" : "admin"), undefined);
        }
        records.push(this.record(contact, "contact.unverified", { askedAt, before: contact.verification, after: "unverified" }));
      }
      const written = await enqueueItems(tx, this.clock, items);
      // A reminder another run wrote meanwhile is not recorded twice.
      const kept = records.filter((record) => !reminders.has(record) || written.includes(reminders.get(record) as OutboxItem));
      await appendAuditEntries(tx, this.clock, this.keys, kept);
      report.handled = kept.length;
      for (const item of written) {
        const subject = subjects.get(item);
        if (subject) report.queued.push({ subject: subject.handle, step: subject.step, to: subject.to, text: item.message.text });
      }
    }, TRANSACTION_OPTIONS);
    return report;
  }

  /** The once-only key of a stage of one ask: revalidation:<contact>:<asked at>:<stage>. */
  private key(contact: { id: string }, askedAt: Date, stage: string): string {
    return `revalidation:${contact.id}:${askedAt.toISOString()}:${stage}`;
  }

  /** When a DM to the contact may be sent: in their working hours, outside quiet hours (it is not urgent). */
  private deliverable(contact: ContactRow, now: Date): Date {
    return deliverableTime(now, recipientCalendar({ ...contact.organisation, timeZone: contact.timeZone ?? contact.organisation.timeZone }), this.quietHours);
  }

  /** Organisation admins and coordinators, who are told when a contact becomes unverified. */
  private watchers(): Promise<{ id: string; handle: string; coordinator: boolean; organisationId: string }[]> {
    return this.db.contact.findMany({ where: { removedAt: null, OR: [{ coordinator: true }, { orgAdmin: true }] }, select: { id: true, handle: true, coordinator: true, organisationId: true }, orderBy: { handle: "asc" } });
  }

  private record(contact: ContactRow, action: string, detail: Record<string, unknown>): AuditRecord {
    return { actorId: null, actor: "system", via: "scheduler", action, subjectType: "contact", subjectId: contact.handle, result: "ok", detail };
  }

  private dates(contact: ContactRow, askedAt: Date): { remind: string; unverified: string } {
    const zone = contact.timeZone ?? contact.organisation.timeZone;
    return {
      remind: formatLocal(new Date(askedAt.getTime() + this.settings.remindAfter), zone).slice(0, 10),
      unverified: formatLocal(new Date(askedAt.getTime() + this.settings.unverifiedAfter), zone).slice(0, 10),
    };
  }

  private askMessage(contact: ContactRow, askedAt: Date): OutboundMessage {
    const last = contact.lastVerifiedAt ? `You last confirmed on ${contact.lastVerifiedAt.toISOString().slice(0, 10)}.` : "You have not confirmed yet.";
    return {
      text: [
        `Are you still a point of contact of ${contact.organisation.name} [${contact.organisation.slug}], ${contact.name}?`,
        `Liaison asks every contact periodically, so that notices and orders reach the right person. ${last}`,
        "Confirm with the button, or type /contacts confirm. If you are no longer the right person, tell your organisation admin.",
        `Without an answer you will be reminded on ${this.dates(contact, askedAt).remind} and marked unverified on ${this.dates(contact, askedAt).unverified}.`,
      ].join("\n"),
      tone: "info",
      actions: [CONFIRM_ACTION],
    };
  }

  private remindMessage(contact: ContactRow, askedAt: Date): OutboundMessage {
    return {
      text: [
        `Reminder: please confirm you are still a point of contact of ${contact.organisation.name} [${contact.organisation.slug}].`,
        `Asked on ${askedAt.toISOString().slice(0, 10)}; without an answer you will be marked unverified on ${this.dates(contact, askedAt).unverified}.`,
        "Confirm with the button, or type /contacts confirm.",
      ].join("\n"),
      tone: "warning",
      actions: [CONFIRM_ACTION],
    };
  }

  private unverifiedMessage(contact: ContactRow, askedAt: Date, reader: "self" | "admin" | "coordinator"): OutboundMessage {
    const asked = askedAt.toISOString().slice(0, 10);
    if (reader === "self") {
      return {
        text: `You are now marked unverified as a point of contact of ${contact.organisation.name}: the confirmation asked on ${asked} was not given. Confirm at any time with /contacts confirm.`,
        tone: "warning",
        actions: [CONFIRM_ACTION],
      };
    }
    return {
      text: [
        `${contact.name} (${contact.handle}) of ${contact.organisation.name} [${contact.organisation.slug}] is now marked unverified: asked to confirm on ${asked}, no answer.`,
        reader === "admin" ? "Please check the entry: /contacts show " + contact.handle + " (edit or remove it, or ask them to /contacts confirm)." : `Their organisation's admins have been told. Check: /contacts show ${contact.handle}`,
      ].join("\n"),
      tone: "warning",
    };
  }
}
