import { z } from "zod";
import { fail, ok } from "../../core/result.js";
import { renderContact, renderOrganisation } from "../../directory/render.js";
import type { ContactView, OrganisationView } from "../../directory/views.js";
import { defineCommand } from "../command.js";
import { closest } from "../../core/suggest.js";

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
    if (organisation) return ok<{ organisation?: OrganisationView; contact?: ContactView }>({ organisation });
    const contact = await directory.read.contact(entry);
    if (contact) return ok<{ organisation?: OrganisationView; contact?: ContactView }>({ contact });
    const suggestion = closest(entry, await directory.read.slugs());
    return fail("not-found", `No organisation or contact is called "${entry}".`, suggestion ? `Did you mean ${suggestion}?` : "Find it with /contacts find <name>.");
  },
  render: ({ organisation, contact }) => (organisation ? renderOrganisation(organisation) : renderContact(contact as ContactView)),
});
