import { z } from "zod";
import { defineCommand } from "../command.js";

/** /contacts remove: remove a contact (kept in the record; their chat identities are unlinked). */
export const contactsRemove = defineCommand({
  group: "contacts",
  name: "remove",
  summary: "Remove a contact (organisation admins, coordinators; kept in the record)",
  args: z.object({
    handle: z.string().trim().toLowerCase().describe("The contact"),
    reason: z.string().trim().min(3, "say why, in a few words").describe("Why"),
  }),
  positional: ["handle"],
  examples: ['/contacts remove jan.jansen --reason "left the company"'],
  permission: "admin",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.removeContact(actor, args.handle, args.reason);
  },
  render: (contact) => ({ text: `✓ Removed ${contact.name} (${contact.handle}) from ${contact.organisationSlug}; their chat identities are unlinked.`, tone: "success" }),
});
