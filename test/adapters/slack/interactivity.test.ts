import { afterEach, describe, expect, it } from "vitest";
import type { ChannelAddress, InboundEvent, Reply } from "../../../src/core/adapter.js";
import type { MessageAction } from "../../../src/core/message.js";
import { ANN, BOB, CASES_CHANNEL, startRig, TEAM, type SlackRig } from "./support.js";

const channel: ChannelAddress = { platform: "slack", workspace: TEAM, channelId: CASES_CHANNEL };

const resolve: MessageAction = {
  id: "resolve",
  label: "Resolve",
  style: "primary",
  command: "/case resolve N-2026-0042",
  form: {
    title: "Resolve N-2026-0042",
    submitLabel: "Resolve",
    fields: [
      { name: "outcome", label: "Outcome", kind: "choice", required: true, choices: [{ value: "removed", label: "Content removed" }, { value: "refused", label: "Refused" }] },
      { name: "reason", label: "Reason", kind: "multiline", required: true, maxLength: 2000 },
    ],
  },
};
const ack: MessageAction = { id: "ack", label: "Acknowledge", command: "/case ack N-2026-0042" };

describe("Slack buttons and modals", () => {
  let rig: SlackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  async function start(reply: (event: InboundEvent) => Reply | undefined): Promise<{ rig: SlackRig; events: InboundEvent[] }> {
    const events: InboundEvent[] = [];
    rig = await startRig(async (event) => {
      events.push(event);
      return reply(event);
    });
    return { rig, events };
  }

  it("opens a modal for a button with a form and turns the submission into the button's command with values", async () => {
    const { rig, events } = await start(() => ({ message: { text: "Resolved N-2026-0042" }, delivery: "ephemeral" }));
    const thread = await rig.adapter.openThread({ channel, title: "N-2026-0042", root: { text: "card", title: "Notice N-2026-0042", actions: [ack, resolve] } }, { idempotencyKey: "card" });
    const { delivery, triggerId } = await rig.fake.pressButton({ team: TEAM, user: ANN.id, messageTs: thread.threadId, actionId: "liaison:act:resolve" });
    expect(delivery.status).toBe(200);
    expect(delivery.ackMs).toBeLessThan(3000);
    await rig.adapter.whenIdle();
    expect(events).toHaveLength(0); // nothing runs before the form is submitted
    const opened = rig.fake.callsOf("views.open");
    expect(opened).toHaveLength(1);
    expect(opened[0]?.params.trigger_id).toBe(triggerId);
    expect(opened[0]?.response).toMatchObject({ ok: true });
    const view = rig.fake.openedViews[0];
    expect(view?.view).toMatchObject({ type: "modal", title: { text: "Resolve N-2026-0042" }, submit: { text: "Resolve" } });
    const submitted = await rig.fake.submitView({ team: TEAM, user: ANN.id, viewId: view?.id ?? "", values: { Outcome: "refused", Reason: "not illegal in NL" } });
    expect(submitted.status).toBe(200);
    expect(submitted.responseText).toBe(""); // empty ack closes the modal
    await rig.adapter.whenIdle();
    expect(events).toEqual([
      expect.objectContaining({
        type: "action",
        command: "/case resolve N-2026-0042",
        values: { outcome: "refused", reason: "not illegal in NL" },
        identity: expect.objectContaining({ platform: "slack", workspace: TEAM, userId: ANN.id }),
        where: expect.objectContaining({ channelId: CASES_CHANNEL, threadId: thread.threadId }),
      }),
    ]);
    const ephemeral = rig.fake.callsOf("chat.postEphemeral")[0]?.params;
    expect(ephemeral).toMatchObject({ channel: CASES_CHANNEL, user: ANN.id, thread_ts: thread.threadId });
    expect(rig.fake.lastAnswerTo(TEAM, ANN.id)?.text).toBe("Resolved N-2026-0042");
  });

  it("runs a button without a form at once, and answers in the card's thread (thread_ts = the card, also from a reply)", async () => {
    const { rig, events } = await start(() => ({ message: { text: "Acknowledged by ann" }, delivery: "in-place" }));
    const thread = await rig.adapter.openThread({ channel, title: "N-1", root: { text: "card", actions: [ack] } }, { idempotencyKey: "card" });
    const reminder = await rig.adapter.send({ kind: "thread", ...thread }, { text: "reminder", actions: [ack] }, { idempotencyKey: "reminder" });
    await rig.fake.pressButton({ team: TEAM, user: BOB.id, messageTs: thread.threadId, actionId: "liaison:act:ack" });
    await rig.fake.pressButton({ team: TEAM, user: ANN.id, messageTs: reminder.messageId, actionId: "liaison:act:ack" });
    await rig.adapter.whenIdle();
    expect(events.map((event) => (event.type === "action" ? [event.command, event.identity.userId, event.where.threadId] : []))).toEqual([
      ["/case ack N-2026-0042", BOB.id, thread.threadId],
      ["/case ack N-2026-0042", ANN.id, thread.threadId],
    ]);
    expect(new Set(events.map((event) => event.eventId)).size).toBe(2);
    const replies = rig.fake.callsOf("chat.postMessage").slice(2);
    expect(replies.map((call) => call.params.thread_ts)).toEqual([thread.threadId, thread.threadId]);
    expect(rig.fake.threadMessages(TEAM, CASES_CHANNEL, thread.threadId).map((message) => message.text)).toEqual(["reminder", "Acknowledged by ann", "Acknowledged by ann"]);
  });

  it("keeps a redelivered button press under the same event id", async () => {
    const { rig, events } = await start(() => undefined);
    const posted = await rig.adapter.send({ kind: "channel", ...channel }, { text: "confirm your entry", actions: [{ id: "confirm", label: "Confirm", command: "/contacts confirm" }] }, { idempotencyKey: "c" });
    const { delivery } = await rig.fake.pressButton({ team: TEAM, user: ANN.id, messageTs: posted.messageId, actionId: "liaison:act:confirm" });
    await rig.fake.redeliver(delivery);
    await rig.adapter.whenIdle();
    expect(events).toHaveLength(2);
    expect(events[0]?.eventId).toBe(events[1]?.eventId);
  });

  it("keeps a form too large for a button value in the state store and still opens it", async () => {
    const { rig } = await start(() => undefined);
    const choices = Array.from({ length: 60 }, (_, index) => ({ value: `outcome-${index}`, label: `Outcome number ${index} with a long label` }));
    const big: MessageAction = { ...resolve, form: { ...resolve.form!, fields: [{ name: "outcome", label: "Outcome", kind: "choice", required: true, choices }] } };
    const posted = await rig.adapter.send({ kind: "channel", ...channel }, { text: "card", actions: [big] }, { idempotencyKey: "big" });
    const button = JSON.stringify(rig.fake.callsOf("chat.postMessage")[0]?.params.blocks);
    expect(button).toContain('\\"k\\":\\"form:');
    expect([...rig.env.state.values.keys()].some((stateKey) => stateKey.startsWith("form:"))).toBe(true);
    await rig.fake.pressButton({ team: TEAM, user: ANN.id, messageTs: posted.messageId, actionId: "liaison:act:resolve" });
    await rig.adapter.whenIdle();
    expect(rig.fake.callsOf("views.open")[0]?.response).toMatchObject({ ok: true });
    expect(JSON.stringify(rig.fake.openedViews[0]?.view)).toContain("outcome-59");
  });

  it("handles a Confirm button in a direct message: the event is direct and the answer stays in the conversation", async () => {
    const { rig, events } = await start(() => ({ message: { text: "Thanks, your entry is confirmed" }, delivery: "in-place" }));
    const posted = await rig.adapter.sendDirect({ platform: "slack", workspace: TEAM, userId: ANN.id }, { text: "Is your entry still correct?", actions: [{ id: "confirm", label: "Confirm", command: "/contacts confirm" }] }, { idempotencyKey: "reval" });
    await rig.fake.pressButton({ team: TEAM, user: ANN.id, messageTs: posted.messageId, actionId: "liaison:act:confirm" });
    await rig.adapter.whenIdle();
    expect(events[0]).toMatchObject({ type: "action", command: "/contacts confirm", where: { isDirect: true } });
    expect(events[0]?.where.threadId).toBeUndefined();
    const answer = rig.fake.callsOf("chat.postMessage").at(-1)?.params;
    expect(answer?.thread_ts).toBeUndefined();
    expect(rig.fake.directMessages(TEAM, ANN.id).map((message) => message.text)).toEqual(["Is your entry still correct?", "Thanks, your entry is confirmed"]);
  });
});
