// The `reminders` section of the main configuration (config/default.yaml): job schedules, sweep, digests, directory
// revalidation and retention. Imported by src/config/schema.ts, so it imports nothing from src/config/ (that would be a cycle).
import { z } from "zod";
import { isValidCronExpression } from "./scheduler.js";

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** A duration as written everywhere in the configuration ("15m", "365d"), in milliseconds. */
const durationSchema = z
  .string()
  .regex(DURATION, 'a duration such as "30m", "1h" or "10d"')
  .transform((text) => {
    const match = DURATION.exec(text.trim()) as RegExpExecArray;
    return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  });

const cronSchema = z.string().refine(isValidCronExpression, { error: 'a cron expression such as "* * * * *" (minute hour day month weekday)' });

/** The `reminders` section of the main configuration. */
export const remindersConfigSchema = z.strictObject({
  policyFile: z.string().min(1),
  scheduler: z.strictObject({
    enabled: z.boolean(),
    sweep: cronSchema,
    digests: cronSchema,
    revalidation: cronSchema,
    retention: cronSchema,
    /** How long a job's lease lasts before another process may take the job over (its holder died). */
    leaseMs: z.number().int().min(1000),
    /** Time between the record sealer's passes (it runs even when `enabled` is false). */
    recordSealMs: z.number().int().min(50).max(60_000).default(1000),
    /** Longest time between signed checkpoints while entries are being sealed. */
    recordCheckpointMs: z.number().int().min(1000).max(3_600_000).default(5000),
  }),
  sweep: z.strictObject({
    /** Most cases handled in one database transaction. */
    batchSize: z.number().int().min(1).max(10_000),
  }),
  digests: z.strictObject({
    enabled: z.boolean(),
    /** Local time the digest is due on working days (or the start of working hours, when later). */
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time written as "HH:MM", e.g. "08:00"'),
    dueSoonWithin: durationSchema,
    sendWhenEmpty: z.boolean(),
    /** Most cases (and contacts) listed per section. */
    listLimit: z.number().int().min(1).max(200),
  }),
  revalidation: z.strictObject({
    enabled: z.boolean(),
    every: durationSchema,
    /** A contact who never confirmed is first asked this long after being added. */
    firstAskAfter: durationSchema,
    remindAfter: durationSchema,
    unverifiedAfter: durationSchema,
    /** Most contacts asked, reminded or marked per run. */
    batchSize: z.number().int().min(1).max(10_000),
  }),
  retention: z.strictObject({
    enabled: z.boolean(),
    /** How long an inbound event's claim is kept: it must outlive every redelivery of the event. */
    keepInboundEvents: durationSchema.refine((ms) => ms >= UNIT_MS.d, { error: "at least 1d: platforms redeliver events for hours, Matrix even for days" }),
    /** How long a delivered (sent) outbox message is kept. */
    keepSentMessages: durationSchema.refine((ms) => ms >= UNIT_MS.h, { error: "at least 1h" }),
    /**
     * How long the record keeps the free text of a TLP:RED case after the case was closed or withdrawn; then the
     * case's key is destroyed, and with it the text (the record still verifies).
     */
    keepRedCaseText: durationSchema.refine((ms) => ms >= UNIT_MS.d, { error: "at least 1d" }),
    /** Most rows deleted by one statement. */
    batchSize: z.number().int().min(1).max(100_000),
  }),
});

/** The validated `reminders` section. */
export type RemindersConfig = z.output<typeof remindersConfigSchema>;
