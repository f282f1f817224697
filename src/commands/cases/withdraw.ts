import { z } from "zod";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case withdraw: the opener withdraws the case. */
export const caseWithdraw = defineCommand({
  group: "case",
  name: "withdraw",
  summary: "Withdraw a case (the opener)",
  args: z.object({ reference: referenceArg, reason: z.string().trim().optional().describe("Why") }),
  positional: ["reference"],
  examples: ['/case withdraw I-2026-0002 --reason "sent to the wrong platform"'],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference, reason }) =>
    cases.act(actor, reference, { type: "withdraw", ...(reason ? { reason } : {}) }),
  render: (visible) => renderActed(`Withdrew ${visible.view.reference}.`, visible),
});
