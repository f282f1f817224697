// The removal order's form, as Regulation (EU) 2021/784 (TCO) defines it, and the rules it obeys at opening. This
// file imports nothing of the case model, so that kinds.ts can build its forms from it.
//
// Art. 3(4): "Removal orders shall contain the following elements: (a) identification details of the competent
// authority issuing the removal order and authentication of the removal order by that competent authority; (b) a
// sufficiently detailed statement of reasons explaining why the content is considered to be terrorist content, and a
// reference to the relevant type of material referred to in Article 2, point (7); (c) an exact uniform resource
// locator (URL) and, where necessary, additional information for the identification of the terrorist content; (d) a
// reference to this Regulation as the legal basis for the removal order; (e) the date, time stamp and electronic
// signature of the competent authority issuing the removal order; (f) easily understandable information about the
// redress available to the hosting service provider and to the content provider, including information about redress
// with the competent authority, the possibility to submit a complaint to a court and the deadlines for appeal; (g)
// where necessary and appropriate, the decision not to disclose information about the removal of terrorist content or
// the disabling of access thereto in accordance with Article 11(3)."
// Annex I (the template, section A) adds: the issuing Member State, the addressee (legal representative), time and
// date of issuing and the reference number of the removal order; section C the box "for reasons of public security,
// the hosting service provider must refrain from informing the content provider"; section D the boxes for the copy to
// the competent authority of the Member State where the provider has its main establishment or legal representative.
// (paraphrase: Art. 3(4) and Annex I sections C and D were not checked against the Official Journal text. Annex I
// section A's fields were, e.g. "Time and date of issuing of the removal order:", "Reference number of the removal
// order:", "Member State where the hosting service provider has its main establishment or where its legal
// representative resides or is established:".)
import { z } from "zod";
import { forbiddenNameCharacter } from "../../core/text.js";
import { fail, ok, type Outcome as Result } from "../../core/result.js";
import { MEMBER_STATES, memberStateSchema, type MemberState } from "../dsa/vocabulary.js";
import { instantWithOffsetSchema } from "../../time/instant.js";

/**
 * The types of terrorist content, Art. 2(7) (paraphrase: not checked against the Official Journal text): material
 * that "(a) incites the commission of one of the offences referred to in points (a) to (i) of Article 3(1) of
 * Directive (EU) 2017/541, where such material, directly or
 * indirectly, such as by the glorification of terrorist acts, advocates the commission of terrorist offences, thereby
 * causing a danger that one or more such offences may be committed; (b) solicits a person or a group of persons to
 * commit or contribute to the commission of one of the offences referred to in points (a) to (i) of Article 3(1) of
 * Directive (EU) 2017/541; (c) solicits a person or a group of persons to participate in the activities of a terrorist
 * group, within the meaning of point (b) of Article 4 of Directive (EU) 2017/541; (d) provides instruction on the
 * making or use of explosives, firearms or other weapons or noxious or hazardous substances, or on other specific
 * methods or techniques for the purpose of committing or contributing to the commission of one of the terrorist
 * offences referred to in points (a) to (i) of Article 3(1) of Directive (EU) 2017/541; (e) constitutes a threat to
 * commit one of the offences referred to in points (a) to (i) of Article 3(1) of Directive (EU) 2017/541".
 */
export const TCO_CONTENT_TYPES = ["incitement", "solicitation", "group-participation", "instruction", "threat"] as const;

/** A type of terrorist content (Art. 2(7)). */
export type TcoContentType = (typeof TCO_CONTENT_TYPES)[number];

/** Each type's point of Art. 2(7), in words, for cards and the report. */
export const TCO_CONTENT_TYPE_WORDS: Record<TcoContentType, string> = {
  incitement: "incites the commission of terrorist offences (Art. 2(7)(a))",
  solicitation: "solicits the commission of, or contribution to, terrorist offences (Art. 2(7)(b))",
  "group-participation": "solicits participation in the activities of a terrorist group (Art. 2(7)(c))",
  instruction: "instructs on making or using explosives, firearms, other weapons or hazardous substances for terrorist offences (Art. 2(7)(d))",
  threat: "threatens to commit a terrorist offence (Art. 2(7)(e))",
};

/**
 * The grounds of Annex III (section B) on which a removal order is not executed (paraphrase, not checked): "force majeure or de facto
 * impossibility not attributable to the hosting service provider, including for objective and technically justifiable
 * reasons" (Art. 3(7)); "the removal order contains manifest errors"; "the removal order does not contain sufficient
 * information" (Art. 3(8)). Annex III asks for "further information as to the reasons for non-execution" besides.
 */
export const ANNEX_III_GROUNDS = ["force-majeure", "de-facto-impossibility", "manifest-errors", "insufficient-information"] as const;

/** An Annex III ground. */
export type AnnexIIIGround = (typeof ANNEX_III_GROUNDS)[number];

/** The legal basis every removal order names (Art. 3(4)(d): "a reference to this Regulation as the legal basis"). */
export const TCO_BASIS = "Regulation (EU) 2021/784 (TCO), Art. 3";

/** Free text on one line, without control, direction-changing or invisible characters; at most `max` characters. */
function line(what: string, max: number) {
  return z
    .string()
    .trim()
    .min(2, `${what}, in a few characters at least`)
    .max(max, `at most ${max} characters`)
    .superRefine((value, context) => {
      const found = forbiddenNameCharacter(value);
      if (found) context.addIssue({ code: "custom", message: `must be plain text on one line: it holds a line break, control, direction-changing or invisible character (${found})` });
    });
}

