import { z } from "zod";
import { PLATFORMS } from "../../core/adapter.js";
import { renderContact } from "../../directory/render.js";
import { defineCommand } from "../command.js";

const linkArgs = z.object({
  handle: z.string().trim().toLowerCase().describe("The contact"),
  platform: z.enum(PLATFORMS).describe("The chat platform"),
  user: z.string().trim().min(1).describe("User id on that platform (Slack U…, Matrix @user:server, Discord snowflake)"),
  workspace: z.string().trim().optional().describe("Slack team id or Discord server id (not for Matrix)"),
});

/** /contacts link: link a chat account to a contact, so that person acts as the contact. */
export const contactsLink = defineCommand({
  group: "contacts",
  name: "link",
  summary: "Link a chat account to a contact (organisation admins, coordinators)",
  details: "The person can see their platform, workspace and user id with /whoami.",
  args: linkArgs,
  positional: ["handle", "platform", "user"],
  examples: ["/contacts link jan.jansen slack U024BE7LH --workspace T061EG9R6", "/contacts link anna.devries matrix @anna:police.example"],
  permission: "admin",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.link(actor, args.handle, { platform: args.platform, workspace: args.workspace ?? "", userId: args.user });
  },
  render: (contact) => {
    const shown = renderContact(contact);
    return { ...shown, text: `✓ Linked.\n${shown.text}`, tone: "success" };
  },
});

/** /contacts unlink: remove a chat account from a contact. */
export const contactsUnlink = defineCommand({
  group: "contacts",
  name: "unlink",
  summary: "Unlink a chat account from a contact",
  args: linkArgs,
  positional: ["handle", "platform", "user"],
  examples: ["/contacts unlink jan.jansen slack U024BE7LH --workspace T061EG9R6"],
  permission: "contact",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.unlink(actor, args.handle, { platform: args.platform, workspace: args.workspace ?? "", userId: args.user });
  },
  render: (contact) => ({ text: `✓ Unlinked. ${contact.handle} now has ${contact.identities.length} linked account(s).`, tone: "success" }),
});
