import { appendAudit, appendAuditNow } from "../audit/log.js";
import { identityKey, type EventLocation } from "../core/adapter.js";
import type { Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import type { OutboundMessage, Tlp } from "../core/message.js";
import { fail, ok, type Failure, type Outcome as Result } from "../core/result.js";
import { auditActor, type Actor } from "../core/actor.js";
import type { Topic } from "../directory/model.js";
import { enqueue, threadStream, type OutboxItem } from "../outbox/outbox.js";
import { nextCounterValue } from "../outbox/counter.js";
import type { Db } from "../store/db.js";
import type { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";
import type { ReminderPlanner, ReminderState } from "./reminders/plan.js";
import type { Pause } from "../time/calendar.js";
import { caseDeadlines, recipientCalendar } from "./clock.js";
import { KIND_INFO, parseCaseFields, type CaseFields, type CaseKind, type Priority } from "./kinds.js";
import { ACTIVE_STATES, applyCaseAction, type CaseAction, type CaseLifecycleState, type CaseRole, type CaseState } from "./lifecycle.js";
import { clockRule, kindDefaults, mayOpen, type CasePolicy } from "./policy.js";
import { renderCard } from "./render.js";
import type { CasePartyView, CasePersonView, CaseView, Disclosure } from "./view.js";

/** A request to open a case. */
export interface OpenCaseRequest {
  kind: CaseKind;
  recipientSlug: string;
  priority?: Priority;
  tlp?: Tlp;
  /** The kind's form, not yet validated. */
  fields: Record<string, unknown>;
}

/** A case together with what the viewer may see of it. */
export interface VisibleCase {
  view: CaseView;
  disclosure: Disclosure;
  roles: CaseRole[];
  /** The time the view was taken, for "due in ..." texts. */
  asOf: Date;
}

type CaseRow = Awaited<ReturnType<Db["case"]["findFirstOrThrow"]>>;

const ROLE_ORDER = ["primary", "backup", "escalation"];

/** A short text of what a case asks, for lists (never shown for TLP:RED to people who are not named). */
function summarise(kind: CaseKind, fields: CaseFields): string {
  const values = fields as Record<string, unknown>;
  const urls = Array.isArray(values.urls) ? (values.urls as string[]) : [];
  if (urls.length > 0) return urls.length === 1 ? (urls[0] ?? "") : `${urls[0]} and ${urls.length - 1} more`;
  const target = typeof values.target === "string" ? values.target : typeof values.reason === "string" ? values.reason : KIND_INFO[kind].label;
  return target.length > 120 ? `${target.slice(0, 117)}...` : target;
}

/** The reference of a case: prefix, year and a number, e.g. N-2026-0042. */
async function nextReference(tx: Tx, kind: CaseKind, at: Date): Promise<string> {
  const prefix = KIND_INFO[kind].prefix;
  const year = at.getUTCFullYear();
  const number = await nextCounterValue(tx, `case:${prefix}-${year}`);
  return `${prefix}-${year}-${String(number).padStart(4, "0")}`;
}

/** Opens cases, moves them through their lifecycle and answers questions about them; every change is recorded. */
export class CaseService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: CasePolicy,
    /** Keeps each case's next reminder time (src/reminders); without it cases get no reminders. */
    private readonly reminders?: ReminderPlanner,
  ) {}

  /** Opens a case from the actor's organisation to the recipient, opens every party's thread, and starts the clock. */
  async open(actor: Actor, request: OpenCaseRequest): Promise<Result<VisibleCase>> {
    const contact = actor.contact;
    if (!contact) return fail("not-linked", "Only a linked contact can open a case.");
    const info = KIND_INFO[request.kind];
    if (!mayOpen(this.policy, request.kind, contact.organisationKind)) {
      const openers = this.policy.kinds[request.kind].openers;
      return fail("not-allowed", `A ${contact.organisationKind} organisation cannot issue a ${info.label.toLowerCase()}.`, `Issued by: ${Array.isArray(openers) ? openers.join(", ") : "anyone"} (case policy).`);
    }
    // The recipient and the opener's own organisation in one query (the card shows both).
    const organisations = await this.db.organisation.findMany({ where: { OR: [{ slug: request.recipientSlug.toLowerCase(), removedAt: null }, { id: contact.organisationId }] } });
    const recipient = organisations.find((organisation) => organisation.slug === request.recipientSlug.toLowerCase() && organisation.removedAt === null);
    const openerOrganisation = organisations.find((organisation) => organisation.id === contact.organisationId);
    if (!recipient || !openerOrganisation) return fail("not-found", `There is no organisation "${request.recipientSlug}".`, "Find it with /contacts find <name, domain or IP>.");
    if (recipient.id === contact.organisationId) return fail("bad-arguments", "A case goes to another organisation, not your own.");
    const parsed = parseCaseFields(request.kind, request.fields);
    if (!parsed.ok) return fail("bad-arguments", `The ${info.label.toLowerCase()} is incomplete:\n${parsed.problems.join("\n")}`);
    const defaults = kindDefaults(this.policy, request.kind);
    const trusted = (parsed.fields as { trustedFlagger?: boolean }).trustedFlagger === true;
    const priority = request.priority ?? (trusted && defaults.priority === "normal" ? "high" : defaults.priority);
    const tlp = request.tlp ?? defaults.tlp;
    const rule = clockRule(this.policy, request.kind, priority, contact.organisationSlug, recipient.slug);
    const at = this.clock.now();
    const responsible = await this.responsibleFor(recipient.id, defaults.topic);
    const created = await this.db.$transaction(async (tx) => {
      const reference = await nextReference(tx, request.kind, at);
      const deadlines = caseDeadlines({
        mode: rule.mode, clockStartAt: at, acknowledgedAt: null, active: true, acknowledgeMs: rule.acknowledgeMs,
        resolveMs: rule.resolveMs, extendedMs: 0, pauses: [], calendar: recipientCalendar(recipient.timeZone, recipient.workingHours),
      });
      const row = await tx.case.create({
        data: {
          id: newId(), reference, kind: request.kind, priority, state: "open", tlp, topic: defaults.topic,
          openerOrgId: contact.organisationId, openerContactId: contact.id, recipientOrgId: recipient.id,
          responsibleContactId: responsible?.id ?? null, summary: summarise(request.kind, parsed.fields),
          fields: JSON.stringify(parsed.fields), openedAt: at, clockMode: rule.mode, ackDueAt: deadlines.ackDueAt,
          resolveDueAt: deadlines.resolveDueAt, clockStartAt: at, ackDurationMs: rule.acknowledgeMs,
          resolveDurationMs: rule.resolveMs, updatedAt: at,
          ...this.planReminders({
            kind: request.kind, priority, clockMode: rule.mode, clockStartAt: at, pauses: [], ackDurationMs: rule.acknowledgeMs,
            resolveDurationMs: rule.resolveMs, extendedMs: 0, ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt, recipient,
          }, at),
        },
      });
      const threads = await this.createThreads(tx, row, [
        { organisationId: contact.organisationId, slug: contact.organisationSlug, contactIds: [contact.id] },
        { organisationId: recipient.id, slug: recipient.slug, contactIds: responsible ? [responsible.id] : [] },
      ]);
      const view = viewFrom(row, { opener: openerOrganisation, recipient, openerContact: contact, responsible: responsible ?? null });
      await enqueue(
        tx,
        this.clock,
        threads.map((thread) => ({
          streamKey: threadStream(thread.id),
          destination: { type: "open-case-thread", caseThreadId: thread.id },
          message: renderCard(view, at, thread.organisationId === recipient.id ? "recipient" : "opener"),
        })),
      );
      await appendAudit(tx, this.clock, {
        ...auditActor(actor), action: "case.open", subjectType: "case", subjectId: reference, caseId: row.id, result: "ok",
        detail: { kind: request.kind, recipient: recipient.slug, priority, tlp, fields: parsed.fields, ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt },
      });
      return view;
    });
    return ok({ view: created, disclosure: "full", roles: ["opener"], asOf: at });
  }

  /**
   * Creates each party's thread: in its case channel for the topic; by direct message to the named contacts when
   * the case is TLP:RED or the organisation has no case channel.
   */
  private async createThreads(tx: Tx, row: CaseRow, parties: { organisationId: string; slug: string; contactIds: string[] }[]): Promise<{ id: string; organisationId: string }[]> {
    const rows: Prisma.CaseThreadCreateManyInput[] = [];
    const allChannels =
      row.tlp === "RED" ? [] : await tx.caseChannel.findMany({ where: { organisationId: { in: parties.map((party) => party.organisationId) }, topic: { in: [row.topic, "*"] } } });
    for (const party of parties) {
      const channels = allChannels.filter((candidate) => candidate.organisationId === party.organisationId);
      const channel = channels.find((candidate) => candidate.topic === row.topic) ?? channels[0];
      const title = `${row.reference} @ ${party.slug}`;
      if (row.tlp !== "RED" && channel) {
        rows.push({ id: newId(), caseId: row.id, organisationId: party.organisationId, kind: "channel", platform: channel.platform, workspace: channel.workspace, channelId: channel.channelId, title });
        continue;
      }
      for (const contactId of party.contactIds) {
        const handle = (await tx.contact.findUniqueOrThrow({ where: { id: contactId }, select: { handle: true } })).handle;
        rows.push({ id: newId(), caseId: row.id, organisationId: party.organisationId, kind: "direct", contactId, platform: "console", channelId: "", title: `${row.reference} → ${handle}` });
      }
    }
    // One insert for all threads.
    if (rows.length > 0) await tx.caseThread.createMany({ data: rows });
    return rows.map((thread) => ({ id: thread.id as string, organisationId: thread.organisationId }));
  }

  /**
   * A TLP:RED case goes to the named people only: when the responsible contact changes, the new one gets a direct
   * thread with the card, and the former one's direct thread is removed (unless they opened the case).
   */
  private async moveRedThread(tx: Tx, row: CaseRow, view: CaseView, formerContactId: string | null, at: Date): Promise<void> {
    const contactId = row.responsibleContactId;
    if (contactId && !(await tx.caseThread.findFirst({ where: { caseId: row.id, kind: "direct", contactId } }))) {
      await this.createThreads(tx, row, [{ organisationId: row.recipientOrgId, slug: view.recipient.slug, contactIds: [contactId] }]);
      const thread = await tx.caseThread.findFirstOrThrow({ where: { caseId: row.id, kind: "direct", contactId } });
      await enqueue(tx, this.clock, [{ streamKey: threadStream(thread.id), destination: { type: "open-case-thread", caseThreadId: thread.id }, message: renderCard(view, at, "recipient") }]);
    }
    if (formerContactId && formerContactId !== contactId && formerContactId !== row.openerContactId) {
      await tx.caseThread.deleteMany({ where: { caseId: row.id, kind: "direct", contactId: formerContactId } });
    }
  }

  /** The recipient's point of contact for the topic: primary before backup before escalation, verified first. */
  private async responsibleFor(organisationId: string, topic: Topic): Promise<CasePersonView | undefined> {
    const roles = await this.db.contactRole.findMany({
      where: { topic, contact: { organisationId, removedAt: null } },
      include: { contact: { select: { id: true, handle: true, name: true, verification: true } } },
    });
    roles.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || Number(b.contact.verification === "verified") - Number(a.contact.verification === "verified"));
    if (roles[0]) return { id: roles[0].contact.id, handle: roles[0].contact.handle, name: roles[0].contact.name };
    const admin = await this.db.contact.findFirst({ where: { organisationId, removedAt: null, orgAdmin: true }, select: { id: true, handle: true, name: true } });
    return admin ?? undefined;
  }

  /** The case of a case thread (by the case's id); checks the actor may see it. */
  async findById(actor: Actor, caseId: string): Promise<Result<VisibleCase>> {
    const row = await this.db.case.findUnique({ where: { id: caseId } });
    if (!row) return fail("not-found", "This case no longer exists.");
    return this.visible(actor, row);
  }

  /** Finds a case by reference, or by the thread the command was typed in; checks the actor may see it. */
  async find(actor: Actor, reference: string | undefined): Promise<Result<VisibleCase>> {
    let row: CaseRow | null = null;
    if (reference) {
      row = await this.db.case.findUnique({ where: { reference: reference.toUpperCase() } });
      if (!row) return fail("not-found", `There is no case ${reference.toUpperCase()}.`, "References look like N-2026-0042; see your cases with /case list.");
    } else {
      const location = actor.location;
      const thread = location ? await this.threadAt(location) : undefined;
      if (!thread) return fail("bad-arguments", "Which case? Give its reference (e.g. N-2026-0042), or type the command in the case's thread.");
      row = await this.db.case.findUniqueOrThrow({ where: { id: thread.caseId } });
    }
    return this.visible(actor, row);
  }

  /** What the actor may see of a case, or a refusal. */
  private async visible(actor: Actor, row: CaseRow): Promise<Result<VisibleCase>> {
    const contact = actor.contact;
    if (!contact) return fail("not-linked", "Only linked contacts can see cases.");
    const roles: CaseRole[] = [];
    if (contact.organisationId === row.openerOrgId) roles.push("opener");
    if (contact.organisationId === row.recipientOrgId) roles.push("recipient");
    if (contact.coordinator) roles.push("coordinator");
    if (roles.length === 0) return fail("not-allowed", `${row.reference} is between other organisations; only its parties and coordinators can see it.`);
    const named = contact.id === row.openerContactId || contact.id === row.responsibleContactId;
    const disclosure: Disclosure = row.tlp === "RED" && !named ? "metadata" : "full";
    return ok({ view: await this.viewOf(this.db, row), disclosure, roles, asOf: this.clock.now() });
  }

  /** Applies an action to a case the actor may act on; updates every party's thread and the record. */
  async act(actor: Actor, reference: string | undefined, action: CaseAction, describe: (view: CaseView) => string): Promise<Result<VisibleCase>> {
    const found = await this.find(actor, reference);
    if (!found.ok) return this.refuse(actor, reference, action, found);
    const { view, roles } = found.value;
    if (action.type === "reassign") {
      const target = await this.db.contact.findFirst({ where: { id: action.contactId, organisationId: view.recipient.id, removedAt: null } });
      if (!target) return this.refuse(actor, view.reference, action, fail("bad-arguments", `The responsible contact must be a contact of ${view.recipient.slug}.`), view.id);
    }
    const rule = clockRule(this.policy, view.kind, view.priority, view.opener.slug, view.recipient.slug);
    const at = this.clock.now();
    const before = lifecycleOf(view);
    const applied = applyCaseAction(before, action, roles, at, rule);
    if (!applied.ok) return this.refuse(actor, view.reference, action, applied, view.id);
    const next = applied.value;
    const recipient = await this.db.organisation.findUniqueOrThrow({ where: { id: view.recipient.id } });
    const deadlines = caseDeadlines({
      mode: view.clockMode, clockStartAt: next.clockStartAt, acknowledgedAt: next.acknowledgedAt,
      active: ACTIVE_STATES.includes(next.state), acknowledgeMs: view.ackDurationMs, resolveMs: view.resolveDurationMs,
      extendedMs: next.extendedMs, pauses: next.pauses, calendar: recipientCalendar(recipient.timeZone, recipient.workingHours),
    });
    const reminders = this.reminders
      ? this.planReminders(
          {
            kind: view.kind, priority: view.priority, clockMode: view.clockMode, clockStartAt: next.clockStartAt, pauses: next.pauses,
            ackDurationMs: view.ackDurationMs, resolveDurationMs: view.resolveDurationMs, extendedMs: next.extendedMs,
            ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt, recipient,
          },
          at,
          { ackDueAt: view.ackDueAt, resolveDueAt: view.resolveDueAt, remindedUntil: (await this.db.case.findUnique({ where: { id: view.id }, select: { remindedUntil: true } }))?.remindedUntil ?? null },
        )
      : {};
    const result = await this.db.$transaction(async (tx) => {
      const updated = await tx.case.updateMany({
        where: { id: view.id, state: view.state, updatedAt: view.updatedAt },
        data: {
          state: next.state, stateBeforeClarification: next.stateBeforeClarification, acknowledgedAt: next.acknowledgedAt,
          resolvedAt: next.resolvedAt, closedAt: next.closedAt, outcome: next.outcome, outcomeReason: next.outcomeReason,
          clockStartAt: next.clockStartAt, pauses: JSON.stringify(next.pauses), extendedMs: next.extendedMs,
          responsibleContactId: next.responsibleContactId, ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt, updatedAt: at,
          ...reminders,
        },
      });
      if (updated.count === 0) return undefined;
      const row = await tx.case.findUniqueOrThrow({ where: { id: view.id } });
      const after = await this.viewOf(tx, row);
      if (action.type === "reassign" && row.tlp === "RED") await this.moveRedThread(tx, row, after, before.responsibleContactId, at);
      const note = describe(after);
      const author = actor.contact ? `${actor.contact.name} (${actor.contact.organisationName})` : "Liaison";
      await this.postToThreads(tx, after, { text: `${note}\n— ${author}`, tone: "info", tlp: after.tlp });
      await appendAudit(tx, this.clock, {
        ...auditActor(actor), action: `case.${action.type}`, subjectType: "case", subjectId: view.reference, caseId: view.id, result: "ok",
        detail: { action, before: { state: before.state, ackDueAt: view.ackDueAt, resolveDueAt: view.resolveDueAt }, after: { state: next.state, ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt } },
      });
      return after;
    });
    if (!result) return fail("conflict", `${view.reference} changed while you acted on it.`, "Look at it again with /case status, then retry.");
    return ok({ ...found.value, view: result, asOf: at });
  }

  /** The reminder columns after a change (none without a planner). */
  private planReminders(after: Parameters<ReminderPlanner["plan"]>[0]["after"], at: Date, before?: Parameters<ReminderPlanner["plan"]>[0]["before"]): Partial<ReminderState> {
    if (!this.reminders) return {};
    return this.reminders.plan({ after, at, ...(before ? { before } : {}) });
  }

  /** Records a refused message in a case thread (who tried to write where, and why not; not what they wrote). */
  async refuseMessage(actor: Actor, reference: string | undefined, failure: Failure, caseId?: string): Promise<void> {
    await this.refuse(actor, reference, { type: "message" }, failure, caseId);
  }

  /** Records a refusal (who tried what, and why not) and returns it. */
  private async refuse<T>(actor: Actor, reference: string | undefined, action: CaseAction | { type: "message" }, failure: Result<T> & { ok: false }, caseId?: string): Promise<Result<T>> {
    await appendAuditNow(this.db, this.clock, [
      {
        ...auditActor(actor), action: `case.${action.type}`, subjectType: "case", subjectId: reference ?? "(none)", caseId: caseId ?? null,
        result: `refused:${failure.code}`, detail: { action, reason: failure.message },
      },
    ]);
    return failure;
  }

  /**
   * Relays what a party wrote to the other parties' threads as "Name (Organisation): text", once per inbound event.
   * `fromThreadId` is the thread it was written in (not posted back there); without it, it is posted to every thread.
   */
  async relay(actor: Actor, found: VisibleCase, text: string, source: { inboundKey: string; fromThreadId?: string }): Promise<Result<{ relayedTo: number; duplicate: boolean }>> {
    const contact = actor.contact;
    if (!contact) return fail("not-linked", "Only linked contacts can write in cases.");
    const { view } = found;
    if (found.disclosure !== "full") return fail("not-allowed", `${view.reference} is TLP:RED: only the named people write in it.`);
    const at = this.clock.now();
    const result = await this.db.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`INSERT INTO "CaseMessage" ("id", "caseId", "fromThreadId", "authorId", "text", "at", "inboundKey") VALUES (${newId()}, ${view.id}, ${source.fromThreadId ?? ""}, ${contact.id}, ${text}, ${at}, ${source.inboundKey}) ON CONFLICT ("inboundKey") DO NOTHING`;
      if (inserted === 0) return { relayedTo: 0, duplicate: true };
      const threads = await tx.caseThread.findMany({ where: { caseId: view.id } });
      const targets = threads.filter((thread) => thread.id !== source.fromThreadId);
      const message: OutboundMessage = { text: `${contact.name} (${contact.organisationName}): ${text}`, tlp: view.tlp };
      await enqueue(tx, this.clock, targets.map((thread) => ({ streamKey: threadStream(thread.id), destination: { type: "case-thread", caseThreadId: thread.id }, message })));
      await appendAudit(tx, this.clock, {
        ...auditActor(actor), action: "case.message", subjectType: "case", subjectId: view.reference, caseId: view.id, result: "ok",
        detail: { text, relayedTo: targets.map((thread) => thread.title) },
      });
      return { relayedTo: targets.length, duplicate: false };
    });
    return ok(result);
  }

  /** The case thread at a platform location, when there is one. */
  async threadAt(location: Pick<EventLocation, "platform" | "workspace" | "channelId" | "threadId">): Promise<{ id: string; caseId: string; organisationId: string } | undefined> {
    if (!location.threadId) return undefined;
    const threads = await this.db.caseThread.findMany({
      where: { platform: location.platform, threadId: location.threadId },
      select: { id: true, caseId: true, organisationId: true, channelId: true, workspace: true },
    });
    // Thread ids are unique per channel (a Slack ts), so the channel decides; the console has one channel for all.
    const thread =
      threads.find((candidate) => candidate.channelId === location.channelId && candidate.workspace === location.workspace) ??
      (location.platform === "console" && threads.length === 1 ? threads[0] : undefined);
    return thread ? { id: thread.id, caseId: thread.caseId, organisationId: thread.organisationId } : undefined;
  }

  /** The actor's organisation's thread of a case (for messages addressed to a case by reference). */
  async partyThread(caseId: string, organisationId: string): Promise<string | undefined> {
    const thread = await this.db.caseThread.findFirst({ where: { caseId, organisationId }, select: { id: true } });
    return thread?.id;
  }

  /** Writes one message to every thread of the case (through the outbox). */
  async postToThreads(tx: Tx, view: CaseView, message: OutboundMessage, exceptThreadId?: string): Promise<void> {
    const threads = await tx.caseThread.findMany({ where: { caseId: view.id } });
    const items: OutboxItem[] = threads
      .filter((thread) => thread.id !== exceptThreadId)
      .map((thread) => ({ streamKey: threadStream(thread.id), destination: { type: "case-thread", caseThreadId: thread.id }, message }));
    await enqueue(tx, this.clock, items);
  }

  /** Builds the view of a stored case. */
  async viewOf(db: Tx | Db, row: CaseRow): Promise<CaseView> {
    // Two queries (both organisations, both people) rather than four: this runs on every case command and message.
    const [organisations, people] = await Promise.all([
      db.organisation.findMany({ where: { id: { in: [row.openerOrgId, row.recipientOrgId] } } }),
      db.contact.findMany({ where: { id: { in: row.responsibleContactId ? [row.openerContactId, row.responsibleContactId] : [row.openerContactId] } } }),
    ]);
    const opener = organisations.find((organisation) => organisation.id === row.openerOrgId);
    const recipient = organisations.find((organisation) => organisation.id === row.recipientOrgId);
    const openerContact = people.find((person) => person.id === row.openerContactId);
    const responsible = people.find((person) => person.id === row.responsibleContactId) ?? null;
    if (!opener || !recipient || !openerContact) throw new Error(`case ${row.reference} refers to a missing organisation or contact`);
    return viewFrom(row, { opener, recipient, openerContact, responsible });
  }
}

