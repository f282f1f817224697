import { z } from "zod";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case clarify: the recipient asks the opener a question; the clock pauses or restarts as the policy says. */
export const caseClarify = defineCommand({
  group: "case",
  name: "clarify",
  summary: "Ask the opener for clarification (the recipient); the clock pauses or restarts per the policy",
  args: z.object({
    reference: referenceArg,
    question: z.string().trim().min(3, "ask your question in a few words at least").describe("What is unclear"),
  }),
  positional: ["reference"],
  examples: ['/case clarify N-2026-0001 --question "The URL returns 404 for us: which video is meant?"'],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference, question }) =>
    cases.act(actor, reference, { type: "request-clarification", question }),
  render: (visible) => renderActed(`Asked for clarification of ${visible.view.reference}.`, visible),
});
