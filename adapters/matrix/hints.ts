import type { Logger } from "pino";
import type { Clock } from "../../src/core/clock.js";
import type { RoomEvent } from "./inbound.js";
import type { MatrixPoster } from "./outbound.js";

/** Least time between two hints to the same person in the same room, in milliseconds. */
export const HINT_INTERVAL_MS = 10 * 60_000;

/** The hint for a plain reply to one of Liaison's posts outside its thread. */
export const REPLY_OUTSIDE_THREAD_HINT =
  "This reply was not relayed: Liaison relays only what is written in a case's thread. Open the thread of the case's card (Reply in thread) and write there.";

/** The hint for a top-level message naming a case reference. */
export function referenceHint(reference: string): string {
  return `This message names ${reference} but was not relayed: Liaison relays only what is written in the case's thread. Open the thread of its card (Reply in thread) and write there.`;
}

/**
 * Answers top-level messages that look meant for a case (a plain reply to one of Liaison's posts, or a message naming
 * a case reference) with where to write instead, at most once per person and room every HINT_INTERVAL_MS.
 */
export class StrayHints {
  private readonly lastHintMs = new Map<string, number>();

  constructor(
    private readonly poster: MatrixPoster,
    private readonly botUserId: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Posts the hint for a stray message, when it is one Liaison should answer. */
  async answer(roomId: string, event: RoomEvent, stray: { replyTo?: string; reference?: string }): Promise<void> {
    const key = `${roomId}\u0000${event.sender}`;
    const nowMs = this.clock.now().getTime();
    if (nowMs - (this.lastHintMs.get(key) ?? -Infinity) < HINT_INTERVAL_MS) return;
    let text: string | undefined;
    if (stray.replyTo !== undefined && (await this.poster.senderOf(roomId, stray.replyTo)) === this.botUserId) text = REPLY_OUTSIDE_THREAD_HINT;
    else if (stray.reference !== undefined) text = referenceHint(stray.reference);
    if (!text) return;
    this.lastHintMs.set(key, nowMs);
    try {
      await this.poster.postMessage({ text }, { roomId, replyTo: event.event_id }, `hint.${event.event_id}`);
    } catch (error) {
      this.logger.info({ roomId, err: error }, "matrix: could not post where to write");
    }
  }
}
