import { z } from "zod";

/** The `platforms.discord` section of the configuration (secrets come from the environment, not from here). */
export const discordConfigSchema = z.strictObject({
  enabled: z.boolean(),
});

/** Validated `platforms.discord` configuration. */
export type DiscordConfig = z.infer<typeof discordConfigSchema>;
