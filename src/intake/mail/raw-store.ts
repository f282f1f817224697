// The raw bytes of the mails and feed files reports were read from, kept by SHA-256 so that an item's evidence
// (its sha256) can be fetched, verified and handed over later. Written before the reports are handed to intake:
// a crash in between leaves bytes no item points to yet, which the retried message points to again (same sha256).
import type { Clock } from "../../core/clock.js";
import type { Db } from "../../store/db.js";

/** Where raw mails and feed files are kept. */
export interface RawMessageStore {
  /** Keeps the bytes under their sha256 (nothing changes when they are kept already). */
  keep(entry: { sha256: string; content: Buffer; mailbox: string }): Promise<void>;
  /** The bytes kept under a sha256, when any. */
  get(sha256: string): Promise<Buffer | undefined>;
}

/** The raw messages in the database (table IntakeRawMessage). */
export function rawMessageStore(db: Db, clock: Clock): RawMessageStore {
  return {
    async keep({ sha256, content, mailbox }) {
      const at = clock.now();
      await db.$executeRaw`INSERT INTO "IntakeRawMessage" ("sha256", "sizeBytes", "content", "mailbox", "receivedAt")
        VALUES (${sha256}, ${content.length}, ${content}, ${mailbox.slice(0, 500)}, ${at}) ON CONFLICT ("sha256") DO NOTHING`;
    },
    async get(sha256) {
      const row = await db.intakeRawMessage.findUnique({ where: { sha256 } });
      return row ? Buffer.from(row.content) : undefined;
    },
  };
}
