import { DeliveryError, type InboundEvent, type Reply } from "./adapter.js";
import type { Clock } from "./clock.js";
import type { OutboundMessage } from "./message.js";

/** A way an adapter can show a reply: where the event happened, to the asker alone there, or in a direct conversation. */
export type ReplyRouteName = "in-place" | "ephemeral" | "direct";

/** One way of showing a reply, supplied by the adapter for the context of one inbound event. */
export interface ReplyRoute {
  /**
   * Shows the message. Throws DeliveryError on failure (permanent: this route cannot work; otherwise with the
   * platform's wait when it gave one). Calling it again after a failure must not show what was already shown
   * (adapters keep the progress of multi-part messages, or use the platform's idempotency).
   */
  send(message: OutboundMessage): Promise<void>;
  /**
   * Until when the route can be used at all, on the policy's clock (Discord's 15-minute interaction token, Slack's
   * 30-minute response_url). Absent where the platform sets no limit: the policy's routeWindowMs applies.
   */
  usableUntilMs?: number;
}

/** The routes an adapter has for the reply to one inbound event. `direct` always exists: it is the last fallback. */
export interface ReplyRoutes {
  inPlace?: ReplyRoute;
  ephemeral?: ReplyRoute;
  direct: ReplyRoute;
}

/** The clock and waits of the policy; tests pass a fake one so that retries take no real time. */
export interface ReplyTiming {
  /** Now, in milliseconds (any fixed origin). */
  nowMs(): number;
  /** Resolves after `ms` milliseconds, or as soon as `signal` is aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The policy's knobs. */
export interface ReplyPolicy {
  timing: ReplyTiming;
  /** How long one route is retried (from its first attempt) where the platform sets no limit, in milliseconds. */
  routeWindowMs: number;
  /** First wait after a transient failure that came without a wait, in milliseconds; doubles per failure. */
  firstBackoffMs: number;
  /** Longest wait after a transient failure that came without a wait, in milliseconds. */
  maxBackoffMs: number;
  /** Aborted when the adapter stops: no more waiting; what fails from then on is given up. */
  signal?: AbortSignal;
}

/** How a reply went: shown by one route after some attempts, or not shown at all (the last failure says why). */
export type ReplyOutcome =
  | { delivered: true; route: ReplyRouteName; attempts: number; fellBack: boolean }
  | { delivered: false; attempts: number; error: DeliveryError };

/** Told about each failed attempt (for the adapter's log). */
export type ReplyAttemptObserver = (report: { route: ReplyRouteName; attempt: number; error: DeliveryError; next: "retry" | "fall back" | "give up"; waitMs?: number }) => void;

/** Timing on a clock, with real timers for the waits. */
export function replyTimingOn(clock: Clock): ReplyTiming {
  return {
    nowMs: () => clock.now().getTime(),
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done, { once: true });
      }),
  };
}

/** How long a route without a platform limit is retried by default: a few minutes. */
export const DEFAULT_REPLY_ROUTE_WINDOW_MS = 3 * 60_000;

/** The default policy on a clock: a few minutes per route without a platform limit, backoff from 1 s to 30 s. */
export function defaultReplyPolicy(clock: Clock, overrides: Partial<ReplyPolicy> = {}): ReplyPolicy {
  return { timing: replyTimingOn(clock), routeWindowMs: DEFAULT_REPLY_ROUTE_WINDOW_MS, firstBackoffMs: 1000, maxBackoffMs: 30_000, ...overrides };
}

/**
 * The routes a reply is tried by, in order. A private reply (ephemeral or direct) and any reply to a person's thread
 * message outside a direct conversation (a refusal, "✗ Not relayed: …") only ever reach the asker: ephemeral where
 * the context has it, else a direct message. A public reply goes where the event happened, else by direct message.
 * A reply carrying TLP:RED content is private whatever it asked for: RED goes to the named people only, never into a
 * channel or a channel's thread, where everyone in it would read it.
 */
export function replyRoutePlan(reply: Reply, event: Pick<InboundEvent, "type" | "where">, available: { inPlace: boolean; ephemeral: boolean }): ReplyRouteName[] {
  const privateOnly = reply.delivery !== "in-place" || reply.message.tlp === "RED" || (event.type === "message" && !event.where.isDirect);
  if (!privateOnly) return available.inPlace ? ["in-place", "direct"] : ["direct"];
  // In a direct conversation, the conversation itself is private.
  if (event.where.isDirect && available.inPlace) return ["in-place", "direct"];
  if (reply.delivery !== "direct" && available.ephemeral) return ["ephemeral", "direct"];
  return ["direct"];
}

/**
 * Delivers the core's reply to an inbound event: each route in the plan is retried on rate limits (the platform's
 * wait) and transient failures (growing backoff) while it is usable, then the next route is tried; the direct message
 * to the asker comes last. Once the policy's signal is aborted (the adapter stops), nothing more is waited for. Failures of the routes are answers (the outcome); anything else a route throws is a fault
 * and is thrown on.
 */
export async function deliverReply(
  reply: Reply,
  event: Pick<InboundEvent, "type" | "where">,
  routes: ReplyRoutes,
  policy: ReplyPolicy,
  observe: ReplyAttemptObserver = () => undefined,
): Promise<ReplyOutcome> {
  const plan = replyRoutePlan(reply, event, { inPlace: routes.inPlace !== undefined, ephemeral: routes.ephemeral !== undefined });
  let attempts = 0;
  let lastError = new DeliveryError("no route could show the reply", { permanent: true });
  for (const [index, name] of plan.entries()) {
    const route = name === "in-place" ? routes.inPlace : name === "ephemeral" ? routes.ephemeral : routes.direct;
    if (!route) continue;
    const isLast = index === plan.length - 1;
    const startedMs = policy.timing.nowMs();
    const untilMs = route.usableUntilMs ?? startedMs + policy.routeWindowMs;
    let backoffMs = policy.firstBackoffMs;
    for (let attempt = 1; ; attempt += 1) {
      // A route with a platform limit is not tried once it has passed; one without is always tried once.
      if ((attempt > 1 || route.usableUntilMs !== undefined) && policy.timing.nowMs() >= untilMs) {
        lastError = new DeliveryError(`the ${name} route is no longer usable`, { permanent: true });
        observe({ route: name, attempt, error: lastError, next: isLast ? "give up" : "fall back" });
        break;
      }
      attempts += 1;
      try {
        await route.send(reply.message);
        return { delivered: true, route: name, attempts, fellBack: index > 0 };
      } catch (error) {
        if (!(error instanceof DeliveryError)) throw error;
        lastError = error;
        if (error.permanent) {
          observe({ route: name, attempt, error, next: isLast ? "give up" : "fall back" });
          break;
        }
        const waitMs = error.retryAfterMs ?? backoffMs;
        if (error.retryAfterMs === undefined) backoffMs = Math.min(policy.maxBackoffMs, backoffMs * 2);
        if (policy.signal?.aborted) {
          observe({ route: name, attempt, error, next: "give up" });
          return { delivered: false, attempts, error };
        }
        if (policy.timing.nowMs() + waitMs >= untilMs) {
          observe({ route: name, attempt, error, next: isLast ? "give up" : "fall back", waitMs });
          break;
        }
        observe({ route: name, attempt, error, next: "retry", waitMs });
        await policy.timing.sleep(waitMs, policy.signal);
      }
    }
  }
  return { delivered: false, attempts, error: lastError };
}
