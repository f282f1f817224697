// A chat platform for benchmarks that accepts everything: they measure the core (its statements, its queuing), not
// delivery.
import type { ChatAdapter } from "../src/core/adapter.js";
import { newId } from "../src/core/ids.js";

/** A console-like platform whose sends always succeed at once, with fresh message and thread ids. */
export function acceptingPlatform(): ChatAdapter {
  return {
    platform: "console",
    capabilities: { ephemeral: true, directMessages: true, userIdIsHandle: true },
    start: async () => undefined,
    stop: async () => undefined,
    send: async () => ({ messageId: newId() }),
    openThread: async (request) => ({ ...request.channel, threadId: newId() }),
    sendDirect: async () => ({ messageId: newId() }),
  };
}
