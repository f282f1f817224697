import { z } from "zod";
import { defineCommand } from "../command.js";
import { renderSubscription } from "./shared.js";

/** /digest subscribe: get the digest each working morning (organisation admins; coordinators get it by default). */
export const digestSubscribe = defineCommand({
  group: "digest",
  name: "subscribe",
  summary: "Get the digest each working morning (admins: your organisation's)",
  args: z.object({}),
  examples: ["/digest subscribe"],
  permission: "admin",
  uses: ["digests"],
  execute: ({ digests, actor }) => digests.subscribe(actor, true),
  render: renderSubscription,
});
