import { z } from "zod";
import { durationSchema } from "../../config/schema.js";
import { formatDuration } from "../../time/calendar.js";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case extend: the opener grants more time, with a reason. */
export const caseExtend = defineCommand({
  group: "case",
  name: "extend",
  summary: "Extend a case's resolve deadline, with a reason (the opener)",
  details: "Where the case's clock counts working hours, so does the extension: 8h is one working day of 09:00-17:00.",
  args: z.object({
    reference: referenceArg,
    by: durationSchema.describe('How much longer, e.g. "2h" or "3d"'),
    reason: z.string().trim().min(3, "say why, in a few words").describe("Why"),
  }),
  positional: ["reference"],
  examples: ['/case extend N-2026-0042 --by 2d --reason "large data set, agreed by phone"'],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference, by, reason }) =>
    cases.act(actor, reference, { type: "extend", byMs: by, reason }),
  render: (visible) => renderActed(`Extended ${visible.view.reference}.`, visible),
});
