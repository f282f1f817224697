/** The contract suite's AdapterHarness for Slack: the real Bolt app against the fake Slack. */
import type { PlatformIdentity, ThreadAddress } from "../../../src/core/adapter.js";
import type { AdapterHarness, ObservedMessage, RecordingHandler } from "../../contract/harness.js";
import { FakeSlack, type Delivery, type FakeMessage } from "../../fakes/slack/server.js";
import { ANN, BOB, CASES_CHANNEL, splitCommand, startRig, TEAM } from "./support.js";

function observe(message: FakeMessage): ObservedMessage {
  return {
    messageId: message.ts,
    text: FakeSlack.visibleText(message),
    ...(message.threadTs ? { threadId: message.threadTs } : {}),
    fromBot: message.botId !== undefined,
    ...(message.ephemeralTo ? { ephemeralTo: message.ephemeralTo } : {}),
  };
}

/** Builds the harness; `transport` picks Bolt's HTTP receiver or Socket Mode. */
export async function makeSlackHarness(handler: RecordingHandler, transport: "http" | "socket" = "http"): Promise<AdapterHarness> {
  // Transient failures are retried after 50 ms instead of 1 s, so that the contract runs quickly.
  const rig = await startRig(handler.handle, { config: { mode: transport }, replyPolicy: { firstBackoffMs: 50 } });
  const { fake, adapter } = rig;
  let last: Delivery | undefined;
  const idle = async (): Promise<void> => {
    await fake.settle();
    await adapter.whenIdle();
  };
  const identity = (user: { id: string; name: string }): PlatformIdentity => ({ platform: "slack", workspace: TEAM, userId: user.id, displayName: user.name });
  return {
    adapter,
    channel: { platform: "slack", workspace: TEAM, channelId: CASES_CHANNEL },
    users: [identity(ANN), identity(BOB)],
    async typeCommand(user, text, thread?: ThreadAddress) {
      const { command, text: args } = splitCommand(text);
      last = await fake.slashCommand({ team: user.workspace, user: user.userId, channel: thread?.channelId ?? CASES_CHANNEL, command, text: args });
      await idle();
    },
    async sendCommand(user, text) {
      const { command, text: args } = splitCommand(text);
      last = await fake.slashCommand({ team: user.workspace, user: user.userId, channel: CASES_CHANNEL, command, text: args });
    },
    async sendInThread(user, thread, text) {
      last = await fake.userMessage({ team: user.workspace, user: user.userId, channel: thread.channelId, threadTs: thread.threadId, text });
    },
    settled: idle,
    async writeInThread(user, thread, text) {
      await idle();
      last = await fake.userMessage({ team: user.workspace, user: user.userId, channel: thread.channelId, threadTs: thread.threadId, text });
      await idle();
    },
    async redeliverLast() {
      if (!last) throw new Error("nothing delivered yet");
      last = await fake.redeliver(last);
      await idle();
    },
    async pressButton(user, messageId, actionId, values) {
      await idle();
      const { triggerId } = await fake.pressButton({ team: user.workspace, user: user.userId, messageTs: messageId, actionId: `liaison:act:${actionId}` });
      await idle();
      const view = fake.openedViews.find((candidate) => candidate.triggerId === triggerId);
      if (view) {
        const byBlock = Object.fromEntries(Object.entries(values ?? {}).map(([name, value]) => [`f:${name}`, value]));
        last = await fake.submitView({ team: user.workspace, user: user.userId, viewId: view.id, values: byBlock });
        await idle();
      }
    },
    async channelMessages(channel) {
      await idle();
      return fake.channelMessages(channel?.workspace ?? TEAM, channel?.channelId ?? CASES_CHANNEL).map(observe);
    },
    async threadMessages(thread) {
      await idle();
      return fake.threadMessages(thread.workspace, thread.channelId, thread.threadId).map(observe);
    },
    async directMessages(user) {
      await idle();
      return fake.directMessages(user.workspace, user.userId).map(observe);
    },
    async privateMessagesTo(user) {
      await idle();
      return fake.privateMessagesTo(user.workspace, user.userId).map(observe);
    },
    async lastReplySeenBy(user) {
      await idle();
      const message = fake.lastAnswerTo(user.workspace, user.userId);
      return message ? observe(message) : undefined;
    },
    rateLimitNextSend(retryAfterMs) {
      fake.failNext("chat.postMessage", { kind: "ratelimit", retryAfterSec: Math.ceil(retryAfterMs / 1000) });
    },
    rateLimitReplies(count, retryAfterMs) {
      fake.failNext("response_url", { kind: "ratelimit", retryAfterSec: Math.ceil(retryAfterMs / 1000) }, count);
    },
    close: () => rig.close(),
  };
}

