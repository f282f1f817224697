import { z } from "zod";
import { describe } from "../../directory/approvals.js";
import { defineCommand } from "../command.js";

const itemArgs = {
  slug: z.string().trim().toLowerCase().max(100, "an organisation slug is at most 100 characters").describe("The organisation"),
  item: z.string().trim().min(1).max(300, "name the change by its value (a domain, IP range or AS number) or hours").describe('The waiting change: the domain, IP range or AS number, or "hours"'),
};

/** /contacts approve: a coordinator approves a change an organisation's admin asked for. */
export const contactsApprove = defineCommand({
  group: "contacts",
  name: "approve",
  summary: "Approve a change waiting for a coordinator: a broad or shared responsibility, or short working hours (coordinators)",
  details: "See what waits with /contacts show <organisation>. Until approved, a waiting responsibility is not used to find the organisation, and waiting hours are not used for deadlines.",
  args: z.object(itemArgs),
  positional: ["slug", "item"],
  examples: ["/contacts approve acme-hosting 10.0.0.0/8", "/contacts approve acme-hosting hours"],
  permission: "coordinator",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.decide(actor, args.slug, args.item, "approved");
  },
  render: ({ slug, item }) => ({ text: `✓ Approved for ${slug}: ${describe(item)}. It is in use now; the coordinators are told.`, tone: "success" }),
});

/** /contacts reject: a coordinator rejects a change an organisation's admin asked for. */
export const contactsReject = defineCommand({
  group: "contacts",
  name: "reject",
  summary: "Reject a change waiting for a coordinator (coordinators)",
  args: z.object({
    ...itemArgs,
    reason: z.string().trim().min(3, "say why, in a few words").max(500, "say why in at most 500 characters").describe("Why"),
  }),
  positional: ["slug", "item"],
  examples: ['/contacts reject acme-hosting 172.16.0.0/12 --reason "that is RFC 1918 space, not theirs"'],
  permission: "coordinator",
  uses: ["directory"],
  async execute({ directory, actor }, args) {
    return directory.decide(actor, args.slug, args.item, "rejected", args.reason);
  },
  render: ({ slug, item }) => ({ text: `✓ Rejected for ${slug}: ${describe(item)}. Nothing of it is used; the coordinators are told.`, tone: "success" }),
});
