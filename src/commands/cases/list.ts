import { z } from "zod";
import { CASE_KINDS } from "../../cases/kinds.js";
import { CASE_STATES } from "../../cases/lifecycle.js";
import { statusLine } from "../../cases/render.js";
import { ok } from "../../core/result.js";
import { defineCommand } from "../command.js";

/** /case list: the cases the asker may see, most urgent first. */
export const caseList = defineCommand({
  group: "case",
  name: "list",
  summary: "List cases: yours, overdue, by state, kind or organisation",
  args: z.object({
    mine: z.boolean().optional().describe("Only cases you opened or are responsible for"),
    overdue: z.boolean().optional().describe("Only cases past a deadline"),
    state: z.enum(["active", "all", ...CASE_STATES]).default("active").describe("State (default: active)"),
    kind: z.enum(CASE_KINDS).optional().describe("Kind of case"),
    org: z.string().trim().toLowerCase().max(64).optional().describe("Only cases with this organisation as a party"),
    limit: z.coerce.number().int().min(1).max(100).default(20).describe("How many at most"),
  }),
  examples: ["/case list --mine --overdue", "/case list --state all --org acme-hosting"],
  permission: "contact",
  uses: ["caseQueries", "clock", "directory"],
  readOnly: true,
  async execute({ caseQueries, clock, directory, actor }, args) {
    // A slug that names no organisation is a typing error, not "no cases".
    if (args.org && !(await directory.read.organisation(args.org))) return directory.unknownOrganisation(args.org);
    const result = await caseQueries.list(actor, {
      mine: args.mine ?? false,
      overdue: args.overdue ?? false,
      state: args.state,
      ...(args.kind ? { kind: args.kind } : {}),
      ...(args.org ? { organisationSlug: args.org } : {}),
      limit: args.limit,
    });
    return ok({ ...result, now: clock.now() });
  },
  render: ({ items, more, now }) => {
    if (items.length === 0) return { text: "No case matches." };
    const lines = items.map(({ view, disclosure }) => `• ${statusLine(view, now, disclosure)}`);
    const title = `${items.length}${more ? "+" : ""} case${items.length === 1 ? "" : "s"}`;
    return { title, text: [title, ...lines, ...(more ? ["More match: use --limit or filters."] : [])].join("\n"), sections: [{ text: lines.join("\n") }] };
  },
});
