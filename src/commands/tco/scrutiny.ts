import { z } from "zod";
import { defineCommand } from "../command.js";
import { pastAtArg, pastAtHelp, resolvePastAt } from "../past-at.js";
import { orderArg, reasonsArg, renderTcoActed } from "./shared.js";

/** /tco scrutiny: a reasoned request for scrutiny of a cross-border removal order, within 48 hours (TCO Art. 4(4)). */
export const tcoScrutiny = defineCommand({
  group: "tco",
  name: "scrutiny",
  summary: "Request scrutiny of a cross-border removal order by the host Member State, within 48 hours of receipt (TCO Art. 4(4); the provider)",
  details:
    "The hosting service provider, or the content provider, may within 48 hours submit a reasoned request to the competent authority of the Member State where the provider is established to scrutinise the order. " +
    "That authority decides within 72 hours of receiving the request; Liaison reminds it. For a content provider's request give --by content-provider and when it received the information (--informed-at): the time with its offset, or how long ago (\"20h ago\").",
  args: z.object({
    reference: orderArg,
    reasons: reasonsArg.describe("Why the order seriously or manifestly infringes the Regulation or fundamental rights"),
    by: z.enum(["provider", "content-provider"]).default("provider").describe("Who requests it"),
    informedAt: pastAtArg.optional().describe(pastAtHelp("Content provider: when it received the copy or the Art. 11(2) information", "2026-11-20T11:05+01:00", "20h ago")),
  }),
  positional: ["reference"],
  examples: ['/tco scrutiny R-2026-0001 --reasons "the video is news reporting, not terrorist content"'],
  permission: "contact",
  uses: ["tco", "clock"],
  async execute({ tco, clock, actor }, { reference, reasons, by, informedAt: typed }) {
    if (by === "provider") return tco.scrutiny(actor, reference, reasons, { by });
    const informedAt = resolvePastAt(typed, clock);
    if (!informedAt) return { ok: false, code: "bad-arguments", message: "--informed-at: when the content provider received the copy or the information; its 48 hours run from then (TCO Art. 4(4))." };
    return tco.scrutiny(actor, reference, reasons, { by, informedAt });
  },
  render: renderTcoActed,
});
