import { z } from "zod";
import { defineCommand } from "../command.js";
import { renderSubscription } from "./shared.js";

/** /digest unsubscribe: stop the morning digest. */
export const digestUnsubscribe = defineCommand({
  group: "digest",
  name: "unsubscribe",
  summary: "Stop the morning digest (/digest still shows it on demand)",
  args: z.object({}),
  examples: ["/digest unsubscribe"],
  permission: "admin",
  uses: ["digests"],
  execute: ({ digests, actor }) => digests.subscribe(actor, false),
  render: renderSubscription,
});
