import type { Tlp } from "../core/message.js";
import type { Pause } from "../time/calendar.js";
import type { CaseFields, CaseKind, Outcome, Priority } from "./kinds.js";
import type { CaseState } from "./lifecycle.js";

/** An organisation as a case shows it. */
export interface CasePartyView {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
}

/** A person as a case shows them. */
export interface CasePersonView {
  id: string;
  handle: string;
  name: string;
}

/** A case with what rendering and permission checks need. */
export interface CaseView {
  id: string;
  reference: string;
  kind: CaseKind;
  priority: Priority;
  state: CaseState;
  stateBeforeClarification: CaseState | null;
  tlp: Tlp;
  topic: string;
  summary: string;
  fields: CaseFields;
  opener: CasePartyView;
  openerContact: CasePersonView;
  recipient: CasePartyView;
  responsible: CasePersonView | null;
  /** When the case was issued. */
  openedAt: Date;
  /** When the recipient received it (first delivery, or a time the issuer entered); null while held. */
  receivedAt: Date | null;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  outcome: Outcome | null;
  outcomeReason: string | null;
  clockMode: "continuous" | "working-hours";
  ackDueAt: Date | null;
  resolveDueAt: Date | null;
  clockStartAt: Date;
  pauses: Pause[];
  extendedMs: number;
  ackDurationMs: number;
  resolveDurationMs: number | null;
  /** Last change, for detecting concurrent changes. */
  updatedAt: Date;
  /** What a requested clarification does to the clock, by the policy (set where the policy is known). */
  clarification?: "pause" | "restart" | "none";
}

/** How much of a case a viewer may see: everything, or (TLP:RED, not named) only reference, state and deadlines. */
export type Disclosure = "full" | "metadata";
