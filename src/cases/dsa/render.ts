// The card fields of the DSA, ATKM and Art. 18 forms ("What is asked"); src/cases/render.ts shows them after the
// fields every kind shares (URLs, basis, reason).
import type { FormField, MessageField } from "../../core/message.js";
import { formatDuration } from "../../time/calendar.js";
import { KIND_INFO, type CaseKind } from "../kinds.js";
import { DECIDED_OUTCOMES } from "./outcomes.js";
import { lawsRecipients, type ThreatForm } from "./threats.js";

/** The fields of a form that only these kinds have, labelled for the card. */
export function dsaFieldsShown(kind: CaseKind, fields: Record<string, unknown>): MessageField[] {
  const out: MessageField[] = [];
  const text = (key: string, label: string) => {
    const value = fields[key];
    if (typeof value === "string" && value !== "") out.push({ label, value });
  };
  if (kind === "dsa-act-order" || kind === "dsa-info-order") {
    text("memberState", "Issuing Member State");
    text("scope", "Territorial scope (Art. 9(2)(b))");
    text("redress", "Redress");
    text("inform", "Inform of the effect");
    if (fields.reasonsWithheld === true && fields.reason === undefined) out.push({ label: "Statement of reasons", value: "withheld for the prevention, investigation, detection or prosecution of criminal offences (Art. 10(2)(a)(iv))" });
    out.push({ label: "Answer", value: kind === "dsa-act-order" ? "inform the issuer without undue delay if and when effect was given (Art. 9(1))" : "inform the issuer without undue delay of receipt, and if and when effect was given (Art. 10(1))" });
  }
  if (kind === "atkm-order" && typeof fields.termMs === "number") out.push({ label: "Term", value: `${formatDuration(fields.termMs)} from receipt (at most 12 hours, Stb. 2024, 162 art. 6)` });
  if (kind === "csam-notice") out.push({ label: "EOKM addendum", value: "remove within 24 hours without your own assessment; not hosted here: say who hosts it (/case decide --host)" });
  if (kind === "threat-to-life") {
    const form = { regime: fields.regime === "tco-art-14-5" ? "tco-art-14-5" : "dsa-art-18", memberStates: Array.isArray(fields.memberStates) ? fields.memberStates : [] } as ThreatForm;
    out.push({ label: "To be told", value: lawsRecipients(form) });
    text("publishedAt", "Published");
    text("knownAt", "First known");
  }
  text("contentType", "Type of content");
  text("reference", "Order reference");
  return out;
}

/**
 * The resolve button of a kind with outcomes that state a fact (dsa/outcomes.ts): it runs /case decide, with a field
 * for the fact (at most three fields in all, within a Discord modal's five). Undefined for other kinds.
 */
export function decideForm(kind: CaseKind): { command: "decide"; fields: FormField[] } | undefined {
  const outcomes = KIND_INFO[kind].outcomes;
  if (!outcomes.some((outcome) => DECIDED_OUTCOMES.includes(outcome))) return undefined;
  const fields: FormField[] = [{ name: "effect-at", label: "When effect was given, with its offset (e.g. 2026-11-20T14:05+01:00)", kind: "text", required: false, maxLength: 40 }];
  if (outcomes.includes("not-hosted-here")) fields.push({ name: "host", label: "Not hosted here: who hosts it", kind: "text", required: false, maxLength: 200 });
  return { command: "decide", fields };
}
