// What happened to a case: the services return these, and src/cases/render.ts turns them into the thread updates
// every party reads (the services never build announcement text themselves).
import { formatDuration } from "../time/calendar.js";
import type { Outcome } from "./kinds.js";
import type { CaseAction } from "./lifecycle.js";
import type { CasePersonView } from "./view.js";

/** Something that happened to a case, as the parties are told. */
export type CaseEvent =
  | { type: "opened" }
  | { type: "acknowledged" }
  | { type: "clarification-requested"; question: string }
  | { type: "clarification-answered"; answer: string }
  | { type: "resolved"; outcome: Outcome; reason?: string }
  | { type: "closed" }
  | { type: "withdrawn"; reason?: string }
  | { type: "reopened"; reason: string }
  | { type: "extended"; byMs: number; inWords: string; reason: string }
  | { type: "reassigned"; to: CasePersonView }
  | { type: "suspended"; grounds: string }
  | { type: "resumed" };

/** Who did it, as the thread update names them. */
export interface CaseEventAuthor {
  name: string;
  organisationName: string;
}

/** The event an action causes. */
export function eventOf(action: CaseAction, responsible: CasePersonView | null): Exclude<CaseEvent, { type: "opened" }> {
  switch (action.type) {
    case "acknowledge":
      return { type: "acknowledged" };
    case "request-clarification":
      return { type: "clarification-requested", question: action.question };
    case "answer-clarification":
      return { type: "clarification-answered", answer: action.answer };
    case "resolve":
      return { type: "resolved", outcome: action.outcome, ...(action.reason ? { reason: action.reason } : {}) };
    case "close":
      return { type: "closed" };
    case "withdraw":
      return { type: "withdrawn", ...(action.reason ? { reason: action.reason } : {}) };
    case "reopen":
      return { type: "reopened", reason: action.reason };
    case "extend":
      return { type: "extended", byMs: action.byMs, inWords: action.inWords ?? formatDuration(action.byMs), reason: action.reason };
    case "reassign":
      if (!responsible) throw new Error("a reassigned case names its responsible contact");
      return { type: "reassigned", to: responsible };
    case "suspend":
      return { type: "suspended", grounds: action.grounds };
    case "resume":
      return { type: "resumed" };
  }
}
