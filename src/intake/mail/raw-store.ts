// The raw bytes of the mails and feed files reports were read from, kept by SHA-256 so that an item's evidence
// (its sha256) can be fetched, verified and handed over later. Written in the same transaction as the reports read
// from them (src/intake/store-sink.ts): a crash leaves neither, and the same bytes twice are kept once.
import type { Clock } from "../../core/clock.js";
import type { Db } from "../../store/db.js";
import type { Tx } from "../../store/types.js";

/** Keeps raw bytes under their sha256 inside the caller's transaction (nothing changes when they are kept already). */
export async function keepRawMessage(tx: Tx, clock: Clock, entry: { sha256: string; content: Buffer; mailbox: string }): Promise<void> {
  await tx.$executeRaw`INSERT INTO "IntakeRawMessage" ("sha256", "sizeBytes", "content", "mailbox", "receivedAt")
    VALUES (${entry.sha256}, ${entry.content.length}, ${entry.content}, ${entry.mailbox.slice(0, 500)}, ${clock.now()}) ON CONFLICT ("sha256") DO NOTHING`;
}

/** The bytes kept under a sha256, when any. */
export async function rawMessage(db: Db | Tx, sha256: string): Promise<Buffer | undefined> {
  const row = await db.intakeRawMessage.findUnique({ where: { sha256 } });
  return row ? Buffer.from(row.content) : undefined;
}
