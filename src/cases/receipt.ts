// When a case reaches its recipient. Each case records when it was issued (opened) and when it was received: the
// first successful delivery of its card to the recipient's contact point, or a time the opener enters for an order
// served by another channel. A clock the law sets runs from receipt:
//   TCO Regulation (EU) 2021/784 Art. 3(3): "within one hour of receipt of the removal order"; Art. 3(5): the means
//   used must record "the date and the time of sending and receipt".
//   e-Evidence Regulation (EU) 2023/1543 Art. 10(2): "within 10 days following receipt of the EPOC"; Art. 10(4)
//   (paraphrase: wording not checked against EUR-Lex): "following the receipt of the EPOC".
// So on receipt such a clock starts again from the receipt time (unless a clarification or reopening has restarted it
// since). A case whose card cannot be delivered is held: its issuer and the coordinators are told at once, with the
// recipient's published abuse contact and emergency phone, so that they can serve it another way.
import type { Actor } from "../core/actor.js";
import { auditActor } from "../core/actor.js";
import { fail, ok, type Outcome as Result } from "../core/result.js";
import { recordHas } from "../audit/entries.js";
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import { contactStream, threadStream, type DeliveryReceipts, type OutboxItem } from "../outbox/outbox.js";
import type { Store } from "../store/db.js";
import { UnitOfWork } from "../work/unit-of-work.js";
import { recipientCalendar } from "../time/organisation-calendar.js";
import { caseDeadlines } from "./clock.js";
import type { CaseKind, Priority } from "./kinds.js";
import { LEGAL_CLOCKS } from "./legal-clocks.js";
import { ACTIVE_STATES } from "./lifecycle.js";
import type { ReminderPlanner } from "./reminders/plan.js";
import { renderReceived, renderUndelivered, type OtherChannels } from "./receipt-render.js";
import { CaseRepository, type CaseAggregate } from "./repository.js";
import { viewOf } from "./view-of.js";

/** Where a receipt came from: the first delivery of the card, or a time the opener entered. */
export type ReceiptSource = { type: "delivery" } | { type: "entered"; actor: Actor };

/** The outcome of recording a receipt. */
export interface ReceiptRecorded {
  reference: string;
  receivedAt: Date;
  /** The resolve deadline afterwards (moved when a legal clock started from receipt). */
  resolveDueAt: Date | null;
  /** False when the case had been received already at that time or earlier (nothing changed). */
  changed: boolean;
}

/** Receipts and failed deliveries of cases, in one unit of work. */
export class CaseReceipts {
  private readonly repository: CaseRepository;

  constructor(
    private readonly work: UnitOfWork,
    private readonly planner?: ReminderPlanner,
  ) {
    this.repository = new CaseRepository(work.tx, work.caseTlps);
  }

