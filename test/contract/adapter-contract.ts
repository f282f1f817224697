import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError } from "../../src/core/adapter.js";
import type { AdapterHarness } from "./harness.js";
import { RecordingHandler } from "./harness.js";

/** Runs the contract every chat adapter must satisfy, against `makeHarness`'s fake platform. */
export function adapterContract(platformName: string, makeHarness: (handler: RecordingHandler) => Promise<AdapterHarness>): void {
  describe(`adapter contract: ${platformName}`, () => {
    let handler: RecordingHandler;
    let harness: AdapterHarness;

    beforeEach(async () => {
      handler = new RecordingHandler();
      harness = await makeHarness(handler);
    });
    afterEach(async () => {
      await harness.close();
    });

    it("declares its platform and the capabilities the core decides by", () => {
      const { adapter } = harness;
      expect(adapter.platform).toBe(platformName);
      expect(Object.keys(adapter.capabilities).sort()).toEqual(["directMessages", "ephemeral", "userIdIsHandle"]);
      // Only the local console's user ids are directory handles.
      expect(adapter.capabilities.userIdIsHandle).toBe(platformName === "console");
    });

    it("hands a typed command to the core in the shared grammar, with who and where", async () => {
      const [ann] = harness.users;
      await harness.typeCommand(ann, "/contacts find hosting --country NL");
      const event = handler.events.find((candidate) => candidate.type === "command");
      expect(event).toBeDefined();
      if (event?.type !== "command") return;
      expect(event.text).toBe("/contacts find hosting --country NL");
      expect(event.identity).toMatchObject({ platform: platformName, userId: ann.userId, workspace: ann.workspace });
      expect(event.where.channelId).toBe(harness.channel.channelId);
      expect(event.eventId).not.toBe("");
    });

    it("shows the core's reply to the person who asked", async () => {
      const [ann] = harness.users;
      handler.replyText = "exactly this reply";
      await harness.typeCommand(ann, "/help");
      const seen = await harness.lastReplySeenBy(ann);
      expect(seen?.text).toContain("exactly this reply");
    });

    it("delivers an ephemeral reply so only the asker sees it (or falls back when it cannot)", async () => {
      const [ann, bob] = harness.users;
      handler.replyText = "only for ann";
      handler.replyDelivery = harness.adapter.capabilities.ephemeral ? "ephemeral" : "direct";
      await harness.typeCommand(ann, "/whoami");
      expect((await harness.lastReplySeenBy(ann))?.text).toContain("only for ann");
      const visibleInChannel = (await harness.channelMessages()).filter((message) => message.ephemeralTo === undefined);
      expect(visibleInChannel.map((message) => message.text).join("\n")).not.toContain("only for ann");
      expect((await harness.lastReplySeenBy(bob))?.text ?? "").not.toContain("only for ann");
    });

    it("gives a redelivered command the same event id", async () => {
      const [ann] = harness.users;
      await harness.typeCommand(ann, "/case status N-2026-0001");
      await harness.redeliverLast();
      const commands = handler.events.filter((event) => event.type === "command");
      expect(commands.length).toBeGreaterThanOrEqual(1);
      const ids = new Set(commands.map((event) => event.eventId));
      expect(ids.size).toBe(1);
    });

    it("posts to a channel, opens a thread on a card and replies in it", async () => {
      const posted = await harness.adapter.send(
        { kind: "channel", ...harness.channel },
        { text: "plain channel post" },
        { idempotencyKey: "contract-1" },
      );
      expect(posted.messageId).not.toBe("");
      const thread = await harness.adapter.openThread(
        { channel: harness.channel, title: "N-2026-0001 notice", root: { text: "case card N-2026-0001", title: "Notice N-2026-0001" } },
        { idempotencyKey: "contract-2" },
      );
      expect(thread.channelId).not.toBe("");
      await harness.adapter.send({ kind: "thread", ...thread }, { text: "update in thread" }, { idempotencyKey: "contract-3" });
      const top = (await harness.channelMessages()).map((message) => message.text).join("\n");
      expect(top).toContain("plain channel post");
      expect(top).toContain("N-2026-0001");
      expect(top).not.toContain("update in thread");
      const inThread = await harness.threadMessages(thread);
      expect(inThread.map((message) => message.text)).toEqual([expect.stringContaining("update in thread")]);
      expect(inThread[0]?.fromBot).toBe(true);
    });

    it("sends a direct message to a person", async () => {
      const [, bob] = harness.users;
      await harness.adapter.sendDirect(bob, { text: "a nudge for bob" }, { idempotencyKey: "contract-dm" });
      const messages = await harness.directMessages(bob);
      expect(messages.map((message) => message.text).join("\n")).toContain("a nudge for bob");
    });

    it("hands people's thread messages to the core and never its own", async () => {
      const [ann] = harness.users;
      const thread = await harness.adapter.openThread(
        { channel: harness.channel, title: "N-2026-0002", root: { text: "card N-2026-0002" } },
        { idempotencyKey: "contract-4" },
      );
      await harness.adapter.send({ kind: "thread", ...thread }, { text: "bot says hello" }, { idempotencyKey: "contract-5" });
      await harness.writeInThread(ann, thread, "ann says hello");
      const messages = handler.events.filter((event) => event.type === "message");
      expect(messages).toHaveLength(1);
      const [message] = messages;
      if (message?.type !== "message") return;
      expect(message.text).toBe("ann says hello");
      expect(message.identity.userId).toBe(ann.userId);
      expect(message.where.threadId).toBe(thread.threadId);
    });

    it("reports a rate limit as a DeliveryError with the platform's wait, when the platform has rate limits", async () => {
      if (!harness.rateLimitNextSend) return;
      harness.rateLimitNextSend(1500);
      const attempt = harness.adapter.send({ kind: "channel", ...harness.channel }, { text: "too fast" }, { idempotencyKey: "contract-rl" });
      await expect(attempt).rejects.toBeInstanceOf(DeliveryError);
      await attempt.catch((error: unknown) => {
        expect(error).toBeInstanceOf(DeliveryError);
        expect((error as DeliveryError).retryAfterMs).toBeGreaterThanOrEqual(1000);
        expect((error as DeliveryError).permanent).toBe(false);
      });
    });

    it("accepts a very long message without the platform rejecting it, and shows that it was cut or split", async () => {
      const long = "x".repeat(45_000);
      await harness.adapter.send({ kind: "channel", ...harness.channel }, { text: long }, { idempotencyKey: "contract-long" });
      const shown = (await harness.channelMessages()).map((message) => message.text).join("");
      expect(shown.length).toBeGreaterThan(1000);
      expect(shown.length >= 45_000 || /truncated|cut|…/.test(shown)).toBe(true);
    });

    it("turns a button press into the button's command, when the platform has buttons", async () => {
      if (harness.adapter.platform === "console") return;
      const [ann] = harness.users;
      const posted = await harness.adapter.send(
        { kind: "channel", ...harness.channel },
        { text: "card", actions: [{ id: "ack", label: "Acknowledge", command: "/case ack N-2026-0003", reaction: "✅" }] },
        { idempotencyKey: "contract-button" },
      );
      await harness.pressButton(ann, posted.messageId, "ack");
      const action = handler.events.find((event) => event.type === "action" || event.type === "command");
      expect(action).toBeDefined();
      const text = action?.type === "action" ? action.command : action?.type === "command" ? action.text : "";
      expect(text).toBe("/case ack N-2026-0003");
      expect(action?.identity.userId).toBe(ann.userId);
    });
  });
}
