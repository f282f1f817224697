// What happened to a case: the services return these, and src/cases/render.ts turns them into the thread updates
// every party reads (the services never build announcement text themselves).
import type { Outcome } from "./kinds.js";
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
  | { type: "extended"; byMs: number; reason: string }
  | { type: "reassigned"; to: CasePersonView };

/** Who did it, as the thread update names them. */
export interface CaseEventAuthor {
  name: string;
  organisationName: string;
}
