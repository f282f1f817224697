// The `limits` section of the main configuration. Imported by src/config/schema.ts, so it imports nothing from
// src/config/ (that would be a cycle).
import { z } from "zod";

const WINDOW = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A window written as "30s", "1m", "1h" or "1d", in milliseconds (at least a second). */
const durationSchema = z
  .string()
  .regex(WINDOW, 'a window such as "30s", "1m", "1h" or "1d"')
  .transform((text) => {
    const match = WINDOW.exec(text.trim()) as RegExpExecArray;
    return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  })
  .pipe(z.number().min(1000, "at least 1s"));

/** The limits Liaison keeps, one budget each: every event counts against exactly one of them (and case openings also as a command). */
export const LIMIT_NAMES = ["commands", "readOnlyCommands", "relays", "caseOpenings", "emergencyOpenings"] as const;

/** One of the limits. */
export type LimitName = (typeof LIMIT_NAMES)[number];

const ceiling = z.number().int().min(1);

/** One limit: its window and its ceilings (most events per window) per account, per coordinator's account, per organisation. */
export const limitSchema = z.strictObject({
  /** How long a window lasts, from the first event counted in it. */
  window: durationSchema,
  /** Most events per window for one chat account. */
  account: ceiling,
  /** Most events per window for the account of a coordinator. */
  coordinator: ceiling,
  /** Most events per window for all the accounts of one organisation together. */
  organisation: ceiling,
});

/** A limit as configured; `window` is in milliseconds. */
export type LimitSettings = z.infer<typeof limitSchema>;

/** The `limits` section of the configuration. */
export const limitsConfigSchema = z.strictObject({
  /** Off: nothing is limited (tests of other parts, benchmarks). */
  enabled: z.boolean(),
  commands: limitSchema,
  readOnlyCommands: limitSchema,
  relays: limitSchema,
  caseOpenings: limitSchema,
  emergencyOpenings: limitSchema,
});

/** The limits as configured. */
export type LimitsSettings = z.infer<typeof limitsConfigSchema>;
