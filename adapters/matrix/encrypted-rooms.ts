// The adapter's gate for end-to-end encrypted rooms: which rooms are encrypted (from their state and their events),
// encrypted events decrypted in the room's order, and plaintext messages in encrypted rooms not acted on (anyone on a
// homeserver could have forged them). It says so in the room through the encryption notices.
import type { Logger } from "pino";
import type { MatrixCrypto } from "./crypto.js";
import type { EncryptionNotices } from "./encryption-notices.js";
import { roomEventSchema, type RoomEvent } from "./inbound.js";
import type { MatrixPoster } from "./outbound.js";

/** What the gate needs from the adapter. */
export interface EncryptedRoomsInput {
  /** The adapter's poster, undefined while the adapter is not started. */
  poster: () => Pick<MatrixPoster, "isEncrypted" | "markEncrypted"> | undefined;
  /** The adapter's crypto, undefined when encryption is off. */
  crypto: () => MatrixCrypto | undefined;
  notices: EncryptionNotices;
  logger: Logger;
  /** Aborted when the adapter stops: waiting for keys ends then. */
  signal: AbortSignal;
}

/** Tracks encrypted rooms and decides what of an encrypted room's events the adapter acts on. */
export class EncryptedRooms {
  constructor(private readonly input: EncryptedRoomsInput) {}

  #poster(): Pick<MatrixPoster, "isEncrypted" | "markEncrypted"> {
    const poster = this.input.poster();
    if (!poster) throw new Error("the Matrix adapter is not started");
    return poster;
  }

  /** After a join: marks the room encrypted when its state says so, and without crypto says Liaison cannot read it. */
  async onJoin(roomId: string): Promise<void> {
    const poster = this.input.poster();
    if (!poster) return;
    try {
      // The join's batch carries the room's whole state: read from memory (from the homeserver while not known).
      if (!(await poster.isEncrypted(roomId))) return;
    } catch (error) {
      this.input.logger.debug({ roomId, err: error }, "matrix: encryption state unknown");
      return;
    }
    poster.markEncrypted(roomId);
    if (!this.input.crypto()) await this.input.notices.noticeEncryption(roomId);
  }

  /**
   * True when the event only says the room is encrypted (its encryption state, or an encrypted event Liaison cannot
   * decrypt because encryption is off): the room is marked, the notice given where due, and nothing more is done.
   */
  async onlyMarks(roomId: string, envelope: RoomEvent): Promise<boolean> {
    const crypto = this.input.crypto();
    if (envelope.type !== "m.room.encryption" && !(envelope.type === "m.room.encrypted" && !crypto)) return false;
    this.#poster().markEncrypted(roomId);
    if (!crypto) await this.input.notices.noticeEncryption(roomId);
    return true;
  }

  /**
   * The event to act on, in the room's turn: an encrypted event decrypted (a message or a reaction); a plaintext one
   * as it is, unless the room is encrypted. Undefined, after saying so where due, when it is not acted on.
   */
  async admit(roomId: string, envelope: RoomEvent, raw: unknown): Promise<RoomEvent | undefined> {
    if (envelope.type === "m.room.encrypted") {
      this.#poster().markEncrypted(roomId);
      const decrypted = await this.#decrypt(roomId, raw);
      return decrypted && (decrypted.type === "m.room.message" || decrypted.type === "m.reaction") ? decrypted : undefined;
    }
    if (!(await this.#poster().isEncrypted(roomId))) return envelope;
    if (this.input.crypto()) await this.input.notices.refusePlaintext(roomId, envelope);
    else await this.input.notices.noticeEncryption(roomId);
    return undefined;
  }

  /** An encrypted event decrypted (its keys waited for over a few syncs); undefined, after saying so, when it cannot be. */
  async #decrypt(roomId: string, raw: unknown): Promise<RoomEvent | undefined> {
    const crypto = this.input.crypto();
    if (!crypto) return undefined;
    const decrypted = await crypto.decryptWhenKeysArrive(roomId, raw, this.input.signal);
    if (decrypted.ok) {
      const parsed = roomEventSchema.safeParse(decrypted.event);
      return parsed.success ? parsed.data : undefined;
    }
    await this.input.notices.undecryptable(roomId, raw, decrypted.reason);
    return undefined;
  }
}
