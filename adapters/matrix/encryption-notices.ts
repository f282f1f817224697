// What the adapter says in end-to-end encrypted rooms: that it cannot read them, that a message could not be decrypted,
// and that a plaintext message there is not acted on.
import type { Logger } from "pino";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { plaintextRefusal, undecryptableNotice } from "./crypto-adapter.js";
import { roomEventSchema, type MessageMeaning, type RoomEvent } from "./inbound.js";
import type { MatrixPoster } from "./outbound.js";
import { stateKeys } from "./storage.js";

/** The notice posted once in an encrypted room. */
export const ENCRYPTED_ROOM_NOTICE =
  "Liaison cannot read this room: it is end-to-end encrypted, and encryption is turned off for Liaison here, so commands " +
  "and case messages written here are not seen, and Liaison posts no answers or case messages here either (it would " +
  "have to post them unencrypted). Matrix cannot turn encryption off in an existing room: create a new " +
  "room with encryption disabled (in Element: Room settings > Security & Privacy, before anyone writes) and invite " +
  "Liaison there, or talk to Liaison in a direct room without encryption.";

/** What the encryption notices need from the adapter. */
export interface EncryptionNoticesInput {
  /** The adapter's poster (throws while the adapter is not started). */
  poster: () => Pick<MatrixPoster, "postPlain" | "putEvent">;
  /** Where the encrypted-room notice is remembered across restarts. */
  state: AdapterStateStore;
  logger: Logger;
  /** Aborted when the adapter stops: no undecryptable-message notice is posted then. */
  signal: AbortSignal;
  /** What a message means to Liaison in its room (a command, a case message, ...). */
  classify: (roomId: string, event: RoomEvent) => Promise<MessageMeaning>;
}

/** The notices the Matrix adapter posts about end-to-end encryption, each said once. */
export class EncryptionNotices {
  /** Rooms told (this run) that Liaison cannot read them. */
  private readonly encryptionNoticed = new Set<string>();
  /** Rooms and senders told once (this run) that a message of theirs could not be decrypted. */
  private readonly undecryptableNoticed = new Set<string>();

  constructor(private readonly input: EncryptionNoticesInput) {}

  /** Says that an encrypted event could not be decrypted, once per sender and room (logged every time). */
  async undecryptable(roomId: string, raw: unknown, reason: string): Promise<void> {
    const sender = roomEventSchema.safeParse(raw).data?.sender ?? "someone";
    const eventId = roomEventSchema.safeParse(raw).data?.event_id ?? "";
    this.input.logger.warn({ roomId, eventId, reason }, "matrix: an encrypted event could not be decrypted");
    // Said once per sender and room (a client that never shares keys with Liaison would otherwise get it every time).
    const noticeKey = `${roomId}\u0000${sender}`;
    if (this.input.signal.aborted || this.undecryptableNoticed.has(noticeKey)) return;
    this.undecryptableNoticed.add(noticeKey);
    try {
      await this.input.poster().postPlain(roomId, undecryptableNotice(sender), `e2ee.utd.${eventId}`);
    } catch (error) {
      this.input.logger.warn({ roomId, err: error }, "matrix: could not say that a message could not be decrypted");
    }
  }

  /** Answers a plaintext command or case message in an encrypted room (encrypted): it is not acted on, and why. */
  async refusePlaintext(roomId: string, event: RoomEvent): Promise<void> {
    if (event.type !== "m.room.message") return;
    const meaning = await this.input.classify(roomId, event);
    if (meaning.kind !== "command" && meaning.kind !== "message") return;
    this.input.logger.warn({ roomId, eventId: event.event_id }, "matrix: a plaintext message in an encrypted room is not acted on");
    try {
      await this.input.poster().putEvent(
        roomId,
        "m.room.message",
        { msgtype: "m.notice", body: plaintextRefusal(), "m.relates_to": { "m.in_reply_to": { event_id: event.event_id } } },
        `liaison.e2ee.plain.${event.event_id.replace(/[^A-Za-z0-9._~-]/g, "_").slice(0, 80)}`,
      );
    } catch (error) {
      this.input.logger.warn({ roomId, err: error }, "matrix: could not refuse a plaintext message in an encrypted room");
    }
  }

  /** Tells an encrypted room, once (kept across restarts), that Liaison cannot read it. */
  async noticeEncryption(roomId: string): Promise<void> {
    if (this.encryptionNoticed.has(roomId)) return;
    this.encryptionNoticed.add(roomId);
    const state = this.input.state;
    if ((await state.get(stateKeys.encryptionNotice(roomId))) !== undefined) return;
    try {
      await this.input.poster().postPlain(roomId, ENCRYPTED_ROOM_NOTICE, `e2ee.${roomId}`);
      await state.set(stateKeys.encryptionNotice(roomId), "1");
      this.input.logger.warn({ roomId }, "matrix: room is encrypted; told the room Liaison cannot read it");
    } catch (error) {
      this.encryptionNoticed.delete(roomId);
      this.input.logger.warn({ roomId, err: error }, "matrix: could not post the encrypted-room notice");
    }
  }
}
