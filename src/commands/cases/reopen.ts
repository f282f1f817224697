import { z } from "zod";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case reopen: the opener reopens a resolved, closed or withdrawn case; its clocks start again. */
export const caseReopen = defineCommand({
  group: "case",
  name: "reopen",
  summary: "Reopen a resolved, closed or withdrawn case (the opener); its clocks start again",
  args: z.object({ reference: referenceArg, reason: z.string().trim().min(3, "say why, in a few words").describe("Why") }),
  positional: ["reference"],
  examples: ['/case reopen N-2026-0001 --reason "the video is back online at a new URL"'],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference, reason }) =>
    cases.act(actor, reference, { type: "reopen", reason }),
  render: (visible) => renderActed(`Reopened ${visible.view.reference}.`, visible),
});
