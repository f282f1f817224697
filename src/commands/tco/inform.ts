import { z } from "zod";
import { when } from "../../cases/tco/render.js";
import { defineCommand } from "../command.js";
import { pastAtArg, pastAtHelp, resolvePastAt } from "../past-at.js";

/** /tco inform: the competent authority gave a provider the information before its first removal order (TCO Art. 3(2)). */
export const tcoInform = defineCommand({
  group: "tco",
  name: "inform",
  summary: "Record that you gave a hosting service provider the information on procedures and deadlines (TCO Art. 3(2); a competent authority)",
  details:
    "Before a competent authority's first removal order to a hosting service provider it gives the provider the information on the applicable procedures and deadlines, at least 12 hours before issuing it (TCO Art. 3(2)). " +
    "Liaison records when; a first removal order opened earlier is refused, unless it carries --emergency-justification. Give --at for information given another way, earlier: the time with its offset, or how long ago (\"1d ago\").",
  args: z.object({
    provider: z.string().trim().toLowerCase().max(100).describe("The provider's slug, e.g. acme-hosting"),
    at: pastAtArg.optional().describe(pastAtHelp("When it was given, if earlier and by another channel", "2026-11-20T09:00+01:00", "1d ago")),
  }),
  positional: ["provider"],
  examples: ["/tco inform acme-hosting", "/tco inform chirp-social --at 2026-11-19T09:00+01:00", '/tco inform anchor-registrar --at "2d ago"'],
  permission: "contact",
  uses: ["tco", "clock"],
  execute: ({ tco, clock, actor }, { provider, at }) => tco.inform(actor, provider, resolvePastAt(at, clock)),
  render: (informed) => ({
    text: `${informed.changed ? "✓ Recorded" : "Already recorded"}: ${informed.provider} was given the information on procedures and deadlines at ${when(informed.informedAt, informed.timeZone)} (TCO Art. 3(2)). A first removal order may be issued from ${when(informed.mayIssueFrom, informed.timeZone)}.`,
    tone: informed.changed ? "success" : "info",
  }),
});
