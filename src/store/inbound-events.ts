// Inbound events are handled once: each event's key ("<platform>:<type>:<event id>") is written to InboundEvent when
// it is handled, and a second delivery finds it there. The claim is one statement, run on its own or as the condition
// of the transaction that records the event's command (the dispatcher's runOnce).
import type { Statement } from "./raw.js";

/** The statement that claims an event: it changes one row the first time and none after. */
export function inboundEventClaim(key: string, receivedAt: Date): Statement {
  return { sql: `INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?) ON CONFLICT ("key") DO NOTHING`, params: [key, receivedAt] };
}
