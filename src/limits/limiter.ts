// Rate limits: before a command runs, a message is relayed or a case is opened, the event is counted against the
// account's and then the organisation's window of its limit (src/limits/window.ts) in the event's own transaction.
// Over a ceiling, the event is refused with the code "rate-limited", saying which limit and when to try again; the first
// refusal of a window is recorded once (one audit entry), the further attempts of that window are not.
import { auditActor, type Actor } from "../core/actor.js";
import { identityKey } from "../core/adapter.js";
import { fail, ok, type Failure, type Outcome } from "../core/result.js";
import type { UnitOfWork } from "../work/unit-of-work.js";
import type { LimitName, LimitSettings, LimitsSettings } from "./settings.js";
import { countInWindow } from "./window.js";
import { formatLocal } from "../time/calendar.js";

/** The audit action of the one entry recorded when an account (or organisation) first goes over a limit in a window. */
export const RATE_LIMIT_EXCEEDED = "rate-limit.exceeded";

/** A refusal by the limiter: which limit, whose ceiling, and when the window ends. */
export interface RateLimited extends Failure {
  code: "rate-limited";
  limit: LimitName;
  scope: "account" | "organisation";
  /** When the window that is full ends: the event may be tried again from then on. */
  retryAt: Date;
}

/** What each limit counts, in words. */
const LIMIT_WORDS: Record<LimitName, string> = {
  commands: "commands",
  readOnlyCommands: "look-up commands (help, whoami, find, show, status, list, history, digest)",
  relays: "messages relayed in case threads",
  caseOpenings: "case openings",
  emergencyOpenings: "emergency case openings",
};

/** "per minute", "per hour", "per 15 min", "per 30 s": a window in words. */
export function windowWords(windowMs: number): string {
  const named: Record<number, string> = { 1000: "per second", 60_000: "per minute", 3_600_000: "per hour", 86_400_000: "per day" };
  return named[windowMs] ?? `per ${waitWords(windowMs)}`;
}

/** A wait in words, rounded up: "40 s", "12 min", "2 h 5 min". */
export function waitWords(waitMs: number): string {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** The ceiling and window key of each scope of a limit for an actor. */
function scopesOf(actor: Actor, limit: LimitName, settings: LimitSettings): { scope: RateLimited["scope"]; key: string; ceiling: number }[] {
  const contact = actor.contact;
  const scopes: { scope: RateLimited["scope"]; key: string; ceiling: number }[] = [
    { scope: "account", key: `${limit}:account:${identityKey(actor.identity)}`, ceiling: contact?.coordinator ? settings.coordinator : settings.account },
  ];
  if (contact) scopes.push({ scope: "organisation", key: `${limit}:organisation:${contact.organisationId}`, ceiling: settings.organisation });
  return scopes;
}

/** Counts events against the limits inside one unit of work, and refuses those over a ceiling. */
export class RateLimiter {
  constructor(
    private readonly work: UnitOfWork,
    private readonly settings: LimitsSettings,
  ) {}

  /**
   * Counts one event of `limit` for the actor and admits it, or refuses it when a window is full: first against the
   * account, then (only when the account's window admits it) against the organisation, so that one account's refused
   * attempts never use up its organisation's budget. One statement per window; refused attempts do not move a window's
   * end (it lasts its length from its first event, whatever follows).
   */
  async admit(actor: Actor, limit: LimitName): Promise<Outcome<true> | RateLimited> {
    if (!this.settings.enabled) return ok(true);
    const settings = this.settings[limit];
    const at = this.work.clock.now();
    for (const scope of scopesOf(actor, limit, settings)) {
      const window = await countInWindow(this.work.tx, scope.key, at, settings.window, scope.ceiling);
      if (window.admitted) continue;
      const retryAt = new Date(window.windowStartAt.getTime() + settings.window);
      if (window.refused === 1) {
        this.work.record({
          ...auditActor(actor), action: RATE_LIMIT_EXCEEDED, subjectType: "rate-limit", subjectId: `${limit}:${scope.scope}`,
          result: "refused:rate-limited",
          detail: {
            limit, scope: scope.scope, ceiling: scope.ceiling, windowMs: settings.window, windowStartAt: window.windowStartAt, retryAt,
            ...(scope.scope === "organisation" ? { organisation: actor.contact?.organisationSlug } : {}),
          },
        });
      }
      return this.refusal(actor, limit, scope.scope, scope.ceiling, settings.window, retryAt, at, await this.readerZone(actor));
    }
    return ok(true);
  }

  /** The zone the person reads times in: their own, else their organisation's, else UTC (read only on a refusal). */
  private async readerZone(actor: Actor): Promise<string> {
    const id = actor.contact?.id;
    if (!id) return "UTC";
    const row = await this.work.tx.contact.findUnique({ where: { id }, select: { timeZone: true, organisation: { select: { timeZone: true } } } });
    return row?.timeZone ?? row?.organisation.timeZone ?? "UTC";
  }

  private refusal(actor: Actor, limit: LimitName, scope: RateLimited["scope"], ceiling: number, windowMs: number, retryAt: Date, at: Date, timeZone: string): RateLimited {
    const what = `${ceiling.toLocaleString("en")} ${LIMIT_WORDS[limit]} ${windowWords(windowMs)}`;
    const who =
      scope === "organisation"
        ? `Your organisation (${actor.contact?.organisationSlug ?? "?"}) has reached its limit of ${what}, all its accounts together.`
        : `You have reached the limit of ${what} for ${actor.contact?.coordinator ? "a coordinator's" : "one"} account.`;
    const when = `Try again in ${waitWords(retryAt.getTime() - at.getTime())} (from ${formatLocal(new Date(Math.ceil(retryAt.getTime() / 60_000) * 60_000), timeZone)}).`;
    const urgent = limit === "emergencyOpenings" ? "If it cannot wait, call the recipient's emergency contact (/contacts show <organisation>). " : "";
    const failure = fail("rate-limited", `${who} ${when}`, `${urgent}The limits are set by the installation's operators (limits.${limit} in its configuration).`);
    return { ...failure, code: "rate-limited", limit, scope, retryAt };
  }
}

/** True for a refusal by the limiter (recorded once per window by the limiter, so not again per attempt). */
export function isRateLimited(failure: Failure): failure is RateLimited {
  return failure.code === "rate-limited";
}
