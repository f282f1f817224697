// The closed list of grounds for refusal of Regulation (EU) 2023/1543 Art. 12(1): the enforcing authority that refuses
// names one or more of points (a) to (d); its reasons explain them.
//
// Art. 12(1) (English text as a third-party copy of CELEX 32023R1543 shows it; not checked against EUR-Lex itself):
// "Where the issuing authority has notified the enforcing authority pursuant to Article 8, and without prejudice to
// Article 1(3), the enforcing authority shall, as soon as possible but at the latest within 10 days following receipt
// of the notification, or, in emergency cases, at the latest within 96 hours following such receipt, assess the
// information set out in the order and, where appropriate, raise one or more of the following grounds for refusal:
// (a) the data requested are protected by immunities or privileges granted under the law of the enforcing State which
// prevent the execution or enforcement of the order, or the data requested are covered by rules on the determination
// or limitation of criminal liability that relate to freedom of the press or freedom of expression in other media,
// which prevent the execution or enforcement of the order;
// (b) in exceptional situations, there are substantial grounds to believe, on the basis of specific and objective
// evidence, that the execution of the order would, in the particular circumstances of the case, entail a manifest
// breach of a relevant fundamental right as set out in Article 6 TEU and in the Charter;
// (c) the execution of the order would be contrary to the principle of ne bis in idem;
// (d) the conduct for which the order has been issued does not constitute an offence under the law of the enforcing
// State, unless it concerns an offence listed within the ca[tegories of Annex IV …]"
// The end of (d) could not be read; paraphrase: unless the offence is in a category of Annex IV, as the issuing
// authority indicates it, punishable in the issuing State by a custodial sentence of a maximum of at least 3 years.
import { fail, ok, type Outcome as Result } from "../../core/result.js";

/** The Art. 12(1) points, by name, with the point letter and the label the parties read. */
export const REFUSAL_GROUNDS = {
  "immunity-or-press": { point: "a", label: "Art. 12(1)(a): immunities or privileges, or rules on freedom of the press or of expression, of the enforcing State" },
  "fundamental-rights": { point: "b", label: "Art. 12(1)(b): exceptional situation: a manifest breach of a fundamental right (Art. 6 TEU and the Charter)" },
  "ne-bis-in-idem": { point: "c", label: "Art. 12(1)(c): contrary to the principle of ne bis in idem" },
  "dual-criminality": { point: "d", label: "Art. 12(1)(d): the conduct is not an offence under the law of the enforcing State (except Annex IV offences punishable by at least 3 years)" },
} as const;

/** One ground for refusal of Art. 12(1). */
export type RefusalGround = keyof typeof REFUSAL_GROUNDS;

/** The ground names in the order of the article. */
export const REFUSAL_GROUND_NAMES = Object.keys(REFUSAL_GROUNDS) as RefusalGround[];

/** Whether a text is one of the Art. 12(1) ground names. */
export function isRefusalGround(name: string): name is RefusalGround {
  return Object.prototype.hasOwnProperty.call(REFUSAL_GROUNDS, name);
}

/**
 * The grounds of a `--ground` value (comma-separated names), deduplicated and in the article's order; a refusal
 * names at least one, and only names of the closed list.
 */
export function parseRefusalGrounds(text: string): Result<RefusalGround[]> {
  const names = text.split(",").map((part) => part.trim()).filter(Boolean);
  if (names.length === 0) return fail("bad-arguments", `A refusal names its ground(s) of Art. 12(1): --ground ${REFUSAL_GROUND_NAMES.join("|")} (several comma-separated).`);
  const unknown = names.filter((name) => !isRefusalGround(name));
  if (unknown.length > 0) return fail("bad-arguments", `Not a ground for refusal of Art. 12(1): the grounds are ${REFUSAL_GROUND_NAMES.join(", ")}.`);
  return ok(REFUSAL_GROUND_NAMES.filter((name) => names.includes(name)));
}

/** The stored column value of a set of grounds (comma-separated names). */
export function storedRefusalGrounds(grounds: readonly RefusalGround[]): string {
  return grounds.join(",");
}

/** The grounds of a stored column value; names that are not (or no longer) on the list are dropped. */
export function refusalGroundsOf(stored: string | null | undefined): RefusalGround[] {
  return (stored ?? "").split(",").filter(isRefusalGround);
}
