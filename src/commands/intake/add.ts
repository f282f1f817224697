import { z } from "zod";
import { defineCommand } from "../command.js";
import { itemArg, renderDecided } from "./shared.js";

/** A case reference, required here. */
const caseArg = z.string().trim().toUpperCase().regex(/^[A-Z]-\d{4}-\d{4,}$/, "a case reference such as N-2026-0042").describe("The case, e.g. N-2026-0042");

/** /intake add: add an intake item to an existing case instead of opening a second one. */
export const intakeAdd = defineCommand({
  group: "intake",
  name: "add",
  summary: "Add an intake item to an existing case (you take part in)",
  args: z.object({ item: itemArg, case: caseArg }),
  positional: ["item", "case"],
  examples: ["/intake add I-2026-000042 N-2026-0001"],
  permission: "contact",
  uses: ["intake"],
  execute: ({ intake, actor }, args) => intake.addToCase(actor, args.item, args.case),
  render: renderDecided,
});
