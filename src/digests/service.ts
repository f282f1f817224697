import { identityKey } from "../core/adapter.js";
// Digests: each coordinator's (and each subscribed organisation admin's) digest on their working mornings, in their
// own time zone, once per local day (once-only key digest:<contact>:<local date>); on demand with /digest; and the
// subscriptions (/digest subscribe, /digest unsubscribe).
import type { AuditRecord } from "../audit/log.js";
import type { Actor } from "../core/actor.js";
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import { fail, ok, type Outcome } from "../core/result.js";
import { contactStream, type OutboxItem } from "../outbox/outbox.js";
import { lockForWriting, TRANSACTION_OPTIONS, type Db } from "../store/db.js";
import type { Tx } from "../store/types.js";
import type { UnitOfWork } from "../work/unit-of-work.js";
import { nextWorkingTime, parseWorkingHours } from "../time/calendar.js";
import { ALWAYS_OPEN } from "../time/working-hours.js";
import { instantOfWallTime, isoDateOf, localTimeOf, MINUTE_MS } from "../time/zoned.js";
import type { RemindersConfig } from "../jobs/settings.js";
import { isEmptyDigest, readDigest, renderDigest, type DigestContent, type DigestScope, type RepeatOffenderSettings } from "./content.js";
import { appendAuditEntries } from "../audit/log.js";
import { enqueueItems, prismaOutboxStorage } from "../outbox/outbox.js";
import type { JobReport } from "../core/job-report.js";

/** A digest shown on demand. */
export interface DigestAnswer {
  content: DigestContent;
  reader: { name: string; timeZone: string };
}

/** Whether a contact now receives the digest each working morning, and of what. */
export interface DigestSubscriptionState {
  subscribed: boolean;
  scope: DigestScope;
}

type Reader = { id: string; handle: string; name: string; coordinator: boolean; orgAdmin: boolean; timeZone: string | null; organisation: { id: string; slug: string; name: string; timeZone: string; workingHours: string } };

const READER_SELECT = {
  id: true, handle: true, name: true, coordinator: true, orgAdmin: true, timeZone: true,
  organisation: { select: { id: true, slug: true, name: true, timeZone: true, workingHours: true, country: true, holidays: true, publicHolidays: true } },
} as const;

/**
 * When a reader's digest is due on the local date of `at`: the configured time, or the start of their working hours
 * when later; undefined when that date is not a working day for them.
 */
export function digestDueAt(at: Date, localTime: string, timeZone: string, workingHours: string): { date: string; dueAt: Date } | undefined {
  const local = localTimeOf(timeZone, at.getTime());
  const [hours, minutes] = localTime.split(":").map(Number) as [number, number];
  const start = new Date(instantOfWallTime(timeZone, local.epochDay, (hours * 60 + minutes) * MINUTE_MS, { overlap: "earlier", gap: "shift" }));
  const parsed = parseWorkingHours(workingHours);
  const dueAt = nextWorkingTime(start, { timeZone, hours: parsed.ok ? parsed.value : ALWAYS_OPEN });
  if (localTimeOf(timeZone, dueAt.getTime()).epochDay !== local.epochDay) return undefined;
  return { date: isoDateOf(local.epochDay), dueAt };
}

/** The scope of a reader's digest: everything for coordinators, their own organisation for admins, their own cases for other contacts. */
function scopeOf(reader: Reader): DigestScope {
  if (reader.coordinator) return { type: "installation" };
  if (!reader.orgAdmin) return { type: "contact", contactId: reader.id, handle: reader.handle, name: reader.name };
  return { type: "organisation", organisationId: reader.organisation.id, slug: reader.organisation.slug, name: reader.organisation.name };
}

/** /digest on demand, and subscriptions, inside one unit of work. */
export class DigestService {
  private readonly db: Tx;
  private readonly clock: Clock;

