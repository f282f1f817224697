// The escalation policy file (config/escalation.yaml): reminder and escalation steps per kind and priority, and quiet
// hours. Validated with zod where it is loaded; problems name the file, key and line. The `reminders` section of the
// main configuration is in settings.ts.
import { z } from "zod";
import { loadYamlFiles } from "../../config/load.js";
import { durationSchema } from "../../config/schema.js";
import { CASE_KINDS, type CaseKind, type Priority } from "../kinds.js";
import { quietHoursSchema } from "../../time/quiet-hours.js";

/** Who a step is addressed to. */
export const STEP_AUDIENCES = [
  /** The responsible contact of the recipient organisation, by direct message. */
  "responsible",
  /** The recipient organisation's case thread. */
  "recipient-thread",
  /** Every party's case thread (the overdue notice). */
  "threads",
  /** The recipient organisation's backup contacts for the case's topic, by direct message. */
  "backup",
  /** The recipient organisation's escalation contacts for the case's topic, by direct message. */
  "escalation",
  /** Every coordinator, by direct message. */
  "coordinators",
  /** The contact who opened the case, by direct message. */
  "opener",
] as const;

/** A step's audience. */
export type StepAudience = (typeof STEP_AUDIENCES)[number];

/** When a step fires: a share of the clock's period ("50%"), or an offset from the deadline ("-10m", "0", "+15m"). */
export type StepOffset = { type: "share"; share: number } | { type: "offset"; offsetMs: number };

const offsetSchema = z.union([z.string(), z.number()]).transform((raw, ctx): StepOffset => {
  const text = String(raw).trim();
  const share = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (share) {
    const value = Number(share[1]) / 100;
    if (value > 0 && value < 1) return { type: "share", share: value };
    ctx.addIssue({ code: "custom", message: "a share of the period between 0% and 100%, e.g. \"50%\"" });
    return z.NEVER;
  }
  if (text === "0" || text === "+0" || text === "-0") return { type: "offset", offsetMs: 0 };
  const offset = /^([+-]?)\s*(\d+(?:\.\d+)?\s*(?:s|m|h|d|w))$/.exec(text);
  const parsed = offset ? durationSchema.safeParse(offset[2]) : undefined;
  if (offset && parsed?.success) return { type: "offset", offsetMs: (offset[1] === "-" ? -1 : 1) * parsed.data };
  ctx.addIssue({ code: "custom", message: 'a share of the period ("50%") or an offset from the deadline ("-10m", "0", "+15m", "+1h")' });
  return z.NEVER;
});

const stepSchema = z.strictObject({
  /** Names the step in records, once-only keys and messages: lower case, e.g. "half-time". */
  step: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "a short lower-case name such as \"half-time\""),
  at: offsetSchema,
  /**
   * The deadline the step is about; auto: resolve when the case has a resolve clock, else acknowledge;
   * clarification: the time a pending clarification was asked (the step nudges while it waits for the answer).
   */
  of: z.enum(["auto", "acknowledge", "resolve", "clarification"]).default("auto"),
  to: z.array(z.enum(STEP_AUDIENCES)).min(1),
});

/** One step of a reminder ladder, validated. */
export type StepRule = z.output<typeof stepSchema>;

const ladderSchema = z.array(stepSchema).superRefine((steps, ctx) => {
  const seen = new Set<string>();
  steps.forEach((step, index) => {
    if (seen.has(step.step)) ctx.addIssue({ code: "custom", path: [index, "step"], message: `a step name used once per list ("${step.step}" is repeated)` });
    seen.add(step.step);
  });
});

const kindLaddersSchema = z.strictObject({ normal: ladderSchema.optional(), high: ladderSchema.optional(), emergency: ladderSchema.optional() });

/** The escalation policy file (config/escalation.yaml). */
export const escalationPolicySchema = z.strictObject({
  /** The recipient's quiet hours, local time; not applied where the clock runs around the clock. */
  quietHours: quietHoursSchema.nullable().default(null),
  /** The ladder of every kind and priority without one of its own. */
  default: ladderSchema,
  /** Per kind: a ladder per priority (a missing priority falls back to the kind's normal, then to default). */
  kinds: z.strictObject(Object.fromEntries(CASE_KINDS.map((kind) => [kind, kindLaddersSchema.optional()])) as Record<CaseKind, z.ZodOptional<typeof kindLaddersSchema>>).default({}),
});

/** The validated escalation policy. */
export type EscalationPolicy = z.output<typeof escalationPolicySchema>;

/** Loads and validates the escalation policy; throws ConfigError naming the file, key and line of every problem. */
export function loadEscalationPolicy(path: string): EscalationPolicy {
  return loadYamlFiles([path], escalationPolicySchema);
}

/** The steps for a kind and priority: its own ladder, else the kind's normal one, else the default. */
export function stepsFor(policy: EscalationPolicy, kind: CaseKind, priority: Priority): readonly StepRule[] {
  const ladders = policy.kinds[kind];
  return ladders?.[priority] ?? ladders?.normal ?? policy.default;
}
