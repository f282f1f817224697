import { z } from "zod";
import { defineCommand } from "../command.js";

/** /contacts remove-org: a coordinator removes an organisation (kept in the record). */
export const contactsRemoveOrg = defineCommand({
  group: "contacts",
  name: "remove-org",
  summary: "Remove an organisation and its contacts (coordinators; kept in the record)",
  args: z.object({
    slug: z.string().trim().toLowerCase().describe("The organisation"),
    reason: z.string().trim().min(3, "say why, in a few words").describe("Why it is removed"),
  }),
  positional: ["slug"],
  examples: ['/contacts remove-org old-isp --reason "merged into acme-hosting"'],
  permission: "coordinator",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.removeOrganisation(actor, args.slug, args.reason);
  },
  render: (organisation) => ({
    text: `✓ Removed ${organisation.name} [${organisation.slug}] and its ${organisation.contacts.length} contact(s). The record keeps who removed it, when and why.`,
    tone: "success",
  }),
});
