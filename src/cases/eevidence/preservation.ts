// Preservation under a European Preservation Order as a state with an end: Regulation (EU) 2023/1543 Art. 11.
import { fail, ok, type Outcome } from "../../core/result.js";

const DAY_MS = 24 * 60 * 60_000;

/** Art. 11(1): "The obligation to preserve the data shall cease after 60 days". */
export const PRESERVATION_MS = 60 * DAY_MS;
/** Art. 11(1): "by an additional 30-day period" (Annex VI). */
export const EXTENSION_MS = 30 * DAY_MS;
/** How long before each end the reminders come: a week, then a day. */
export const PRESERVATION_REMINDERS_MS = [7 * DAY_MS, DAY_MS] as const;

/** Where a preservation stands. */
export type PreservationStatus = "pending" | "preserving" | "until-production" | "ended" | "released";

/** A preservation's state. */
export interface PreservationState {
  status: PreservationStatus;
  /** When the addressee preserved the data. */
  preservedAt?: Date;
  /** When the duty to preserve ends; undefined while it has no end (pending, until production, ended). */
  endsAt?: Date;
  /** Whether the one extension of Annex VI was used. */
  extended: boolean;
  /** When the issuing authority confirmed a subsequent request for production (Annex V). */
  subsequentRequestAt?: Date;
  /** When the issuing authority released it (Art. 11(3)). */
  releasedAt?: Date;
}

/** What can happen to a preservation. */
export type PreservationAction =
  | { type: "preserved" }
  | { type: "extend" }
  | { type: "confirm-subsequent-request" }
  | { type: "release" };

/** A new preservation, not yet preserved. */
export function newPreservation(): PreservationState {
  return { status: "pending", extended: false };
}

/** The status at an instant: a preservation whose end has passed has ended. */
export function preservationAt(state: PreservationState, at: Date): PreservationState {
  if (state.status === "preserving" && state.endsAt && at.getTime() >= state.endsAt.getTime()) return { ...state, status: "ended" };
  return state;
}

/** Applies an action (who may take it is checked by the caller: the addressee preserves, the issuer does the rest). */
export function applyPreservation(current: PreservationState, action: PreservationAction, at: Date): Outcome<PreservationState> {
  const state = preservationAt(current, at);
  switch (action.type) {
    case "preserved":
      // Art. 11(1): "Upon receipt of an EPOC-PR, the addressee shall, without undue delay, preserve the data requested."
      if (state.status !== "pending") return fail("invalid-transition", "The data is already preserved.");
      return ok({ ...state, status: "preserving", preservedAt: at, endsAt: new Date(at.getTime() + PRESERVATION_MS) });
    case "extend":
      // Art. 11(1): "During that 60-day period, the issuing authority may, using the form set out in Annex VI, extend the
      // duration of the obligation to preserve the data by an additional 30-day period, where necessary to allow for the
      // issuing of a subsequent request for production." One extension; only while the duty runs.
      if (state.status !== "preserving" || !state.endsAt) return fail("invalid-transition", `A preservation is extended only while it runs; it is ${state.status}.`);
      if (state.extended) return fail("not-allowed", "The preservation was already extended by 30 days: Art. 11(1) allows one extension (Annex VI).", "Confirm a subsequent request for production (Annex V) to keep the data until it is produced.");
      return ok({ ...state, extended: true, endsAt: new Date(state.endsAt.getTime() + EXTENSION_MS) });
    case "confirm-subsequent-request":
      // Art. 11(2): "Where, during the period of preservation set out in paragraph 1, the issuing authority confirms that
      // a subsequent request for production has been issued, the addressee shall preserve the data as long as necessary
      // to produce the data once the subsequent request for production is received."
      if (state.status !== "preserving") return fail("invalid-transition", `A subsequent request is confirmed during the period of preservation; the preservation is ${state.status}.`);
      return { ok: true, value: { status: "until-production", extended: state.extended, subsequentRequestAt: at, ...(state.preservedAt ? { preservedAt: state.preservedAt } : {}) } };
    case "release":
      // Art. 11(3): "Where the preservation is no longer necessary, the issuing authority shall inform the addressee
      // without undue delay and the obligation to preserve on the basis of the relevant European Preservation Order
      // shall cease."
      if (state.status === "ended" || state.status === "released") return fail("invalid-transition", `The preservation has already ${state.status === "ended" ? "ended" : "been released"}.`);
      return { ok: true, value: { status: "released", extended: state.extended, releasedAt: at, ...(state.preservedAt ? { preservedAt: state.preservedAt } : {}), ...(state.subsequentRequestAt ? { subsequentRequestAt: state.subsequentRequestAt } : {}) } };
  }
}

/** A reminder before an end, and who gets it. */
export interface PreservationReminder {
  at: Date;
  /** The issuer decides (extend, confirm a subsequent request, release); the addressee is told when the duty ends. */
  to: "issuer" | "addressee";
  text: string;
}

/** The reminders before the current end: the issuer a week and a day before, the addressee at the end. */
export function preservationReminders(state: PreservationState): PreservationReminder[] {
  if (state.status !== "preserving" || !state.endsAt) return [];
  const end = state.endsAt.getTime();
  const next = state.extended ? "confirm a subsequent request for production (Annex V) or release it" : "extend it once by 30 days (Annex VI), confirm a subsequent request for production (Annex V), or release it";
  return [
    ...PRESERVATION_REMINDERS_MS.map((beforeMs) => ({ at: new Date(end - beforeMs), to: "issuer" as const, text: `The preservation ends in ${beforeMs / DAY_MS} day${beforeMs === DAY_MS ? "" : "s"} (Art. 11(1)): ${next}.` })),
    { at: state.endsAt, to: "addressee" as const, text: "The obligation to preserve has ceased (Art. 11(1)): no extension and no subsequent request for production was confirmed." },
  ];
}
