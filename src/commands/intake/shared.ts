// What the /intake commands share: the item reference argument, and the reply after a decision.
import { z } from "zod";
import type { OutboundMessage } from "../../core/message.js";
import type { IntakeDecided } from "../../intake/decisions.js";

/** An intake item's reference, e.g. I-2026-000042. */
export const itemArg = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^I-\d{4}-\d{6}$/, "an intake reference such as I-2026-000042")
  .describe("The intake item, e.g. I-2026-000042");

/** The reply after a decision on an item. */
export function renderDecided(decided: IntakeDecided): OutboundMessage {
  const what = {
    opened: `opened as ${decided.caseReference ?? "?"}; its thread opens on both sides`,
    added: `added to ${decided.caseReference ?? "?"}`,
    dismissed: "dismissed",
    forwarded: `forwarded to ${decided.forwardedTo ?? "?"}'s intake`,
  }[decided.decision];
  return { text: `${decided.reference} (${decided.reportCount} report${decided.reportCount === 1 ? "" : "s"}): ${what}.`, tone: "success" };
}
