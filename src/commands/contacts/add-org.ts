import { z } from "zod";
import { countrySchema, ORGANISATION_KINDS, workingHoursTextSchema } from "../../directory/model.js";
import { timeZoneSchema } from "../../time/calendar.js";
import { renderOrganisation } from "../../directory/render.js";
import { defineCommand } from "../command.js";
import { channelOption } from "./options.js";

/** /contacts add-org: a coordinator adds an organisation to the directory. */
export const contactsAddOrg = defineCommand({
  group: "contacts",
  name: "add-org",
  summary: "Add an organisation (coordinators)",
  args: z.object({
    slug: z.string().describe("Short unique name, e.g. acme-hosting"),
    name: z.string().describe("Full name"),
    kind: z.enum(ORGANISATION_KINDS).describe("Kind of organisation"),
    country: countrySchema.describe("Two-letter country code"),
    timeZone: timeZoneSchema.describe("IANA time zone, e.g. Europe/Amsterdam"),
    hours: workingHoursTextSchema.optional().describe('Working hours, e.g. "mon-fri 09:00-17:00"'),
    languages: z.string().optional().describe("Languages, e.g. en,nl"),
    jurisdictions: z.string().optional().describe("Jurisdictions, e.g. NL,EU"),
    emergency: z.boolean().optional().describe("Reachable 24/7 for emergencies"),
    abuseContact: z.string().optional().describe("Public abuse mailbox or form"),
    channel: channelOption.optional().describe('Where it receives cases: "<platform> [<workspace>] <channel>"'),
  }),
  positional: ["slug"],
  examples: ['/contacts add-org old-isp --name "Old ISP B.V." --kind hosting --country NL --time-zone Europe/Amsterdam --channel "console cases"'],
  permission: "coordinator",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.addOrganisation(actor, {
      slug: args.slug,
      name: args.name,
      kind: args.kind,
      country: args.country,
      timeZone: args.timeZone,
      ...(args.hours ? { workingHours: args.hours } : {}),
      ...(args.languages ? { languages: args.languages } : {}),
      ...(args.jurisdictions ? { jurisdictions: args.jurisdictions } : {}),
      emergency24x7: args.emergency ?? false,
      ...(args.abuseContact ? { abuseContact: args.abuseContact } : {}),
      channels: args.channel ? [{ topic: "*", ...args.channel }] : [],
    });
  },
  render: (organisation) => {
    const shown = renderOrganisation(organisation);
    return { ...shown, text: `✓ Added ${organisation.slug}.\n${shown.text}`, tone: "success" };
  },
});
