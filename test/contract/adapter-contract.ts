import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError, type InboundEvent, type ThreadAddress } from "../../src/core/adapter.js";
import type { AdapterHarness, HandledEvent } from "./harness.js";
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

    /** Opens a case thread in the harness's channel, as the outbox does. */
    const openCaseThread = (reference: string): Promise<ThreadAddress> =>
      harness.adapter.openThread({ channel: harness.channel, title: `${reference} @ acme-hosting`, root: { text: `card ${reference}` } }, { idempotencyKey: `open-${reference}` });

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
      const event = only(handler.events.filter((candidate) => candidate.type === "command"), "command");
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

    it("hands a command to the core, and a redelivery of it with the same event id", async (ctx) => {
      const [ann] = harness.users;
      await harness.typeCommand(ann, "/case status N-2026-0001");
      const first = handler.events.filter((event) => event.type === "command");
      expect(first, "the first delivery reached the core").toHaveLength(1);
      const redeliver = harness.redeliverLast?.bind(harness);
      if (!redeliver) return ctx.skip(`${platformName} never delivers an event twice`);
      await redeliver();
      // De-duplication is the core's (it claims each event id once); the adapter's part is the same id every time.
      const commands = handler.events.filter((event) => event.type === "command");
      expect(new Set(commands.map((event) => event.eventId))).toEqual(new Set([first[0]?.eventId]));
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
      const message = only(handler.events.filter((event) => event.type === "message"), "message");
      expect(message.text).toBe("ann says hello");
      expect(message.identity.userId).toBe(ann.userId);
      expect(message.where.threadId).toBe(thread.threadId);
    });

    it("reports a rate limit as a DeliveryError with the platform's wait, when the platform has rate limits", async (ctx) => {
      if (!harness.rateLimitNextSend) return ctx.skip(`${platformName} has no rate limits`);
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

    it("turns a button press (or the reaction standing for it) into the button's command", async (ctx) => {
      const press = harness.pressButton?.bind(harness);
      if (!press) return ctx.skip(`${platformName} has no buttons: it shows the command a button would run`);
      const [ann] = harness.users;
      const posted = await harness.adapter.send(
        { kind: "channel", ...harness.channel },
        { text: "card", actions: [{ id: "ack", label: "Acknowledge", command: "/case ack N-2026-0003", reaction: "✅" }] },
        { idempotencyKey: "contract-button" },
      );
      await press(ann, posted.messageId, "ack");
      const action = handler.events.find((event) => event.type === "action" || event.type === "command");
      expect(action).toBeDefined();
      const text = action?.type === "action" ? action.command : action?.type === "command" ? action.text : "";
      expect(text).toBe("/case ack N-2026-0003");
      expect(action?.identity.userId).toBe(ann.userId);
    });

    it("hands a burst of 20 messages in one thread to the core in order, one at a time, even when one is slow", async () => {
      const [ann] = harness.users;
      const thread = await openCaseThread("N-2026-0020");
      const texts = Array.from({ length: 20 }, (_, index) => `burst message ${index + 1}`);
      handler.delayMsFor = (event) => (event.type === "message" && event.text === "burst message 3" ? 300 : 0);
      for (const text of texts) await harness.sendInThread(ann, thread, text);
      await harness.settled();
      const inThread = handler.handled.filter((entry) => entry.event.type === "message" && entry.event.where.threadId === thread.threadId);
      const byStart = [...inThread].sort((a, b) => a.startedMs - b.startedMs);
      expect(byStart.map((entry) => textOf(entry.event))).toEqual(texts);
      for (const [index, entry] of byStart.entries()) {
        const previous = byStart[index - 1];
        if (previous) expect(entry.startedMs, `"${textOf(entry.event)}" started before the one before it ended`).toBeGreaterThanOrEqual(previous.endedMs);
      }
    });

    it("lets another conversation go ahead while one conversation's event is slow", async (ctx) => {
      if (harness.serialInput) return ctx.skip(harness.serialInput);
      const [ann, bob] = harness.users;
      const slowThread = await openCaseThread("N-2026-0021");
      const otherThread = await openCaseThread("N-2026-0022");
      handler.delayMsFor = (event) => (event.type === "message" && event.text === "slow one" ? 1500 : 0);
      await harness.sendInThread(ann, slowThread, "slow one");
      await harness.sendInThread(ann, slowThread, "after the slow one");
      await harness.sendInThread(bob, otherThread, "meanwhile elsewhere");
      await harness.settled();
      const entry = (text: string): HandledEvent => only(handler.handled.filter((candidate) => textOf(candidate.event) === text), text);
      expect(entry("meanwhile elsewhere").endedMs).toBeLessThan(entry("slow one").endedMs);
      expect(entry("after the slow one").startedMs).toBeGreaterThanOrEqual(entry("slow one").endedMs);
    });

    it("shows the core's answer to a thread message (a refusal) only to its writer, whatever delivery it asks for", async () => {
      const [ann, bob] = harness.users;
      const thread = await openCaseThread("N-2026-0023");
      const privately = harness.adapter.capabilities.ephemeral ? "ephemeral" : "direct";
      handler.answer = (event) => {
        if (event.type !== "message") return undefined;
        const delivery = event.text === "first try" ? privately : "in-place";
        return { message: { text: `✗ Not relayed (${event.text}): you are not a party to N-2026-0023.`, tone: "error" }, delivery };
      };
      await harness.writeInThread(ann, thread, "first try");
      await harness.writeInThread(ann, thread, "second try");
      await harness.settled();
      const seenByAnn = (await harness.privateMessagesTo(ann)).map((message) => message.text).join("\n");
      expect(seenByAnn).toContain("Not relayed (first try)");
      expect(seenByAnn).toContain("Not relayed (second try)");
      const visibleToAll = [...(await harness.threadMessages(thread)), ...(await harness.channelMessages())].filter((message) => message.ephemeralTo === undefined);
      expect(visibleToAll.map((message) => message.text).join("\n")).not.toContain("Not relayed");
      expect((await harness.privateMessagesTo(bob)).map((message) => message.text).join("\n")).not.toContain("Not relayed");
    });

    it("still shows replies the platform rate-limits, after its wait, and in order", async (ctx) => {
      const rateLimitReplies = harness.rateLimitReplies?.bind(harness);
      if (!rateLimitReplies) return ctx.skip(`${platformName} has no rate limits`);
      const [ann] = harness.users;
      handler.answer = (event) => (event.type === "command" ? { message: { text: `answer to ${event.text}` }, delivery: "in-place" } : undefined);
      const waitMs = 1500;
      rateLimitReplies(1, waitMs);
      const startedMs = performance.now();
      await harness.sendCommand(ann, "/case status N-2026-0031");
      await harness.sendCommand(ann, "/case status N-2026-0032");
      await harness.settled();
      const tookMs = performance.now() - startedMs;
      const answers = (await harness.channelMessages())
        .map((message) => message.text)
        .filter((text) => text.includes("answer to"));
      expect(answers.map((text) => /N-2026-\d{4}/.exec(text)?.[0])).toEqual(["N-2026-0031", "N-2026-0032"]);
      expect(tookMs).toBeGreaterThanOrEqual(waitMs - 100);
    });
  });
}

/** The one element of `items`; fails the test when there are none or several. */
function only<T>(items: T[], what: string): T {
  expect(items, `exactly one ${what}`).toHaveLength(1);
  return items[0] as T;
}

/** The text a person wrote or typed, for thread messages and commands. */
function textOf(event: InboundEvent): string {
  return event.type === "action" ? event.command : event.text;
}
