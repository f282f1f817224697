import { z } from "zod";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/**
 * /case suspend: the recipient of a removal order cannot comply for now, on grounds of force majeure or de facto
 * impossibility, and tells the issuer the grounds (TCO Art. 3(7), the Annex III template); the hour is suspended.
 */
export const caseSuspend = defineCommand({
  group: "case",
  name: "suspend",
  summary: "A removal order cannot be complied with for now: force majeure or de facto impossibility (the recipient)",
  details: "TCO Art. 3(7): the issuer is told the grounds at once; the deadline starts to run again, in full, when the grounds cease (/case resume).",
  args: z.object({
    reference: referenceArg,
    grounds: z.string().trim().min(10, "say what prevents compliance, and why, in a sentence").max(4000).describe("What prevents compliance (Annex III): the force majeure or impossibility, and why"),
  }),
  positional: ["reference"],
  examples: ['/case suspend R-2026-0001 --grounds "data centre outage since 10:40: the storage cluster holding the content is unreachable"'],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference, grounds }) => cases.act(actor, reference, { type: "suspend", grounds }),
  render: (visible) => renderActed(`Suspended ${visible.view.reference}; the issuer is told the grounds.`, visible),
});

/** /case resume: the grounds of a suspension have ceased; the removal order's hour runs again in full. */
export const caseResume = defineCommand({
  group: "case",
  name: "resume",
  summary: "The grounds of a suspension have ceased: the deadline runs again in full (the recipient)",
  args: z.object({ reference: referenceArg }),
  positional: ["reference"],
  examples: ["/case resume R-2026-0001"],
  permission: "contact",
  uses: ["cases"],
  execute: ({ cases, actor }, { reference }) => cases.act(actor, reference, { type: "resume" }),
  render: (visible) => renderActed(`Resumed ${visible.view.reference}.`, visible),
});