  constructor(
    private readonly work: UnitOfWork,
    private readonly settings: RemindersConfig["digests"],
    /** Intake's repeat-offender window and default threshold (the cards' counts). */
    private readonly repeatOffenders?: RepeatOffenderSettings,
  ) {
    this.db = work.tx;
    this.clock = work.clock;
  }

  private read(scope: DigestScope, asOf: Date): Promise<DigestContent> {
    return readDigest(this.db, scope, asOf, { dueSoonWithinMs: this.settings.dueSoonWithin, listLimit: this.settings.listLimit, ...(this.repeatOffenders ? { repeatOffenders: this.repeatOffenders } : {}) });
  }

  /** /digest: the actor's digest now (coordinators may ask for one organisation's). */
  async show(actor: Actor, organisationSlug?: string): Promise<Outcome<DigestAnswer>> {
    const reader = await this.reader(actor, true);
    if (!reader.ok) return reader;
    let scope = scopeOf(reader.value);
    if (organisationSlug) {
      const organisation = await this.db.organisation.findFirst({ where: { slug: organisationSlug.toLowerCase(), removedAt: null }, select: { id: true, slug: true, name: true } });
      if (!organisation) return fail("not-found", `There is no organisation "${organisationSlug}".`, "Find it with /contacts find <name>.");
      if (!reader.value.coordinator && organisation.id !== reader.value.organisation.id) return fail("not-allowed", "Only coordinators may see another organisation's digest.");
      if (!reader.value.coordinator && !reader.value.orgAdmin) return fail("not-allowed", "Your digest covers your own cases; an organisation's digest is for its admins and the coordinators.", "Run /digest without --org.");
      scope = { type: "organisation", organisationId: organisation.id, slug: organisation.slug, name: organisation.name };
    }
    const content = await this.read(scope, this.clock.now());
    return ok({ content, reader: { name: reader.value.name, timeZone: reader.value.timeZone ?? reader.value.organisation.timeZone } });
  }

  /** /digest subscribe and /digest unsubscribe: coordinators are subscribed unless they opt out; admins opt in. */
  async subscribe(actor: Actor, subscribed: boolean): Promise<Outcome<DigestSubscriptionState>> {
    const reader = await this.reader(actor);
    if (!reader.ok) return reader;
    const at = this.clock.now();
    await this.db.digestSubscription.upsert({ where: { contactId: reader.value.id }, create: { contactId: reader.value.id, subscribed, updatedAt: at }, update: { subscribed, updatedAt: at } });
    this.work.record({
      actorId: reader.value.id, actor: reader.value.handle, via: identityKey(actor.identity), action: subscribed ? "digest.subscribe" : "digest.unsubscribe",
      subjectType: "contact", subjectId: reader.value.handle, result: "ok", detail: { scope: scopeOf(reader.value) },
    });
    return ok({ subscribed, scope: scopeOf(reader.value) });
  }

  /** The contact asking; `anyContact`: every contact has a digest of their own cases (subscribing is for admins). */
  private async reader(actor: Actor, anyContact = false): Promise<Outcome<Reader>> {
    const contact = actor.contact;
    if (!contact) return fail("not-linked", "Only linked contacts have a digest.");
    if (!anyContact && !contact.coordinator && !contact.orgAdmin) return fail("not-allowed", "Digests are for coordinators and organisation admins.", "Ask your organisation admin to subscribe to your organisation's digest.");
    const row = await this.db.contact.findUnique({ where: { id: contact.id }, select: READER_SELECT });
    if (!row) return fail("not-found", "Your directory entry was not found.");
    return ok(row);
  }

}

