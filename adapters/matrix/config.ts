import { z } from "zod";

/** A Matrix user id such as "@liaison:police.example" (localpart, colon, server name). */
const matrixUserId = z.string().regex(/^@[^:\s]+:[^\s]+$/, 'a Matrix user id such as "@liaison:example.org"');

/** A homeserver name ("example.org", "matrix.example.org:8448") or a user id ("@ann:example.org"). */
const inviterPattern = z
  .string()
  .regex(/^(@[^:\s]+:)?[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/, "a homeserver name or a Matrix user id");

/** The `platforms.matrix` section of the configuration (secrets come from the environment, not from here). */
export const matrixConfigSchema = z.strictObject({
  /** Run the Matrix adapter. */
  enabled: z.boolean(),
  /** Client-server API base URL of the bot's homeserver, e.g. "https://matrix.police.example". */
  homeserverUrl: z.url().default("http://127.0.0.1:8008"),
  /** The bot account's user id; needed for password login (MATRIX_PASSWORD) and checked against whoami. */
  userId: matrixUserId.optional(),
  /**
   * Who may invite the bot into rooms: homeserver names ("police.example") and/or user ids ("@ann:ngo.example").
   * Empty: only users of the bot's own homeserver. Invites from anyone else are rejected.
   */
  allowedInviters: z.array(inviterPattern).default([]),
  /** Messages starting with this are commands: "!notice ..." is "/notice ...". */
  commandPrefix: z.string().min(1).max(8).regex(/^\S+$/, "no spaces").default("!"),
  /** Long-poll timeout of /sync, in milliseconds. */
  syncTimeoutMs: z.number().int().min(0).max(120_000).default(30_000),
  /** First wait before reconnecting after a failed /sync, in milliseconds; doubles up to syncRetryMaxMs. */
  syncRetryMinMs: z.number().int().min(10).default(1_000),
  /** Longest wait between reconnection attempts, in milliseconds. */
  syncRetryMaxMs: z.number().int().min(10).default(30_000),
  /** Open a room per case (named after the case, parties invited) instead of an m.thread in the cases room. */
  roomPerCase: z.boolean().default(false),
  /** Cases rooms (room ids) whose organisations want a room per case even when roomPerCase is false. */
  roomPerCaseFor: z.array(z.string().regex(/^!/, 'a room id such as "!abc:example.org"')).default([]),
  /** The bot reacts to its own cards with each action's emoji, so people can press it with one click. */
  seedReactions: z.boolean().default(true),
  /** The bot's display name, set at start when it differs (people see it beside every answer). */
  displayName: z.string().min(1).max(64).default("Liaison"),
  /** Device display name used for password login. */
  deviceName: z.string().min(1).default("Liaison"),
  /**
   * How long the adapter keeps retrying a reply (rate limits, homeserver errors) where it was asked for, before
   * sending it to the person's direct room instead (retried as long again), in milliseconds.
   */
  replyWindowMs: z.number().int().min(0).default(180_000),
  /** End-to-end encryption (see README.md beside this file): read and write encrypted rooms. */
  encryption: z
    .strictObject({
      /**
       * Encrypt and decrypt in encrypted rooms, with the keys in Liaison's database. Off: encrypted rooms are not read
       * and get a notice saying why, and nothing is posted into them.
       */
      enabled: z.boolean().default(true),
    })
    .default({ enabled: true }),
});

/** Validated `platforms.matrix` configuration. */
export type MatrixConfig = z.infer<typeof matrixConfigSchema>;
