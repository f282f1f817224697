import { z } from "zod";
import { MAX_CASE_QUERY_CHARS, parseCaseQuery } from "../../cases/find.js";
import { statusLine } from "../../cases/render.js";
import { fail, ok } from "../../core/result.js";
import { inertLine } from "../../core/text.js";
import { defineCommand } from "../command.js";

/** /case find: "is this already reported?" Cases the asker may see that mention a URL, domain or address. */
export const caseFind = defineCommand({
  group: "case",
  name: "find",
  summary: "Find the cases that mention a URL, a domain or an IP address: is this already reported?",
  details:
    "A URL matches the same page (scheme and host in any case, without #fragment); a domain matches its subdomains too; an address matches URLs on it, and a range (192.0.2.0/24) every address in it. Only cases you may see in full are searched: a TLP:RED case only by the people named on it.",
  args: z.object({
    query: z.string().max(MAX_CASE_QUERY_CHARS * 4).describe("A URL, a domain or an IP address or range"),
    all: z.boolean().optional().describe("Closed, resolved and withdrawn cases too"),
    limit: z.coerce.number().int().min(1).max(100).default(20).describe("How many at most"),
  }),
  positional: ["query"],
  examples: ["/case find https://example.test/video/123", "/case find acme-hosting.example --all", "/case find 192.0.2.0/24"],
  permission: "contact",
  uses: ["caseQueries", "clock"],
  readOnly: true,
  async execute({ caseQueries, clock, actor }, args) {
    const query = parseCaseQuery(args.query);
    if ("problem" in query) return fail("bad-arguments", `<query>: ${query.problem}.`, "For example: /case find https://example.test/video/123");
    const all = args.all ?? false;
    const result = await caseQueries.find(actor, query, { all, limit: args.limit });
    return ok({ ...result, query: query.text, all, now: clock.now() });
  },
  render: ({ items, more, query, all, now }) => {
    const what = inertLine(query);
    if (items.length === 0) return { text: `No ${all ? "" : "open "}case you may see mentions ${what}.${all ? "" : " Add --all to look at closed cases too."}` };
    const lines = items.map(({ view, disclosure, matches }) => `• ${statusLine(view, now, disclosure)}\n    mentions ${matches.map(inertLine).join(", ")}`);
    const title = `${items.length}${more ? "+" : ""} ${all ? "" : "open "}case${items.length === 1 ? "" : "s"} mention${items.length === 1 ? "s" : ""} ${what}`;
    return { title, text: [title, ...lines, ...(more ? ["More match: use --limit."] : [])].join("\n"), sections: [{ text: lines.join("\n") }] };
  },
});
