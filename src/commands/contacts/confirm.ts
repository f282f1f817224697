import { z } from "zod";
import { defineCommand } from "../command.js";

/** /contacts confirm: "I am still the point of contact". */
export const contactsConfirm = defineCommand({
  group: "contacts",
  name: "confirm",
  summary: "Confirm you are still the point of contact (resets your verification)",
  args: z.object({}),
  examples: ["/contacts confirm"],
  permission: "contact",
  uses: ["directory"],
  async execute({ directory, actor }) {
    return directory.confirm(actor);
  },
  render: (contact) => ({
    text: `✓ Thank you, ${contact.name}: you are confirmed as a point of contact of ${contact.organisationName} (${contact.lastVerifiedAt?.toISOString().slice(0, 10) ?? ""}).`,
    tone: "success",
  }),
});
