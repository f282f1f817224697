import { randomUUID } from "node:crypto";
import { z } from "zod";
import { fail, ok } from "../../core/result.js";
import { defineCommand } from "../command.js";

/** /case say: write into a case from anywhere (a direct message, the console): every party's thread gets it. */
export const caseSay = defineCommand({
  group: "case",
  name: "say",
  summary: "Write to the other parties of a case (in its thread, simply write there)",
  args: z.object({
    text: z.string().trim().min(1).describe("Case reference (optional in its thread), then the message"),
  }),
  positional: ["text"],
  rest: "text",
  verbatim: true,
  examples: ["/case say N-2026-0001 We removed the video at 14:02; the account is suspended."],
  permission: "contact",
  uses: ["cases"],
  async execute({ cases, actor }, { text }) {
    const match = /^([A-Za-z]-\d{4}-\d{4,})\s+([\s\S]+)$/.exec(text);
    const found = await cases.find(actor, match?.[1]);
    if (!found.ok) return found;
    const body = match?.[2] ?? text;
    const fromThread = actor.location ? await cases.threadAt(actor.location) : undefined;
    const relayed = await cases.relay(actor, { caseId: found.value.view.id, ...(fromThread ? { fromThreadId: fromThread.id } : {}) }, body, `say:${randomUUID()}`);
    if (!relayed.ok) return relayed;
    if (relayed.value.relayedTo === 0) return fail("not-found", "This case has no other thread to write to.");
    return ok({ reference: found.value.view.reference, relayedTo: relayed.value.relayedTo });
  },
  render: ({ reference, relayedTo }) => ({ text: `✓ Sent to ${relayedTo} thread(s) of ${reference}.` }),
});
