// The TCO Regulation's (EU) 2021/784 periods as instants: continuous hours for Art. 3(2) and Art. 4, and the
// calendar periods of Art. 6 (months) and Art. 11 (weeks), which end as Regulation (EEC, Euratom) No 1182/71 Art. 3
// counts periods, on the civil calendar of the hosting service provider (whose duty they are). Pure: no clock.
import { DAY_MS, HOUR_MS, instantOfWallTime, localTimeOf } from "../../time/zoned.js";

/**
 * Art. 3(2): "Where a competent authority has not previously issued a removal order to a hosting service provider,
 * it shall provide that hosting service provider with information on the applicable procedures and deadlines, at
 * least 12 hours before issuing the removal order." (paraphrase: this first subparagraph was not checked against
 * the Official Journal text; the second was: "The first subparagraph shall not apply in duly justified cases of
 * emergency.") Twelve hours of real time, across offset changes.
 */
export const ADVANCE_NOTICE_MS = 12 * HOUR_MS;

/**
 * Art. 4(4), first subparagraph (paraphrase, not checked against EUR-Lex): the hosting service provider or the
 * content provider may, within 48 hours of receiving the removal order (the content provider: the Art. 11(2)
 * information), submit a reasoned request for scrutiny to the competent authority of the Member State of the main
 * establishment or legal representative. It is paragraph 4, not 3: the checked second subparagraph below, on the
 * decision on "the request", follows Art. 4(3)'s own-initiative scrutiny ("Where it finds an infringement, it shall,
 * within the same period, adopt a reasoned decision to that effect.").
 */
export const SCRUTINY_REQUEST_MS = 48 * HOUR_MS;

/**
 * Art. 4(4), second subparagraph: "The competent authority shall, within 72 hours of receiving the request, adopt a
 * reasoned decision following its scrutiny of the removal order, setting out its findings as to whether there is an
 * infringement." The 72 hours run from the request's receipt, i.e. when it is made in Liaison.
 */
export const SCRUTINY_DECISION_MS = 72 * HOUR_MS;

/**
 * Art. 6(2): six months of preservation from the removal or disabling (paraphrase: the article was not checked). Annex I
 * says: "Pursuant to Article 6 of the Regulation the addressee shall preserve content and related data, which has been
 * removed or access to which as been disabled, for six months or longer upon request from the competent authorities
 * or courts."
 */
export const PRESERVATION_MONTHS = 6;

/** Art. 11(3): non-disclosure for not more than six weeks from that decision, extendable once by six weeks (paraphrase). */
export const NONDISCLOSURE_WEEKS = 6;

/** The first instant an order may be issued after advance information given at `informedAt` (Art. 3(2)). */
export function mayIssueFrom(informedAt: Date): Date {
  return new Date(informedAt.getTime() + ADVANCE_NOTICE_MS);
}

/** Whether an instant lies in a window that runs from `from` for `lengthMs`, both ends included. */
export function withinWindow(from: Date, lengthMs: number, at: Date): boolean {
  return at.getTime() >= from.getTime() && at.getTime() <= from.getTime() + lengthMs;
}

/** The end of a window of `lengthMs` from `from`. */
export function windowEnd(from: Date, lengthMs: number): Date {
  return new Date(from.getTime() + lengthMs);
}

/** Local midnight at the start of a civil day (epoch day) in a zone; a day that starts in a DST gap starts after it. */
function startOfDay(timeZone: string, epochDay: number): Date {
  return new Date(instantOfWallTime(timeZone, epochDay, 0, { overlap: "earlier", gap: "boundary" }));
}

/**
 * The end of a period of `months` months that runs from an event at `from`, read on the calendar of `timeZone`.
 * Regulation No 1182/71 Art. 3(1), second subparagraph: "the day during which that event occurs or that action takes
 * place shall not be considered as falling within the period in question"; Art. 3(2)(c): "a period expressed in
 * weeks, months or years shall start at the beginning of the first hour of the first day of the period, and shall end
 * with the expiry of the last hour of whichever day in the last week, month or year is the same day of the week, or
 * falls on the same date, as the day from which the period runs. If, in a period expressed in months or in years, the
 * day on which it should expire does not occur in the last month, the period shall end with the expiry of the last
 * hour of the last day of that month." So removal on 31 August 2026 ends six months later at the end of 28 February
 * 2027, i.e. local midnight starting 1 March 2027.
 */
export function endOfMonthsPeriod(from: Date, months: number, timeZone: string): Date {
  const day = localTimeOf(timeZone, from.getTime()).epochDay;
  const date = new Date(day * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastOfTarget = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const endDay = Date.UTC(year, month, Math.min(date.getUTCDate(), lastOfTarget)) / DAY_MS;
  return startOfDay(timeZone, endDay + 1);
}

/**
 * The end of a period of `weeks` weeks from an event at `from` (Regulation No 1182/71 Art. 3(2)(c): the expiry of
 * the last hour of the same day of the week in the last week), read on the calendar of `timeZone`.
 */
export function endOfWeeksPeriod(from: Date, weeks: number, timeZone: string): Date {
  const day = localTimeOf(timeZone, from.getTime()).epochDay;
  return startOfDay(timeZone, day + 7 * weeks + 1);
}

/** A period's end moved on by `weeks` weeks on the calendar of `timeZone` (Art. 11(3), paraphrase: a further six weeks). */
export function extendByWeeks(end: Date, weeks: number, timeZone: string): Date {
  return startOfDay(timeZone, localTimeOf(timeZone, end.getTime()).epochDay + 7 * weeks);
}
