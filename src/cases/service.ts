import { auditActor, type Actor } from "../core/actor.js";
import type { EventLocation } from "../core/adapter.js";
import type { Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import type { OutboundMessage } from "../core/message.js";
import { fail, ok, type Failure, type Outcome as Result } from "../core/result.js";
import { inertLine, quotedBody } from "../core/text.js";
import { threadStream, type OutboxItem } from "../outbox/outbox.js";
import type { Tx } from "../store/types.js";
import { recipientCalendar } from "../time/organisation-calendar.js";
import type { UnitOfWork } from "../work/unit-of-work.js";
import type { RateLimiter } from "../limits/limiter.js";
import { caseDeadlines } from "./clock.js";
import { eventOf, type CaseEvent } from "./events.js";
import { extensionOf } from "./extension.js";
import { CaseHandover, type HandedOverCase } from "./handover.js";
import { moveRedThread } from "./red-threads.js";
import { ACTIVE_STATES, applyCaseAction, type CaseAction, type CaseRole } from "./lifecycle.js";
import { hasDesignation } from "../directory/model.js";
import { splitList } from "../directory/views.js";
import { clockRule, kindDefaults, type CasePolicy } from "./policy.js";
import { clarificationAskedAt, type ReminderChange, type ReminderPlanner, type ReminderState } from "./reminders/plan.js";
import { renderCard, renderCaseUpdate } from "./render.js";
import { disclosureFor, withTlpFloor } from "./disclosure.js";
import type { OpenDuplicates } from "./duplicates.js";
import { lifecycleOf, viewOf } from "./view-of.js";
import { CaseReceipts, receiptByFirstAction, type ReceiptRecorded } from "./receipt.js";
import type { OtherChannels } from "./receipt-render.js";
import { checkOpening, nextReference, responsibleFor, summarise, threadRows, type OpenCaseRequest } from "./opening.js";
import { CaseRepository, type CaseAggregate, type CaseThreadRow } from "./repository.js";
import type { CaseView, Disclosure } from "./view.js";
import { withOrderTerm } from "./dsa/opening.js";
import { resolveRefusal } from "./dsa/outcomes.js";
import { openTcoOrder, startPreservation, type AnnexIMarks } from "./tco/service.js";

/** A request to open a case (opening.ts). */
export type { OpenCaseRequest } from "./opening.js";

/** A case together with what the viewer may see of it. */
export interface VisibleCase {
  view: CaseView;
  disclosure: Disclosure;
  roles: CaseRole[];
  /** The time the view was taken, for "due in ..." texts. */
  asOf: Date;
}

/** True when the viewer takes part in the case (a party or a coordinator), not only reads it (the "reader" role). */
export function takesPart(visible: Pick<VisibleCase, "roles">): boolean {
  return visible.roles.some((role) => role !== "reader");
}

/** A case after something happened to it, and what happened. */
export interface CaseChanged extends VisibleCase {
  event: CaseEvent;
  /** Set when a new case reaches nobody at the recipient: its published abuse contact and emergency phones. */
  unreachable?: OtherChannels;
  /** A new case's URLs already in open cases to the recipient (as the opener may see them), when it was asked to look. */
  repeats?: OpenDuplicates;
  /** The cases of the opener's organisation a new case was opened beside with --again. */
  openedAgainBeside?: string[];
}

/** Longest message relayed between the parties of a case; longer ones are refused, saying so, before anything is stored. */
export const MAX_RELAYED_CHARS = 16_000;

/** A new case's reminder state when nothing plans reminders: no step to send. */
const NO_REMINDERS: ReminderState = { nextReminderAt: null, remindedUntil: null };

/**
 * Opens cases, moves them through their lifecycle and answers questions about them, inside one unit of work: every
 * change, the messages it causes and its record entry commit together.
 */
export class CaseService {
  private readonly db: Tx;
  private readonly clock: Clock;
  private readonly repository: CaseRepository;

  constructor(
    private readonly work: UnitOfWork,
    private readonly policy: CasePolicy,
    /** Keeps each case's next reminder time; without it cases get no reminders. */
    private readonly reminders?: ReminderPlanner,
    /** Counts case openings and relayed messages against their rate limits; without it nothing is limited. */
    private readonly limits?: RateLimiter,
  ) {
    this.db = work.tx;
    this.clock = work.clock;
    this.repository = new CaseRepository(work.tx, work.caseTlps);
  }

  /** Opens a case from the actor's organisation to the recipient, opens every party's thread, and starts the clock. */
  async open(actor: Actor, request: OpenCaseRequest): Promise<Result<CaseChanged>> {
    const checked = await checkOpening({ db: this.db, clock: this.clock, policy: this.policy }, actor, request);
    if (!checked.ok) return checked;
    const { contact, recipient, opener, openerDesignations, fields, trusted, repeats, ownRepeats } = checked.value;
    const defaults = kindDefaults(this.policy, request.kind);
    const prioritised = trusted && hasDesignation(splitList(recipient.designations), "online-platform");
    const priority = request.priority ?? (prioritised && defaults.priority === "normal" ? "high" : defaults.priority);
    // Art. 13(4) of Regulation (EU) 2023/1543: a European order is AMBER+STRICT at least (disclosure.ts).
    const tlp = withTlpFloor(request.kind, request.tlp ?? defaults.tlp);
    // Counted once the case could be opened, so a mistyped attempt costs nothing; emergencies have a budget of their own.
    const admitted = await this.limits?.admit(actor, priority === "emergency" ? "emergencyOpenings" : "caseOpenings");
    if (admitted && !admitted.ok) return admitted;
    const againBeside = request.duplicates === "again" ? ownRepeats : [];
    const rule = withOrderTerm(clockRule(this.policy, request.kind, priority, contact.organisationSlug, recipient.slug), request.kind, fields);
    const at = this.clock.now();
    const responsible = await responsibleFor(this.db, recipient.id, defaults.topic);
    const reference = await nextReference(this.db, request.kind, at);
    const deadlines = caseDeadlines({
      mode: rule.mode, clockStartAt: at, acknowledgedAt: null, active: true, acknowledgeMs: rule.acknowledgeMs,
      resolveMs: rule.resolveMs, extendedMs: 0, pauses: [], calendar: recipientCalendar(recipient),
    });
    const id = newId();
    const threads = await threadRows(this.db, id, reference, tlp, defaults.topic, [
      { organisationId: contact.organisationId, slug: contact.organisationSlug, people: [{ id: contact.id, handle: contact.handle }] },
      { organisationId: recipient.id, slug: recipient.slug, people: responsible ? [responsible] : [] },
    ]);
    const row = await this.repository.insert(
      {
        id, reference, kind: request.kind, priority, state: "open", tlp, topic: defaults.topic,
        openerOrgId: contact.organisationId, openerContactId: contact.id, recipientOrgId: recipient.id,
        responsibleContactId: responsible?.id ?? null, summary: summarise(request.kind, fields),
        fields: JSON.stringify(fields), openedAt: at, clockMode: rule.mode, ackDueAt: deadlines.ackDueAt,
        resolveDueAt: deadlines.resolveDueAt, clockStartAt: at, ackDurationMs: rule.acknowledgeMs,
        resolveDurationMs: rule.resolveMs, updatedAt: at,
      },
      threads,
      this.planReminders({
        after: {
          kind: request.kind, priority, clockMode: rule.mode, clockStartAt: at, pauses: [], ackDurationMs: rule.acknowledgeMs,
          resolveDurationMs: rule.resolveMs, extendedMs: 0, ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt, recipient,
        },
        at,
      }) ?? NO_REMINDERS,
    );
    const view = viewOf({ row, opener, recipient, openerContact: contact, responsible: responsible ?? null });
    if (request.kind === "removal-order") await openTcoOrder(this.work, { caseId: row.id, reference, tlp, view, issuer: { designations: openerDesignations, country: opener.country }, provider: recipient, form: fields as AnnexIMarks, ...(request.emergencyJustification !== undefined ? { emergencyJustification: request.emergencyJustification } : {}) });
    this.work.send(
      threads.map((thread) => ({
        streamKey: threadStream(thread.id as string),
        // The recipient's card carries the case id: its first delivery is the case's receipt (receipt.ts).
        destination: thread.organisationId === recipient.id
          ? { type: "open-case-thread", caseThreadId: thread.id as string, receiptOf: row.id }
          : { type: "open-case-thread", caseThreadId: thread.id as string },
        message: renderCard(view, at, thread.organisationId === recipient.id ? "recipient" : "opener"),
      })),
    );
    this.work.record({
      ...auditActor(actor), action: "case.open", subjectType: "case", subjectId: reference, caseId: row.id, result: "ok",
      detail: {
        kind: request.kind, recipient: recipient.slug, priority, tlp, fields, ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt,
        // --again: opened deliberately, beside the open cases of the opener's own organisation that hold its URLs. The
        // flag is kept whenever --again was given, so it says nothing of other cases; a TLP:RED case's reference stays
        // out of this entry, which the new case's parties read in its history.
        ...(request.duplicates === "again" ? { again: true, beside: againBeside.filter((duplicate) => duplicate.tlp !== "RED").map((duplicate) => duplicate.reference) } : {}),
      },
    });
    // No cases channel and nobody for the topic: nothing reaches the recipient. Say so, and alert the coordinators.
    const unreachable = threads.some((thread) => thread.organisationId === recipient.id) ? undefined : await new CaseReceipts(this.work, this.reminders).undelivered(row.id, "no cases channel and no contact for the topic", true);
    return ok({
      view, disclosure: "full", roles: ["opener"], asOf: at, event: { type: "opened" },
      ...(unreachable ? { unreachable } : {}),
      ...(repeats ? { repeats } : {}),
      ...(againBeside.length > 0 ? { openedAgainBeside: againBeside.map((duplicate) => duplicate.reference) } : {}),
    });
  }

  /** The case of a case thread (by the case's id); checks the actor may see it. */
  async findById(actor: Actor, caseId: string): Promise<Result<VisibleCase>> {
    const located = await this.locateById(actor, caseId);
    return located.ok ? ok(located.value.visible) : located;
  }

  /** Finds a case by reference, or by the thread the command was typed in; checks the actor may see it. */
  async find(actor: Actor, reference: string | undefined): Promise<Result<VisibleCase>> {
    const located = await this.locate(actor, reference);
    return located.ok ? ok(located.value.visible) : located;
  }

  private async locateById(actor: Actor, caseId: string): Promise<Result<{ aggregate: CaseAggregate; visible: VisibleCase }>> {
    const aggregate = await this.repository.byId(caseId);
    if (!aggregate) return fail("not-found", "This case no longer exists.");
    return this.visible(actor, aggregate);
  }

  private async locate(actor: Actor, reference: string | undefined): Promise<Result<{ aggregate: CaseAggregate; visible: VisibleCase }>> {
    if (reference) {
      const aggregate = await this.repository.byReference(reference.toUpperCase());
      if (!aggregate) return fail("not-found", `There is no case ${reference.toUpperCase()}.`, "References look like N-2026-0042; see your cases with /case list.");
      return this.visible(actor, aggregate);
    }
    const thread = actor.location ? await this.repository.threadAt(actor.location) : undefined;
    if (!thread) return fail("bad-arguments", "Which case? Give its reference (e.g. N-2026-0042), or type the command in the case's thread.");
    return this.locateById(actor, thread.caseId);
  }

  /** What the actor may see of a case, or a refusal. */
  private visible(actor: Actor, aggregate: CaseAggregate): Result<{ aggregate: CaseAggregate; visible: VisibleCase }> {
    const contact = actor.contact;
    const { row } = aggregate;
    if (!contact) return fail("not-linked", "Only linked contacts can see cases.");
    const roles: CaseRole[] = [];
    if (contact.organisationId === row.openerOrgId) roles.push("opener");
    if (contact.organisationId === row.recipientOrgId) roles.push("recipient");
    if (contact.coordinator) roles.push("coordinator");
    if (aggregate.otherPartyOrgIds.includes(contact.organisationId)) roles.push("party");
    // Read-only: the host authority of a TCO copy (repository.ts decides who reads; no action's rule names "reader").
    if (aggregate.readerOrgIds.includes(contact.organisationId)) roles.push("reader");
    if (roles.length === 0) return fail("not-allowed", `${row.reference} is between other organisations; only its parties and coordinators can see it.`);
    const view = viewOf(aggregate);
    view.clarification = clockRule(this.policy, view.kind, view.priority, view.opener.slug, view.recipient.slug).clarification;
    return ok({ aggregate, visible: { view, disclosure: disclosureFor(contact, row, aggregate.otherPartyOrgIds, aggregate.readerOrgIds), roles, asOf: this.clock.now() } });
  }

  /** Applies an action to a case the actor may act on; tells every party's thread and records it. */
  async act(actor: Actor, reference: string | undefined, action: CaseAction): Promise<Result<CaseChanged>> {
    const located = await this.locate(actor, reference);
    if (!located.ok) return this.refuse(actor, reference, action, located);
    const { aggregate, visible } = located.value;
    const { view, roles } = visible;
    const { row } = aggregate;
    let responsible = aggregate.responsible;
    if (action.type === "reassign" && row.tlp === "RED" && !actor.contact?.coordinator && actor.contact?.id !== row.responsibleContactId) {
      // TLP:RED goes to the named people only: a colleague of the named contact who is not named could otherwise
      // name themselves and receive the whole case. The named contact hands it on, or a coordinator does; the opener
      // is told either way (the update reaches the opener's direct thread).
      return this.refuse(actor, view.reference, action, fail("not-allowed", `${view.reference} is TLP:RED: only its named responsible contact or a coordinator may reassign it.`, "Ask the named contact, or a coordinator, to reassign it."), view.id);
    }
    if (action.type === "reassign") {
      const target = await this.db.contact.findFirst({ where: { id: action.contactId, organisationId: row.recipientOrgId, removedAt: null }, select: { id: true, handle: true, name: true } });
      if (!target) return this.refuse(actor, view.reference, action, fail("bad-arguments", `The responsible contact must be a contact of ${view.recipient.slug}.`), view.id);
      responsible = target;
    }
    const rule = clockRule(this.policy, view.kind, view.priority, view.opener.slug, view.recipient.slug);
    const at = this.clock.now();
    if (action.type === "extend" && action.amount && !rule.legalSource) {
      if (view.resolveDurationMs === null) return this.refuse(actor, view.reference, action, fail("bad-arguments", `${view.reference} has no resolve deadline to extend (it is answered as agreed).`), view.id);
      const extension = extensionOf(action.amount, { mode: view.clockMode, calendar: recipientCalendar(aggregate.recipient) }, view.resolveDueAt ?? at);
      if (!extension.ok) return this.refuse(actor, view.reference, action, extension, view.id);
      action = { ...action, byMs: extension.value.byMs, inWords: extension.value.inWords };
    }
    const before = lifecycleOf(view);
    const applied = applyCaseAction(before, action, roles, at, rule);
    if (!applied.ok) return this.refuse(actor, view.reference, action, applied, view.id);
    // Asked once the party, state, outcome and reason are right: what the outcome must also state (dsa/outcomes.ts).
    const outcomeRefused = action.type === "resolve" ? resolveRefusal(view, action) : undefined;
    if (outcomeRefused) return this.refuse(actor, view.reference, action, outcomeRefused, view.id);
    const next = applied.value;
    const receipt = receiptByFirstAction(this.work, actor, row, roles, action.type, next, at);
    const { recipient } = aggregate;
    const deadlines = caseDeadlines({
      mode: view.clockMode, clockStartAt: next.clockStartAt, acknowledgedAt: next.acknowledgedAt,
      active: ACTIVE_STATES.includes(next.state), acknowledgeMs: view.ackDurationMs, resolveMs: view.resolveDurationMs,
      extendedMs: next.extendedMs, pauses: next.pauses, calendar: recipientCalendar(recipient),
    });
    const reminders = this.planReminders(
      {
        after: {
          kind: view.kind, priority: view.priority, clockMode: view.clockMode, clockStartAt: next.clockStartAt, pauses: next.pauses,
          ackDurationMs: view.ackDurationMs, resolveDurationMs: view.resolveDurationMs, extendedMs: next.extendedMs,
          ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt, recipient, clarificationAskedAt: clarificationAskedAt(next.state, next.pauses),
        },
        at,
        before: { ackDueAt: view.ackDueAt, resolveDueAt: view.resolveDueAt, remindedUntil: aggregate.remindedUntil },
      },
    );
    const changed = await this.repository.update(row, {
      state: next.state, stateBeforeClarification: next.stateBeforeClarification, acknowledgedAt: next.acknowledgedAt,
      resolvedAt: next.resolvedAt, closedAt: next.closedAt, outcome: next.outcome, outcomeReason: next.outcomeReason,
      clockStartAt: next.clockStartAt, pauses: JSON.stringify(next.pauses), extendedMs: next.extendedMs,
      responsibleContactId: next.responsibleContactId, ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt, updatedAt: at,
      ...(receipt ? { receivedAt: receipt.receivedAt } : {}),
    }, reminders);
    if (!changed) return fail("conflict", `${view.reference} changed while you acted on it.`, "Look at it again with /case status, then retry.");
    receipt?.record();
    let threads = aggregate.threads;
    const after = { ...viewOf({ ...aggregate, row: changed, responsible }), clarification: rule.clarification };
    if (action.type === "reassign" && changed.tlp === "RED") threads = await moveRedThread(this.work, changed, after, threads, before.responsibleContactId, at);
    const event = eventOf(action, after.responsible);
    const author = actor.contact ? { name: actor.contact.name, organisationName: actor.contact.organisationName } : undefined;
    this.postToThreads(threads, renderCaseUpdate(event, after, author));
    this.work.record({
      ...auditActor(actor), action: `case.${action.type}`, subjectType: "case", subjectId: view.reference, caseId: view.id, result: "ok",
      detail: {
        action, before: { state: before.state, ackDueAt: view.ackDueAt, resolveDueAt: view.resolveDueAt }, after: { state: next.state, ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt },
        ...(action.type === "reassign" && after.responsible ? { to: `${after.responsible.name} (${after.responsible.handle})` } : {}),
      },
    });
    // TCO Art. 6(2): preservation runs from the removal itself, the Annex II time of effect the provider states
    // (dsa/decisions.ts passes it), else this resolve.
    if (view.kind === "removal-order" && (next.outcome === "removed" || next.outcome === "access-disabled") && next.resolvedAt) {
      await startPreservation(this.work, view.id, (action.type === "resolve" ? action.effectAt : undefined) ?? next.resolvedAt);
    }
    return ok({ ...visible, view: after, asOf: at, event });
  }

  /**
   * Enters the time the recipient received a case served by another channel (the issuer's side: the opener's
   * organisation or a coordinator); see receipt.ts for what it changes.
   */
  async enterReceipt(actor: Actor, reference: string | undefined, receivedAt: Date): Promise<Result<ReceiptRecorded>> {
    const located = await this.locate(actor, reference);
    if (!located.ok) return located;
    const { aggregate, visible } = located.value;
    if (!visible.roles.includes("opener") && !visible.roles.includes("coordinator")) {
      const failure = fail("not-allowed", `Only the organisation that issued ${aggregate.row.reference}, or a coordinator, enters when it was received.`);
      this.recordRefusal(actor, aggregate.row.reference, { type: "received" }, failure, aggregate.row.id);
      return failure;
    }
    return new CaseReceipts(this.work, this.reminders).record(aggregate.row.id, receivedAt, { type: "entered", actor });
  }

  /** Hands the active cases of removed contacts (or of a removed organisation) over: see handover.ts. */
  handOverFrom(actor: Actor, removed: Parameters<CaseHandover["handOver"]>[1], reason: string): Promise<HandedOverCase[]> {
    return new CaseHandover(this.work).handOver(actor, removed, reason);
  }

  /** The reminder state after a change (none without a planner). */
  private planReminders(change: ReminderChange): ReminderState | undefined {
    return this.reminders?.plan(change);
  }

  /** Records a refused message in a case thread (who tried to write where, and why not; not what they wrote). */
  refuseMessage(actor: Actor, reference: string | undefined, failure: Failure, caseId?: string): void {
    this.recordRefusal(actor, reference, { type: "message" }, failure, caseId);
  }

  /** Records a refusal (who tried what, and why not) and returns it. */
  private refuse<T>(actor: Actor, reference: string | undefined, action: CaseAction, failure: Result<T> & { ok: false }, caseId?: string): Result<T> {
    this.recordRefusal(actor, reference, action, failure, caseId);
    return failure;
  }

  private recordRefusal(actor: Actor, reference: string | undefined, action: CaseAction | { type: "message" } | { type: "received" }, failure: Failure, caseId?: string): void {
    this.work.record({
      ...auditActor(actor), action: `case.${action.type}`, subjectType: "case", subjectId: reference ?? "(none)", caseId: caseId ?? null,
      result: `refused:${failure.code}`, detail: { action, reason: failure.message },
    });
  }

  /**
   * Relays what a party wrote to the case's other threads as "Name (Organisation): text", once per inbound event.
   * `fromThreadId` is the thread it was written in (not posted back there); without it, every thread gets it.
   */
  async relay(actor: Actor, target: { caseId: string; fromThreadId?: string }, text: string, inboundKey: string): Promise<Result<{ relayedTo: number; duplicate: boolean }>> {
    // Counted first, so that a flood of messages that would be refused (someone not linked) is limited too.
    const admitted = await this.limits?.admit(actor, "relays");
    if (admitted && !admitted.ok) return admitted;
    const contact = actor.contact;
    const located = await this.locateById(actor, target.caseId);
    if (!located.ok) return located;
    if (!contact) return fail("not-linked", "Only linked contacts can write in cases.");
    const { aggregate, visible } = located.value;
    const { view } = visible;
    if (!takesPart(visible)) return fail("not-allowed", `${view.reference}: ${contact.organisationSlug} reads this case but is not a party to it, so it does not write in it.`);
    if (visible.disclosure !== "full") return fail("not-allowed", `${view.reference} is TLP:RED: only the named people write in it.`);
    if (text.length > MAX_RELAYED_CHARS) {
      return fail("bad-arguments", `your message is ${text.length.toLocaleString("en")} characters long; at most ${MAX_RELAYED_CHARS.toLocaleString("en")} are relayed.`, "Split it into several messages.");
    }
    const at = this.clock.now();
    const stored = await this.repository.addMessage({ id: newId(), caseId: view.id, fromThreadId: target.fromThreadId ?? "", authorId: contact.id, text, at, inboundKey });
    if (!stored) return ok({ relayedTo: 0, duplicate: true });
    const targets = aggregate.threads.filter((candidate) => candidate.id !== target.fromThreadId);
    // The attribution apart from the text: a line break in the text cannot start a line that passes for another author.
    const message: OutboundMessage = { text: `${inertLine(contact.name)} (${inertLine(contact.organisationName)}): ${quotedBody(text)}`, tlp: view.tlp };
    this.postToThreads(targets, message);
    this.work.record({
      ...auditActor(actor), action: "case.message", subjectType: "case", subjectId: view.reference, caseId: view.id, result: "ok",
      detail: { text, relayedTo: targets.map((target) => target.title) },
    });
    return ok({ relayedTo: targets.length, duplicate: false });
  }

  /** The case thread at a platform location, when there is one. */
  threadAt(location: Pick<EventLocation, "platform" | "workspace" | "channelId" | "threadId">): Promise<CaseThreadRow | undefined> {
    return this.repository.threadAt(location);
  }

  /** Queues one message to each of the threads (through the outbox). */
  private postToThreads(threads: readonly CaseThreadRow[], message: OutboundMessage): void {
    const items: OutboxItem[] = threads.map((thread) => ({ streamKey: threadStream(thread.id), destination: { type: "case-thread", caseThreadId: thread.id }, message }));
    this.work.send(items);
  }
}
