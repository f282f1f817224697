// The `http` and `intake` sections of the configuration. Imported by src/config/schema.ts, so it imports nothing
// from src/config/ (that would be a cycle).
import { z } from "zod";
import { PLATFORMS } from "../core/adapter.js";
import { feedsSchema, mailIntakeSchema } from "./mail-settings.js";
import { PAGE_KINDS } from "./page/texts.js";

export { feedSchema, globMatches, imapSchema, type FeedSettings, type ImapSettings } from "./mail-settings.js";

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration written as "30s", "1m", "1h" or "30d", in milliseconds (at least a second). */
const durationMs = z
  .string()
  .regex(DURATION, 'a duration such as "30s", "1m", "1h" or "30d"')
  .transform((text) => {
    const match = DURATION.exec(text.trim()) as RegExpExecArray;
    return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  })
  .pipe(z.number().min(1000, "at least 1s"));

/** The one HTTP listener: off unless enabled; plain HTTP on a local address, with TLS at a reverse proxy. */
export const httpConfigSchema = z.strictObject({
  enabled: z.boolean(),
  /** The address it listens on: 127.0.0.1 behind a reverse proxy on the same host. */
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
  /** Believe X-Forwarded-For from the reverse proxy (for logs); only when a proxy is in front. */
  trustProxy: z.boolean(),
  /** Longest a request may take to arrive, headers and body. */
  requestTimeoutMs: z.number().int().min(1000),
});

/** The HTTP listener as configured. */
export type HttpSettings = z.infer<typeof httpConfigSchema>;

const channel = z.strictObject({ platform: z.enum(PLATFORMS), workspace: z.string(), channelId: z.string().min(1) });

/** Intake: the API and what all intake sources share. */
export const intakeConfigSchema = z.strictObject({
  api: z.strictObject({
    /** Serve POST /intake/v1/reports on the HTTP listener (when http.enabled). */
    enabled: z.boolean(),
    /** Largest request body accepted, in bytes (X-ARF evidence travels inside the report, base64-encoded). */
    maxBodyBytes: z.number().int().min(1024).max(64 * 1024 * 1024),
    /** Most reports one token may post per window (refused ones count too). */
    rate: z.strictObject({ window: durationMs, perToken: z.number().int().min(1) }),
  }),
  /** Repeat offenders (NL code of conduct, 5): reports about one domain or address counted over `window`. */
  repeatOffenders: z.strictObject({ window: durationMs, threshold: z.number().int().min(1) }),
  /**
   * Report pages a referral unit or hotline links from its website (GET/POST /report/<path>): each lands in its
   * organisation's intake channel, whatever the reported address routes to.
   */
  pages: z
    .array(
      z.strictObject({
        /** The page's path under /report/, e.g. "terrorist-content" for /report/terrorist-content. */
        path: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lower-case letters, digits and hyphens (e.g. terrorist-content)"),
        /** The directory slug of the organisation that receives the reports. */
        organisation: z.string().min(2).max(63),
        /** What the page takes reports of: "terrorist-content" or "csam". */
        kind: z.enum(PAGE_KINDS),
      }),
    )
    .default([]),
  /** Most sends of a report page per connection (address) per window, counted across processes. */
  pageRate: z.strictObject({ window: durationMs, perConnection: z.number().int().min(1) }).prefault({ window: "10m", perConnection: 10 }),
  /** The abuse mailbox read over IMAP, and what a plain mail is filed as (src/intake/mail-settings.ts). */
  mail: mailIntakeSchema,
  /** CSV feeds (one event per row), recognised by sender and file name. */
  feeds: feedsSchema,
  /** Where cards of reports that route to no organisation go (the coordinators' intake); null: they wait unshown. */
  coordinatorsChannel: channel.nullable(),
});

/** Intake as configured. */
export type IntakeSettings = z.infer<typeof intakeConfigSchema>;
