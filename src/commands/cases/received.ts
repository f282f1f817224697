import { z } from "zod";
import { defineCommand } from "../command.js";
import { pastAtArg, pastAtHelp, resolvePastAt } from "../past-at.js";
import { referenceArg } from "./shared.js";

/**
 * /case received: the issuer enters when the recipient received a case served by another channel (e-mail, the
 * recipient's portal, by hand). A removal order's hour then runs from that time (TCO Art. 3(3), 3(5)).
 */
export const caseReceived = defineCommand({
  group: "case",
  name: "received",
  summary: "Enter when the recipient received a case served another way (the issuer)",
  details:
    "Liaison records receipt itself when the case reaches the recipient's channel. Where it was served by another channel first, " +
    "enter that time, with its offset or how long ago (\"2h ago\"); a legal clock (a removal order's hour) then runs from it. The time may be earlier than the one Liaison recorded, never later, never in the future.",
  args: z.object({
    reference: referenceArg,
    at: pastAtArg.describe(pastAtHelp("When it was received", "2026-11-20T14:05+01:00")),
  }),
  positional: ["reference"],
  examples: ["/case received R-2026-0001 --at 2026-11-20T14:05+01:00"],
  permission: "contact",
  uses: ["cases", "clock"],
  execute: ({ cases, clock, actor }, { reference, at }) => cases.enterReceipt(actor, reference, resolvePastAt(at, clock)),
  render: (recorded) => ({
    text: recorded.changed
      ? `✓ ${recorded.reference}: received ${recorded.receivedAt.toISOString()} recorded.${recorded.resolveDueAt ? ` Resolve by ${recorded.resolveDueAt.toISOString()}.` : ""}`
      : `${recorded.reference} was already recorded as received at ${recorded.receivedAt.toISOString()}; nothing changed.`,
    tone: recorded.changed ? "success" : "info",
  }),
});
