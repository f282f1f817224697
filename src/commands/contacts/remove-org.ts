import { z } from "zod";
import { handedOverLines } from "../../cases/handover-render.js";
import { ok } from "../../core/result.js";
import { defineCommand } from "../command.js";

/** /contacts remove-org: a coordinator removes an organisation (kept in the record). */
export const contactsRemoveOrg = defineCommand({
  group: "contacts",
  name: "remove-org",
  summary: "Remove an organisation and its contacts (coordinators; kept in the record)",
  details: "Its open cases are listed in the reply, every party's thread is told, and the coordinators follow them up (their reminders reach the coordinators).",
  args: z.object({
    slug: z.string().trim().toLowerCase().describe("The organisation"),
    reason: z.string().trim().min(3, "say why, in a few words").describe("Why it is removed"),
  }),
  positional: ["slug"],
  examples: ['/contacts remove-org old-isp --reason "merged into acme-hosting"'],
  permission: "coordinator",
  uses: ["directory", "cases"],
  async execute({ directory, cases, actor }, args) {
    const removed = await directory.removeOrganisation(actor, args.slug, args.reason);
    if (!removed.ok) return removed;
    const organisation = removed.value;
    const names = new Map<string, string>([[organisation.id, organisation.name], ...organisation.contacts.map((contact): [string, string] => [contact.id, contact.name])]);
    const handed = await cases.handOverFrom(actor, { contactIds: organisation.contacts.map((contact) => contact.id), names, organisationId: organisation.id }, args.reason);
    return ok({ organisation, handed });
  },
  render: ({ organisation, handed }) => ({
    text: [`✓ Removed ${organisation.name} [${organisation.slug}] and its ${organisation.contacts.length} contact(s). The record keeps who removed it, when and why.`, ...handedOverLines(handed)].join("\n"),
    tone: handed.length > 0 ? "warning" : "success",
  }),
});
