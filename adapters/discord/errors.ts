import { DiscordAPIError, HTTPError, RateLimitError } from "discord.js";
import { DeliveryError } from "../../src/core/adapter.js";

/** Discord JSON error codes after which retrying cannot help. */
const PERMANENT_CODES = new Set([
  10003, // Unknown Channel
  10008, // Unknown Message
  10013, // Unknown User
  50001, // Missing Access
  50006, // Cannot send an empty message
  50007, // Cannot send messages to this user
  50013, // Missing Permissions
  50035, // Invalid Form Body
  160004, // A thread has already been created for this message (handled by openThread)
]);

/** Discord error code: Unknown interaction (token dead, usually the 3-second rule). */
export const UNKNOWN_INTERACTION = 10062;
/** Discord error code: Interaction has already been acknowledged. */
export const ALREADY_ACKNOWLEDGED = 40060;
/** Discord error code: Invalid Webhook Token (interaction token older than 15 minutes). */
export const INVALID_WEBHOOK_TOKEN = 50027;
/** Discord error code: A thread has already been created for this message. */
export const THREAD_ALREADY_CREATED = 160004;

/** The wait a discord.js rate-limit report asks for, in milliseconds (bucket reset, or the global/sub-limit wait). */
export function rateLimitWaitMs(data: { timeToReset: number; retryAfter: number; sublimitTimeout: number; global: boolean }): number {
  const wait = data.global ? Math.max(data.retryAfter, data.timeToReset) : Math.max(data.timeToReset, data.sublimitTimeout);
  return Math.max(0, Math.ceil(wait));
}

/** The Discord JSON error code of an error, when it is a Discord API error. */
export function discordCode(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === "number" ? error.code : undefined;
}

/** The route of a request URL with interaction and webhook tokens taken out. */
function routeOf(url: string): string {
  const path = url.replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "");
  return path.replace(/\/(webhooks|interactions)\/(\d+)\/[^/]+/, "/$1/$2/:token");
}

/** What a log line may say about a Discord failure: status, code and route, never the request body (message text). */
export function loggableError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    const code = error instanceof DiscordAPIError ? error.code : undefined;
    return { type: error.name, status: error.status, code, method: error.method, route: routeOf(error.url) };
  }
  if (error instanceof RateLimitError) return { type: error.name, route: error.route, method: error.method };
  if (error instanceof DeliveryError) return { type: error.name, message: error.message, permanent: error.permanent, cause: error.cause instanceof Error ? loggableError(error.cause) : error.cause };
  return error instanceof Error ? { type: error.name, message: error.message } : { message: String(error) };
}

/** Converts a failure from discord.js into the DeliveryError the outbox understands. */
export function toDeliveryError(error: unknown, what: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof RateLimitError) {
    return new DeliveryError(`${what}: rate limited by Discord (${error.route})`, { retryAfterMs: rateLimitWaitMs(error), cause: error });
  }
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === "number" ? error.code : 0;
    const permanent = PERMANENT_CODES.has(code) || error.status === 403 || error.status === 404;
    // The cause is not kept: a DiscordAPIError carries the request body, which would reach the logs.
    return new DeliveryError(`${what}: Discord said ${error.status} ${code}`, { permanent, cause: loggableError(error) });
  }
  if (error instanceof HTTPError) {
    return new DeliveryError(`${what}: Discord answered ${error.status}`, { permanent: false, cause: loggableError(error) });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`${what}: ${message}`, { cause: error });
}

/** Discord refused the bot token: retrying cannot help; the message says what to check. */
export class DiscordTokenRefused extends Error {
  constructor() {
    super("Discord refused the bot token (DISCORD_TOKEN): check it in the Developer Portal (Bot > Reset Token) and in the environment");
    this.name = "DiscordTokenRefused";
  }
}

/** Why a connection attempt failed, in words for the log: the token, a gateway that never became ready, or the network. */
export function gatewayFailure(error: unknown, readyTimeoutMs: number): Error {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === "TokenInvalid" || (error instanceof DiscordAPIError && error.status === 401)) return new DiscordTokenRefused();
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    return new Error(`the gateway did not become ready within ${Math.round(readyTimeoutMs / 1000)} s (is Discord reachable from here, through the configured apiBaseUrl, and are the bot's intents enabled in the Developer Portal?)`, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`connecting to the gateway failed: ${reason.slice(0, 300)}`, { cause: error });
}