  /**
   * Records that the case was received at `receivedAt`. A delivery counts only while no receipt is recorded; an
   * entered time may move the receipt earlier (served by another channel first), never later, never before the case
   * was issued and never into the future. A legal clock that has not been restarted since it began then runs from
   * the receipt; every party's thread is told.
   */
  async record(caseId: string, receivedAt: Date, source: ReceiptSource): Promise<Result<ReceiptRecorded>> {
    const aggregate = await this.repository.byId(caseId);
    if (!aggregate) return fail("not-found", "This case no longer exists.");
    const { row } = aggregate;
    const now = this.work.clock.now();
    if (receivedAt.getTime() > now.getTime()) return fail("bad-arguments", "The time of receipt is in the future.", "Give the time it was received, e.g. --at 2026-11-20T14:05+01:00.");
    if (receivedAt.getTime() < row.openedAt.getTime()) {
      return fail("bad-arguments", `The time of receipt is before ${row.reference} was issued (${row.openedAt.toISOString()}).`, "Give a time after it was issued.");
    }
    const unchanged: Result<ReceiptRecorded> = ok({ reference: row.reference, receivedAt: row.receivedAt ?? receivedAt, resolveDueAt: row.resolveDueAt, changed: false });
    if (row.receivedAt && (source.type === "delivery" || row.receivedAt.getTime() <= receivedAt.getTime())) {
      if (source.type === "entered" && row.receivedAt.getTime() < receivedAt.getTime()) {
        return fail("conflict", `${row.reference} was received at ${row.receivedAt.toISOString()} already; a later time of receipt cannot be entered.`);
      }
      return unchanged;
    }
    // The clock began at issue (or at the earlier receipt) and nothing has restarted it since: it now runs from receipt.
    const clockFromReceipt = LEGAL_CLOCKS[row.kind as keyof typeof LEGAL_CLOCKS] !== undefined
      && ACTIVE_STATES.includes(row.state as (typeof ACTIVE_STATES)[number])
      && row.clockStartAt.getTime() === (row.receivedAt ?? row.openedAt).getTime();
    const restarted = clockFromReceipt ? this.restartedClock(aggregate, receivedAt, now) : undefined;
    const changed = await this.repository.update(row, { receivedAt, updatedAt: now, ...restarted?.columns }, restarted?.reminder);
    if (!changed) return fail("conflict", `${row.reference} changed meanwhile.`, "Try again.");
    // The parties are told when it changes something for them: a deadline moved to run from receipt, or a time the
    // issuer entered. A card delivered at once changes nothing and is recorded without a message.
    const deadlineMoved = changed.resolveDueAt?.getTime() !== row.resolveDueAt?.getTime() || changed.ackDueAt?.getTime() !== row.ackDueAt?.getTime();
    if (deadlineMoved || source.type === "entered") {
      const message = renderReceived(viewOf({ ...aggregate, row: changed }), now, source.type === "entered" ? "entered" : "delivery", clockFromReceipt);
      this.work.send(aggregate.threads.map((thread): OutboxItem => ({ streamKey: threadStream(thread.id), destination: { type: "case-thread", caseThreadId: thread.id }, message })));
    }
    this.work.record({
      ...(source.type === "entered" ? auditActor(source.actor) : { actorId: null, actor: "system", via: "delivery" }),
      action: "case.received", subjectType: "case", subjectId: row.reference, caseId: row.id, result: "ok",
      detail: {
        receivedAt, source: source.type, previousReceivedAt: row.receivedAt, clockFromReceipt,
        before: { ackDueAt: row.ackDueAt, resolveDueAt: row.resolveDueAt }, after: { ackDueAt: changed.ackDueAt, resolveDueAt: changed.resolveDueAt },
      },
    });
    return ok({ reference: row.reference, receivedAt, resolveDueAt: changed.resolveDueAt, changed: true });
  }

  /**
   * Tells the issuer and the coordinators that a case's card could not be delivered to its recipient, once per case:
   * the case is held (its clock waits for receipt), with the recipient's published abuse contact and emergency phone.
   */
  async undelivered(caseId: string, reason: string, noRoute = false): Promise<OtherChannels | undefined> {
    const aggregate = await this.repository.byId(caseId);
    if (!aggregate || aggregate.row.receivedAt) return undefined;
    const { row } = aggregate;
    const db = this.work.tx;
    // Told once per case, at the first failure: later attempts change nothing until it is received.
    if (!noRoute && (await recordHas(db, this.work.keys, { caseId: row.id, action: "case.undelivered" }))) return undefined;
    const recipient = await db.organisation.findUnique({ where: { id: row.recipientOrgId }, select: { abuseContact: true, contacts: { where: { removedAt: null, phone: { not: null } }, select: { name: true, phone: true }, orderBy: { handle: "asc" }, take: 3 } } });
    const coordinators = await db.contact.findMany({ where: { coordinator: true, removedAt: null }, select: { id: true }, orderBy: { handle: "asc" } });
    const channels: OtherChannels = { abuseContact: recipient?.abuseContact ?? null, phones: (recipient?.contacts ?? []).map((contact) => ({ name: contact.name, phone: contact.phone ?? "" })) };
    const message = renderUndelivered(viewOf(aggregate), channels, noRoute);
    const told = [...new Set([row.openerContactId, ...coordinators.map((coordinator) => coordinator.id)])];
    this.work.send(told.map((contactId): OutboxItem => ({ streamKey: contactStream(contactId), destination: { type: "contact", contactId }, message, onceKey: `undelivered:${row.id}:${contactId}` })));
    this.work.record({
      actorId: null, actor: "system", via: "delivery", action: "case.undelivered", subjectType: "case", subjectId: row.reference, caseId: row.id,
      result: "ok", detail: { reason, told: told.length },
    });
    return channels;
  }

