import { afterEach, describe, expect, it } from "vitest";
import type { InboundEvent, Reply } from "../../../src/core/adapter.js";
import { discordCommands } from "../../../adapters/discord/index.js";
import type { DiscordSetup } from "./harness.js";
import { observedText, slashFromText, startDiscord, TEST_CATALOG, waitFor } from "./harness.js";
import { IDS } from "../../fakes/discord/server.js";

/** A core stand-in: records events and answers with whatever `answer` returns. */
function core(answer: (event: InboundEvent) => Promise<Reply | undefined> | Reply | undefined) {
  const events: InboundEvent[] = [];
  return {
    events,
    handle: async (event: InboundEvent) => {
      events.push(event);
      return answer(event);
    },
  };
}

const reply = (text: string, delivery: Reply["delivery"] = "ephemeral"): Reply => ({ message: { text }, delivery });

describe("discord interactions on the wire", () => {
  let setup: DiscordSetup | undefined;
  afterEach(async () => {
    await setup?.close();
    setup = undefined;
  });

  it("registers the catalog's commands per guild at start, and only when they differ", async () => {
    setup = await startDiscord(core(() => undefined).handle);
    const route = `/applications/${IDS.application}/guilds/${IDS.guild}/commands`;
    const calls = setup.fake.requests.filter((request) => request.path === route).map((request) => `${request.method} ${request.status}`);
    expect(calls).toEqual(["GET 200", "PUT 200"]);
    const stored = setup.fake.commands.get(IDS.guild) ?? [];
    expect(stored.map((command) => command.name)).toEqual(discordCommands(TEST_CATALOG).map((command) => command.name));
    // A second start against the same Discord sees an equal set and does not overwrite it.
    await setup.adapter.syncCommands();
    const after = setup.fake.requests.filter((request) => request.path === route).map((request) => request.method);
    expect(after).toEqual(["GET", "PUT", "GET"]);
  });

  it("defers within 3 s when the core is slow (5 s), then edits the original with the reply, answering once", async () => {
    const slow = core(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      return reply("slow answer");
    });
    setup = await startDiscord(slow.handle);
    const { name, options } = slashFromText(TEST_CATALOG, "/case status N-2026-0007");
    const interaction = await setup.settle(() => setup!.fake.slashCommand(IDS.ann, IDS.channel, name, options));
    expect(interaction.responseType).toBe(5);
    expect((interaction.respondedAtMs ?? Infinity) - interaction.createdAtMs).toBeLessThan(3000);
    expect(interaction.callbacks).toBe(1);
    const original = setup.fake.message(interaction.originalMessageId ?? "");
    expect(original?.loading).toBe(false);
    expect(original?.ephemeralTo).toBe(IDS.ann);
    expect(original?.content).toBe("slow answer");
    const callback = setup.fake.requests.find((request) => request.path.endsWith("/callback"));
    expect(callback?.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(setup.fake.requests.filter((request) => request.method === "PATCH" && request.path.endsWith("/messages/@original"))).toHaveLength(1);
  }, 15_000);

  it("never answers an interaction twice, even when the gateway delivers it again", async () => {
    const quick = core(() => reply("once"));
    setup = await startDiscord(quick.handle);
    const { name, options } = slashFromText(TEST_CATALOG, "/whoami");
    const interaction = await setup.settle(() => setup!.fake.slashCommand(IDS.ann, IDS.channel, name, options));
    await setup.settle(() => setup!.fake.redeliverLast());
    await setup.settle(() => setup!.fake.redeliverLast());
    expect(interaction.callbacks).toBe(1);
    expect(setup.fake.requests.filter((request) => request.status === 400 || request.status === 404)).toEqual([]);
  });

  it("has the deferral (slash command or button) on the wire before the core starts on the event", async () => {
    const callbacksWhenCalled: number[] = [];
    const recorder = core(() => {
      callbacksWhenCalled.push(setup?.fake.requests.filter((request) => request.path.endsWith("/callback")).length ?? -1);
      return reply("answer");
    });
    setup = await startDiscord(recorder.handle);
    const { fake, adapter } = setup;
    const { name, options } = slashFromText(TEST_CATALOG, "/whoami");
    for (let index = 0; index < 5; index += 1) await setup.settle(() => fake.slashCommand(IDS.ann, IDS.channel, name, options));
    const posted = await adapter.send(
      { kind: "channel", platform: "discord", workspace: IDS.guild, channelId: IDS.channel },
      { text: "card", actions: [{ id: "ack", label: "Acknowledge", style: "primary", command: "/case ack N-2026-0011" }] },
      { idempotencyKey: "wire-card" },
    );
    const button = (fake.message(posted.messageId)?.components as { components: { custom_id: string }[] }[])[0]?.components[0]?.custom_id ?? "";
    const pressed = await setup.settle(() => fake.pressButton(IDS.ann, posted.messageId, button));
    expect(pressed.responseType).toBe(6);
    // The core's work (synchronous database calls on SQLite) would otherwise hold the deferral back until it waits.
    expect(callbacksWhenCalled).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("edits 60 deferred replies at once without holding one back: interaction endpoints are outside the bot's global limit", async () => {
    setup = await startDiscord(core(() => reply("answer")).handle);
    const { fake, adapter } = setup;
    const heldBack: unknown[] = [];
    adapter.client.rest.on("rateLimited", (info) => heldBack.push(info));
    adapter.interactionRest.on("rateLimited", (info) => heldBack.push(info));
    const { name, options } = slashFromText(TEST_CATALOG, "/whoami");
    // Two conversations, so that the answers go out side by side as well as one after the other.
    const interactions = Array.from({ length: 60 }, (_, index) => fake.slashCommand(index % 2 === 0 ? IDS.ann : IDS.bob, index % 2 === 0 ? IDS.channel : IDS.otherChannel, name, options));
    await waitFor(() => interactions.every((interaction) => fake.message(interaction.originalMessageId ?? "")?.content === "answer"), 10_000, "60 answers");
    // discord.js holds back every request past 50 in a second on a REST with the global limit (the bot's own).
    expect(heldBack).toEqual([]);
    expect(fake.requests.filter((request) => request.method === "PATCH").map((request) => request.status)).toEqual(Array.from({ length: 60 }, () => 200));
  });

  it("answers directly (type 4, with the asked visibility) when the core is quicker than deferAfterMs", async () => {
    setup = await startDiscord(core(() => reply("public answer", "in-place")).handle, { config: { deferAfterMs: 1500 } });
    const { name, options } = slashFromText(TEST_CATALOG, "/help");
    const interaction = await setup.settle(() => setup!.fake.slashCommand(IDS.ann, IDS.channel, name, options));
    expect(interaction.responseType).toBe(4);
    const original = setup.fake.message(interaction.originalMessageId ?? "");
    expect(original?.ephemeralTo).toBeUndefined();
    expect(original?.content).toBe("public answer");
  });

  it("posts an in-place reply publicly after the ephemeral defer, resolving the placeholder first", async () => {
    setup = await startDiscord(core(() => reply("for everyone", "in-place")).handle);
    const { name, options } = slashFromText(TEST_CATALOG, "/contacts show acme");
    const interaction = await setup.settle(() => setup!.fake.slashCommand(IDS.ann, IDS.channel, name, options));
    const mine = setup.fake.messagesIn(IDS.channel).filter((message) => message.interactionId === interaction.id);
    expect(mine.map((message) => [observedText(message), message.ephemeralTo ?? "public"])).toEqual([
      ["Answer posted in the channel.", IDS.ann],
      ["for everyone", "public"],
    ]);
  });

  it("after the 15-minute token window, posts in-place replies in the channel and private ones by DM", async () => {
    let release: (value: Reply) => void = () => undefined;
    const late = core(() => new Promise<Reply>((resolve) => (release = resolve)));
    setup = await startDiscord(late.handle);
    const { fake, adapter } = setup;
    const { name, options } = slashFromText(TEST_CATALOG, "/case status N-2026-0009");
    const first = fake.slashCommand(IDS.ann, IDS.channel, name, options);
    await waitFor(() => first.responseType === 5, 3000, "the defer");
    fake.advance(16 * 60_000);
    release(reply("late public answer", "in-place"));
    await adapter.idle();
    const top = fake.messagesIn(IDS.channel).filter((message) => message.ephemeralTo === undefined).map(observedText);
    expect(top).toContain("late public answer");
    expect(fake.requests.filter((request) => request.path.startsWith("/webhooks/"))).toEqual([]);

    const second = fake.slashCommand(IDS.ann, IDS.channel, name, options);
    await waitFor(() => second.responseType === 5, 3000, "the defer");
    fake.advance(16 * 60_000);
    release(reply("late private answer", "ephemeral"));
    await adapter.idle();
    const dm = fake.dmChannelOf(IDS.ann);
    expect(dm && fake.messagesIn(dm.id).map(observedText)).toEqual(["late private answer"]);
    expect(fake.messagesIn(IDS.channel).map(observedText)).not.toContain("late private answer");
  });

  it("sends a direct reply by DM and says so in the ephemeral answer", async () => {
    setup = await startDiscord(core(() => reply("your digest", "direct")).handle);
    const { name, options } = slashFromText(TEST_CATALOG, "/digest");
    const interaction = await setup.settle(() => setup!.fake.slashCommand(IDS.bob, IDS.channel, name, options));
    const dm = setup.fake.dmChannelOf(IDS.bob);
    expect(dm && setup.fake.messagesIn(dm.id).map(observedText)).toEqual(["your digest"]);
    expect(setup.fake.message(interaction.originalMessageId ?? "")?.content).toMatch(/direct message/);
  });

  it("opens a modal for a button with a form and hands the submitted values to the core", async () => {
    const recorder = core((event) => (event.type === "action" ? reply(`resolved as ${event.values.outcome}`) : undefined));
    setup = await startDiscord(recorder.handle);
    const { fake, adapter } = setup;
    const posted = await adapter.send(
      { kind: "channel", platform: "discord", workspace: IDS.guild, channelId: IDS.channel },
      {
        text: "card",
        title: "Notice N-2026-0010",
        actions: [
          { id: "ack", label: "Acknowledge", style: "primary", command: "/case ack N-2026-0010" },
          {
            id: "resolve",
            label: "Resolve",
            command: "/case resolve N-2026-0010",
            form: {
              title: "Resolve N-2026-0010",
              submitLabel: "Resolve",
              fields: [
                { name: "outcome", label: "Outcome", kind: "choice", required: true, choices: [{ value: "removed", label: "Removed" }, { value: "no-action", label: "No action" }] },
                { name: "reason", label: "Reason", kind: "multiline", required: false, maxLength: 1000 },
              ],
            },
          },
        ],
      },
      { idempotencyKey: "modal-card" },
    );
    const card = fake.message(posted.messageId);
    const buttons = (card?.components as { components: { custom_id: string; label: string }[] }[])[0]?.components ?? [];
    expect(buttons.map((button) => button.label)).toEqual(["Acknowledge", "Resolve"]);
    for (const button of buttons) expect(button.custom_id.length).toBeLessThanOrEqual(100);
    const resolveId = buttons[1]?.custom_id ?? "";
    const pressed = await setup.settle(() => fake.pressButton(IDS.ann, posted.messageId, resolveId));
    expect(pressed.responseType).toBe(9);
    expect(recorder.events).toHaveLength(0);
    const labels = (pressed.modal?.components as { component: { type: number; style?: number } }[]).map((label) => label.component);
    expect(labels).toEqual([expect.objectContaining({ type: 3 }), expect.objectContaining({ type: 4, style: 2 })]);
    const submitted = await setup.settle(() => fake.submitModal(IDS.ann, pressed, { outcome: "no-action", reason: "not hosted here" }));
    expect(recorder.events).toEqual([
      expect.objectContaining({ type: "action", eventId: submitted.id, command: "/case resolve N-2026-0010", values: { outcome: "no-action", reason: "not hosted here" } }),
    ]);
    expect(fake.message(submitted.originalMessageId ?? "")?.content).toBe("resolved as no-action");

    // A button without a form: deferred update (type 6), then an ephemeral follow-up.
    const ack = await setup.settle(() => fake.pressButton(IDS.bob, posted.messageId, buttons[0]?.custom_id ?? ""));
    expect(ack.responseType).toBe(6);
    expect(recorder.events.at(-1)).toMatchObject({ type: "action", command: "/case ack N-2026-0010", identity: { userId: IDS.bob } });
  });
});
