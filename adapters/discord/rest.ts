// The options of Liaison's discord.js REST clients: the bot's own (channel posts, DMs, commands) and the one for
// interaction endpoints.
import type { RateLimitData } from "discord.js";
import { REST } from "discord.js";
import type { DiscordConfig } from "./config.js";
import { rateLimitWaitMs } from "./errors.js";

/** Options shared by both REST clients. */
export interface DiscordRestOptions {
  rejectOnRateLimit: (data: RateLimitData) => boolean;
  offset: number;
  api?: string;
}

/** The REST options for the configuration: waits longer than maxRateLimitWaitMs fail (to the outbox, with the wait) instead of queueing silently. */
export function discordRestOptions(config: DiscordConfig): DiscordRestOptions {
  const rest: DiscordRestOptions = { rejectOnRateLimit: (data) => rateLimitWaitMs(data) > config.maxRateLimitWaitMs, offset: 0 };
  if (config.apiBaseUrl) rest.api = config.apiBaseUrl;
  return rest;
}

/**
 * REST for the interaction endpoints (the callback, and the token's webhook routes: edit, delete, follow-ups), which
 * Discord does not count against the bot's global limit of 50 requests per second ("Interaction endpoints are not
 * bound to the bot's Global Rate Limit", developer documentation, Rate Limits). discord.js's REST holds back every
 * request past 50 a second until its one-second window ends, whatever the route; on the bot's own REST the answers of
 * a busy second waited behind it (edits into deferred replies: about 2% took 860 ms at 250 commands a second).
 * Per-route buckets and 429s, the global one included, are still honoured here.
 */
export function interactionRestClient(options: DiscordRestOptions): REST {
  return new REST({ ...options, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
}
