// The card fields of a removal order's Annex I form ("What is asked"); src/cases/render.ts shows them after the
// fields every kind shares (URLs, basis, reason), only where the TLP disclosure rule shows the content at all.
import type { FormField, MessageField } from "../../core/message.js";
import type { CaseKind } from "../kinds.js";
import { ANNEX_III_GROUNDS, TCO_CONTENT_TYPE_WORDS, type RemovalOrderForm, type TcoContentType } from "./form.js";

/** The Annex I fields of a removal order, labelled for the card; none for other kinds. */
export function removalFieldsShown(kind: CaseKind, fields: Record<string, unknown>): MessageField[] {
  if (kind !== "removal-order") return [];
  const form = fields as Partial<RemovalOrderForm>;
  const out: MessageField[] = [];
  if (Array.isArray(form.contentTypes) && form.contentTypes.length > 0) {
    out.push({ label: "Type of terrorist content", value: form.contentTypes.map((type) => TCO_CONTENT_TYPE_WORDS[type as TcoContentType] ?? type).join("\n") });
  }
  if (form.memberState) out.push({ label: "Issuing Member State", value: form.memberState });
  if (form.issuedAt) out.push({ label: "Issued (as stated on the order)", value: form.issuedAt });
  if (form.legalRepresentative) out.push({ label: form.legalRepresentativeFromDirectory ? "Addressee's legal contact (from the directory)" : "Addressee's legal representative", value: form.legalRepresentative });
  if (form.redress) out.push({ label: "Redress", value: form.redress });
  out.push({
    label: "Informing the content provider",
    value: form.nonDisclosure === true
      ? "NOT to be told: for reasons of public security the content provider must not be informed (TCO Art. 11(3))"
      : "to be informed of the removal, and on request of its reasons and of the right to challenge the order (TCO Art. 11(1)-(2))",
  });
  if (form.hostMemberState) out.push({ label: "Cross-border (TCO Art. 4)", value: `a copy goes to the competent authority of ${form.hostMemberState}` });
  out.push({ label: "Answer", value: "remove or disable access in all Member States within one hour of receipt, and say when (Annex II): /case resolve --outcome removed|access-disabled --effective-at <time>" });
  return out;
}

/** The resolve button's extra fields for a removal order: the time of effect (Annex II) and the Annex III ground. */
export function removalResolveFields(kind: CaseKind): FormField[] {
  if (kind !== "removal-order") return [];
  return [
    { name: "effective-at", label: "When the content was removed or disabled, with its offset (empty: now)", kind: "text", required: false, maxLength: 40 },
    { name: "ground", label: "Cannot comply: the Annex III ground", kind: "choice", required: false, choices: ANNEX_III_GROUNDS.map((value) => ({ value, label: value.replace(/-/g, " ") })) },
  ];
}
