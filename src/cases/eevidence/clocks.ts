// The clocks of an EPOC as Regulation (EU) 2023/1543 Art. 10 and Art. 12 set them, for the addressee (the provider)
// and for the enforcing authority. Pure: instants in, instants out; the caller passes the clock.

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** The 10-day period of Art. 10(2) and 10(3), and of Art. 12(1) for the enforcing authority. */
export const TEN_DAYS_MS = 10 * DAY_MS;
/** Art. 10(4) (paraphrase: English wording not checked against EUR-Lex; checked against the German text, "spätestens jedoch innerhalb von acht Stunden nach Erhalt des EPOC"): emergencies, eight hours from receipt of the EPOC. */
export const EMERGENCY_MS = 8 * HOUR_MS;
/** Art. 12(1): the enforcing authority assesses "in emergency cases, at the latest within 96 hours following such receipt" (of the notification); Art. 10(4) gives it the same 96 hours (Art. 10(4) checked against the German text only: "spätestens innerhalb von 96 Stunden nach Erhalt der Unterrichtung"). */
export const ENFORCING_EMERGENCY_MS = 96 * HOUR_MS;
/** Art. 10(6) (paraphrase: wording not checked against EUR-Lex): the issuing authority reacts to a request for clarification "at the latest within five days". */
export const ISSUER_REACTION_MS = 5 * DAY_MS;
/** Art. 17(2) (paraphrase: wording not checked against EUR-Lex): a reasoned objection (third-country law) "at the latest within 10 days following the receipt of the EPOC". */
export const OBJECTION_MS = 10 * DAY_MS;

/** A pause of the addressee's time limits: a request for clarification until the clarification is provided. */
export interface ClarificationPause {
  from: Date;
  to?: Date;
}

/** What the clocks of an EPOC are computed from. */
export interface EpocTimeline {
  /** When the addressee received the EPOC. */
  receivedAt: Date;
  emergency: boolean;
  /** Whether the enforcing authority was notified (Art. 8). */
  notified: boolean;
  /** When the enforcing authority received the notification (Art. 8(1): "at the same time" as the addressee). */
  notificationReceivedAt?: Date;
  /** When the enforcing authority confirmed it raises no ground for refusal (Art. 10(2), second sentence). */
  confirmedAt?: Date;
  /** When the enforcing authority raised a ground for refusal (Art. 12). */
  refusedAt?: Date;
  /** Requests for clarification (Art. 10(6)). */
  pauses: readonly ClarificationPause[];
}

/** The addressee's and the enforcing authority's instants. */
export interface EpocClocks {
  /**
   * The earliest instant the addressee transmits: the end of the 10-day period where notification applies and no
   * confirmation came (Art. 10(2)); the confirmation when it came; the receipt otherwise. Undefined while paused or
   * after a refusal.
   */
  transmitFromAt?: Date;
  /** The latest instant the addressee transmits; undefined while a clarification is pending or after a refusal. */
  transmitDueAt?: Date;
  /** From when the addressee may be reminded to produce: never before it may transmit. */
  remindFromAt?: Date;
  /** The end of the enforcing authority's window (Art. 12(1)); undefined without notification. */
  enforcingWindowEndsAt?: Date;
  /** Art. 17(2): the latest instant for a reasoned objection on third-country law. */
  objectionDueAt: Date;
  /** Whether the clocks are stopped: a clarification is pending (Art. 10(6)) or the enforcing authority refused. */
  stopped: "clarification" | "refused" | undefined;
}

function pausedMs(pauses: readonly ClarificationPause[]): number {
  return pauses.reduce((sum, pause) => sum + (pause.to ? Math.max(0, pause.to.getTime() - pause.from.getTime()) : 0), 0);
}

