import { z } from "zod";
import type { PlatformIdentity } from "../core/adapter.js";
import { ok } from "../core/result.js";
import { defineCommand } from "./command.js";

/** /whoami: the chat identity Liaison sees and the directory contact it is linked to. */
export const whoami = defineCommand({
  group: "whoami",
  summary: "Who Liaison thinks you are, and what you may do",
  args: z.object({}),
  examples: ["/whoami"],
  permission: "anyone",
  uses: [],
  readOnly: true,
  async execute({ actor }) {
    return ok(actor);
  },
  render(actor) {
    const identity = actor.identity;
    const platformLine = `You are ${identity.displayName ? `${identity.displayName}, ` : ""}${accountLabel(identity)}.`;
    const contact = actor.contact;
    if (!contact) {
      const link = `/contacts link <handle> ${identity.platform} ${identity.userId}${identity.workspace ? ` --workspace ${identity.workspace}` : ""}`;
      const text = `${platformLine}\nYou are not linked to a directory contact. Ask your organisation admin or a coordinator to run:\n${link}\nLiaison then sends a one-time code to this account; type /contacts confirm-link <code> here to make the link take effect.`;
      return { text, title: "Not linked", sections: [{ text }] };
    }
    const roles = [contact.coordinator ? "coordinator" : "", contact.orgAdmin ? `admin of ${contact.organisationSlug}` : ""].filter(Boolean);
    const text = `${platformLine}\nYou act as ${contact.name} (${contact.handle}) of ${contact.organisationName} [${contact.organisationSlug}]${roles.length > 0 ? `, ${roles.join(" and ")}` : ""}.`;
    return { text, title: `${contact.name} (${contact.handle})`, sections: [{ text }] };
  },
});

/** Platform names as people know them. */
const PLATFORM_NAMES: Record<string, string> = { matrix: "Matrix", slack: "Slack", discord: "Discord", console: "the console" };

/** An account in words: "@anna:police.test on Matrix", "U0JAN in Slack workspace T0ACME". */
function accountLabel(identity: PlatformIdentity): string {
  const platform = PLATFORM_NAMES[identity.platform] ?? identity.platform;
  return identity.workspace ? `${identity.userId} in ${platform} workspace ${identity.workspace}` : `${identity.userId} on ${platform}`;
}
