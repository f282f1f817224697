import { z } from "zod";

/** Default path Slack posts events, slash commands and interactivity to (one Request URL serves all three). */
export const DEFAULT_SLACK_EVENTS_PATH = "/slack/events";

/** Settings of Bolt's HTTP receiver (mode "http"), and of the OAuth pages in both modes. */
const httpSchema = z.strictObject({
  /** Interface to listen on. */
  host: z.string().min(1).default("0.0.0.0"),
  /** TCP port to listen on (0 picks a free port, for tests). In Socket Mode only the OAuth pages use it. */
  port: z.number().int().min(0).max(65_535).default(3000),
  /** Path of the Request URL for events, slash commands and interactivity. */
  eventsPath: z.string().startsWith("/").default(DEFAULT_SLACK_EVENTS_PATH),
  /** Path of the "Add to Slack" page (installation "oauth" only). */
  installPath: z.string().startsWith("/").default("/slack/install"),
  /** Path Slack redirects to after an installation (installation "oauth" only). */
  redirectPath: z.string().startsWith("/").default("/slack/oauth_redirect"),
  /** Public URL of redirectPath, as registered in the app's OAuth settings; omit to use the app's only one. */
  redirectUri: z.url().optional(),
});

/** The `platforms.slack` section of the configuration (secrets come from the environment, not from here). */
export const slackConfigSchema = z.strictObject({
  enabled: z.boolean(),
  /**
   * How Slack reaches Liaison: "http" (a public Request URL; the default) or "socket" (Socket Mode: an outbound
   * WebSocket, no public URL; needs SLACK_APP_TOKEN).
   */
  mode: z.enum(["http", "socket"]).default("http"),
  /**
   * "single": one workspace, with SLACK_BOT_TOKEN. "oauth": any number of workspaces install the app through
   * "Add to Slack" (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET); installations are kept in Liaison's
   * database.
   */
  installation: z.enum(["single", "oauth"]).default("single"),
  http: httpSchema.prefault({}),
  /**
   * Prefix of the slash commands, when another app in the workspace already uses a name: with "liaison-",
   * `/liaison-case ack ...` reaches Liaison as `/case ack ...`. Must match the manifest.
   */
  commandPrefix: z
    .string()
    .regex(/^[a-z0-9_-]*$/, "lower-case letters, digits, '-' and '_'")
    .default(""),
  /** Longest message, in Slack messages, that one send may become before the rest is cut visibly. */
  maxMessagesPerSend: z.number().int().min(1).max(10).default(4),
  /**
   * The Web API base, for an egress proxy or a compatible server, e.g. "https://slack-proxy.example.org/api/";
   * Slack's own (https://slack.com/api/) when absent.
   */
  apiUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Timeout of one Web API call in milliseconds. */
  apiTimeoutMs: z.number().int().min(100).default(10_000),
});

/** Validated `platforms.slack` configuration. */
export type SlackConfig = z.infer<typeof slackConfigSchema>;

/** The environment secrets the Slack adapter reads (names as in src/config/schema.ts). */
export interface SlackSecrets {
  SLACK_BOT_TOKEN?: string;
  SLACK_SIGNING_SECRET?: string;
  SLACK_APP_TOKEN?: string;
  SLACK_CLIENT_ID?: string;
  SLACK_CLIENT_SECRET?: string;
  SLACK_STATE_SECRET?: string;
}

/** The environment variables a configuration needs; empty when all are present. */
export function missingSlackSecrets(config: SlackConfig, secrets: SlackSecrets): (keyof SlackSecrets)[] {
  const needed: (keyof SlackSecrets)[] = [];
  if (config.mode === "http") needed.push("SLACK_SIGNING_SECRET");
  if (config.installation === "single") needed.push("SLACK_BOT_TOKEN");
  else needed.push("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET");
  if (config.mode === "socket") needed.push("SLACK_APP_TOKEN");
  return needed.filter((name) => !secrets[name]);
}
