// Inbound events are handled once: each event's key ("<platform>:<type>:<event id>") is written to InboundEvent when
// it is handled, and a second delivery finds it there. The claim is one statement, run on its own or as the condition
// of the transaction that records the event's command (the dispatcher's runOnce).
import type { Db } from "./db.js";
import { executeStatement, type Statement } from "./raw.js";

/** The statement that claims an event: it changes one row the first time and none after. */
export function inboundEventClaim(key: string, receivedAt: Date): Statement {
  return { sql: `INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?) ON CONFLICT ("key") DO NOTHING`, params: [key, receivedAt] };
}

/**
 * Records an inbound event's key; false when it was already there (a redelivery). Works on SQLite and PostgreSQL
 * alike, and is safe when two processes receive the same event at once.
 */
export async function claimInboundEvent(db: Db, key: string, receivedAt: Date): Promise<boolean> {
  const claim = inboundEventClaim(key, receivedAt);
  return (await executeStatement(db, claim.sql, claim.params)) > 0;
}
