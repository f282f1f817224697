// The sweep: finds the cases with a reminder step due (an indexed range query on CaseReminder.nextReminderAt, so its
// cost grows with what is due, not with the number of open cases), sends what is due (after downtime, everyone the
// skipped steps would have reached gets one message saying it is late: deliveries.ts), and moves each case's
// nextReminderAt on. Every message carries a once-only key and is written in the same transaction as the case's new
// reminder state and the record.
import type { AuditRecord } from "../../audit/log.js";
import { deliverableTime, recipientCalendar } from "../../time/organisation-calendar.js";
import type { CaseKind, Priority } from "../kinds.js";
import type { RecordKeys } from "../../audit/keys.js";
import type { Clock } from "../../core/clock.js";
import type { OutboxItem } from "../../outbox/outbox.js";
import { lockForWriting, TRANSACTION_OPTIONS, type Db, type Provider } from "../../store/db.js";
import { Prisma } from "../../store/generated/sqlite/client.js";
import type { Tx } from "../../store/types.js";
import type { Pause } from "../../time/calendar.js";
import type { EscalationPolicy, StepAudience } from "./policy.js";
import type { NudgeCase } from "./messages.js";
import { deliveriesOf, type ReminderPerson } from "./deliveries.js";
import { clarificationAskedAt, dueSteps, ladderOf, nextReminderAt, type ReminderCase, type StepInstance } from "./plan.js";
import { appendAuditEntries } from "../../audit/log.js";
import { enqueueItems } from "../../outbox/outbox.js";
import type { DomainSweep, JobReport } from "../../core/job-report.js";
import { produceNudgesFrom } from "../eevidence/reminders.js";
import { numbers } from "../repository.js";

const CASE_FIELDS = {
  id: true, reference: true, kind: true, priority: true, state: true, tlp: true, topic: true, summary: true, openerOrgId: true,
  openerContactId: true, recipientOrgId: true, responsibleContactId: true, clockMode: true, clockStartAt: true, pauses: true,
  ackDurationMs: true, resolveDurationMs: true, extendedMs: true, ackDueAt: true, resolveDueAt: true, updatedAt: true,
  receivedAt: true,
} as const;

/** The select list of the due read: the case's columns (names from CASE_FIELDS, never from input) and its reminder state. */
const DUE_COLUMNS = Prisma.raw([...Object.keys(CASE_FIELDS).map((column) => `c."${column}"`), `"r"."nextReminderAt"`, `"r"."remindedUntil"`].join(", "));

/** A due case as the sweep reads it: the case and its reminder state. */
interface DueRow {
  id: string;
  reference: string;
  kind: string;
  priority: string;
  state: string;
  tlp: string;
  topic: string;
  summary: string;
  openerOrgId: string;
  openerContactId: string;
  recipientOrgId: string;
  responsibleContactId: string | null;
  clockMode: string;
  clockStartAt: Date;
  pauses: string;
  ackDurationMs: number;
  resolveDurationMs: number | null;
  extendedMs: number;
  ackDueAt: Date | null;
  resolveDueAt: Date | null;
  nextReminderAt: Date | null;
  remindedUntil: Date | null;
  updatedAt: Date;
  receivedAt: Date | null;
}


interface ThreadRow {
  id: string;
  caseId: string;
  organisationId: string;
  kind: string;
  title: string;
}

interface Person {
  id: string;
  handle: string;
  name: string;
  organisationId: string;
  timeZone: string | null;
}

interface Organisation {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  workingHours: string;
}

/** A due case and what the sweep decided for it. */
interface Planned {
  row: DueRow;
  subject: ReminderCase;
  /** The step to send (the latest due), if any. */
  step: StepInstance | undefined;
  passedOver: StepInstance[];
  next: Date | null;
}

/** Most cases claimed by one statement: 4 parameters each, far under SQLite's and PostgreSQL's parameter limits. */
const CLAIMS_PER_STATEMENT = 500;

/** A due case as it was read, and its reminder state after this sweep. */
export interface ReminderClaim {
  /** The case's id. */
  id: string;
  /** The case's updatedAt as read. */
  updatedAt: Date;
  /** As read (never null for a due case; null would match no row). */
  nextReminderAt: Date | null;
  /** The case's next nextReminderAt. */
  next: Date | null;
}

