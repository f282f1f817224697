// Waiting for Discord's gateway to become ready: at start, for `readyTimeoutMs`; after that in the background, with a
// log line at doubling intervals (up to five minutes) while discord.js goes on reconnecting by itself.
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { DiscordTokenRefused, gatewayFailure } from "./errors.js";

/** Longest interval between two log lines about a gateway that is not ready yet. */
const MAX_READY_REPORT_MS = 300_000;

/** What the waits race: READY, the login's failure, and the adapter's stop. */
export interface GatewayWait {
  ready: Promise<"ready">;
  refused: Promise<Error>;
  signal: AbortSignal;
}

/** "ready", the reason the login failed, or a timeout error after `waitMs` (or once the signal aborts). */
export async function readyWithin(wait: GatewayWait, waitMs: number, waitedBeforeMs = 0): Promise<"ready" | Error> {
  const timeout = sleep(waitMs, "timeout" as const, { signal: wait.signal }).catch(() => "timeout" as const);
  const outcome = await Promise.race([wait.ready, wait.refused, timeout]);
  return outcome === "timeout" ? gatewayFailure(new DOMException("not ready", "TimeoutError"), waitedBeforeMs + waitMs) : outcome;
}

/**
 * Waits on after the first `readyTimeoutMs` failed with `first`, saying so at doubling intervals; true once the
 * gateway is ready, false when the adapter stops or Discord refuses the token (trying again cannot help).
 */
export async function awaitGatewayReady(wait: GatewayWait, first: Error, readyTimeoutMs: number, logger: Logger): Promise<boolean> {
  let failure: Error = first;
  let waitedMs = readyTimeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    const nextWaitMs = Math.min(MAX_READY_REPORT_MS, readyTimeoutMs * 2 ** attempt);
    logger.error({ attempt, waitedMs, nextReportInMs: nextWaitMs }, `discord: ${failure.message}; still trying (discord.js reconnects by itself)`);
    if (wait.signal.aborted || failure instanceof DiscordTokenRefused) return false;
    const outcome = await readyWithin(wait, nextWaitMs, waitedMs);
    if (outcome === "ready") {
      logger.info({ waitedMs: waitedMs + nextWaitMs }, "discord: gateway ready");
      return true;
    }
    if (wait.signal.aborted) return false;
    failure = outcome;
    waitedMs += nextWaitMs;
  }
}
