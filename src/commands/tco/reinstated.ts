import { z } from "zod";
import { defineCommand } from "../command.js";
import { pastAtArg, pastAtHelp, resolvePastAt } from "../past-at.js";
import { orderArg, renderTcoActed } from "./shared.js";

/** /tco reinstated: the provider reinstated the content after a finding of infringement (TCO Art. 4(7)). */
export const tcoReinstated = defineCommand({
  group: "tco",
  name: "reinstated",
  summary: "Record that the content was reinstated after the host Member State found an infringement (TCO Art. 4(7); the provider)",
  args: z.object({
    reference: orderArg,
    at: pastAtArg.optional().describe(pastAtHelp("When it was reinstated, if earlier than now", "2026-11-22T10:00+01:00")),
  }),
  positional: ["reference"],
  examples: ["/tco reinstated R-2026-0001", "/tco reinstated R-2026-0001 --at 2026-11-22T10:00+01:00"],
  permission: "contact",
  uses: ["tco", "clock"],
  execute: ({ tco, clock, actor }, { reference, at }) => tco.reinstated(actor, reference, resolvePastAt(at, clock)),
  render: renderTcoActed,
});
