import { z } from "zod";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case ack: the recipient acknowledges receipt. */
export const caseAck = defineCommand({
  group: "case",
  name: "ack",
  summary: "Acknowledge a case (the recipient)",
  args: z.object({ reference: referenceArg }),
  positional: ["reference"],
  examples: ["/case ack N-2026-0001"],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference }) =>
    cases.act(actor, reference, { type: "acknowledge" }),
  render: (visible) => renderActed(`Acknowledged ${visible.view.reference}.`, visible),
});
