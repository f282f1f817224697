import { z } from "zod";
import { phoneSchema, TOPICS } from "../../directory/model.js";
import { renderContact } from "../../directory/render.js";
import { timeZoneSchema } from "../../time/calendar.js";
import { defineCommand } from "../command.js";
import { rolesOption } from "./options.js";

/** /contacts edit: change a contact (themselves for their own details; admins for roles). */
export const contactsEdit = defineCommand({
  group: "contacts",
  name: "edit",
  summary: "Change a contact (your own details; admins also roles)",
  args: z.object({
    handle: z.string().trim().toLowerCase().describe("The contact"),
    name: z.string().optional().describe("Full name"),
    email: z.email().optional().describe("Email address"),
    phone: phoneSchema.optional().describe("Emergency phone, international form (+31...)"),
    languages: z.string().optional().describe("Replace the languages, e.g. en,nl"),
    timeZone: timeZoneSchema.optional().describe("Time zone, when not the organisation's"),
    roles: rolesOption.optional().describe("Set roles, e.g. notices:primary,removal-orders:backup"),
    dropRole: z.enum(TOPICS).optional().describe("Remove the role for this topic"),
    admin: z.boolean().optional().describe("Organisation admin (--admin=false to take it away)"),
    coordinator: z.boolean().optional().describe("Coordinator (coordinators only)"),
  }),
  positional: ["handle"],
  examples: ["/contacts edit jan.jansen --phone +31201234567", "/contacts edit jan.jansen --roles removal-orders:primary --drop-role notices"],
  permission: "contact",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.editContact(actor, args.handle, (current) => {
      const roles: Record<string, string> = { ...(current.roles as Record<string, string>), ...(args.roles ?? {}) };
      if (args.dropRole) delete roles[args.dropRole];
      return {
        ...current,
        ...(args.name ? { name: args.name } : {}),
        ...(args.email ? { email: args.email } : {}),
        ...(args.phone ? { phone: args.phone } : {}),
        ...(args.languages ? { languages: args.languages } : {}),
        ...(args.timeZone ? { timeZone: args.timeZone } : {}),
        ...(args.admin !== undefined ? { orgAdmin: args.admin } : {}),
        ...(args.coordinator !== undefined ? { coordinator: args.coordinator } : {}),
        roles,
      };
    });
  },
  render: ({ after }) => {
    const shown = renderContact(after);
    return { ...shown, text: `✓ Updated ${after.handle}.\n${shown.text}`, tone: "success" };
  },
});