/**
 * A first row for a VALUES list of (id, timestamp, timestamp, timestamp) that matches no case and gives the
 * list's columns their types on PostgreSQL: there the columns of a VALUES list whose entries are all parameters are
 * text, and a text column cannot be compared with a TIMESTAMP(3) one. An explicit CAST(... AS TIMESTAMP(3)) would
 * break SQLite, which reads it as a NUMERIC cast of the ISO text Prisma stores ("2026-11-23T10:00:00.000+00:00"
 * becomes 2026); a NULL of the column's own type means the same on both.
 */
const TYPED_FIRST_ROW = Prisma.sql`('', (SELECT "updatedAt" FROM "Case" WHERE 1 = 0), (SELECT "nextReminderAt" FROM "CaseReminder" WHERE 1 = 0), (SELECT "nextReminderAt" FROM "CaseReminder" WHERE 1 = 0))`;

/**
 * How the claim holds the cases it found unchanged until it commits. On PostgreSQL, FOR SHARE: a change to one of
 * them that is under way (its Case row written, not yet committed) makes the claim wait for it and then look at the
 * case as changed, so it leaves it; without the lock it would read the case as it was, since the claim writes
 * CaseReminder, not Case. It also keeps the case from changing before the claim commits. The lock writes no index
 * entry: claiming 1,000 due cases, lock included, takes 27-43 ms (13-18 ms of the server's CPU) where the UPDATE of
 * "Case" it replaces took 60-75 ms (48-57 ms). SQLite has one writer at a time and the sweep's transaction holds the
 * write lock: nothing can be under way there.
 */
function unchangedLock(provider: Provider): Prisma.Sql {
  return provider === "postgresql" ? Prisma.sql`FOR SHARE OF "Case"` : Prisma.empty;
}

/**
 * Moves the reminder state of the cases that did not change since they were read (same Case.updatedAt and
 * CaseReminder.nextReminderAt) and returns their ids: one WITH ... UPDATE "CaseReminder" ... FROM ... RETURNING per
 * CLAIMS_PER_STATEMENT cases (SQLite 3.35 or later, and PostgreSQL). Each "claim" row is (case id, updatedAt read,
 * nextReminderAt read, new nextReminderAt). The dates are bound as parameters, which the driver adapters write
 * exactly as the client writes them (SQLite: ISO text, compared as text; PostgreSQL: timestamps). Rows are listed in
 * id order. On PostgreSQL a concurrent sweep's claim of the same cases waits for this transaction and then finds
 * nextReminderAt moved on, so it claims none of them; a concurrent change of a case: see unchangedLock.
 */
export async function claimDueCases(tx: Tx, provider: Provider, claims: readonly ReminderClaim[], now: Date): Promise<Set<string>> {
  const claimed = new Set<string>();
  const ordered = [...claims].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let start = 0; start < ordered.length; start += CLAIMS_PER_STATEMENT) {
    const rows = ordered.slice(start, start + CLAIMS_PER_STATEMENT).map((claim) => Prisma.sql`(${claim.id}, ${claim.updatedAt}, ${claim.nextReminderAt}, ${claim.next})`);
    const updated = await tx.$queryRaw<{ caseId: string }[]>`WITH "claim" ("caseId", "updatedAt", "nextReminderAt", "next") AS (VALUES ${TYPED_FIRST_ROW}, ${Prisma.join(rows)}),
      "unchanged" AS (SELECT "claim".* FROM "claim" JOIN "Case" ON "Case"."id" = "claim"."caseId" AND "Case"."updatedAt" = "claim"."updatedAt" ${unchangedLock(provider)})
      UPDATE "CaseReminder" SET "nextReminderAt" = "unchanged"."next", "remindedUntil" = ${now}
      FROM "unchanged"
      WHERE "CaseReminder"."caseId" = "unchanged"."caseId" AND "CaseReminder"."nextReminderAt" = "unchanged"."nextReminderAt"
      RETURNING "CaseReminder"."caseId"`;
    for (const row of updated) claimed.add(row.caseId);
  }
  return claimed;
}

/** Most batches one sweep handles before it leaves the rest to the next run. */
const MAX_BATCHES = 50;

