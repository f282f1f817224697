import { z } from "zod";
import { durationSchema } from "../config/schema.js";
import { loadYamlFiles } from "../config/load.js";
import { TLP_LABELS, type Tlp } from "../core/message.js";
import { DESIGNATION_TYPES, hasDesignation, ORGANISATION_KINDS, TOPICS, type DesignationType, type Topic } from "../directory/model.js";
import { CASE_KINDS, PRIORITIES, type CaseKind, type Priority } from "./kinds.js";
import { LEGAL_CLOCKS, legalResolveMs } from "./legal-clocks.js";

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
  /** A designation the opener's organisation must hold besides its kind (granted by a coordinator). */
  designation: z.enum(DESIGNATION_TYPES).optional(),
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

/** Readable milliseconds for a policy message: "1h", "10d", "90m". */
function shortDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.round(ms / 60_000)}m`;
}

type PolicyShape = {
  kinds: Record<CaseKind, { clock: string; resolve: Partial<Record<Priority, number | null>> & { normal: number | null } }>;
  pairs: { kind?: CaseKind | undefined; clock?: string | undefined; resolve?: Partial<Record<Priority, number | null>> | undefined }[];
};

/**
 * Refuses a policy that weakens a clock the law sets (see legal-clocks.ts): a legal kind's resolve time longer than
 * the law's at any priority, or none; its clock on working hours; an agreement between two organisations ("pairs")
 * that lengthens it or moves it to working hours, also one without a kind (it would apply to every kind). Each
 * problem names its key, so that the start-up error points at the line.
 */
function refuseWeakenedLegalClocks(policy: PolicyShape, context: z.RefinementCtx): void {
  const legalKinds = Object.keys(LEGAL_CLOCKS) as CaseKind[];
  for (const kind of legalKinds) {
    const source = LEGAL_CLOCKS[kind]?.source ?? "";
    const rule = policy.kinds[kind];
    if (rule.clock !== "continuous") {
      context.addIssue({ code: "custom", path: ["kinds", kind, "clock"], message: `must be continuous: the law's clock runs around the clock (${source})` });
    }
    for (const priority of PRIORITIES) {
      const legalMs = legalResolveMs(kind, priority) as number;
      const own = rule.resolve[priority];
      const resolveMs = own === undefined ? rule.resolve.normal : own;
      const key = own === undefined ? "normal" : priority;
      if (resolveMs === null || resolveMs > legalMs) {
        context.addIssue({
          code: "custom",
          path: ["kinds", kind, "resolve", key],
          message: `${resolveMs === null ? "none" : shortDuration(resolveMs)} for ${priority} priority is longer than the law allows: at most ${shortDuration(legalMs)} (${source}); a policy may only shorten it`,
        });
      }
    }
  }
  policy.pairs.forEach((pair, index) => {
    const kinds = pair.kind ? [pair.kind].filter((kind) => LEGAL_CLOCKS[kind]) : legalKinds;
    for (const kind of kinds) {
      const source = LEGAL_CLOCKS[kind]?.source ?? "";
      const scope = pair.kind ? "" : ` (this agreement names no kind, so it applies to ${kind}s too; add "kind:")`;
      if (pair.clock === "working-hours") {
        context.addIssue({ code: "custom", path: ["pairs", index, "clock"], message: `cannot move a ${kind}'s clock to working hours${scope}: ${source}` });
      }
      for (const priority of PRIORITIES) {
        const value = pair.resolve?.[priority];
        const legalMs = legalResolveMs(kind, priority) as number;
        if (value === undefined) continue;
        if (value === null || value > legalMs) {
          context.addIssue({
            code: "custom",
            path: ["pairs", index, "resolve", priority],
            message: `cannot lengthen a ${kind}'s resolve time to ${value === null ? "none" : shortDuration(value)}${scope}: at most ${shortDuration(legalMs)} (${source})`,
          });
        }
      }
    }
  });
}

/** The case policy file (config/policy.yaml): every kind's clock, and agreements between pairs of organisations. */
export const casePolicySchema = z
  .strictObject({
    kinds: z.strictObject(Object.fromEntries(CASE_KINDS.map((kind) => [kind, kindPolicySchema])) as Record<CaseKind, typeof kindPolicySchema>),
    pairs: z.array(pairOverrideSchema).default([]),
  })
  .superRefine((policy, context) => refuseWeakenedLegalClocks(policy as PolicyShape, context));

/** The validated case policy. */
export type CasePolicy = z.output<typeof casePolicySchema>;

/** A case's clock as the policy sets it. */
export interface ClockRule {
  mode: "continuous" | "working-hours";
  /** The law's provision when the resolve time is the law's (no extension), else undefined. */
  legalSource?: string;
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
  const legal = LEGAL_CLOCKS[kind];
  return { mode, acknowledgeMs, resolveMs, clarification: rule.clarification, ...(legal ? { legalSource: legal.source } : {}) };
}

/** Why an organisation may not open cases of this kind (its kind, or a designation it lacks), or undefined when it may. */
export function mayNotOpen(policy: CasePolicy, kind: CaseKind, organisation: { kind: string; designations: readonly string[] }): { kind: true } | { designation: DesignationType } | undefined {
  const rule = policy.kinds[kind];
  if (rule.openers !== "any" && !(rule.openers as readonly string[]).includes(organisation.kind)) return { kind: true };
  if (rule.designation && !hasDesignation(organisation.designations, rule.designation)) return { designation: rule.designation };
  return undefined;
}

/** The default TLP label, topic and priority of a kind. */
export function kindDefaults(policy: CasePolicy, kind: CaseKind): { tlp: Tlp; topic: Topic; priority: Priority } {
  const rule = policy.kinds[kind];
  return { tlp: rule.tlp, topic: rule.topic, priority: rule.defaultPriority };
}
