// How the adapter starts its end-to-end encryption, and what it says in encrypted rooms.
import type { MatrixClient } from "matrix-bot-sdk";
import type { Logger } from "pino";
import type { AdapterRecordStore } from "../../src/core/platform.js";
import { inertLine } from "../../src/core/text.js";
import { MatrixCrypto } from "./crypto.js";
import { DatabaseCryptoStore } from "./crypto-store.js";

/** What starting the encryption needs. */
export interface AdapterCryptoInput {
  client: MatrixClient;
  userId: string;
  /** The access token's device; without it (an old homeserver) there is no encryption. */
  deviceId: string | undefined;
  logger: Logger;
  /** Where the keys are kept (Liaison's database); without it they are in memory only, and lost at restart. */
  records: AdapterRecordStore | undefined;
}

/**
 * Opens the device's encryption; undefined (logged) when it cannot start, and the adapter then treats encrypted rooms
 * as unreadable (a notice, nothing posted) instead of failing to start.
 */
export async function openAdapterCrypto(input: AdapterCryptoInput): Promise<MatrixCrypto | undefined> {
  if (!input.deviceId) {
    input.logger.warn("matrix: the homeserver did not name the access token's device; end-to-end encryption is off");
    return undefined;
  }
  if (!input.records) input.logger.warn("matrix: no database for the encryption keys; they are kept in memory and lost at restart");
  else if (!input.records.sealed) input.logger.warn("matrix: LIAISON_SECRET_KEY is not set; the encryption keys are stored in the database unencrypted");
  try {
    const persistence = input.records ? new DatabaseCryptoStore(input.records, { userId: input.userId, deviceId: input.deviceId }, input.logger) : undefined;
    const crypto = await MatrixCrypto.open({ client: input.client, userId: input.userId, deviceId: input.deviceId, logger: input.logger, ...(persistence ? { persistence } : {}) });
    input.logger.info({ ...crypto.identity, keysRestored: persistence?.figures.recordsRestored ?? 0 }, "matrix: end-to-end encryption on (device and identity keys)");
    return crypto;
  } catch (error) {
    input.logger.error({ err: error }, "matrix: end-to-end encryption could not start; encrypted rooms are not read");
    return undefined;
  }
}

/** The answer to a plaintext command or case message in an encrypted room. */
export function plaintextRefusal(): string {
  return (
    "Liaison did not act on this message: it was sent unencrypted into an end-to-end encrypted room, and anyone with " +
    "access to a homeserver could have forged it. Send it again from a client that encrypts (Element does)."
  );
}

/** What Liaison says when it cannot decrypt a message (posted encrypted). */
export function undecryptableNotice(sender: string): string {
  // A user id from another homeserver is shown inert and cut (it reaches people's screens).
  const who = inertLine(sender.slice(0, 255));
  return (
    `Liaison could not decrypt a message from ${who}: the key for it did not reach Liaison's device. Liaison did not ` +
    "act on it. Send it again; if this keeps happening, make sure your client shares keys with unverified devices " +
    "(Element does by default)."
  );
}
