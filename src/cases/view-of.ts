// A case's view, lifecycle state and disclosure from its stored aggregate: pure functions, no queries.
import type { Tlp } from "../core/message.js";
import type { Pause } from "../time/calendar.js";
import type { CaseFields, CaseKind, Priority } from "./kinds.js";
import type { CaseLifecycleState, CaseState } from "./lifecycle.js";
import type { CaseAggregate, CaseRow } from "./repository.js";
import type { CasePersonView, CaseView } from "./view.js";

/** A case's view from its aggregate (no queries). */
export function viewOf(aggregate: Pick<CaseAggregate, "row" | "opener" | "recipient" | "openerContact" | "responsible">): CaseView {
  const { row, opener, recipient, openerContact, responsible } = aggregate;
  const party = (organisation: { id: string; slug: string; name: string; timeZone: string }) => ({ id: organisation.id, slug: organisation.slug, name: organisation.name, timeZone: organisation.timeZone });
  const person = (contact: CasePersonView) => ({ id: contact.id, handle: contact.handle, name: contact.name });
  return {
    id: row.id, reference: row.reference, kind: row.kind as CaseKind, priority: row.priority as Priority, state: row.state as CaseState,
    stateBeforeClarification: row.stateBeforeClarification as CaseState | null, tlp: row.tlp as Tlp, topic: row.topic, summary: row.summary,
    fields: JSON.parse(row.fields) as CaseFields, opener: party(opener), openerContact: person(openerContact), recipient: party(recipient),
    responsible: responsible ? person(responsible) : null, openedAt: row.openedAt, receivedAt: row.receivedAt, acknowledgedAt: row.acknowledgedAt, resolvedAt: row.resolvedAt,
    closedAt: row.closedAt, outcome: row.outcome as CaseView["outcome"], outcomeReason: row.outcomeReason, clockMode: row.clockMode as CaseView["clockMode"],
    ackDueAt: row.ackDueAt, resolveDueAt: row.resolveDueAt, clockStartAt: row.clockStartAt,
    pauses: (JSON.parse(row.pauses) as { from: string; to?: string }[]).map((pause) => ({ from: new Date(pause.from), ...(pause.to ? { to: new Date(pause.to) } : {}) })),
    extendedMs: row.extendedMs, ackDurationMs: row.ackDurationMs, resolveDurationMs: row.resolveDurationMs, updatedAt: row.updatedAt,
  };
}

/** The lifecycle fields of a case view. */
export function lifecycleOf(view: CaseView): CaseLifecycleState {
  return {
    kind: view.kind, state: view.state, stateBeforeClarification: view.stateBeforeClarification, acknowledgedAt: view.acknowledgedAt,
    resolvedAt: view.resolvedAt, closedAt: view.closedAt, outcome: view.outcome, outcomeReason: view.outcomeReason,
    clockStartAt: view.clockStartAt, pauses: view.pauses as Pause[], extendedMs: view.extendedMs, responsibleContactId: view.responsible?.id ?? null,
  };
}
