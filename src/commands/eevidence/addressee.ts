import { z } from "zod";
import { languageSchema } from "../../directory/model.js";
import { defineCommand } from "../command.js";

/** /eevidence addressee: record a provider's designated establishment or legal representative (Directive 2023/1544). */
export const eevidenceAddressee = defineCommand({
  group: "eevidence",
  name: "addressee",
  summary: "Record a provider's designated establishment or legal representative, its Member State and languages (coordinators)",
  details: "Directive (EU) 2023/1544 Art. 3: providers designate an establishment or appoint a legal representative to receive orders; Art. 4(4): they say in which Union languages it can be addressed.",
  args: z.object({
    organisation: z.string().trim().toLowerCase().max(64).describe("The provider's slug"),
    type: z.enum(["establishment", "legal-representative"]).describe("A designated establishment or a legal representative"),
    memberState: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, "a two-letter Member State code, e.g. IE").describe("Where it is located"),
    languages: z.string().max(100).transform((text) => text.split(",").map((part) => part.trim()).filter(Boolean)).pipe(z.array(languageSchema).min(1).max(24)).describe("Languages it accepts, e.g. en,de"),
    name: z.string().trim().min(2).max(300).describe("Its name and address, as the provider notified it"),
  }),
  positional: ["organisation"],
  examples: ['/eevidence addressee chirp-social --type establishment --member-state DE --languages de,en --name "Chirp Social GmbH, Berlin"'],
  permission: "coordinator",
  uses: ["eevidence"],
  execute: ({ eevidence, actor }, { organisation, ...addressee }) => eevidence.setAddressee(actor, organisation, addressee),
  render: ({ slug, addressee }) => ({ text: `✓ ${slug}: ${addressee.type.replace("-", " ")} in ${addressee.memberState} (${addressee.languages.join(", ")}) recorded.`, tone: "success" }),
});
