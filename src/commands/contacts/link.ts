import { z } from "zod";
import { PLATFORMS } from "../../core/adapter.js";
import { defineCommand } from "../command.js";

const linkArgs = z.object({
  handle: z.string().trim().toLowerCase().describe("The contact"),
  platform: z.enum(PLATFORMS).describe("The chat platform"),
  user: z.string().trim().min(1).describe("User id on that platform (Slack U…, Matrix @user:server, Discord snowflake)"),
  workspace: z.string().trim().optional().describe("Slack team id or Discord server id (not for Matrix)"),
});

/** /contacts link: ask for a chat account to be linked to a contact; it takes effect when confirmed from the account. */
export const contactsLink = defineCommand({
  group: "contacts",
  name: "link",
  summary: "Link a chat account to a contact, once confirmed from that account (organisation admins, coordinators)",
  details:
    "The person can see their platform, workspace and user id with /whoami. Liaison sends a one-time code to that account by direct message; " +
    "the link takes effect only when the person types /contacts confirm-link <code> from that account (or presses the button in the message).",
  args: linkArgs,
  positional: ["handle", "platform", "user"],
  examples: ["/contacts link jan.jansen slack U024BE7LH --workspace T061EG9R6", "/contacts link lotte.visser matrix @lotte:police.example"],
  permission: "admin",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.link(actor, args.handle, { platform: args.platform, workspace: args.workspace ?? "", userId: args.user });
  },
  render: (requested) =>
    requested.alreadyLinked
      ? { text: `✓ ${requested.account} is already linked to ${requested.handle}; nothing changed.`, tone: "success" }
      : {
          text:
            `⏳ Link pending: ${requested.account} → ${requested.handle}. Liaison sent a one-time code to that account by direct message. ` +
            `The link takes effect only when the person types /contacts confirm-link <code> from that account (or presses the button), ` +
            `before ${requested.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC. Until then nothing changes.`,
          tone: "info",
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
