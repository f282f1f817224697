// Cross-border scope: Regulation (EU) 2023/1543 applies only where the addressee is in another Member State than the
// issuing authority.
import { fail, ok, type Outcome } from "../../core/result.js";

/** A provider's designated establishment or legal representative, as the directory keeps it (Directive 2023/1544). */
export interface Addressee {
  /** Directive (EU) 2023/1544 Art. 3(1): a designated establishment (in the Union) or a legal representative. */
  type: "establishment" | "legal-representative";
  /** Where it is located (ISO 3166-1 alpha-2). */
  memberState: string;
  /** Art. 4(4): the official languages of the Union in which it can be addressed. */
  languages: readonly string[];
  /** Its name or address line, as the provider notified it. */
  name: string;
}

/**
 * Art. 3(1): a European Production Order is "addressed to a designated establishment or to a legal representative of
 * a service provider offering services in the Union, where that designated establishment or legal representative is
 * located in another Member State bound by this Regulation"; Art. 3(2) says the same of a European Preservation Order.
 * Art. 1(1), second subparagraph: the Regulation "is without prejudice to the powers of national authorities to address
 * service providers established or represented on their territory"; such a domestic order is not an EPOC.
 */
export function checkScope(issuerMemberState: string, providerSlug: string, addressee: Addressee | undefined): Outcome<Addressee> {
  if (!addressee) {
    return fail("not-allowed", `${providerSlug} has no designated establishment or legal representative in the directory: an EPOC or EPOC-PR is addressed to one of them (Art. 3(1), Art. 7).`, `A coordinator records it: /eevidence addressee ${providerSlug} --type establishment --member-state <MS> --languages <codes>.`);
  }
  if (addressee.memberState === issuerMemberState) {
    return fail("not-allowed", `${providerSlug}'s ${addressee.type.replace("-", " ")} is in ${issuerMemberState}, the issuing State: a European order goes to another Member State (Art. 3(1)); a domestic order is made under national law (Art. 1(1)).`, "Use /request --kind investigation-request for a domestic request.");
  }
  return ok(addressee);
}