/** The scheduled digests: each due reader's digest, once per local day. */
export class DigestJob {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keys: RecordKeys,
    private readonly settings: RemindersConfig["digests"],
    /** Intake's repeat-offender window and default threshold (the cards' counts). */
    private readonly repeatOffenders?: RepeatOffenderSettings,
  ) {}

  private read(scope: DigestScope, asOf: Date): Promise<DigestContent> {
    return readDigest(this.db, scope, asOf, { dueSoonWithinMs: this.settings.dueSoonWithin, listLimit: this.settings.listLimit, ...(this.repeatOffenders ? { repeatOffenders: this.repeatOffenders } : {}) });
  }

  /** The job: sends every digest due now that was not sent today (in the reader's time zone). */
  async run(): Promise<JobReport> {
    const report: JobReport = { job: "digests", handled: 0, queued: [], notes: [] };
    const now = this.clock.now();
    const [coordinators, subscriptions] = await Promise.all([
      this.db.contact.findMany({ where: { coordinator: true, removedAt: null }, select: READER_SELECT, orderBy: { handle: "asc" } }),
      this.db.digestSubscription.findMany({ select: { contactId: true, subscribed: true } }),
    ]);
    const choice = new Map(subscriptions.map((row) => [row.contactId, row.subscribed]));
    const optedIn = subscriptions.filter((row) => row.subscribed).map((row) => row.contactId);
    const admins = await this.db.contact.findMany({ where: { id: { in: optedIn }, orgAdmin: true, coordinator: false, removedAt: null }, select: READER_SELECT, orderBy: { handle: "asc" } });
    const readers = [...coordinators.filter((reader) => choice.get(reader.id) !== false), ...admins];
    const due = readers.flatMap((reader) => {
      const zone = reader.timeZone ?? reader.organisation.timeZone;
      const today = digestDueAt(now, this.settings.at, zone, reader.organisation.workingHours);
      return today && today.dueAt <= now ? [{ reader, zone, key: `digest:${reader.id}:${today.date}` }] : [];
    });
    const sent = await prismaOutboxStorage.usedOnceKeys(this.db, due.map((entry) => entry.key));
    const contents = new Map<string, DigestContent>();
    const items: OutboxItem[] = [];
    const records: AuditRecord[] = [];
    for (const entry of due.filter((candidate) => !sent.has(candidate.key))) {
      const scope = scopeOf(entry.reader);
      const scopeKey = scope.type === "installation" ? "*" : scope.type === "contact" ? `contact:${scope.contactId}` : scope.organisationId;
      let content = contents.get(scopeKey);
      if (!content) {
        content = await this.read(scope, now);
        contents.set(scopeKey, content);
      }
      if (isEmptyDigest(content) && !this.settings.sendWhenEmpty) {
        report.notes.push(`${entry.reader.handle}: nothing to report, no digest`);
        continue;
      }
      const message = renderDigest(content, { name: entry.reader.name, timeZone: entry.zone });
      items.push({ streamKey: contactStream(entry.reader.id), destination: { type: "contact", contactId: entry.reader.id }, message, onceKey: entry.key });
      records.push({
        actorId: null, actor: "system", via: "scheduler", action: "digest.send", subjectType: "contact", subjectId: entry.reader.handle, result: "ok",
        detail: { scope: scope.type === "installation" ? "installation" : scope.type === "contact" ? scope.handle : scope.slug, overdue: content.overdue.count, dueSoon: content.dueSoon.count, unacknowledged: content.unacknowledged.count, staleContacts: content.staleContacts.count, repeatOffenders: content.repeatOffenders.count },
      });
    }
    if (items.length === 0) return report;
    const written = await this.db.$transaction(async (tx) => {
      await lockForWriting(tx);
      const fresh = await enqueueItems(tx, this.clock, items);
      await appendAuditEntries(tx, this.clock, this.keys, records.filter((_, index) => fresh.includes(items[index] as OutboxItem)));
      return fresh;
    }, TRANSACTION_OPTIONS);
    for (const item of written) {
      const handle = item.onceKey ? (records[items.indexOf(item)]?.subjectId ?? "") : "";
      report.queued.push({ subject: handle, step: "digest", to: `DM → ${handle}`, text: item.message.text });
    }
    report.handled = written.length;
    return report;
  }
}
