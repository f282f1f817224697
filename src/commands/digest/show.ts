import { z } from "zod";
import { renderDigest } from "../../digests/content.js";
import { defineCommand } from "../command.js";

/** /digest: the asker's reminder digest now (coordinators: every organisation, or one with --org; admins: their own). */
export const digestShow = defineCommand({
  group: "digest",
  summary: "Your reminder digest now: overdue, due soon, unacknowledged, stale contacts",
  details:
    "Coordinators see every organisation (or one, with --org); organisation admins see their own organisation; " +
    "every other contact sees their own cases (those they opened or are responsible for). " +
    "The same digest comes each working morning to coordinators, and to admins who /digest subscribe.",
  args: z.object({
    org: z.string().trim().toLowerCase().optional().describe("Only this organisation (coordinators)"),
  }),
  examples: ["/digest", "/digest --org acme-hosting"],
  permission: "contact",
  uses: ["digests"],
  readOnly: true,
  execute: ({ digests, actor }, { org }) => digests.show(actor, org),
  render: ({ content, reader }) => renderDigest(content, reader),
});