/** The clocks of an EPOC at its current state. */
export function epocClocks(timeline: EpocTimeline): EpocClocks {
  const received = timeline.receivedAt.getTime();
  const notificationAt = (timeline.notificationReceivedAt ?? timeline.receivedAt).getTime();
  // Art. 12(1): "the enforcing authority shall, as soon as possible but at the latest within 10 days following receipt
  // of the notification, or, in emergency cases, at the latest within 96 hours following such receipt, assess the
  // information set out in the order". The window counts from the notification's receipt, not the addressee's.
  const enforcingWindowEndsAt = timeline.notified ? new Date(notificationAt + (timeline.emergency ? ENFORCING_EMERGENCY_MS : TEN_DAYS_MS)) : undefined;
  const objectionDueAt = new Date(received + OBJECTION_MS + pausedMs(timeline.pauses));
  const base = { ...(enforcingWindowEndsAt ? { enforcingWindowEndsAt } : {}), objectionDueAt };
  // Art. 12: a ground for refusal raised in time stops the execution; the addressee does not transmit.
  if (timeline.refusedAt && !timeline.emergency) return { ...base, stopped: "refused" };
  // Art. 10(6) (paraphrase: wording not checked against EUR-Lex): "The time limits set out in paragraphs 2, 3 and 4 shall not apply until the clarification has been
  // provided." The time a clarification took is added to them once it is provided.
  if (timeline.pauses.some((pause) => pause.to === undefined)) return { ...base, stopped: "clarification" };
  const shift = pausedMs(timeline.pauses);
  if (timeline.emergency) {
    // Art. 10(4) (paraphrase: English wording not checked against EUR-Lex; the substance, eight hours from receipt of
    // the EPOC and 96 hours from receipt of the notification, is checked against the German text): "In emergency cases, the addressee shall transmit the requested data without undue delay, at the
    // latest within eight hours following the receipt of the EPOC. Where a notification to the enforcing authority is
    // required pursuant to Article 8, the enforcing authority may, without undue delay and at the latest within 96
    // hours following the receipt of the notification, notify the issuing authority and the addressee that it objects
    // to the use of the data or that the data may only be used under conditions which it shall specify." The
    // notification does not hold the transmission back.
    const transmitDueAt = new Date(received + EMERGENCY_MS + shift);
    return { ...base, transmitFromAt: timeline.receivedAt, transmitDueAt, remindFromAt: timeline.receivedAt, stopped: undefined };
  }
  const periodEndsAt = new Date(received + TEN_DAYS_MS + shift);
  if (!timeline.notified) {
    // Art. 10(3): "Where a notification to the enforcing authority is not required pursuant to Article 8, upon receipt
    // of an EPOC, the addressee shall ensure that the requested data are transmitted directly to the issuing authority
    // or the law enforcement authorities, as indicated in the EPOC, at the latest within 10 days following receipt of
    // the EPOC."
    return { ...base, transmitFromAt: timeline.receivedAt, transmitDueAt: periodEndsAt, remindFromAt: timeline.receivedAt, stopped: undefined };
  }
  // Art. 10(2): "Where a notification to the enforcing authority is required pursuant to Article 8 and that authority
  // has not raised any ground for refusal in accordance with Article 12 within 10 days following receipt of the EPOC,
  // the addressee shall ensure that the requested data are transmitted directly to the issuing authority or the law
  // enforcement authorities, as indicated in the EPOC, at the end of that 10-day period. Where the enforcing authority
  // already before the end of that 10-day period confirms to the issuing authority and the addressee that it will not
  // raise any ground for refusal, the addressee shall act as soon as possible upon such confirmation and at the latest
  // at the end of that 10-day period."
  const confirmed = timeline.confirmedAt && timeline.confirmedAt.getTime() < periodEndsAt.getTime() ? timeline.confirmedAt : undefined;
  const transmitFromAt = confirmed ?? periodEndsAt;
  return { ...base, transmitFromAt, transmitDueAt: periodEndsAt, remindFromAt: transmitFromAt, stopped: undefined };
}

/** Whether the addressee may transmit at this instant (never before the end of the period where Art. 10(2) holds it). */
export function mayTransmitAt(clocks: EpocClocks, at: Date): boolean {
  return clocks.transmitFromAt !== undefined && at.getTime() >= clocks.transmitFromAt.getTime();
}

/** Art. 10(6): when the issuing authority must have reacted to a request for clarification received at `askedAt`. */
export function issuerReactionDueAt(askedAt: Date): Date {
  return new Date(askedAt.getTime() + ISSUER_REACTION_MS);
}
