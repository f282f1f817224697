import { afterEach, describe, expect, it } from "vitest";
import type { InboundEvent, InboundHandler, Reply } from "../../../src/core/adapter.js";
import { ANN, BOB, CASES_CHANNEL, sleep, startRig, TEAM, type SlackRig } from "./support.js";

/** A handler that records events and answers commands with `reply`. */
function recorder(reply: (event: InboundEvent) => Promise<Reply | undefined> = async () => ({ message: { text: "ok from core" }, delivery: "ephemeral" })) {
  const events: InboundEvent[] = [];
  const handle: InboundHandler = async (event) => {
    events.push(event);
    return event.type === "message" ? undefined : reply(event);
  };
  return { events, handle };
}

describe("Slack inbound wire behaviour", () => {
  let rig: SlackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("rejects a request with a bad signature and one with a stale timestamp, and never calls the core", async () => {
    const core = recorder();
    rig = await startRig(core.handle);
    const badSignature = await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/help", text: "", signing: { secret: "not-the-secret" } });
    expect(badSignature.status).toBe(401);
    const sixMinutesAgoSec = Math.floor(Date.now() / 1000) - 6 * 60;
    const stale = await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/help", text: "", signing: { timestampSec: sixMinutesAgoSec } });
    expect(stale.status).toBe(401);
    const good = await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/help", text: "" });
    expect(good.status).toBe(200);
    await rig.adapter.whenIdle();
    expect(core.events).toHaveLength(1);
  });

  it("acknowledges a slash command at once even when the core takes 5 s, then answers through response_url", async () => {
    const core = recorder(async (event) => {
      if (event.type === "command" && event.text.startsWith("/help")) return undefined;
      await sleep(5000);
      return { message: { text: "the slow answer" }, delivery: "ephemeral" };
    });
    rig = await startRig(core.handle);
    await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/help", text: "" }); // warm-up (auth.test)
    await rig.adapter.whenIdle();
    const delivery = await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/contacts", text: "find hosting" });
    expect(delivery.status).toBe(200);
    expect(delivery.responseText).toBe("");
    expect(delivery.ackMs).toBeLessThan(3000);
    expect(rig.fake.callsOf("response_url")).toHaveLength(0);
    await rig.adapter.whenIdle();
    const answers = rig.fake.callsOf("response_url");
    expect(answers).toHaveLength(1);
    expect(answers[0]?.params).toMatchObject({ response_type: "ephemeral", text: "the slow answer" });
    expect(rig.fake.lastAnswerTo(TEAM, ANN.id)?.ephemeralTo).toBe(ANN.id);
  }, 20_000);

  it("delivers replies as the core asks: ephemeral, in the channel, or by direct message", async () => {
    let delivery: Reply["delivery"] = "ephemeral";
    const core = recorder(async () => ({ message: { text: `answer ${delivery}` }, delivery }));
    rig = await startRig(core.handle);
    for (const wanted of ["ephemeral", "in-place", "direct"] as const) {
      delivery = wanted;
      await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/whoami", text: "" });
      await rig.adapter.whenIdle();
    }
    const responses = rig.fake.callsOf("response_url").map((call) => call.params);
    expect(responses).toEqual([
      expect.objectContaining({ response_type: "ephemeral", text: "answer ephemeral" }),
      expect.objectContaining({ response_type: "in_channel", text: "answer in-place" }),
    ]);
    expect(rig.fake.callsOf("conversations.open")[0]?.params).toMatchObject({ users: ANN.id });
    const dm = rig.fake.directMessages(TEAM, ANN.id);
    expect(dm.map((message) => message.text)).toEqual(["answer direct"]);
    expect(rig.fake.channelMessages(TEAM, CASES_CHANNEL).map((message) => message.text)).toEqual(["answer in-place"]);
  });

  it("falls back to a direct message when response_url is refused", async () => {
    const core = recorder();
    rig = await startRig(core.handle);
    rig.fake.failNext("response_url", { kind: "http", status: 404 });
    await rig.fake.slashCommand({ team: TEAM, user: BOB.id, channel: CASES_CHANNEL, command: "/help", text: "" });
    await rig.adapter.whenIdle();
    expect(rig.fake.directMessages(TEAM, BOB.id).map((message) => message.text)).toEqual(["ok from core"]);
  });

  it("tells the person when the core fails, ephemerally", async () => {
    const core = recorder(async () => {
      throw new Error("database down");
    });
    rig = await startRig(core.handle);
    await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/help", text: "" });
    await rig.adapter.whenIdle();
    const answer = rig.fake.callsOf("response_url")[0]?.params;
    expect(answer).toMatchObject({ response_type: "ephemeral" });
    expect(String(answer?.text)).toContain("could not handle");
    expect(String(answer?.text)).not.toContain("database down");
  });

  it("maps the command, its arguments and a command prefix to the shared grammar", async () => {
    const core = recorder();
    rig = await startRig(core.handle, { config: { commandPrefix: "liaison-" } });
    await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/liaison-case", text: "ack N-2026-0042 --note &lt;see&gt; &amp; <https://example.org/a|example.org/a>" });
    await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/liaison-help", text: "   " });
    await rig.adapter.whenIdle();
    expect(core.events.map((event) => (event.type === "command" ? event.text : ""))).toEqual([
      "/case ack N-2026-0042 --note <see> & https://example.org/a",
      "/help",
    ]);
  });

  it("gives an Events API retry (X-Slack-Retry-Num) the same event id", async () => {
    const core = recorder();
    rig = await startRig(core.handle);
    const thread = await rig.adapter.openThread({ channel: { platform: "slack", workspace: TEAM, channelId: CASES_CHANNEL }, title: "N-1", root: { text: "card" } }, { idempotencyKey: "t" });
    await rig.fake.settle();
    const first = await rig.fake.userMessage({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, threadTs: thread.threadId, text: "hello" });
    const second = await rig.fake.redeliver(first, "http_timeout");
    const third = await rig.fake.redeliver(second, "http_error");
    await rig.adapter.whenIdle();
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(third.retryNum).toBe(2);
    const messages = core.events.filter((event) => event.type === "message");
    expect(messages).toHaveLength(3);
    expect(new Set(messages.map((event) => event.eventId)).size).toBe(1);
    // The message's own place (workspace, channel, ts) names it, so that a catch-up that reads it again counts it once.
    expect(messages[0]?.eventId).toMatch(/^slack:msg:/);
  });

  it("gives distinct commands distinct event ids and a redelivered command the same one", async () => {
    const core = recorder();
    rig = await startRig(core.handle);
    const first = await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/help", text: "" });
    await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/help", text: "" });
    await rig.fake.redeliver(first);
    await rig.adapter.whenIdle();
    const [a, b, c] = core.events.map((event) => event.eventId);
    expect(a).not.toBe(b);
    expect(c).toBe(a);
  });

  it("forwards people's thread messages only: not its own, not other bots', not edits, not top-level chatter", async () => {
    const core = recorder();
    rig = await startRig(core.handle);
    const { fake, adapter, workspace } = rig;
    const thread = await adapter.openThread({ channel: { platform: "slack", workspace: TEAM, channelId: CASES_CHANNEL }, title: "N-2", root: { text: "card" } }, { idempotencyKey: "t2" });
    await adapter.send({ kind: "thread", ...thread }, { text: "Liaison relays a message" }, { idempotencyKey: "t2-relay" });
    await fake.settle(); // Slack echoes Liaison's own posts as message events
    const base = { type: "message", channel: CASES_CHANNEL, channel_type: "channel", team: TEAM, thread_ts: thread.threadId };
    await fake.sendEvent(workspace, { ...base, user: "U0OTHERBOT", bot_id: "B0OTHER", text: "another bot", ts: "1760000001.000001" });
    await fake.sendEvent(workspace, { ...base, subtype: "bot_message", bot_id: "B0LEGACY", text: "legacy bot", ts: "1760000001.000002" });
    await fake.sendEvent(workspace, { ...base, subtype: "message_changed", hidden: true, message: { user: ANN.id, text: "edited" }, ts: "1760000001.000003" });
    await fake.sendEvent(workspace, { type: "message", channel: CASES_CHANNEL, channel_type: "channel", team: TEAM, user: ANN.id, text: "top level", ts: "1760000001.000004" });
    await fake.userMessage({ team: TEAM, user: BOB.id, channel: CASES_CHANNEL, threadTs: thread.threadId, text: "bob answers" });
    await adapter.whenIdle();
    const echoes = fake.deliveries.filter((delivery) => (delivery.payload.event as { bot_id?: string } | undefined)?.bot_id === workspace.botId);
    expect(echoes.length).toBeGreaterThanOrEqual(2);
    const forwarded = core.events.filter((event) => event.type === "message");
    expect(forwarded.map((event) => (event.type === "message" ? event.text : ""))).toEqual(["bob answers"]);
    expect(forwarded[0]).toMatchObject({ identity: { userId: BOB.id, workspace: TEAM }, where: { channelId: CASES_CHANNEL, threadId: thread.threadId, isDirect: false } });
  });

  it("handles a Socket Mode envelope: acks it over the socket and answers the command", async () => {
    const core = recorder(async () => ({ message: { text: "over the socket" }, delivery: "in-place" }));
    rig = await startRig(core.handle, { config: { mode: "socket" } });
    expect(rig.fake.callsOf("apps.connections.open")[0]?.token).toBe(rig.fake.appToken);
    const delivery = await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/contacts", text: "find ngo" });
    expect(delivery.transport).toBe("socket");
    expect(delivery.status).toBe(200);
    expect(delivery.ackMs).toBeLessThan(3000);
    await rig.adapter.whenIdle();
    expect(core.events[0]).toMatchObject({ type: "command", text: "/contacts find ngo" });
    expect(rig.fake.callsOf("response_url")[0]?.params).toMatchObject({ response_type: "in_channel", text: "over the socket" });
  });

  it("shows the core's answer to a thread message only to its writer, in the thread", async () => {
    const core = { events: [] as InboundEvent[] };
    rig = await startRig(async (event) => {
      core.events.push(event);
      return { message: { text: "Link your account first: ask your coordinator" }, delivery: "ephemeral" };
    });
    const thread = await rig.adapter.openThread({ channel: { platform: "slack", workspace: TEAM, channelId: CASES_CHANNEL }, title: "N-9", root: { text: "card" } }, { idempotencyKey: "t9" });
    await rig.fake.settle();
    await rig.fake.userMessage({ team: TEAM, user: BOB.id, channel: CASES_CHANNEL, threadTs: thread.threadId, text: "who are you?" });
    await rig.adapter.whenIdle();
    expect(rig.fake.callsOf("chat.postEphemeral")[0]?.params).toMatchObject({ channel: CASES_CHANNEL, user: BOB.id, thread_ts: thread.threadId });
    expect(rig.fake.threadMessages(TEAM, CASES_CHANNEL, thread.threadId).filter((message) => !message.ephemeralTo && message.botId)).toHaveLength(0);
  });
});
