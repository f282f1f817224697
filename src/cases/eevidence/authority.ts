// Who may issue and who must validate a European Production or Preservation Order: Regulation (EU) 2023/1543 Art. 4.
// An authority's standing is a designation a coordinator records, never the organisation's own claim:
// - `eevidence-judge:<MS>`: a judge, a court or an investigating judge of that Member State;
// - `eevidence-prosecutor:<MS>`: a public prosecutor of that Member State;
// - `eevidence-issuing-authority:<MS>` alone: "any other competent authority as defined by the issuing State", whose
//   orders a judge, court, investigating judge or (where the category allows) prosecutor validates.
import { fail, ok, type Outcome } from "../../core/result.js";
import { hasDesignation } from "../../directory/model.js";
import { isTrafficOrContent, type DataCategory, type OrderType } from "./certificate.js";

/** What an authority is under Art. 4. */
export type Standing = "judge" | "prosecutor" | "other-competent-authority";

/** An authority's standing and Member State, or undefined when it holds no e-Evidence designation. */
export interface AuthorityStanding {
  standing: Standing;
  memberState: string;
}

/** Reads an organisation's standing from its designations (the strongest one wins). */
export function standingOf(designations: readonly string[]): AuthorityStanding | undefined {
  for (const [type, standing] of [["eevidence-judge", "judge"], ["eevidence-prosecutor", "prosecutor"], ["eevidence-issuing-authority", "other-competent-authority"]] as const) {
    const held = designations.find((designation) => designation.split(":")[0] === type);
    if (held && hasDesignation(designations, type)) return { standing, memberState: held.split(":")[1] ?? "" };
  }
  return undefined;
}

/** The standings that may issue without validation, and that may validate, for an order of this category. */
export function judicialStandings(type: OrderType, category: DataCategory): readonly Standing[] {
  // Art. 4(2): "A European Production Order to obtain traffic data, except for data requested for the sole purpose of
  // identifying the user as defined in Article 3, point (10), or to obtain content data may be issued only by: (a) a
  // judge, a court or an investigating judge competent in the case concerned; or (b) any other competent authority
  // ...; in such a case, the European Production Order shall be validated ... by a judge, a court or an investigating
  // judge in the issuing State." (The words after "(b) any other competent authority" were checked against the
  // German text only.)
  if (type === "production" && isTrafficOrContent(category)) return ["judge"];
  // Art. 4(1): subscriber and identification data: "(a) a judge, a court, an investigating judge or a public
  // prosecutor competent in the case concerned; or (b) any other competent authority ... validated ... by a judge, a
  // court, an investigating judge or a public prosecutor in the issuing State." Art. 4(3): a European Preservation
  // Order "for data of all categories" likewise: a judge, a court, an investigating judge or a public prosecutor.
  return ["judge", "prosecutor"];
}

/** How an order stands as to validation once it is issued. */
export type ValidationStatus =
  /** Issued by a judicial authority entitled to issue it: no validation needed. */
  | { status: "not-needed" }
  /** Validated before issue by the named validating authority. */
  | { status: "validated"; validatorOrgId: string }
  /** An emergency issued without prior validation: to be validated within 48 hours of issue (Art. 4(5)). */
  | { status: "ex-post-pending"; dueAt: Date };

/** Hours within which an emergency order issued without prior validation must be validated (Art. 4(5)). */
export const EX_POST_VALIDATION_MS = 48 * 60 * 60_000;

/** The issuer, the validator (if named) and the order, as the Art. 4 check reads them. */
export interface IssueCheck {
  type: OrderType;
  category: DataCategory;
  emergency: boolean;
  issuer: AuthorityStanding | undefined;
  validator?: { orgId: string; slug: string; standing: AuthorityStanding | undefined };
  issuedAt: Date;
}

const NAMES: Record<Standing, string> = { judge: "a judge, court or investigating judge", prosecutor: "a public prosecutor", "other-competent-authority": "another competent authority" };

/** Art. 4: whether the issuer may issue this order, and whether and when it must be validated. */
export function checkIssuer(check: IssueCheck): Outcome<ValidationStatus> {
  const { issuer, validator } = check;
  if (!issuer) return fail("not-allowed", "Only an issuing authority of a Member State issues a European Production or Preservation Order (Art. 4).", "A coordinator records the designation: eevidence-judge:<MS>, eevidence-prosecutor:<MS> or eevidence-issuing-authority:<MS>.");
  const judicial = judicialStandings(check.type, check.category);
  const what = check.type === "production" ? `a production order for ${check.category} data` : "a preservation order";
  if (judicial.includes(issuer.standing)) {
    if (validator) return fail("bad-arguments", `${NAMES[issuer.standing]} issues ${what} without validation (Art. 4); leave out --validator.`);
    return ok({ status: "not-needed" });
  }
  if (validator) {
    const standing = validator.standing;
    if (!standing || !judicial.includes(standing.standing)) {
      return fail("not-allowed", `${validator.slug} cannot validate ${what}: only ${judicial.map((s) => NAMES[s]).join(" or ")} of the issuing State validates it (Art. 4${check.type === "preservation" ? "(3)" : isTrafficOrContent(check.category) ? "(2)" : "(1)"}).`);
    }
    if (standing.memberState !== issuer.memberState) return fail("not-allowed", `${validator.slug} is of ${standing.memberState}, not of the issuing State ${issuer.memberState}: the validating authority is "in the issuing State" (Art. 4).`);
    return ok({ status: "validated", validatorOrgId: validator.orgId });
  }
  // Art. 4(5) (paraphrase: wording not checked against EUR-Lex): "In validly established emergency cases as defined in Article 3, point (18), the authorities referred to
  // in paragraph 1, point (b), and paragraph 3, point (b), may exceptionally issue a European Production Order for
  // subscriber data or data requested for the sole purpose of identifying the user ..., or a European Preservation
  // Order, without prior validation of the order concerned where the validation cannot be obtained in time and where
  // those authorities could issue the order concerned in a similar domestic case without prior validation. The issuing
  // authority shall seek validation of the order concerned ex-post without undue delay, at the latest within 48
  // hours." Traffic and content data are never produced without prior validation. The 48 hours are counted from
  // issue: the paragraph names no starting point, and issue is the earliest one (a policy reading, not the text).
  if (check.emergency && (check.type === "preservation" || !isTrafficOrContent(check.category))) {
    return ok({ status: "ex-post-pending", dueAt: new Date(check.issuedAt.getTime() + EX_POST_VALIDATION_MS) });
  }
  const hint = check.emergency
    ? "Traffic and content data are never produced without prior validation, not even in emergencies (Art. 4(5) covers subscriber and identification data and preservation only)."
    : "Name the validating authority and its file number: --validator <slug> --validator-file <number>.";
  return fail("not-allowed", `${NAMES[issuer.standing]} issues ${what} only once it is validated by ${judicial.map((s) => NAMES[s]).join(" or ")} (Art. 4).`, hint);
}

/** Whether this organisation may validate, ex post, an order its issuer could not issue alone. */
export function mayValidate(type: OrderType, category: DataCategory, issuer: AuthorityStanding, validator: AuthorityStanding | undefined): boolean {
  return validator !== undefined && judicialStandings(type, category).includes(validator.standing) && validator.memberState === issuer.memberState;
}
