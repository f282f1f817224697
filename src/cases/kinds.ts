import { z } from "zod";

/** Kinds of case (domain.md, "Cases"). */
export const CASE_KINDS = [
  "notice", "removal-order", "investigation-request", "production-order", "preservation-order", "csam-notice", "threat-to-life",
] as const;

/** A kind of case. */
export type CaseKind = (typeof CASE_KINDS)[number];

/** Priorities; the policy gives each its clock. */
export const PRIORITIES = ["normal", "high", "emergency"] as const;

/** A priority. */
export type Priority = (typeof PRIORITIES)[number];

/** Every outcome a case can be resolved with. */
export const OUTCOMES = [
  "removed", "access-disabled", "no-action", "cannot-comply", "data-produced", "data-preserved", "not-held", "refused",
  "police-informed", "europol-informed",
] as const;

/** An outcome. */
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that must say why. */
export const OUTCOMES_NEEDING_REASON: readonly Outcome[] = ["no-action", "cannot-comply", "refused"];

const url = z.url({ protocol: /^https?$/, error: "a web address starting with http:// or https://" });
const urls = z
  .array(url)
  .min(1, "at least one URL")
  .max(100, "at most 100 URLs per case; open several cases for more");
const text = (what: string, max = 4000) => z.string().trim().min(3, `${what}, in a few words at least`).max(max);

/** What each kind asks for (its form), declared once: commands, cards and validation all use these. */
export const CASE_FORMS = {
  notice: z.strictObject({
    urls,
    reason: text("why the content is believed to be illegal"),
    basis: text("the legal basis").optional(),
    // DSA Art. 16(2)(d): "a statement confirming the bona fide belief of the individual or entity submitting the
    // notice that the information and allegations contained therein are accurate and complete". Recorded only when
    // the notifier makes it (--good-faith); never assumed.
    goodFaith: z.boolean().default(false),
    trustedFlagger: z.boolean().default(false),
  }),
  "removal-order": z.strictObject({
    urls,
    basis: text("the legal basis (TCO Regulation 2021/784, Art. 3)"),
    reason: text("the statement of reasons"),
  }),
  "investigation-request": z.strictObject({
    target: text("the account, URL or identifier concerned", 1000),
    data: text("what data is requested"),
    basis: text("the legal basis"),
  }),
  "production-order": z.strictObject({
    target: text("the account or identifier concerned", 1000),
    data: text("the data categories to produce"),
    basis: text("the legal basis (e-Evidence Regulation 2023/1543, Art. 10)"),
  }),
  "preservation-order": z.strictObject({
    target: text("the account or identifier concerned", 1000),
    data: text("what to preserve"),
    basis: text("the legal basis (e-Evidence Regulation 2023/1543, Art. 11)"),
  }),
  "csam-notice": z.strictObject({
    urls,
    reason: text("what the report concerns").optional(),
  }),
  "threat-to-life": z.strictObject({
    reason: text("what is threatened, and what is known"),
    urls: z.array(url).max(100).default([]),
    location: text("where (member state, city), if known", 500).optional(),
  }),
} satisfies Record<CaseKind, z.ZodObject>;

/** A kind's validated form. */
export type CaseFields = { [K in CaseKind]: z.output<(typeof CASE_FORMS)[K]> }[CaseKind];

/** How each kind is shown and referenced. */
export const KIND_INFO: Record<CaseKind, { label: string; prefix: string; outcomes: readonly Outcome[]; asks: string }> = {
  notice: { label: "Notice", prefix: "N", outcomes: ["removed", "access-disabled", "no-action", "cannot-comply"], asks: "Assess the content and act on it" },
  "removal-order": { label: "Removal order (TCO)", prefix: "R", outcomes: ["removed", "access-disabled", "cannot-comply"], asks: "Remove or disable access to the content within the deadline" },
  "investigation-request": { label: "Investigation request", prefix: "I", outcomes: ["data-produced", "not-held", "refused"], asks: "Answer the request for data" },
  "production-order": { label: "Production order (e-Evidence)", prefix: "P", outcomes: ["data-produced", "not-held", "refused", "cannot-comply"], asks: "Produce the data within the deadline" },
  "preservation-order": { label: "Preservation order (e-Evidence)", prefix: "S", outcomes: ["data-preserved", "not-held", "refused", "cannot-comply"], asks: "Preserve the data at once (60 days, extendable by 30)" },
  "csam-notice": { label: "CSAM notice", prefix: "C", outcomes: ["removed", "access-disabled", "no-action", "cannot-comply"], asks: "Remove the material within the deadline" },
  "threat-to-life": { label: "Threat to life", prefix: "T", outcomes: ["police-informed", "europol-informed", "no-action"], asks: "Inform the competent police at once (Europol if the member state is unclear)" },
};

/**
 * A kind as written inside a sentence: "removal order (TCO)", "CSAM notice" (abbreviations keep their capitals), with
 * "a" or "an" before it when asked: "an investigation request".
 */
export function kindInSentence(kind: CaseKind, article?: "a"): string {
  const label = KIND_INFO[kind].label;
  const phrase = /^[A-Z][a-z]/.test(label) ? `${label.charAt(0).toLowerCase()}${label.slice(1)}` : label;
  if (!article) return phrase;
  return `${/^[aeiou]/i.test(phrase) ? "an" : "a"} ${phrase}`;
}

/** Validates a kind's form; messages name the flag to give. */
export function parseCaseFields(kind: CaseKind, raw: Record<string, unknown>): { ok: true; fields: CaseFields } | { ok: false; problems: string[] } {
  const result = CASE_FORMS[kind].safeParse(raw);
  if (result.success) return { ok: true, fields: result.data as CaseFields };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? "");
      const flag = field === "urls" ? "<url>" : `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
      if (issue.code === "unrecognized_keys") return `${kindInSentence(kind, "a")} does not take ${issue.keys.map((key) => `--${key}`).join(", ")}`;
      const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
      return `${flag}: ${message}`;
    }),
  };
}
