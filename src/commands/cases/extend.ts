import { z } from "zod";
import { extensionAmountSchema, MAX_EXTENSION_DAYS } from "../../cases/extension.js";
import { formatLocal } from "../../time/calendar.js";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case extend: the opener grants more time, with a reason. */
export const caseExtend = defineCommand({
  group: "case",
  name: "extend",
  summary: "Extend a case's resolve deadline, with a reason (the opener)",
  details: `Where the case's clock counts working hours, so does the extension: --by 2d is two working days (the same time of day, two working days later; weekends and holidays are not counted), --by 4h four working hours, --by 1w five working days. Elsewhere it is calendar time. At most ${MAX_EXTENSION_DAYS} days at a time.`,
  args: z.object({
    reference: referenceArg,
    by: extensionAmountSchema.describe('How much longer, e.g. "2h" or "3d"'),
    reason: z.string().trim().min(3, "say why, in a few words").max(2000, "at most 2,000 characters").describe("Why"),
  }),
  positional: ["reference"],
  examples: ['/case extend N-2026-0001 --by 2d --reason "large data set, agreed by phone"'],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference, by, reason }) =>
    cases.act(actor, reference, { type: "extend", byMs: 0, amount: by, reason }),
  render: (visible) => {
    const event = visible.event.type === "extended" ? visible.event : undefined;
    const to = visible.view.resolveDueAt ? `: resolve by ${formatLocal(visible.view.resolveDueAt, visible.view.recipient.timeZone)}` : "";
    return renderActed(`Extended ${visible.view.reference}${event ? ` by ${event.inWords}` : ""}${to}.`, visible);
  },
});
