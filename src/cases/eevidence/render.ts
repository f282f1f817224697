// What the parties of a European order read: the enforcing authority's card and each change, with the article.
import type { OutboundMessage, Tlp } from "../../core/message.js";
import { inertLine } from "../../core/text.js";
import { ANNEX_III_GROUNDS, type AnnexIIIGround } from "./inability.js";
import { REFUSAL_GROUNDS, type RefusalGround } from "./refusal.js";

/** A change to a European order, as the parties are told. */
export type EvidenceUpdate =
  | { type: "produced" }
  | { type: "clarification"; ground: string; explanation: string; reactBy: Date }
  | { type: "clarified"; late: boolean }
  | { type: "inability"; ground: string; explanation: string }
  | { type: "objection"; explanation: string }
  | { type: "validated"; late: boolean }
  | { type: "enforcing-confirmed" }
  | { type: "enforcing-refused"; points: RefusalGround[]; grounds: string; emergency: boolean }
  | { type: "preserved"; endsAt: Date }
  | { type: "extended"; endsAt: Date }
  | { type: "subsequent-request" }
  | { type: "released" };

const when = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function groundLabel(ground: string): string {
  return ground in ANNEX_III_GROUNDS ? ANNEX_III_GROUNDS[ground as AnnexIIIGround].label : ground;
}

/** The thread update for a change. */
export function renderEvidenceUpdate(reference: string, update: EvidenceUpdate, tlp: string): OutboundMessage {
  const text = ((): string => {
    switch (update.type) {
      case "produced":
        return `✓ ${reference}: the addressee transmitted the data (Art. 10).`;
      case "clarification":
        return `❓ ${reference}: the addressee asks for clarification on the Annex III form: ${groundLabel(update.ground)}: ${inertLine(update.explanation)}. The time limits do not run until it is provided; the issuing authority reacts by ${when(update.reactBy)} (Art. 10(6)).`;
      case "clarified":
        return `✓ ${reference}: the issuing authority provided the clarification${update.late ? ", after its 5 days (Art. 10(6))" : ""}; the time limits run again.`;
      case "inability":
        return `⚠ ${reference}: the addressee cannot comply (Annex III): ${groundLabel(update.ground)}: ${inertLine(update.explanation)}. The issuing authority decides.`;
      case "objection":
        return `⚠ ${reference}: reasoned objection: compliance would conflict with the law of a third country (Art. 17): ${inertLine(update.explanation)}.`;
      case "validated":
        return `✓ ${reference}: validated ex post${update.late ? ", after the 48 hours of Art. 4(5)" : " within the 48 hours of Art. 4(5)"}.`;
      case "enforcing-confirmed":
        return `✓ ${reference}: the enforcing authority raises no ground for refusal; the addressee acts as soon as possible (Art. 10(2)).`;
      case "enforcing-refused": {
        const points = update.points.map((point) => REFUSAL_GROUNDS[point].label).join("; ");
        return update.emergency
          ? `⛔ ${reference}: the enforcing authority objects to the use of the data (Art. 10(4)): ${points}. Reasons: ${inertLine(update.grounds)}.`
          : `⛔ ${reference}: the enforcing authority raised ${update.points.length === 1 ? "a ground" : "grounds"} for refusal: ${points}. Reasons: ${inertLine(update.grounds)}. The data is not transmitted.`;
      }
      case "preserved":
        return `✓ ${reference}: the data is preserved until ${when(update.endsAt)} (60 days, Art. 11(1)).`;
      case "extended":
        return `✓ ${reference}: the preservation is extended once by 30 days, until ${when(update.endsAt)} (Annex VI, Art. 11(1)).`;
      case "subsequent-request":
        return `✓ ${reference}: a subsequent request for production was issued (Annex V): the data is preserved until it is produced (Art. 11(2)).`;
      case "released":
        return `✓ ${reference}: the preservation is no longer necessary; the obligation to preserve has ceased (Art. 11(3)).`;
    }
  })();
  return { text, tone: update.type.includes("refused") || update.type === "inability" || update.type === "objection" ? "warning" : "info", tlp: tlp as Tlp };
}

/** The enforcing authority's card: the notification of Art. 8, its window, and what it may answer. */
export function renderEnforcingCard(reference: string, emergency: boolean, tlp: string): OutboundMessage {
  const window = emergency ? "96 hours" : "10 days";
  return {
    title: `${reference}: notification of a European Production Order (Art. 8)`,
    text: `You are notified as the enforcing authority. Within ${window} of receipt you may raise a ground for refusal (Art. 12(1)); ${emergency ? "in an emergency the data is transmitted within 8 hours and you may object to its use (Art. 10(4))" : "the addressee transmits at the end of the 10 days unless you confirm earlier that you raise none (Art. 10(2))"}.`,
    actions: [
      { id: "confirm", label: "No ground for refusal", command: `/eevidence enforcing ${reference} --decision confirm` },
      { id: "refuse", label: "Raise a ground", style: "danger", command: `/eevidence enforcing ${reference} --decision refuse --ground <ground> --reasons \"…\"` },
    ],
    tone: "info",
    tlp: tlp as Tlp,
  };
}
