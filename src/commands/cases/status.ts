import { z } from "zod";
import { defineCommand } from "../command.js";
import { ok } from "../../core/result.js";
import { readerTimeZone, referenceArg, renderStatus } from "./shared.js";

/** /case status: the case card as it stands: state, parties, what is asked, deadlines. */
export const caseStatus = defineCommand({
  group: "case",
  name: "status",
  summary: "Show a case: state, parties, what is asked, deadlines",
  args: z.object({ reference: referenceArg }),
  positional: ["reference"],
  examples: ["/case status N-2026-0001"],
  permission: "contact",
  uses: ["cases", "directory"],
  readOnly: true,
  async execute({ cases, directory, actor }, { reference }) {
    const found = await cases.find(actor, reference);
    if (!found.ok) return found;
    // Every time on the card in the reader's own zone (else their organisation's), as /case history shows them.
    return ok({ ...found.value, timeZone: await readerTimeZone(directory, actor) });
  },
  render: renderStatus,
});
