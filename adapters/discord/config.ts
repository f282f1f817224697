import { z } from "zod";

/** A Discord id (snowflake): a decimal integer of 17 to 20 digits. */
const snowflake = z.string().regex(/^\d{17,20}$/, "a Discord id (17 to 20 digits)");

/** The `platforms.discord` section of the configuration (secrets come from the environment, not from here). */
export const discordConfigSchema = z.strictObject({
  /** Start the Discord adapter. The bot token comes from DISCORD_TOKEN. */
  enabled: z.boolean(),
  /** The application id (Developer Portal > General Information). When absent, the id from the gateway READY is used. */
  applicationId: snowflake.optional(),
  /**
   * Where slash commands are registered: "guild" (in each of `guildIds`, visible at once), "global" (every server the
   * bot is in and DMs), or "off" (registered by hand).
   */
  commandScope: z.enum(["guild", "global", "off"]).default("guild"),
  /**
   * The REST API base, for an egress proxy or a compatible server, e.g. "https://discord-proxy.example.org/api";
   * Discord's own (https://discord.com/api) when absent. The gateway's address comes from its /gateway/bot.
   */
  apiBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * How long start() waits for the gateway to become ready. Past it, Liaison starts anyway, says so in the log, and
   * keeps saying so at doubling intervals while discord.js goes on reconnecting.
   */
  readyTimeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
  /** The servers (guilds) to register commands in when `commandScope` is "guild". */
  guildIds: z.array(snowflake).default([]),
  /**
   * How long to wait for the core before deferring a slash command (Discord allows 3 s for the first response).
   * 0 defers at once (the safe default); up to 2000 lets quick answers go out directly, without the "thinking" state.
   */
  deferAfterMs: z.number().int().min(0).max(2000).default(0),
  /** Longest a send may wait inside discord.js for a rate limit before failing to the outbox instead. */
  maxRateLimitWaitMs: z.number().int().min(0).max(10_000).default(1000),
  /** At most this many Discord messages for one long message; the rest is cut with a visible note. */
  maxMessageParts: z.number().int().min(1).max(10).default(5),
});

/** Validated `platforms.discord` configuration. */
export type DiscordConfig = z.infer<typeof discordConfigSchema>;
