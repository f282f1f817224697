import { z } from "zod";
import { removalOrderForm } from "./removal/form.js";
import { ATKM_MAX_TERM_MS, CONTENT_TYPES, memberStateSchema, termSchema, THREAT_REGIMES } from "./dsa/vocabulary.js";
import { instantWithOffsetSchema } from "../time/instant.js";

/** Kinds of case (domain.md, "Cases"). */
export const CASE_KINDS = [
  "notice", "removal-order", "investigation-request", "production-order", "preservation-order", "csam-notice", "threat-to-life",
  "dsa-act-order", "dsa-info-order", "atkm-order",
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
  "effect-given", "effect-not-given", "information-provided", "information-not-provided", "not-hosted-here", "police-and-europol-informed",
] as const;

/** An outcome. */
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that must say why. */
export const OUTCOMES_NEEDING_REASON: readonly Outcome[] = ["no-action", "cannot-comply", "refused", "effect-not-given", "information-not-provided"];

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
    // DSA Art. 15(1)(b): notices "categorised by the type of alleged illegal content concerned".
    contentType: z.enum(CONTENT_TYPES).optional(),
  }),
  // TCO Regulation (EU) 2021/784 Art. 3(4) and Annex I: see removal/form.ts.
  "removal-order": removalOrderForm,
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
    // DSA Art. 18(1) / TCO Art. 14(5): the Member State(s) concerned, when known (dsa/threats.ts says who is told
    // otherwise), the rule the report is made under, and when the content was published (with its offset: recital 56
    // asks for "the time when the content was published, including the designated time zone") or first known.
    regime: z.enum(THREAT_REGIMES).default("dsa-art-18"),
    memberStates: z.array(memberStateSchema).max(27).default([]),
    publishedAt: instantWithOffsetSchema.optional(),
    knownAt: instantWithOffsetSchema.optional(),
  }),
  // DSA Art. 9(2)(a)-(b): the order's legal basis, statement of reasons, issuing authority (the opener), the exact
  // URLs, redress information, the authority to inform (where not the issuer) and its territorial scope.
  "dsa-act-order": z.strictObject({
    urls,
    basis: text("the legal basis under Union or national law (DSA Art. 9(2)(a)(i))"),
    reason: text("the statement of reasons: why the content is illegal, by reference to the provisions (Art. 9(2)(a)(ii))"),
    scope: text("the territorial scope of the order (Art. 9(2)(b))", 500),
    redress: text("the redress available to the provider and to the recipient who provided the content (Art. 9(2)(a)(v))", 2000),
    contentType: z.enum(CONTENT_TYPES),
    memberState: memberStateSchema.optional(),
    inform: text("the authority to inform of the effect, where not the issuer (Art. 9(2)(a)(vi))", 500).optional(),
    reference: text("the order's own reference", 100).optional(),
  }),
  // DSA Art. 10(2)(a): legal basis, issuing authority, the recipients concerned, the statement of reasons (unless it
  // cannot be given for the prevention, investigation, detection and prosecution of criminal offences), redress,
  // the authority to inform; (b): only information already collected and within the provider's control.
  "dsa-info-order": z
    .strictObject({
      target: text("the recipient(s) of the service concerned: account names or unique identifiers (Art. 10(2)(a)(iii))", 1000),
      data: text("the specific information sought"),
      basis: text("the legal basis under Union or national law (Art. 10(2)(a)(i))"),
      reason: text("the statement of reasons: the objective, and why it is necessary and proportionate (Art. 10(2)(a)(iv))").optional(),
      reasonsWithheld: z.boolean().default(false),
      redress: text("the redress available to the provider and to the recipients concerned (Art. 10(2)(a)(v))", 2000),
      contentType: z.enum(CONTENT_TYPES).optional(),
      memberState: memberStateSchema.optional(),
      inform: text("the authority to inform of the effect, where not the issuer (Art. 10(2)(a)(vi))", 500).optional(),
      reference: text("the order's own reference", 100).optional(),
    })
    .refine((form) => form.reason !== undefined || form.reasonsWithheld, {
      path: ["reason"],
      message: "is required, unless it cannot be given for the prevention, investigation, detection or prosecution of criminal offences (then --reasons-withheld)",
    }),
  // Wet bestuursrechtelijke aanpak online kinderpornografisch materiaal (Stb. 2024, 162), art. 6(4)(c): the ATKM's
  // binding order names the term for removal, "met dien verstande dat die termijn ten hoogste twaalf uren bedraagt".
  "atkm-order": z.strictObject({
    urls,
    reason: text("what the material is, and why it is child sexual abuse material").optional(),
    basis: text("the legal basis", 500).default("Wet bestuursrechtelijke aanpak online kinderpornografisch materiaal (Stb. 2024, 162), art. 6"),
    termMs: termSchema.pipe(z.number().min(60_000, "at least one minute").max(ATKM_MAX_TERM_MS, "at most 12 hours (the law's limit)")).default(ATKM_MAX_TERM_MS),
    reference: text("the order's own reference", 100).optional(),
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
  // The NTD code's EOKM addendum: the host removes what the EOKM reports without its own assessment, so there is no
  // "no action"; "not hosted here" names who hosts it (/case decide --host).
  "csam-notice": { label: "CSAM notice (EOKM)", prefix: "C", outcomes: ["removed", "access-disabled", "not-hosted-here"], asks: "Remove the material within 24 hours; the EOKM's assessment is not reviewed" },
  "threat-to-life": { label: "Threat to life", prefix: "T", outcomes: ["police-informed", "europol-informed", "police-and-europol-informed", "no-action"], asks: "Inform the competent police at once (Europol if the member state is unclear)" },
  "dsa-act-order": { label: "Order to act against illegal content (DSA Art. 9)", prefix: "A", outcomes: ["effect-given", "effect-not-given"], asks: "Give effect to the order and inform the issuer without undue delay, saying if and when" },
  "dsa-info-order": { label: "Order to provide information (DSA Art. 10)", prefix: "D", outcomes: ["information-provided", "not-held", "information-not-provided"], asks: "Inform the issuer of receipt and of the effect given without undue delay, saying if and when" },
  "atkm-order": { label: "ATKM order (child sexual abuse material)", prefix: "K", outcomes: ["removed", "access-disabled", "cannot-comply"], asks: "Remove the material or disable access to it within the order's term (at most 12 hours)" },
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
      const flag = field === "urls" ? "<url>" : field === "termMs" ? "--term" : field === "contentTypes" ? "--content-type" : `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
      if (issue.code === "unrecognized_keys") return `${kindInSentence(kind, "a")} does not take ${issue.keys.map((key) => `--${key}`).join(", ")}`;
      const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
      return `${flag}: ${message}`;
    }),
  };
}
