import { z } from "zod";
import { discordConfigSchema } from "../../adapters/discord/config.js";
import { matrixConfigSchema } from "../../adapters/matrix/config.js";
import { slackConfigSchema } from "../../adapters/slack/config.js";
import { remindersConfigSchema } from "../jobs/settings.js";
import { limitsConfigSchema } from "../limits/settings.js";
import { parseRecordKey } from "../audit/keys.js";
import { httpConfigSchema, intakeConfigSchema } from "../intake/settings.js";

/** Log levels pino accepts. */
const logLevel = z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);

/** A duration written as "90s", "15m", "1h", "10d" or "2w"; parsed to milliseconds. */
export const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/, 'a duration such as "30m", "1h" or "10d"')
  .transform(parseDurationMs);

/** Milliseconds in a duration string such as "1h" or "10d". */
export function parseDurationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as "ms"];
  return Math.round(Number(match[1]) * unitMs);
}

/** The installation's configuration, as written in config/default.yaml and an optional override file. */
export const configSchema = z.strictObject({
  database: z.strictObject({
    /** SQLite file used when DATABASE_URL is not set. */
    sqlitePath: z.string().min(1),
    /** Apply pending migrations when Liaison starts. */
    migrateOnStart: z.boolean(),
  }),
  log: z.strictObject({
    level: logLevel,
  }),
  directory: z.strictObject({
    unlinkedMayRead: z.boolean(),
    findLimit: z.number().int().min(1).max(200),
    /** What an organisation admin may set alone; anything beyond waits for a coordinator's approval. */
    approvals: z.strictObject({
      /** Fewest working hours a week an admin may set without approval. */
      minWorkingHoursPerWeek: z.number().min(0).max(168),
      /** Shortest working day (hours) an admin may set without approval. */
      minWorkingHoursPerDay: z.number().min(0).max(24),
      /** Shortest IPv4 prefix (bits) an admin may claim without approval: /16 is 65,536 addresses. */
      minIpv4PrefixBits: z.number().int().min(0).max(32),
      /** Shortest IPv6 prefix (bits) an admin may claim without approval. */
      minIpv6PrefixBits: z.number().int().min(0).max(128),
    }),
    /** Linking chat accounts: the one-time code the account proves itself with. */
    links: z.strictObject({
      /** How long a link's code stays valid, in hours. */
      codeValidHours: z.number().min(0.1).max(24 * 14),
      /** Wrong codes typed from the account before its pending link is cancelled. */
      maxWrongCodes: z.number().int().min(1).max(20),
    }),
    demo: z.strictObject({
      enabled: z.boolean(),
      file: z.string().min(1),
    }),
  }),
  cases: z.strictObject({
    /** The case policy file: clocks per kind, priority and pair of organisations. */
    policyFile: z.string().min(1),
  }),
  /** Reminders, escalation, digests and directory revalidation (src/reminders). */
  reminders: remindersConfigSchema,
  /** Rate limits on commands, relayed messages and case openings (src/limits). */
  limits: limitsConfigSchema,
  console: z.strictObject({
    enabled: z.union([z.literal("auto"), z.boolean()]),
    actAs: z.string().min(1),
  }),
  outbox: z.strictObject({
    pollIntervalMs: z.number().int().min(10),
    maxAttempts: z.number().int().min(1),
    backoffBaseMs: z.number().int().min(1),
    backoffMaxMs: z.number().int().min(1),
    /** Lease of a message in flight, renewed while it is sent; how long a crashed worker's thread waits (default 5 s). */
    leaseMs: z.number().int().min(500).max(600_000).optional(),
  }),
  /** The one HTTP listener (health, intake API), TLS at a reverse proxy (src/http). */
  http: httpConfigSchema,
  /** Intake of abuse reports (src/intake). */
  intake: intakeConfigSchema,
  platforms: z.strictObject({
    slack: slackConfigSchema,
    matrix: matrixConfigSchema,
    discord: discordConfigSchema,
  }),
});

/** Validated configuration. */
export type Config = z.infer<typeof configSchema>;

/** Secrets, read only from environment variables (or a .env file), never from configuration files. */
export const secretsSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|file:)/, "a postgres:// URL, or file:<path> for SQLite")
    .optional(),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: z.string().optional(),
  SLACK_CLIENT_ID: z.string().optional(),
  SLACK_CLIENT_SECRET: z.string().optional(),
  SLACK_STATE_SECRET: z.string().optional(),
  MATRIX_ACCESS_TOKEN: z.string().optional(),
  MATRIX_PASSWORD: z.string().optional(),
  DISCORD_TOKEN: z.string().optional(),
  /** The password of the abuse mailbox (intake.mail.imap). */
  LIAISON_IMAP_PASSWORD: z.string().optional(),
  /** Encrypts the platform tokens Liaison stores in its database (src/store/secret-box.ts): 32+ random bytes, base64 or hex. */
  LIAISON_SECRET_KEY: z.string().optional(),
  /** While changing keys: the key LIAISON_SECRET_KEY replaces; what it sealed still opens, and is sealed again at start. */
  LIAISON_SECRET_KEY_PREVIOUS: z.string().optional(),
  /** The record key itself, hex or base64 (at least 32 bytes); see src/audit/key-source.ts. */
  LIAISON_AUDIT_KEY: z
    .string()
    .refine((text) => parseRecordKey(text) !== undefined, "a key of at least 32 bytes in hex or base64 (make one with: openssl rand -base64 32)")
    .optional(),
  /** A file holding the record key (outside the data directory). */
  LIAISON_AUDIT_KEY_FILE: z.string().min(1).optional(),
});

/** Secrets from the environment. */
export type Secrets = z.infer<typeof secretsSchema>;
