// The mail and feed parts of the `intake` section: the abuse mailbox (IMAP) and the mapping of CSV feeds. Part of
// src/intake/settings.ts, so it imports nothing from src/config/ (that would be a cycle).
import { z } from "zod";

const name = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and hyphens");
const category = z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/, "an X-ARF category such as vulnerability");
const type = z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/, "an X-ARF type such as open_service");
/** A glob: "*" any characters, "?" one; matched case-insensitively against the whole text. */
const glob = z.string().min(1).max(200);
const column = z.string().min(1).max(100);

/** One CSV feed: which files it is (by sender and file name), and how its columns map to a report. */
export const feedSchema = z.strictObject({
  /** The feed's name, used by `liaison intake import --feed` and in each report's id. */
  name,
  /** Sender addresses the feed comes from, as globs ("*@shadowserver.org"); empty: any sender. */
  senders: z.array(glob).max(50).default([]),
  /** File names of the feed's CSV files, as globs ("*-scan_ssl-*.csv"). */
  fileNames: z.array(glob).min(1).max(50),
  /** The X-ARF v4 category and type of every row. */
  category,
  type,
  /** Columns: at least one of ip, domain, url, asn, emailAddress; time is the event's time. */
  columns: z
    .strictObject({
      time: column,
      ip: column.optional(),
      port: column.optional(),
      domain: column.optional(),
      url: column.optional(),
      asn: column.optional(),
      emailAddress: column.optional(),
      /** A column whose value overrides `type` for its row (Shadowserver's "tag" or "infection"). */
      type: column.optional(),
    })
    .refine((columns) => Boolean(columns.ip ?? columns.domain ?? columns.url ?? columns.asn ?? columns.emailAddress), "map at least one of ip, domain, url, asn, emailAddress"),
  /** How the time column is written: ISO 8601 / "YYYY-MM-DD HH:MM:SS" (taken as UTC when it has no offset), or Unix seconds. */
  timeFormat: z.enum(["iso", "unix"]).default("iso"),
  /** Columns shown in each report's summary, "name: value; ...". */
  summaryColumns: z.array(column).max(20).default([]),
  /** The feed's TLP label (Shadowserver reports are AMBER by default). */
  tlp: z.enum(["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]).optional(),
});

/** One feed's mapping, validated. */
export type FeedSettings = z.infer<typeof feedSchema>;

/** The IMAP mailbox Liaison reads (its password comes from LIAISON_IMAP_PASSWORD). */
export const imapSchema = z.strictObject({
  enabled: z.boolean().default(false),
  host: z.string().min(1).max(253).default("localhost"),
  port: z.number().int().min(1).max(65_535).default(993),
  /** TLS from the start (port 993); false uses STARTTLS when the server offers it (port 143). */
  secure: z.boolean().default(true),
  /** Refuse a server certificate that does not verify (never switch off in production). */
  verifyCertificate: z.boolean().default(true),
  user: z.string().max(320).default(""),
  /** The folder read. */
  folder: z.string().min(1).max(200).default("INBOX"),
  /** Where a message goes once every report from it was committed: marked \Seen where it is, or moved to a folder. */
  done: z.union([z.literal("seen"), z.strictObject({ moveTo: z.string().min(1).max(200) })]).default("seen"),
  /** Where a message that is no report (or cannot be read) goes: flagged where it is for a person, or moved. */
  rejected: z.union([z.literal("flag"), z.strictObject({ moveTo: z.string().min(1).max(200) })]).default("flag"),
  /** How often the folder is searched for new messages. */
  pollIntervalMs: z.number().int().min(1000).default(60_000),
  /** Waits between reconnection attempts grow from backoffBaseMs to backoffMaxMs. */
  backoffBaseMs: z.number().int().min(10).default(1000),
  backoffMaxMs: z.number().int().min(10).default(300_000),
  /** Most messages taken per search. */
  batchSize: z.number().int().min(1).max(1000).default(50),
});

/** The mailbox's settings, validated. */
export type ImapSettings = z.infer<typeof imapSchema>;

/** The abuse mailbox: `intake.mail`. */
export const mailIntakeSchema = z
  .strictObject({
    imap: imapSchema.default(imapSchema.parse({})),
    /** The category and type of a plain mail written by a person (a person decides what it is). */
    plainMail: z.strictObject({ category, type }).default({ category: "content", type: "other" }),
  })
  .default({ imap: imapSchema.parse({}), plainMail: { category: "content", type: "other" } });

/** The CSV feeds: `intake.feeds`. */
export const feedsSchema = z.array(feedSchema).max(200).default([]);

/** Whether a text matches a glob ("*" any run, "?" one character), case-insensitively; linear in both lengths. */
export function globMatches(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === "?" || p[pi] === t[ti])) {
      pi += 1;
      ti += 1;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi;
      mark = ti;
      pi += 1;
    } else if (star >= 0) {
      pi = star + 1;
      mark += 1;
      ti = mark;
    } else return false;
  }
  while (pi < p.length && p[pi] === "*") pi += 1;
  return pi === p.length;
}
