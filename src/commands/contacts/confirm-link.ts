import { z } from "zod";
import { defineCommand } from "../command.js";

/** /contacts confirm-link: typed from a chat account, proves it and makes its pending link take effect. */
export const contactsConfirmLink = defineCommand({
  group: "contacts",
  name: "confirm-link",
  summary: "Confirm, from your chat account, that it may be linked to your directory entry (with the code sent to it)",
  details:
    "Type it from the account the code was sent to: only that account can confirm its link. A wrong code counts against a small number of tries; " +
    "codes are single use and expire. Not to be confused with /contacts confirm (you are still the point of contact).",
  args: z.object({
    code: z.string().max(64, "a link code is 10 letters and digits, e.g. K7QX-M2PA-RT").describe("The one-time code from the direct message"),
  }),
  positional: ["code"],
  examples: ["/contacts confirm-link K7QX-M2PA-RT"],
  permission: "anyone",
  uses: ["directory"],
  async execute({ directory, actor }, { code }) {
    return directory.confirmLink(actor, code);
  },
  render: (confirmed) => ({
    text: `✓ Linked: this account (${confirmed.account}) now acts as ${confirmed.name} (${confirmed.handle}) of ${confirmed.organisationName}.`,
    tone: "success",
  }),
});
