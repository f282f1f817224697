import { z } from "zod";
import { defineCommand } from "../command.js";
import { orderArg, reasonsArg, renderTcoActed } from "./shared.js";

/** /tco nondisclosure: no disclosure to the content provider, for at most six weeks (TCO Art. 11(3)). */
export const tcoNondisclosure = defineCommand({
  group: "tco",
  name: "nondisclosure",
  summary: "Decide that the provider does not tell the content provider of the removal, for up to six weeks (TCO Art. 11(3); the issuing authority)",
  details: "For reasons of public security, for as long as necessary but not exceeding six weeks from the decision; it may be extended once by six weeks where justified. Liaison reminds before the end and tells the provider when it may inform.",
  args: z.object({
    reference: orderArg,
    reason: reasonsArg.describe("The reasons of public security, e.g. an ongoing investigation"),
  }),
  positional: ["reference"],
  examples: ['/tco nondisclosure R-2026-0001 --reason "ongoing investigation into the uploader"'],
  permission: "contact",
  uses: ["tco"],
  execute: ({ tco, actor }, { reference, reason }) => tco.nondisclosure(actor, reference, reason),
  render: renderTcoActed,
});