/** Free text that may span lines: at most `max` characters. */
const prose = (what: string, max: number) => z.string().trim().min(3, `${what}, in a few words at least`).max(max, `at most ${max} characters`);

const url = z.url({ protocol: /^https?$/, error: "a web address starting with http:// or https://" }).max(2000, "a URL of at most 2000 characters");

/** The removal order's form (Art. 3(4), Annex I). The issuing Member State and time of issuing are filled in at opening. */
export const removalOrderForm = z.strictObject({
  // Art. 3(4)(c) (paraphrase): "an exact uniform resource locator (URL)"; Annex I, section B, as checked: "URL and any
  // additional information enabling the identification and exact location of the terrorist content:".
  urls: z.array(url).min(1, "at least one URL").max(100, "at most 100 URLs per case; open several cases for more"),
  basis: line("the legal basis", 500).default(TCO_BASIS),
  // Art. 3(4)(b): the statement of reasons, with the type of material of Art. 2(7) (Annex I, section B: one box or more).
  reason: prose("the statement of reasons: why the content is terrorist content", 4000),
  contentTypes: z.array(z.enum(TCO_CONTENT_TYPES, { error: `a type of terrorist content (Art. 2(7)): ${TCO_CONTENT_TYPES.join(", ")}` })).min(1, "at least one").max(5),
  // Art. 3(4)(f) and Annex I, section G: the redress available, with the deadlines for appeal.
  redress: prose("the redress available to the hosting service provider and the content provider, with the deadlines for appeal", 2000),
  memberState: memberStateSchema.optional(),
  reference: line("the order's own reference number", 100).optional(),
  // Art. 3(4)(e) (paraphrase): "the date, time stamp"; Annex I, as checked: "Time and date of issuing of the removal
  // order:". Kept as written, with its offset.
  issuedAt: instantWithOffsetSchema.optional(),
  legalRepresentative: line("the addressee's legal representative", 500).optional(),
  // Art. 3(4)(g), Art. 11(3) and Annex I, section C: the content provider is not told, for reasons of public security.
  nonDisclosure: z.boolean().default(false),
  // Art. 4(1) and Annex I, section D: the provider's main establishment or legal representative is in another Member
  // State, whose competent authority receives a copy of the order.
  hostMemberState: memberStateSchema.optional(),
});

/** The removal order's form as validated; as stored, it says when the legal representative came from the directory. */
export type RemovalOrderForm = z.output<typeof removalOrderForm> & { legalRepresentativeFromDirectory?: true };

/** The issuer and recipient as the opening checks read them. */
export interface RemovalOrderParties {
  issuer: { slug: string; country: string; designations: readonly string[] };
  recipient: { slug: string; name: string; country: string; legalPointOfContact?: string | null };
  now: Date;
}

const asMemberState = (code: string): MemberState | undefined => {
  const upper = code.toUpperCase() === "GR" ? "EL" : code.toUpperCase();
  return (MEMBER_STATES as readonly string[]).includes(upper) ? (upper as MemberState) : undefined;
};

/**
 * The form as stored, or a refusal: the issuing Member State (Art. 12: each Member State designates its competent
 * authorities) defaults to the one the issuer is designated for, else its country, and must be one of those; the
 * time of issuing defaults to now and may not be in the future; the addressee's legal representative defaults to the
 * legal point of contact the directory holds for the recipient; the host Member State differs from the issuing one.
 */
export function checkRemovalOrderOpening(form: RemovalOrderForm, parties: RemovalOrderParties): Result<RemovalOrderForm> {
  const { issuer, recipient, now } = parties;
  const designated = issuer.designations.flatMap((designation) => {
    const [type, detail] = designation.split(":");
    const state = type === "tco-competent-authority" && detail ? asMemberState(detail) : undefined;
    return state ? [state] : [];
  });
  const country = asMemberState(issuer.country);
  const allowed = [...new Set([...designated, ...(country ? [country] : [])])];
  if (allowed.length === 0) return fail("not-allowed", `${issuer.slug} is not an authority of a Member State of the Union (its country is ${issuer.country || "not set"}); a removal order is issued by a Member State's competent authority (TCO Art. 12).`);
  const memberState = form.memberState ?? allowed[0];
  if (!memberState || !allowed.includes(memberState)) {
    return fail("bad-arguments", `--member-state: ${issuer.slug} is a competent authority of ${allowed.join(", ")}, not ${form.memberState}; the issuing Member State is the one that designated the issuer.`, "Leave out --member-state: it is taken from the issuer.");
  }
  if (form.issuedAt !== undefined && Date.parse(form.issuedAt) > now.getTime()) {
    return fail("bad-arguments", `--issued-at ${form.issuedAt} is in the future; give the time and date the order was issued, with its offset.`, "Leave it out to use the time you open it.");
  }
  if (form.hostMemberState !== undefined && form.hostMemberState === memberState) {
    return fail("bad-arguments", `--host-member-state: ${form.hostMemberState} is the issuing Member State; a copy goes to another Member State's authority only when the provider's main establishment or legal representative is there (TCO Art. 4(1)).`, "Leave out --host-member-state for an order within one Member State.");
  }
  const fromDirectory = recipient.legalPointOfContact?.trim();
  return ok({
    ...form,
    memberState,
    issuedAt: form.issuedAt ?? now.toISOString(),
    ...(form.legalRepresentative === undefined && fromDirectory ? { legalRepresentative: fromDirectory.slice(0, 500), legalRepresentativeFromDirectory: true as const } : {}),
  });
}
