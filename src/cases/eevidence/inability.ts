// The addressee's answers other than producing or preserving, on the form of Annex III of Regulation (EU) 2023/1543:
// a bare "refused" is not one of them. The grounds' labels follow Annex III and Art. 10(5)-(8) (paraphrase: wording not checked against EUR-Lex).
import type { CaseKind } from "../kinds.js";

/** The kinds that carry European orders: resolved only through the e-Evidence commands. */
export const EEVIDENCE_KINDS: readonly CaseKind[] = ["production-order", "preservation-order"];

/**
 * Annex III grounds, each with the provision that governs it and what follows:
 * - "clarify": the issuing authority reacts within 5 days and the time limits do not run meanwhile (Art. 10(6));
 * - "issuer-decides": the addressee informs and the issuing authority concludes (Art. 10(5), 10(7), 10(8); Art. 11 for preservation);
 * - "objection": a reasoned objection on third-country law, within 10 days of receipt (Art. 17).
 */
export const ANNEX_III_GROUNDS = {
  incomplete: { label: "the order is incomplete", article: "Art. 10(6); Art. 11", effect: "clarify" },
  "manifest-error": { label: "the order contains manifest errors", article: "Art. 10(6); Art. 11", effect: "clarify" },
  "insufficient-information": { label: "the order does not contain sufficient information to execute it", article: "Art. 10(6); Art. 11", effect: "clarify" },
  "not-stored": { label: "the data requested is not stored (never, or no longer, held)", article: "Art. 10(8); Art. 11", effect: "issuer-decides" },
  "service-not-covered": { label: "the service is not covered by the Regulation", article: "Art. 10(8); Art. 11", effect: "issuer-decides" },
  immunities: { label: "immunities or privileges, or rules on freedom of the press or of expression, in the enforcing State", article: "Art. 10(5)", effect: "issuer-decides" },
  "de-facto-impossibility": { label: "de facto impossibility due to circumstances not attributable to the addressee", article: "Art. 10(7); Art. 11", effect: "issuer-decides" },
  "third-country-law": { label: "compliance would conflict with an obligation under the applicable law of a third country", article: "Art. 17", effect: "objection" },
} as const;

/** An Annex III ground. */
export type AnnexIIIGround = keyof typeof ANNEX_III_GROUNDS;

/** The grounds, in the order of the form. */
export const ANNEX_III_GROUND_NAMES = Object.keys(ANNEX_III_GROUNDS) as AnnexIIIGround[];

/**
 * Art. 17(1) (paraphrase: wording not checked against EUR-Lex): "Where an addressee considers that compliance with a European Production Order would conflict with an
 * obligation under the applicable law of a third country, it shall inform the issuing authority and the enforcing
 * authority of its reasons for not executing the European Production Order". It concerns production orders only.
 */
export function groundApplies(ground: AnnexIIIGround, type: "production" | "preservation"): boolean {
  return !(ground === "third-country-law" && type === "preservation");
}

/** Why a bare refusal is not an answer to a European order, for the refusal message. */
export function bareRefusalMessage(): string {
  return `A European order is not simply refused: the addressee states an Annex III ground (${ANNEX_III_GROUND_NAMES.join(", ")}) with /eevidence inability, or produces the data. The grounds for refusal of Art. 12 belong to the enforcing authority.`;
}
