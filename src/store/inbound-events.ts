// Inbound events are handled once: each event's key ("<platform>:<type>:<event id>") is written to InboundEvent in
// the transaction that handles the event, and a second delivery finds it there. A crash before that transaction
// commits leaves no claim, so the platform's redelivery is handled.
import type { Tx } from "./types.js";

/** Claims an event inside the caller's transaction: true the first time, false when it was already handled. */
export async function claimInboundEvent(tx: Tx, key: string, receivedAt: Date): Promise<boolean> {
  const inserted = await tx.$executeRaw`INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (${key}, ${receivedAt}) ON CONFLICT ("key") DO NOTHING`;
  return inserted > 0;
}
