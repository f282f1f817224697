import { z } from "zod";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case close: the opener accepts the resolution and closes the case. */
export const caseClose = defineCommand({
  group: "case",
  name: "close",
  summary: "Close a resolved case (the opener)",
  args: z.object({ reference: referenceArg }),
  positional: ["reference"],
  examples: ["/case close N-2026-0001"],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference }) => cases.act(actor, reference, { type: "close" }),
  render: (visible) => renderActed(`Closed ${visible.view.reference}.`, visible),
});
