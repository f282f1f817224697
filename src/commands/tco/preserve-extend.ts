import { z } from "zod";
import { defineCommand } from "../command.js";
import { instantArg, orderArg, reasonsArg, renderTcoActed } from "./shared.js";

/** /tco preserve-extend: a further specified period of preservation (TCO Art. 6(2)). */
export const tcoPreserveExtend = defineCommand({
  group: "tco",
  name: "preserve-extend",
  summary: "Ask for a further specified period of preservation of removed content (TCO Art. 6(2); the issuing authority)",
  details:
    "Removed content and related data are preserved for six months from the removal; at the competent authority's or a court's request, for a further specified period only if and for as long as necessary for ongoing review proceedings or redress (TCO Art. 6(2)).",
  args: z.object({
    reference: orderArg,
    until: instantArg.describe("Until when, e.g. 2027-08-31T23:59+02:00"),
    reason: reasonsArg.describe("The ongoing proceedings or redress that make it necessary"),
  }),
  positional: ["reference"],
  examples: ['/tco preserve-extend R-2026-0001 --until 2027-08-31T23:59+02:00 --reason "judicial review pending at the Rechtbank Den Haag"'],
  permission: "contact",
  uses: ["tco"],
  execute: ({ tco, actor }, { reference, until, reason }) => tco.preserveExtend(actor, reference, until, reason),
  render: renderTcoActed,
});
