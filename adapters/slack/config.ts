import { z } from "zod";

/** The `platforms.slack` section of the configuration (secrets come from the environment, not from here). */
export const slackConfigSchema = z.strictObject({
  enabled: z.boolean(),
});

/** Validated `platforms.slack` configuration. */
export type SlackConfig = z.infer<typeof slackConfigSchema>;
