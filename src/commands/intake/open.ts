import { z } from "zod";
import { TLP_LABELS } from "../../core/message.js";
import { defineCommand } from "../command.js";
import { itemArg, renderDecided } from "./shared.js";

/** /intake open: open an intake item as a notice, its URLs, summary and evidence filled in. */
export const intakeOpen = defineCommand({
  group: "intake",
  name: "open",
  summary: "Open an intake item as a notice (its URLs, summary and evidence filled in)",
  details: "Opens a notice towards the organisation the item was routed to (or --to another). A person decides: Liaison never opens a case on its own.",
  args: z.object({
    item: itemArg,
    to: z.string().trim().toLowerCase().optional().describe("The recipient's slug (default: the organisation the item was routed to)"),
    reason: z.string().max(4_000).optional().describe("Why the content is believed to be illegal (default: the reports' summary and evidence)"),
    basis: z.string().max(1_000).optional().describe("The legal basis"),
    tlp: z.enum(TLP_LABELS).optional().describe("TLP label (default: the item's, AMBER unless the report said otherwise)"),
  }),
  positional: ["item"],
  examples: ["/intake open I-2026-000042", '/intake open I-2026-000042 --to acme-hosting --basis "Art. 240b Sr"'],
  permission: "contact",
  uses: ["intake"],
  execute: ({ intake, actor }, args) =>
    intake.openAsNotice(actor, args.item, {
      ...(args.to !== undefined ? { recipientSlug: args.to } : {}),
      ...(args.reason !== undefined ? { reason: args.reason } : {}),
      ...(args.basis !== undefined ? { basis: args.basis } : {}),
      ...(args.tlp !== undefined ? { tlp: args.tlp } : {}),
    }),
  render: renderDecided,
});