  /** The clock columns and the reminder state (none without a planner) of a case whose legal clock starts again at `receivedAt`. */
  private restartedClock(aggregate: CaseAggregate, receivedAt: Date, now: Date) {
    const { row, recipient } = aggregate;
    const pauses = viewOf(aggregate).pauses;
    const deadlines = caseDeadlines({
      mode: row.clockMode as "continuous" | "working-hours", clockStartAt: receivedAt, acknowledgedAt: row.acknowledgedAt,
      active: true, acknowledgeMs: row.ackDurationMs, resolveMs: row.resolveDurationMs, extendedMs: row.extendedMs,
      pauses, calendar: recipientCalendar(recipient),
    });
    const reminders = this.planner?.plan({
      after: {
        kind: row.kind as CaseKind, priority: row.priority as Priority, clockMode: row.clockMode as "continuous" | "working-hours", clockStartAt: receivedAt, pauses,
        ackDurationMs: row.ackDurationMs, resolveDurationMs: row.resolveDurationMs, extendedMs: row.extendedMs,
        ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt, recipient,
      },
      at: now,
      before: { ackDueAt: row.ackDueAt, resolveDueAt: row.resolveDueAt, remindedUntil: aggregate.remindedUntil },
    });
    return { columns: { clockStartAt: receivedAt, ackDueAt: deadlines.ackDueAt, resolveDueAt: deadlines.resolveDueAt }, reminder: reminders };
  }
}

/** The outbox's listener for case cards: each receipt or failure in a unit of work (a transaction) of its own. */
export function caseReceiptListener(store: Pick<Store, "transaction">, clock: Clock, keys: RecordKeys, planner?: ReminderPlanner): DeliveryReceipts {
  const inWork = (act: (receipts: CaseReceipts) => Promise<unknown>) =>
    store.transaction(async (tx) => {
      const work = new UnitOfWork(tx, clock, keys);
      await act(new CaseReceipts(work, planner));
      await work.commit();
    });
  return {
    delivered: (caseId, at) => inWork((receipts) => receipts.record(caseId, at, { type: "delivery" })),
    failed: (caseId, reason) => inWork((receipts) => receipts.undelivered(caseId, reason)),
  };
}

/** Recipient actions that show the case reached it. */
const FIRST_ACTIONS: readonly string[] = ["acknowledge", "request-clarification", "resolve", "suspend"];

/**
 * Receipt when the recipient acts first: a case whose receipt is not recorded (its card not delivered yet, or served
 * another way) was received no later than its recipient acknowledged, resolved, suspended or questioned it, so that
 * action is its receipt. A legal clock not restarted since issue then runs from it, as on delivery. Returns the
 * receipt time to store (mutating `next`), or undefined when the receipt is already recorded or this is not the
 * recipient's action. Recorded once (call `record` once the change is stored): a later delivery changes nothing.
 */
export function receiptByFirstAction(
  work: UnitOfWork,
  actor: Actor,
  row: { id: string; reference: string; kind: string; openedAt: Date; receivedAt: Date | null },
  roles: readonly string[],
  actionType: string,
  next: { clockStartAt: Date },
  at: Date,
): { receivedAt: Date; record: () => void } | undefined {
  if (row.receivedAt || !roles.includes("recipient") || !FIRST_ACTIONS.includes(actionType)) return undefined;
  const clockFromReceipt = LEGAL_CLOCKS[row.kind as keyof typeof LEGAL_CLOCKS] !== undefined && next.clockStartAt.getTime() === row.openedAt.getTime();
  if (clockFromReceipt) next.clockStartAt = at;
  const record = () => work.record({
    ...auditActor(actor), action: "case.received", subjectType: "case", subjectId: row.reference, caseId: row.id, result: "ok",
    detail: { receivedAt: at, source: "first-action", by: actionType, previousReceivedAt: null, clockFromReceipt },
  });
  return { receivedAt: at, record };
}
