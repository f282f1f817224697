import { z } from "zod";
import { fail, ok } from "../../core/result.js";
import { renderContact, renderOrganisation } from "../../directory/render.js";
import { withPendingApprovals, withPendingLinks } from "../../directory/render-pending.js";
import type { PendingApprovalView } from "../../directory/approvals.js";
import type { PendingLinkView } from "../../directory/links.js";
import type { ContactView, OrganisationView } from "../../directory/views.js";
import { defineCommand } from "../command.js";
import { closest } from "../../core/suggest.js";
import { inertLine } from "../../core/text.js";

/** What show found: an organisation with its waiting changes, or a contact with its pending links. */
type Shown = { organisation?: OrganisationView; approvals?: PendingApprovalView[]; contact?: ContactView; links?: PendingLinkView[] };

/** /contacts show: one organisation (its points of contact per topic, hours, verification) or one contact. */
export const contactsShow = defineCommand({
  group: "contacts",
  name: "show",
  summary: "Show an organisation and its points of contact, or one contact",
  args: z.object({
    entry: z.string().trim().toLowerCase().min(1).describe("Organisation slug or contact handle"),
  }),
  positional: ["entry"],
  examples: ["/contacts show acme-hosting", "/contacts show jan.jansen"],
  permission: "directory-reader",
  uses: ["directory"],
  readOnly: true,
  async execute({ directory }, { entry }) {
    const organisation = await directory.read.organisation(entry);
    if (organisation) return ok<Shown>({ organisation, approvals: await directory.approvals.pendingFor(organisation.id) });
    const contact = await directory.read.contact(entry);
    if (contact) return ok<Shown>({ contact, links: await directory.links.pendingFor(contact.id) });
    const suggestion = closest(entry, await directory.read.slugs());
    return fail("not-found", `No organisation or contact is called "${inertLine(entry.slice(0, 64))}".`, suggestion ? `Did you mean ${inertLine(suggestion)}?` : "Find it with /contacts find <name>.");
  },
  render: ({ organisation, contact, approvals, links }) =>
    organisation ? withPendingApprovals(renderOrganisation(organisation), approvals ?? []) : withPendingLinks(renderContact(contact as ContactView), links ?? []),
});