/** Runs the reminder sweep. */
export class ReminderSweep implements DomainSweep {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly clock: Clock,
    private readonly keys: RecordKeys,
    private readonly policy: EscalationPolicy,
    private readonly batchSize: number,
  ) {}

  /** Handles every case with a step due now; returns what was queued. */
  async run(): Promise<JobReport> {
    const now = this.clock.now();
    const report: JobReport = { job: "sweep", handled: 0, queued: [], notes: [] };
    for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
      const rows = await this.dueCases(now);
      if (rows.length === 0) break;
      await this.handleBatch(rows, now, report);
      if (rows.length < this.batchSize) break;
    }
    return report;
  }

  /**
   * The cases with work due, oldest first, in one statement: a range read of the CaseReminder.nextReminderAt index for
   * the first batchSize, then each one's case by id. The model query (reminders with their case) takes two, the second
   * naming every case id: 1,000 due cases on PostgreSQL, about 20 ms of the client's CPU against 6-13 ms this way.
   * MATERIALIZED keeps the first part apart: joined directly, PostgreSQL 15 read CaseReminder whole with a parallel
   * worker to share the look-ups of Case (100,000 cases: 9-13 ms of execution against 5 ms).
   */
  private async dueCases(now: Date): Promise<DueRow[]> {
    const rows = await this.db.$queryRaw<DueRow[]>`WITH "r" AS MATERIALIZED (SELECT "caseId", "nextReminderAt", "remindedUntil" FROM "CaseReminder"
        WHERE "nextReminderAt" <= ${now} ORDER BY "nextReminderAt" LIMIT ${this.batchSize})
      SELECT ${DUE_COLUMNS} FROM "r" JOIN "Case" c ON c."id" = "r"."caseId" ORDER BY "r"."nextReminderAt"`;
    return rows.map(numbers);
  }

  /** The case threads of the given cases. */
  private async threadsOf(caseIds: readonly string[]): Promise<ThreadRow[]> {
    if (caseIds.length === 0) return [];
    return this.db.caseThread.findMany({ where: { caseId: { in: [...caseIds] } }, select: { id: true, caseId: true, organisationId: true, kind: true, title: true } });
  }

  private async handleBatch(rows: DueRow[], now: Date, report: JobReport): Promise<void> {
    const organisations = await this.organisations(rows.flatMap((row) => [row.openerOrgId, row.recipientOrgId]));
    const holds = await this.produceHolds(rows);
    const planned = rows.map((row) => this.planCase(row, organisations, now, holds.get(row.id)));
    const withStep = planned.filter((entry) => entry.step);
    // Every due step's audience, and the fallbacks (backup, escalation, coordinators) for audiences with nobody.
    const audiences = new Set<StepAudience>(withStep.length > 0 ? ["backup", "escalation", "coordinators"] : []);
    for (const entry of withStep) for (const step of [...entry.passedOver, entry.step as StepInstance]) for (const audience of step.rule.to) audiences.add(audience);
    const threadList = audiences.has("threads") || audiences.has("recipient-thread") ? await this.threadsOf(withStep.map((entry) => entry.row.id)) : [];
    const threads = new Map<string, ThreadRow[]>();
    for (const thread of threadList) threads.set(thread.caseId, [...(threads.get(thread.caseId) ?? []), thread]);
    const roleHolders = await this.roleHolders(withStep, audiences);
    const coordinators = audiences.has("coordinators") ? await this.db.contact.findMany({ where: { coordinator: true, removedAt: null }, select: PERSON_FIELDS, orderBy: { handle: "asc" } }) : [];
    const people = await this.people(withStep.flatMap((entry) => [entry.row.responsibleContactId, entry.row.openerContactId]));
    const moreOrganisations = await this.organisations([...coordinators, ...roleHolders.map((holder) => holder.contact), ...people.values()].map((person) => person.organisationId).filter((id) => !organisations.has(id)));
    for (const [id, organisation] of moreOrganisations) organisations.set(id, organisation);

    const itemsByCase = new Map<string, OutboxItem[]>();
    const labels = new Map<OutboxItem, { label: string; step: string }>();
    for (const entry of withStep) {
      const { row } = entry;
      // A person's time zone (else their organisation's), and when a working-hours reminder may reach them.
      const person = (found: Person | undefined): ReminderPerson | undefined => {
        if (!found) return undefined;
        const organisation = organisations.get(found.organisationId);
        const timeZone = found.timeZone ?? organisation?.timeZone ?? "UTC";
        const notBefore = row.clockMode === "continuous" || !organisation ? undefined : deliverableTime(now, recipientCalendar({ ...organisation, timeZone }), this.policy.quietHours);
        return { ...found, timeZone, ...(notBefore ? { notBefore } : {}) };
      };
      const holders = (role: string) => roleHolders.filter((holder) => holder.role === role && holder.topic === row.topic && holder.contact.organisationId === row.recipientOrgId).map((holder) => person(holder.contact) as ReminderPerson);
      const deliveries = deliveriesOf(this.nudgeCase(row, organisations, people), [...entry.passedOver, entry.step as StepInstance], {
        caseId: row.id, recipientOrgId: row.recipientOrgId,
        responsible: person(people.get(row.responsibleContactId ?? "")), opener: person(people.get(row.openerContactId)),
        backup: holders("backup"), escalation: holders("escalation"), coordinators: coordinators.map((coordinator) => person(coordinator) as ReminderPerson),
        threads: threads.get(row.id) ?? [],
      }, now);
      report.notes.push(...deliveries.notes);
      for (const [item, label] of deliveries.labels) labels.set(item, { label, step: deliveries.steps.get(item) ?? "" });
      itemsByCase.set(row.id, deliveries.items);
    }
    await this.commit(planned, itemsByCase, labels, now, report);
  }

  /** Writes the batch: each case's new reminder state (only if the case did not change meanwhile), its messages and its record. */
  private async commit(planned: Planned[], itemsByCase: Map<string, OutboxItem[]>, labels: Map<OutboxItem, { label: string; step: string }>, now: Date, report: JobReport): Promise<void> {
    const sorted = [...planned].sort((a, b) => (a.row.id < b.row.id ? -1 : 1));
    await this.db.$transaction(async (tx) => {
      await lockForWriting(tx);
      const claimedIds = await claimDueCases(tx, this.provider, sorted.map((entry) => ({ id: entry.row.id, updatedAt: entry.row.updatedAt, nextReminderAt: entry.row.nextReminderAt, next: entry.next })), now);
      const claimed = sorted.filter((entry) => claimedIds.has(entry.row.id));
      const items = claimed.flatMap((entry) => itemsByCase.get(entry.row.id) ?? []);
      const written = new Set(await enqueueItems(tx, this.clock, items));
      // One record entry per case reminded (so /case history shows it), written with one statement per batch.
      const records: AuditRecord[] = [];
      for (const entry of claimed) {
        if (!entry.step) continue;
        const planned = itemsByCase.get(entry.row.id) ?? [];
        const sent = planned.filter((item) => written.has(item));
        if (sent.length === 0 && planned.length > 0) continue;
        records.push({
          actorId: null, actor: "system", via: "scheduler", action: "case.reminder", subjectType: "case", subjectId: entry.row.reference, caseId: entry.row.id, result: "ok",
          detail: { asOf: now, step: entry.step.rule.step, of: entry.step.of, deadline: entry.step.deadline, to: sent.map((item) => labels.get(item)?.label ?? ""), caughtUp: entry.passedOver.map((step) => step.rule.step) },
        });
        for (const item of sent) report.queued.push({ subject: entry.row.reference, step: labels.get(item)?.step ?? entry.step.rule.step, to: labels.get(item)?.label ?? "", text: item.message.text });
      }
      await appendAuditEntries(tx, this.clock, this.keys, records);
      report.handled += claimed.length;
    }, TRANSACTION_OPTIONS);
  }

  /** For European production orders: from when the resolve steps may nudge the addressee (eevidence/reminders.ts). */
  private async produceHolds(rows: readonly DueRow[]): Promise<Map<string, Date>> {
    const ids = rows.filter((row) => row.kind === "production-order").map((row) => row.id);
    const holds = new Map<string, Date>();
    if (ids.length === 0) return holds;
    const received = new Map(rows.map((row) => [row.id, row.receivedAt]));
    for (const order of await this.db.evidenceOrder.findMany({ where: { caseId: { in: ids } } })) {
      const from = produceNudgesFrom(order, received.get(order.caseId) ?? null);
      if (from) holds.set(order.caseId, from);
    }
    return holds;
  }

  /**
   * What the sweep does with one due case: the latest due step, the steps passed over, and the next time. `holdUntil`
   * drops the resolve steps sent before it: Art. 10(2) of Regulation (EU) 2023/1543 has the addressee of a notified
   * production order transmit "at the end of that 10-day period" unless the enforcing authority confirms earlier, so
   * no reminder nudges it to produce before then.
   */
  private planCase(row: DueRow, organisations: Map<string, Organisation>, now: Date, holdUntil?: Date): Planned {
    const recipient = organisations.get(row.recipientOrgId);
    const subject: ReminderCase = {
      kind: row.kind as CaseKind, priority: row.priority as Priority, clockMode: row.clockMode as ReminderCase["clockMode"], clockStartAt: row.clockStartAt,
      pauses: (JSON.parse(row.pauses) as { from: string; to?: string }[]).map((pause): Pause => ({ from: new Date(pause.from), ...(pause.to ? { to: new Date(pause.to) } : {}) })),
      ackDurationMs: row.ackDurationMs, resolveDurationMs: row.resolveDurationMs, extendedMs: row.extendedMs, ackDueAt: row.ackDueAt, resolveDueAt: row.resolveDueAt,
      recipient: { timeZone: recipient?.timeZone ?? "UTC", workingHours: recipient?.workingHours ?? "24/7" },
    };
    subject.clarificationAskedAt = clarificationAskedAt(row.state, subject.pauses);
    const ladder = ladderOf(this.policy, subject).filter((step) => !(holdUntil && step.of === "resolve" && step.sendAt.getTime() < holdUntil.getTime()));
    const due = dueSteps(ladder, row.remindedUntil ?? new Date(0), now);
    return { row, subject, step: due[due.length - 1], passedOver: due.slice(0, -1), next: nextReminderAt(ladder, now) };
  }

  private nudgeCase(row: DueRow, organisations: Map<string, Organisation>, people: Map<string, Person>): NudgeCase {
    const opener = organisations.get(row.openerOrgId);
    const recipient = organisations.get(row.recipientOrgId);
    const responsible = row.responsibleContactId ? people.get(row.responsibleContactId) : undefined;
    return {
      reference: row.reference, kind: row.kind as CaseKind, state: row.state, tlp: row.tlp as NudgeCase["tlp"], topic: row.topic, summary: row.summary,
      opener: { slug: opener?.slug ?? "?", name: opener?.name ?? "?" },
      recipient: { slug: recipient?.slug ?? "?", name: recipient?.name ?? "?", timeZone: recipient?.timeZone ?? "UTC" },
      responsible: responsible ? { handle: responsible.handle, name: responsible.name } : null,
    };
  }

  private async organisations(ids: readonly string[]): Promise<Map<string, Organisation>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db.organisation.findMany({ where: { id: { in: unique } }, select: { id: true, slug: true, name: true, timeZone: true, workingHours: true, country: true, holidays: true, publicHolidays: true } });
    return new Map(rows.map((row) => [row.id, row]));
  }

  private async people(ids: readonly (string | null)[]): Promise<Map<string, Person>> {
    const unique = [...new Set(ids.filter((id): id is string => id !== null))];
    if (unique.length === 0) return new Map();
    const rows = await this.db.contact.findMany({ where: { id: { in: unique }, removedAt: null }, select: PERSON_FIELDS });
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** The recipients' backup and escalation contacts for the cases' topics, when a due step needs them. */
  private async roleHolders(entries: Planned[], audiences: Set<StepAudience>): Promise<{ role: string; topic: string; contact: Person }[]> {
    const roles = (["backup", "escalation"] as const).filter((role) => audiences.has(role));
    if (roles.length === 0 || entries.length === 0) return [];
    return this.db.contactRole.findMany({
      where: { role: { in: roles }, topic: { in: [...new Set(entries.map((entry) => entry.row.topic))] }, contact: { organisationId: { in: [...new Set(entries.map((entry) => entry.row.recipientOrgId))] }, removedAt: null } },
      select: { role: true, topic: true, contact: { select: PERSON_FIELDS } },
      orderBy: { contact: { handle: "asc" } },
    });
  }
}

const PERSON_FIELDS = { id: true, handle: true, name: true, organisationId: true, timeZone: true } as const;
