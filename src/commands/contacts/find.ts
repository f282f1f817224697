import { z } from "zod";
import { ok } from "../../core/result.js";
import { countrySchema, languageSchema, ORGANISATION_KINDS, TOPICS } from "../../directory/model.js";
import { renderFindResult } from "../../directory/render.js";
import { defineCommand } from "../command.js";

/** /contacts find: look organisations and their points of contact up. */
export const contactsFind = defineCommand({
  group: "contacts",
  name: "find",
  summary: "Find organisations and their points of contact (verified first)",
  details:
    "The query matches names and slugs of organisations and contacts, or finds who is responsible for a domain (example.com), an IP address (192.0.2.10) or an AS number (AS64500).",
  args: z.object({
    query: z.string().trim().min(1).optional().describe("Name, slug, domain, IP address or AS number"),
    country: countrySchema.optional().describe("Two-letter country code, e.g. NL"),
    kind: z.enum(ORGANISATION_KINDS).optional().describe("Kind of organisation"),
    topic: z.enum(TOPICS).optional().describe("Only contacts with a role for this topic"),
    language: languageSchema.optional().describe("Language the organisation works in, e.g. en"),
  }),
  positional: ["query"],
  rest: "query",
  examples: ["/contacts find hosting --country NL --topic notices", "/contacts find example.com", "/contacts find --kind cert --language de"],
  permission: "directory-reader",
  uses: ["directory", "settings"],
  readOnly: true,
  async execute({ directory, settings }, args) {
    const result = await directory.read.find({ ...args, limit: settings.findLimit });
    return ok({ result, topic: args.topic });
  },
  render: ({ result, topic }) => renderFindResult(result, topic),
});
