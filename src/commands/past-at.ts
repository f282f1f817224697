// The options that take a time before now (/tco inform --at, /case received --at, /case resolve --effective-at,
// /case decide --effect-at, /tco copy --at, /tco reinstated --at, /tco scrutiny --informed-at): one schema, one help
// wording, one resolution.
// The typed value is read by src/time/ago.ts; "how long ago" is resolved on the acting clock before the service
// sees it, so a record stores the instant and the service's own checks (not in the future, not before receipt) apply.
import type { Clock } from "../core/clock.js";
import { pastInstant, pastInstantSchema, type TimeAgo } from "../time/ago.js";

/** The schema of an option for a time before now: an instant with its offset, or how long ago. */
export const pastAtArg = pastInstantSchema;

/** A time before now as the option reads it: an instant as typed, or how long before the acting clock's now. */
export type PastAt = Date | TimeAgo;

/** The help text of such an option: what it is, then both forms with an example of each. */
export function pastAtHelp(what: string, instantExample: string, agoExample = "2h ago"): string {
  return `${what}: the time with its offset, e.g. ${instantExample}, or how long ago, e.g. "${agoExample}"`;
}

/** The instant the option stands for on the acting clock (undefined when it was not given). */
export function resolvePastAt(value: PastAt, clock: Clock): Date;
export function resolvePastAt(value: PastAt | undefined, clock: Clock): Date | undefined;
export function resolvePastAt(value: PastAt | undefined, clock: Clock): Date | undefined {
  return value === undefined ? undefined : pastInstant(value, clock.now());
}
