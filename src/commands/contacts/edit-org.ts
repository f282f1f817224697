import { z } from "zod";
import { countrySchema, ORGANISATION_KINDS, TOPICS, workingHoursTextSchema } from "../../directory/model.js";
import { timeZoneSchema } from "../../time/calendar.js";
import { renderOrganisation } from "../../directory/render.js";
import { withPendingApprovals } from "../../directory/render-pending.js";
import { defineCommand } from "../command.js";
import { fail } from "../../core/result.js";
import { channelOption, editList, notHeld } from "./options.js";

/** /contacts edit-org: change an organisation's entry (coordinators, and the organisation's admins). */
export const contactsEditOrg = defineCommand({
  group: "contacts",
  name: "edit-org",
  summary: "Change an organisation's entry (its admins, coordinators)",
  args: z.object({
    slug: z.string().describe("The organisation"),
    name: z.string().optional().describe("Full name"),
    kind: z.enum(ORGANISATION_KINDS).optional().describe("Kind of organisation"),
    country: countrySchema.optional().describe("Two-letter country code"),
    timeZone: timeZoneSchema.optional().describe("IANA time zone"),
    hours: workingHoursTextSchema.optional().describe('Working hours, e.g. "mon-fri 09:00-17:00"'),
    languages: z.string().optional().describe("Replace the languages, e.g. en,nl"),
    jurisdictions: z.string().optional().describe("Replace the jurisdictions, e.g. NL,EU"),
    designate: z.string().optional().describe("Grant legal designations (coordinators), e.g. tco-competent-authority:NL"),
    undesignate: z.string().optional().describe("Withdraw legal designations (coordinators)"),
    emergency: z.boolean().optional().describe("Reachable 24/7 for emergencies (--emergency=false to clear)"),
    addHoliday: z.string().optional().describe("Days it does not work besides public holidays, e.g. 2026-12-24,2026-12-31"),
    removeHoliday: z.string().optional().describe("Closed days to remove"),
    publicHolidays: z.boolean().optional().describe("Whether its country's public holidays are closed days (default yes)"),
    abuseContact: z.string().optional().describe("Public abuse mailbox or form"),
    legalContact: z.string().optional().describe("Designated legal point of contact (TCO Art. 15, DSA Art. 11/12)"),
    addDomain: z.string().optional().describe("Domains it is responsible for, comma-separated"),
    removeDomain: z.string().optional().describe("Domains to remove"),
    addIp: z.string().optional().describe("IP ranges (CIDR) it is responsible for"),
    removeIp: z.string().optional().describe("IP ranges to remove"),
    addAsn: z.string().optional().describe("AS numbers it is responsible for"),
    removeAsn: z.string().optional().describe("AS numbers to remove"),
    channel: channelOption.optional().describe('Where it receives cases: "<platform> [<workspace>] <channel>"'),
    channelTopic: z.enum([...TOPICS, "*"]).optional().describe("Topic the --channel is for (default: all)"),
  }),
  positional: ["slug"],
  examples: [
    '/contacts edit-org acme-hosting --hours "mon-fri 08:00-18:00" --emergency',
    "/contacts edit-org acme-hosting --add-domain acme.example,acme-cdn.example",
    "/contacts edit-org nl-iru --designate tco-competent-authority:NL,dsa-trusted-flagger:terrorist-content",
    '/contacts edit-org acme-hosting --channel "slack T0123 C0456" --channel-topic removal-orders',
  ],
  permission: "admin",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    if (args.channelTopic && !args.channel) {
      return fail("bad-arguments", "--channel-topic says which topic a --channel is for, and no --channel was given.", `Give both, e.g. /contacts edit-org ${args.slug} --channel "slack T0123 C0456" --channel-topic ${args.channelTopic}`);
    }
    const entry = await directory.read.organisation(args.slug.toLowerCase());
    if (entry) {
      // A removal of something the organisation does not hold is a typing error: say so, and change nothing.
      const { domains, ipRanges, asns } = entry.responsibilities;
      const removals = [
        ["remove-domain", "domain", domains, args.removeDomain],
        ["remove-ip", "IP range", ipRanges, args.removeIp],
        ["remove-asn", "AS number", asns.map(String), args.removeAsn],
        ["remove-holiday", "closed day", entry.holidays, args.removeHoliday],
      ] as const;
      for (const [flag, what, held, remove] of removals) {
        const missing = notHeld(held, remove);
        if (missing.length === 0) continue;
        return fail(
          "bad-arguments",
          `--${flag}: ${entry.slug} has no ${what} ${missing.join(", ")}, so nothing was changed.`,
          held.length > 0 ? `Its ${what === "AS number" ? "AS numbers" : `${what}s`}: ${held.join(", ")}.` : `It has no ${what}s.`,
        );
      }
    }
    return directory.editOrganisation(actor, args.slug.toLowerCase(), (current) => {
      const responsibilities = current.responsibilities ?? {};
      const channels = (current.channels ?? []).filter((channel) => !args.channel || channel.topic !== (args.channelTopic ?? "*"));
      if (args.channel) channels.push({ topic: args.channelTopic ?? "*", ...args.channel });
      return {
        ...current,
        ...(args.name ? { name: args.name } : {}),
        ...(args.kind ? { kind: args.kind } : {}),
        ...(args.country ? { country: args.country } : {}),
        ...(args.timeZone ? { timeZone: args.timeZone } : {}),
        ...(args.hours ? { workingHours: args.hours } : {}),
        ...(args.languages ? { languages: args.languages } : {}),
        ...(args.jurisdictions ? { jurisdictions: args.jurisdictions } : {}),
        ...(args.designate || args.undesignate ? { designations: editList(current.designations as string[] | undefined, args.designate, args.undesignate) } : {}),
        ...(args.emergency !== undefined ? { emergency24x7: args.emergency } : {}),
        ...(args.addHoliday || args.removeHoliday ? { holidays: editList(current.holidays as string[] | undefined, args.addHoliday, args.removeHoliday) } : {}),
        ...(args.publicHolidays !== undefined ? { publicHolidays: args.publicHolidays } : {}),
        ...(args.abuseContact ? { abuseContact: args.abuseContact } : {}),
        ...(args.legalContact ? { legalPointOfContact: args.legalContact } : {}),
        responsibilities: {
          domains: editList(responsibilities.domains as string[] | undefined, args.addDomain, args.removeDomain),
          ipRanges: editList(responsibilities.ipRanges as string[] | undefined, args.addIp, args.removeIp),
          asns: editList((responsibilities.asns as string[] | undefined)?.map(String), args.addAsn, args.removeAsn),
        },
        channels,
      };
    });
  },
  render: ({ after, warnings, pending }) => {
    const shown = withPendingApprovals(renderOrganisation(after), pending);
    const warned = warnings.length > 0 ? `\n⚠ ${warnings.join("\n⚠ ")}` : "";
    const waits = pending.length > 0 ? `\n⏳ ${pending.length} change(s) wait for a coordinator's approval and are not used until then; the coordinators are told.` : "";
    return { ...shown, text: `✓ Updated ${after.slug}.${warned}${waits}\n${shown.text}`, tone: "success" };
  },
});
