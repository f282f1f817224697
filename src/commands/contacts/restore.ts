import { z } from "zod";
import { plainLineSchema } from "../../directory/model.js";
import { ok } from "../../core/result.js";
import { inertLine } from "../../core/text.js";
import { defineCommand } from "../command.js";

/** Why an entry comes back: one plain line, recorded. */
const reasonSchema = plainLineSchema(500, 3).describe("Why it comes back (recorded)");

/** /contacts restore: a coordinator brings back a removed contact. */
export const contactsRestore = defineCommand({
  group: "contacts",
  name: "restore",
  summary: "Bring back a removed contact (coordinators; recorded)",
  details: "Their chat accounts were unlinked when they were removed and stay unlinked: link each again with /contacts link. A contact of a removed organisation comes back with /contacts restore-org.",
  args: z.object({
    handle: z.string().trim().toLowerCase().max(64).describe("The removed contact"),
    reason: reasonSchema,
  }),
  positional: ["handle"],
  examples: ['/contacts restore tom.hendriks --reason "back from leave"'],
  permission: "coordinator",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.restoreContact(actor, args.handle, args.reason);
  },
  render: (contact) => ({
    text: [
      `✓ Restored ${inertLine(contact.name)} (${inertLine(contact.handle)}) in ${inertLine(contact.organisationSlug)}. The record keeps who restored them, when and why.`,
      `Their chat accounts stay unlinked until proven again: /contacts link ${inertLine(contact.handle)} <platform> <user-id>`,
    ].join("\n"),
    tone: "success",
  }),
});

/** /contacts restore-org: a coordinator brings back a removed organisation. */
export const contactsRestoreOrg = defineCommand({
  group: "contacts",
  name: "restore-org",
  summary: "Bring back a removed organisation, with the contacts removed with it (coordinators; recorded)",
  details: "Contacts removed before the organisation stay removed (bring each back with /contacts restore). Chat accounts stay unlinked until proven again with /contacts link.",
  args: z.object({
    slug: z.string().trim().toLowerCase().max(64).describe("The removed organisation"),
    reason: reasonSchema,
  }),
  positional: ["slug"],
  examples: ['/contacts restore-org old-isp --reason "the merger was called off"'],
  permission: "coordinator",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    const restored = await directory.restoreOrganisation(actor, args.slug, args.reason);
    return restored.ok ? ok(restored.value) : restored;
  },
  render: ({ slug, name, contacts, stillRemoved }) => ({
    text: [
      // Slugs and handles are shown inert too: rows written before the directory refused hidden characters may hold them.
      `✓ Restored ${inertLine(name)} [${inertLine(slug)}] and ${contacts.length} contact(s) removed with it${contacts.length > 0 ? `: ${contacts.map((contact) => `${inertLine(contact.name)} (${inertLine(contact.handle)})`).join(", ")}` : ""}. The record keeps who restored it, when and why.`,
      ...(stillRemoved.length > 0 ? [`Removed before the organisation, and still removed: ${stillRemoved.map(inertLine).join(", ")} (bring each back with /contacts restore <handle>).`] : []),
      "Chat accounts stay unlinked until proven again with /contacts link.",
    ].join("\n"),
    tone: "success",
  }),
});
