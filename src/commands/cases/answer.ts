import { z } from "zod";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case answer: the opener gives the clarification; a removal order's hour starts again (TCO Art. 3(8)). */
export const caseAnswer = defineCommand({
  group: "case",
  name: "answer",
  summary: "Give the requested clarification (the opener); the clock resumes or restarts",
  args: z.object({
    reference: referenceArg,
    text: z.string().trim().min(3, "give the clarification in a few words at least").describe("The clarification"),
  }),
  positional: ["reference"],
  examples: ['/case answer N-2026-0001 --text "It is the video at 02:13, uploaded by user 4411."'],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference, text }) =>
    cases.act(actor, reference, { type: "answer-clarification", answer: text }),
  render: (visible) => renderActed(`Clarification of ${visible.view.reference} given.`, visible),
});
