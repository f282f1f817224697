// Reports of a suspected criminal offence threatening life or safety: who the law says is told, under DSA Art. 18
// and TCO Art. 14(5), and which outcomes say that it was done. The two rules differ where the Member State is unknown.
import type { Outcome } from "../kinds.js";
import type { MemberState, THREAT_REGIMES } from "./vocabulary.js";

/** The part of a threat-to-life form these rules read. */
export interface ThreatForm {
  regime: (typeof THREAT_REGIMES)[number];
  memberStates: readonly MemberState[];
}

/**
 * Who is to be told, in the law's words.
 * DSA Art. 18(1): "it shall promptly inform the law enforcement or judicial authorities of the Member State or Member
 * States concerned of its suspicion and provide all relevant information available."
 * DSA Art. 18(2): "Where the provider of hosting services cannot identify with reasonable certainty the Member State
 * concerned, it shall inform the law enforcement authorities of the Member State in which it is established or where
 * its legal representative resides or is established or inform Europol, or both."
 * TCO Art. 14(5) (paraphrase): "Where hosting service providers become aware of terrorist content involving an imminent threat to
 * life, they shall promptly inform the authorities competent for the investigation and prosecution of criminal
 * offences in the Member States concerned. Where it is impossible to identify the Member States concerned, the hosting
 * service providers shall notify the contact point pursuant to Article 12(2) in the Member State where they have their
 * main establishment or where their legal representative resides or is established, and transmit information
 * concerning that terrorist content to Europol for appropriate follow-up."
 */
export function lawsRecipients(form: ThreatForm): string {
  if (form.memberStates.length > 0) {
    return form.regime === "tco-art-14-5"
      ? `the authorities competent for the investigation and prosecution of criminal offences in ${form.memberStates.join(", ")} (TCO Art. 14(5))`
      : `the law enforcement or judicial authorities of ${form.memberStates.join(", ")} (DSA Art. 18(1))`;
  }
  return form.regime === "tco-art-14-5"
    ? "Member State unknown: the contact point of the Member State of the main establishment or of the legal representative, and Europol (TCO Art. 14(5): both)"
    : "Member State unknown: the law enforcement authorities of the Member State of establishment or of the legal representative, or Europol, or both (DSA Art. 18(2))";
}

/** Why an outcome does not do what the law asks of this report, or undefined when it does. */
export function threatOutcomeRefusal(form: ThreatForm, outcome: Outcome): string | undefined {
  if (outcome === "no-action") return undefined;
  if (form.memberStates.length > 0 && outcome === "europol-informed") {
    return `the Member State concerned is known (${form.memberStates.join(", ")}): its authorities are to be told (${form.regime === "tco-art-14-5" ? "TCO Art. 14(5)" : "DSA Art. 18(1)"}); Europol alone is not enough`;
  }
  if (form.memberStates.length === 0 && form.regime === "tco-art-14-5" && outcome !== "police-and-europol-informed") {
    return "the Member State is unknown and TCO Art. 14(5) asks for both: the contact point of the Member State of establishment and Europol";
  }
  return undefined;
}
