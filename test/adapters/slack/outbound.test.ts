import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError, type ChannelAddress } from "../../../src/core/adapter.js";
import type { OutboundMessage } from "../../../src/core/message.js";
import { LogLevel, webApi } from "@slack/bolt";
import { FakeSlack } from "../../fakes/slack/server.js";
import { BOB, CASES_CHANNEL, startRig, TEAM, type SlackRig } from "./support.js";
import { HOSTILE_TEXT, HUGE_TEXT } from "../hostile.js";

const channel: ChannelAddress = { platform: "slack", workspace: TEAM, channelId: CASES_CHANNEL };
const key = (() => {
  let n = 0;
  return () => `outbox-${++n}`;
})();

async function failure(attempt: Promise<unknown>): Promise<DeliveryError> {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe("Slack outbound wire behaviour", () => {
  let rig: SlackRig;
  beforeEach(async () => {
    rig = await startRig(async () => undefined);
  });
  afterEach(async () => {
    await rig.close();
  });

  it("posts thread replies with thread_ts equal to the card's ts, never a reply's", async () => {
    const thread = await rig.adapter.openThread({ channel, title: "N-2026-0007 notice", root: { text: "card", title: "Notice N-2026-0007" } }, { idempotencyKey: key() });
    const first = await rig.adapter.send({ kind: "thread", ...thread }, { text: "first update" }, { idempotencyKey: key() });
    await rig.adapter.send({ kind: "thread", ...thread }, { text: "second update" }, { idempotencyKey: key() });
    const posts = rig.fake.callsOf("chat.postMessage").map((call) => call.params);
    expect(posts[0]?.thread_ts).toBeUndefined();
    expect(thread.threadId).toBe((rig.fake.callsOf("chat.postMessage")[0]?.response as { ts: string }).ts);
    expect(posts.slice(1).map((params) => params.thread_ts)).toEqual([thread.threadId, thread.threadId]);
    expect(first.messageId).not.toBe(thread.threadId);
    expect(rig.fake.threadMessages(TEAM, CASES_CHANNEL, thread.threadId).map((message) => message.text)).toEqual(["first update", "second update"]);
  });

  it("continues a long case card inside its own thread, and a long thread reply in the same thread", async () => {
    const long = "word ".repeat(5000);
    const thread = await rig.adapter.openThread({ channel, title: "N-3", root: { text: long, title: "Notice N-3" } }, { idempotencyKey: key() });
    await rig.adapter.send({ kind: "thread", ...thread }, { text: long }, { idempotencyKey: key() });
    const posts = rig.fake.callsOf("chat.postMessage");
    expect(posts.length).toBeGreaterThan(2);
    expect(posts.every((call) => call.status === 200 && (call.response as { ok: boolean }).ok)).toBe(true);
    expect(posts.slice(1).every((call) => call.params.thread_ts === thread.threadId)).toBe(true);
    expect(rig.fake.channelMessages(TEAM, CASES_CHANNEL)).toHaveLength(1);
  });

  it("sends a direct message through conversations.open", async () => {
    const posted = await rig.adapter.sendDirect({ platform: "slack", workspace: TEAM, userId: BOB.id }, { text: "reminder: N-1 is due" }, { idempotencyKey: key() });
    const opened = rig.fake.callsOf("conversations.open")[0];
    expect(opened?.params).toMatchObject({ users: BOB.id });
    const dmChannel = (opened?.response as { channel: { id: string } }).channel.id;
    expect(rig.fake.callsOf("chat.postMessage")[0]?.params.channel).toBe(dmChannel);
    expect(rig.fake.directMessages(TEAM, BOB.id).map((message) => message.ts)).toEqual([posted.messageId]);
  });

  it("turns 429 into a retryable DeliveryError carrying Retry-After, without the SDK retrying on its own", async () => {
    rig.fake.failNext("chat.postMessage", { kind: "ratelimit", retryAfterSec: 7 });
    const error = await failure(rig.adapter.send({ kind: "channel", ...channel }, { text: "x" }, { idempotencyKey: key() }));
    expect(error.retryAfterMs).toBe(7000);
    expect(error.permanent).toBe(false);
    expect(rig.fake.callsOf("chat.postMessage").map((call) => call.status)).toEqual([429]);
  });

  it("reports unknown channels, channels without the bot and bad tokens as permanent", async () => {
    const unknown = await failure(rig.adapter.send({ kind: "channel", ...channel, channelId: "C0NOPE" }, { text: "x" }, { idempotencyKey: key() }));
    expect(unknown.permanent).toBe(true);
    expect(unknown.message).toContain("channel_not_found");
    const notIn = await failure(rig.adapter.send({ kind: "channel", ...channel, channelId: "C0OTHER" }, { text: "x" }, { idempotencyKey: key() }));
    expect(notIn.permanent).toBe(true);
    expect(notIn.message).toContain("not_in_channel");
    rig.fake.failNext("chat.postMessage", { kind: "error", error: "invalid_auth" });
    expect((await failure(rig.adapter.send({ kind: "channel", ...channel }, { text: "x" }, { idempotencyKey: key() }))).permanent).toBe(true);
  });

  it("reports 5xx and a dropped connection as retryable, after a single attempt each", async () => {
    rig.fake.failNext("chat.postMessage", { kind: "http", status: 503 });
    const unavailable = await failure(rig.adapter.send({ kind: "channel", ...channel }, { text: "x" }, { idempotencyKey: key() }));
    expect(unavailable.permanent).toBe(false);
    rig.fake.failNext("chat.postMessage", { kind: "drop" });
    const dropped = await failure(rig.adapter.send({ kind: "channel", ...channel }, { text: "x" }, { idempotencyKey: key() }));
    expect(dropped.permanent).toBe(false);
    expect(rig.fake.callsOf("chat.postMessage")).toHaveLength(2);
  });

  it("does not post the first part of a long message twice when the outbox retries after a 429 on the second", async () => {
    const long = "line of evidence\n".repeat(1500);
    const idempotencyKey = key();
    rig.fake.failNext("chat.postMessage", { kind: "ratelimit", retryAfterSec: 1 }, 1, 1); // part 2 meets a 429
    const attempt = await rig.adapter.send({ kind: "channel", ...channel }, { text: long }, { idempotencyKey }).catch((error: unknown) => error);
    expect(attempt).toBeInstanceOf(DeliveryError);
    expect(rig.fake.channelMessages(TEAM, CASES_CHANNEL)).toHaveLength(1);
    const posted = await rig.adapter.send({ kind: "channel", ...channel }, { text: long }, { idempotencyKey });
    const shown = rig.fake.channelMessages(TEAM, CASES_CHANNEL);
    expect(shown[0]?.ts).toBe(posted.messageId);
    expect(shown.length).toBeGreaterThan(1);
    const parts = shown.map((message) => FakeSlack.visibleText(message).replace(/^\(continued, part \d+\)\n/, ""));
    expect(parts.join("\n").split("line of evidence").length - 1).toBe(1500);
    expect(rig.env.state.values.has(`sent:${idempotencyKey}`)).toBe(false);
  });
});

describe("Slack rendering within Block Kit limits (enforced by the fake)", () => {
  let rig: SlackRig;
  beforeEach(async () => {
    rig = await startRig(async () => undefined);
  });
  afterEach(async () => {
    await rig.close();
  });

  it("the fake refuses what Slack refuses, so these tests can fail", async () => {
    const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, setLevel: () => undefined, getLevel: () => LogLevel.ERROR, setName: () => undefined };
    const client = new webApi.WebClient(rig.workspace.botToken, { slackApiUrl: rig.fake.apiUrl, retryConfig: { retries: 0 }, logger: quiet });
    const post = (blocks: unknown[], text = "fallback") =>
      client.chat.postMessage({ channel: CASES_CHANNEL, text, blocks: blocks as never }).then(
        () => "ok",
        (error: { data?: { error?: string } }) => error.data?.error ?? "?",
      );
    const section = (chars: number) => ({ type: "section", text: { type: "mrkdwn", text: "a".repeat(chars) } });
    expect(await post([section(3000)])).toBe("ok");
    expect(await post([section(3001)])).toBe("invalid_blocks");
    expect(await post(Array.from({ length: 51 }, () => section(10)))).toBe("invalid_blocks");
    expect(await post([{ type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })) }])).toBe("invalid_blocks");
    expect(await post([{ type: "section", fields: [{ type: "mrkdwn", text: "f".repeat(2001) }] }])).toBe("invalid_blocks");
    expect(await post([{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }])).toBe("invalid_blocks");
    expect(await post([{ type: "actions", elements: [{ type: "button", action_id: "a", text: { type: "plain_text", text: "b".repeat(76) } }] }])).toBe("invalid_blocks");
    expect(await post(Array.from({ length: 5 }, () => section(2900)))).toBe("msg_blocks_too_long");
    expect(await post([section(10)], "t".repeat(40_001))).toBe("msg_too_long");
  });

  const heavy: OutboundMessage = {
    title: "T".repeat(400),
    text: "plain fallback",
    tlp: "AMBER",
    tone: "warning",
    sections: [
      ...Array.from({ length: 30 }, (_, index) => ({ heading: `Heading ${index} ${"h".repeat(300)}`, text: `${"<b>&amp; ".repeat(400)}section ${index}` })),
      { heading: "Many fields", fields: Array.from({ length: 35 }, (_, index) => ({ label: `Field ${index}`, value: "v".repeat(index === 3 ? 5000 : 900) })) },
    ],
    actions: Array.from({ length: 30 }, (_, index) => ({ id: `a${index}`, label: `Button ${index} ${"x".repeat(100)}`, command: `/case ack N-${index}` })),
  };

  it("splits or cuts oversized content so that Slack accepts every message, and says so visibly", async () => {
    const posted = await rig.adapter.send({ kind: "channel", ...channel }, heavy, { idempotencyKey: key() });
    const calls = rig.fake.callsOf("chat.postMessage");
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.length).toBeLessThanOrEqual(4);
    for (const call of calls) expect(call.response).toMatchObject({ ok: true });
    const shown = rig.fake.channelMessages(TEAM, CASES_CHANNEL).map((message) => FakeSlack.visibleText(message));
    expect(shown.join("\n")).toMatch(/truncated/);
    for (const text of shown) expect(text).toContain("TLP:AMBER");
    const first = rig.fake.channelMessages(TEAM, CASES_CHANNEL)[0];
    expect(first?.ts).toBe(posted.messageId);
    expect(JSON.stringify(first?.blocks)).toContain("liaison:act:a29");
  });

  it("escapes user content so it cannot mention @channel or forge links", async () => {
    await rig.adapter.send({ kind: "channel", ...channel }, { text: "ping <!channel> and <https://evil.example|bank.example> & more" }, { idempotencyKey: key() });
    const blocksJson = JSON.stringify(rig.fake.callsOf("chat.postMessage")[0]?.params.blocks);
    expect(blocksJson).not.toContain("<!channel>");
    expect(blocksJson).toContain("&lt;!channel&gt;");
    expect(blocksJson).toContain("&amp; more");
  });

  it("answers a long reply through response_url within its 5 uses and the limits", async () => {
    await rig.close();
    rig = await startRig(async () => ({ message: { text: "row of the directory\n".repeat(4000) }, delivery: "ephemeral" }));
    await rig.fake.slashCommand({ team: TEAM, user: BOB.id, channel: CASES_CHANNEL, command: "/contacts", text: "find" });
    await rig.adapter.whenIdle();
    const answers = rig.fake.callsOf("response_url");
    expect(answers.length).toBeGreaterThan(1);
    expect(answers.length).toBeLessThanOrEqual(5);
    expect(answers.every((call) => call.status === 200)).toBe(true);
  });
});

describe("Slack: hostile text is inert", () => {
  let rig: SlackRig;
  beforeEach(async () => {
    rig = await startRig(async () => undefined);
  });
  afterEach(async () => {
    await rig.close();
  });

  it("escapes mentions and disguised links in the fallback text and the blocks, and shows bidi and zero-width characters", async () => {
    await rig.adapter.send({ kind: "channel", ...channel }, { text: HOSTILE_TEXT }, { idempotencyKey: key() });
    await rig.adapter.send({ kind: "channel", ...channel }, { text: HUGE_TEXT }, { idempotencyKey: key() });
    const posts = rig.fake.callsOf("chat.postMessage").map((call) => call.params as { text: string; blocks: unknown[] });
    for (const post of posts) {
      const all = `${post.text}\n${JSON.stringify(post.blocks)}`;
      expect(all).not.toMatch(/<[!@#]|<https?:|\u202E|\u200B|\u2060/);
    }
    expect(posts[0]?.text).toContain("&lt;!channel&gt;");
    expect(posts[0]?.text).toContain("⟨U+202E⟩");
    expect(posts.length).toBeGreaterThan(1);
  });
});