/** A case's view from its row and its parties (no queries). */
function viewFrom(row: CaseRow, parties: { opener: CasePartyView; recipient: CasePartyView; openerContact: CasePersonView; responsible: CasePersonView | null }): CaseView {
  const { opener, recipient, openerContact, responsible } = parties;
  const party = (organisation: CasePartyView) => ({ id: organisation.id, slug: organisation.slug, name: organisation.name, timeZone: organisation.timeZone });
  const person = (contact: CasePersonView) => ({ id: contact.id, handle: contact.handle, name: contact.name });
  return {
    id: row.id, reference: row.reference, kind: row.kind as CaseKind, priority: row.priority as Priority, state: row.state as CaseState,
    stateBeforeClarification: row.stateBeforeClarification as CaseState | null, tlp: row.tlp as Tlp, topic: row.topic, summary: row.summary,
    fields: JSON.parse(row.fields) as CaseFields, opener: party(opener), openerContact: person(openerContact), recipient: party(recipient),
    responsible: responsible ? person(responsible) : null, openedAt: row.openedAt, acknowledgedAt: row.acknowledgedAt, resolvedAt: row.resolvedAt,
    closedAt: row.closedAt, outcome: row.outcome as CaseView["outcome"], outcomeReason: row.outcomeReason, clockMode: row.clockMode as CaseView["clockMode"],
    ackDueAt: row.ackDueAt, resolveDueAt: row.resolveDueAt, clockStartAt: row.clockStartAt,
    pauses: (JSON.parse(row.pauses) as { from: string; to?: string }[]).map((pause) => ({ from: new Date(pause.from), ...(pause.to ? { to: new Date(pause.to) } : {}) })),
    extendedMs: row.extendedMs, ackDurationMs: row.ackDurationMs, resolveDurationMs: row.resolveDurationMs, updatedAt: row.updatedAt,
  };
}

/** The lifecycle fields of a case view. */
function lifecycleOf(view: CaseView): CaseLifecycleState {
  return {
    kind: view.kind, state: view.state, stateBeforeClarification: view.stateBeforeClarification, acknowledgedAt: view.acknowledgedAt,
    resolvedAt: view.resolvedAt, closedAt: view.closedAt, outcome: view.outcome, outcomeReason: view.outcomeReason,
    clockStartAt: view.clockStartAt, pauses: view.pauses as Pause[], extendedMs: view.extendedMs, responsibleContactId: view.responsible?.id ?? null,
  };
}

