import { z } from "zod";
import { durationSchema } from "../config/schema.js";
import { loadYamlFiles } from "../config/load.js";
import { TLP_LABELS, type Tlp } from "../core/message.js";
import { ORGANISATION_KINDS, TOPICS, type Topic } from "../directory/model.js";
import { CASE_KINDS, PRIORITIES, type CaseKind, type Priority } from "./kinds.js";

/** A duration, or "none" for no deadline. */
const durationOrNone = z.union([durationSchema, z.literal("none").transform(() => null)]);

/** Durations per priority; "normal" is required, the others fall back to it. */
const durations = z.strictObject({ normal: durationSchema, high: durationSchema.optional(), emergency: durationSchema.optional() });

/** Durations (or "none") per priority. */
const durationsOrNone = z.strictObject({ normal: durationOrNone, high: durationOrNone.optional(), emergency: durationOrNone.optional() });

/** What happens to the resolve clock while a clarification is requested: pause it, restart it when answered, or nothing. */
export const CLARIFICATION_RULES = ["pause", "restart", "none"] as const;

const kindPolicySchema = z.strictObject({
  topic: z.enum(TOPICS),
  openers: z.union([z.literal("any"), z.array(z.enum(ORGANISATION_KINDS)).min(1)]),
  tlp: z.enum(TLP_LABELS),
  defaultPriority: z.enum(PRIORITIES).default("normal"),
  clock: z.enum(["continuous", "working-hours"]),
  acknowledge: durations,
  resolve: durationsOrNone,
  clarification: z.enum(CLARIFICATION_RULES),
});

const pairOverrideSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  kind: z.enum(CASE_KINDS).optional(),
  clock: z.enum(["continuous", "working-hours"]).optional(),
  acknowledge: durations.partial().optional(),
  resolve: durationsOrNone.partial().optional(),
});

/** The case policy file (config/policy.yaml): every kind's clock, and agreements between pairs of organisations. */
export const casePolicySchema = z.strictObject({
  kinds: z.strictObject(Object.fromEntries(CASE_KINDS.map((kind) => [kind, kindPolicySchema])) as Record<CaseKind, typeof kindPolicySchema>),
  pairs: z.array(pairOverrideSchema).default([]),
});

/** The validated case policy. */
export type CasePolicy = z.output<typeof casePolicySchema>;

/** A case's clock as the policy sets it. */
export interface ClockRule {
  mode: "continuous" | "working-hours";
  acknowledgeMs: number;
  /** null: no resolve deadline (e.g. a notice's "timely, diligent"). */
  resolveMs: number | null;
  clarification: (typeof CLARIFICATION_RULES)[number];
}

/** Loads and validates the policy file; throws ConfigError naming the file, key and line of every problem. */
export function loadCasePolicy(path: string): CasePolicy {
  return loadYamlFiles([path], casePolicySchema);
}

/** The clock for a case: the kind's rule for the priority, with any agreement between the two organisations applied. */
export function clockRule(policy: CasePolicy, kind: CaseKind, priority: Priority, fromSlug: string, toSlug: string): ClockRule {
  const rule = policy.kinds[kind];
  // A priority's own value wins, then (for a priority without one) the normal value. "none" is null, a value: it is
  // never replaced by a fallback. A pair's value replaces the kind's at the same level; a pair's normal value applies
  // to another priority only where the kind has no time of its own for that priority.
  const own = <T>(values: { normal?: T; high?: T; emergency?: T } | undefined): T | undefined => values?.[priority];
  const normal = <T>(values: { normal?: T } | undefined): T | undefined => values?.normal;
  const pick = <T>(kindValues: { normal: T; high?: T | undefined; emergency?: T | undefined }, pairValues: ({ normal?: T; high?: T; emergency?: T } | undefined)[]): T => {
    for (const values of [...pairValues].reverse()) if (own(values) !== undefined) return own(values) as T;
    if (own(kindValues) !== undefined) return own(kindValues) as T;
    for (const values of [...pairValues].reverse()) if (normal(values) !== undefined) return normal(values) as T;
    return kindValues.normal;
  };
  const pairs = policy.pairs.filter((pair) => pair.from === fromSlug && pair.to === toSlug && (pair.kind === undefined || pair.kind === kind));
  let mode = rule.clock;
  for (const pair of pairs) if (pair.clock) mode = pair.clock;
  const acknowledgeMs = pick(rule.acknowledge, pairs.map((pair) => pair.acknowledge));
  const resolveMs = pick(rule.resolve, pairs.map((pair) => pair.resolve));
  return { mode, acknowledgeMs, resolveMs, clarification: rule.clarification };
}

/** Whether an organisation of this kind may open cases of this kind. */
export function mayOpen(policy: CasePolicy, kind: CaseKind, organisationKind: string): boolean {
  const openers = policy.kinds[kind].openers;
  return openers === "any" || (openers as readonly string[]).includes(organisationKind);
}

/** The default TLP label, topic and priority of a kind. */
export function kindDefaults(policy: CasePolicy, kind: CaseKind): { tlp: Tlp; topic: Topic; priority: Priority } {
  const rule = policy.kinds[kind];
  return { tlp: rule.tlp, topic: rule.topic, priority: rule.defaultPriority };
}
