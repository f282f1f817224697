import { z } from "zod";
import { handedOverLines } from "../../cases/handover-render.js";
import { ok } from "../../core/result.js";
import { defineCommand } from "../command.js";

/** /contacts remove: remove a contact (kept in the record; their chat identities are unlinked; their open cases handed over). */
export const contactsRemove = defineCommand({
  group: "contacts",
  name: "remove",
  summary: "Remove a contact (organisation admins, coordinators; kept in the record)",
  details: "Open cases they are responsible for go to their organisation's backup for the topic (else its escalation contact, else another primary); the reply lists them, every party's thread is told, and the coordinators are asked to assign a case nobody could take.",
  args: z.object({
    handle: z.string().trim().toLowerCase().describe("The contact"),
    reason: z.string().trim().min(3, "say why, in a few words").describe("Why"),
  }),
  positional: ["handle"],
  examples: ['/contacts remove tom.hendriks --reason "on leave until March"'],
  permission: "admin",
  uses: ["directory", "cases"],
  async execute({ directory, cases, actor }, args) {
    const removed = await directory.removeContact(actor, args.handle, args.reason);
    if (!removed.ok) return removed;
    const contact = removed.value;
    const handed = await cases.handOverFrom(actor, { contactIds: [contact.id], names: new Map([[contact.id, contact.name]]) }, args.reason);
    return ok({ contact, handed });
  },
  render: ({ contact, handed }) => ({
    text: [`✓ Removed ${contact.name} (${contact.handle}) from ${contact.organisationSlug}; their chat identities are unlinked.`, ...handedOverLines(handed)].join("\n"),
    tone: handed.length > 0 ? "warning" : "success",
  }),
});
