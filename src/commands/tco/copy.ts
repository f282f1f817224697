import { z } from "zod";
import { defineCommand } from "../command.js";
import { pastAtArg, pastAtHelp, resolvePastAt } from "../past-at.js";
import { orderArg, renderTcoActed } from "./shared.js";

/** /tco copy: the copy of a cross-border removal order to the host Member State's authority (TCO Art. 4(1)). */
export const tcoCopy = defineCommand({
  group: "tco",
  name: "copy",
  summary: "Send (--to) or record (--at) the copy of a cross-border removal order to the host Member State's authority (TCO Art. 4(1); the issuer)",
  details:
    "When the provider's main establishment or legal representative is in another Member State, the issuing authority submits a copy of the removal order to that State's competent authority (TCO Art. 4(1)). " +
    "Liaison sends it by itself at opening when that authority is in the directory; otherwise name it with --to, or record a copy sent another way with --at: the time with its offset, or how long ago (\"2h ago\").",
  args: z.object({
    reference: orderArg,
    to: z.string().trim().toLowerCase().max(100).optional().describe("The host Member State's competent authority (slug), to send the copy through Liaison"),
    at: pastAtArg.optional().describe(pastAtHelp("When a copy sent another way was sent", "2026-11-20T11:05+01:00")),
  }),
  positional: ["reference"],
  examples: ["/tco copy R-2026-0001 --to de-bka", "/tco copy R-2026-0001 --at 2026-11-20T11:05+01:00"],
  permission: "contact",
  uses: ["tco", "clock"],
  execute: ({ tco, clock, actor }, { reference, to, at }) => tco.copy(actor, reference, to, resolvePastAt(at, clock)),
  render: renderTcoActed,
});
