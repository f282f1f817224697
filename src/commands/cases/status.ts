import { z } from "zod";
import { defineCommand } from "../command.js";
import { referenceArg, renderStatus } from "./shared.js";

/** /case status: the case card as it stands: state, parties, what is asked, deadlines. */
export const caseStatus = defineCommand({
  group: "case",
  name: "status",
  summary: "Show a case: state, parties, what is asked, deadlines",
  args: z.object({ reference: referenceArg }),
  positional: ["reference"],
  examples: ["/case status N-2026-0042"],
  permission: "contact",
  uses: ["cases"],
  readOnly: true,
  execute: ({ cases, actor }, { reference }) => cases.find(actor, reference),
  render: renderStatus,
});
