import { z } from "zod";
import { phoneSchema } from "../../directory/model.js";
import { renderContact } from "../../directory/render.js";
import { timeZoneSchema } from "../../time/calendar.js";
import { defineCommand } from "../command.js";
import { rolesOption } from "./options.js";

/** /contacts add: add a point of contact to an organisation. */
export const contactsAdd = defineCommand({
  group: "contacts",
  name: "add",
  summary: "Add a point of contact (organisation admins, coordinators)",
  args: z.object({
    handle: z.string().describe("Unique handle, e.g. anna.devries"),
    org: z.string().trim().toLowerCase().describe("The organisation's slug"),
    name: z.string().describe("Full name"),
    email: z.email().optional().describe("Email address"),
    phone: phoneSchema.optional().describe("Emergency phone, international form (+31...)"),
    languages: z.string().optional().describe("Languages, e.g. en,nl"),
    timeZone: timeZoneSchema.optional().describe("Time zone, when not the organisation's"),
    roles: rolesOption.optional().describe("Roles per topic, e.g. notices:primary,removal-orders:backup"),
    admin: z.boolean().optional().describe("Make them an admin of their organisation"),
    coordinator: z.boolean().optional().describe("Make them a coordinator (coordinators only)"),
  }),
  positional: ["handle"],
  examples: ['/contacts add kim.bos --org acme-hosting --name "Kim Bos" --roles notices:backup --languages nl,en'],
  permission: "admin",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.addContact(actor, args.org, {
      handle: args.handle,
      name: args.name,
      ...(args.email ? { email: args.email } : {}),
      ...(args.phone ? { phone: args.phone } : {}),
      ...(args.languages ? { languages: args.languages } : {}),
      ...(args.timeZone ? { timeZone: args.timeZone } : {}),
      roles: args.roles ?? {},
      orgAdmin: args.admin ?? false,
      coordinator: args.coordinator ?? false,
    });
  },
  render: (contact) => {
    const shown = renderContact(contact);
    return { ...shown, text: `✓ Added ${contact.handle}. Link their chat account with /contacts link ${contact.handle} <platform> <user-id>.\n${shown.text}`, tone: "success" };
  },
});
