// End to end on Discord: cases between the Discord organisation (hotline, through discord.js against the fake
// Discord) and another adapter (nl-police on Matrix; desk on the console), with the relay between the Discord thread
// (a thread channel started from the card) and the other party's thread, in order and exactly once, also when the
// gateway resumes and Discord dispatches an event again.
import { afterEach, describe, expect, it } from "vitest";
import { IDS, type FakeMessage } from "../fakes/discord/server.js";
import type { StoredEvent } from "../fakes/matrix/model.js";
import { discordText, ORG_NAMES, PEOPLE, startPlatformWorld, WORLD, type PlatformWorld } from "../support/platform-core.js";

const { matrix: M, discord: D } = WORLD;

let world: PlatformWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Asserts that each needle is in exactly one of `lines`, and that they come in the given order. */
function expectInOrderOnce(lines: string[], needles: string[]): void {
  const positions = needles.map((needle) => lines.findIndex((line) => line.includes(needle)));
  expect(positions.every((position) => position >= 0), `${needles.join(" | ")}\nin:\n${lines.join("\n---\n")}`).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  for (const needle of needles) expect(lines.filter((line) => line.includes(needle)), needle).toHaveLength(1);
}

/** The bot's posts in the hotline's cases channel (not answers to interactions, which only their user sees). */
function channelPosts(w: PlatformWorld): FakeMessage[] {
  return w.discord!.messagesIn(D.casesChannel).filter((message) => message.author.id === IDS.bot && message.interactionId === undefined && message.ephemeralTo === undefined);
}

/** The hotline's case card in its Discord cases channel, and the thread started from it. */
function discordCard(w: PlatformWorld, reference: string): { card: FakeMessage; threadId: string } {
  const fake = w.discord!.fake;
  const cards = channelPosts(w).filter((message) => discordText(message).includes(reference));
  expect(cards).toHaveLength(1);
  const card = cards[0]!;
  // The thread was started from the card (POST /channels/{channel}/messages/{card}/threads).
  const started = fake.requests.filter((request) => request.method === "POST" && request.path === `/channels/${D.casesChannel}/messages/${card.id}/threads`);
  expect(started).toHaveLength(1);
  expect(card.threadId).toBeDefined();
  const thread = fake.channels.get(card.threadId!);
  expect(thread).toMatchObject({ type: 11, parentId: D.casesChannel });
  return { card, threadId: card.threadId! };
}

/** The bot's posts in a Discord thread channel. */
function botThread(w: PlatformWorld, threadId: string): string[] {
  return w.discord!.messagesIn(threadId).filter((message) => message.author.id === IDS.bot && message.ephemeralTo === undefined).map(discordText);
}

const body = (event: StoredEvent): string => String(event.content.body ?? "");

describe("a case between a Discord organisation and another adapter", () => {
  it("Discord ↔ Matrix: a notice opened with /notice on Discord toward the police, acknowledged and resolved on Matrix", async () => {
    world = await startPlatformWorld(["discord", "matrix"]);
    const w = world;
    const discord = w.discord!;
    const matrix = w.matrix!;

    // Ann (hotline) runs /notice in the hotline's cases channel; the answer is private (the deferred ephemeral reply).
    const interaction = await discord.slash(D.ann, "notice", [
      { name: "organisation", type: 3, value: "nl-police" },
      { name: "urls", type: 3, value: "https://board.example.test/p/77" },
      { name: "reason", type: 3, value: "threat against a school" },
    ]);
    expect(interaction.responseType).toBe(5);
    expect(interaction.ephemeralDefer).toBe(true);
    const answer = discord.fake.messages.find((message) => message.interactionId === interaction.id && !message.deleted);
    expect(answer && discordText(answer)).toContain("Opened N-2026-0001 towards Police Cyber Unit (test)");

    await w.deliver();
    const { threadId } = discordCard(w, "N-2026-0001");
    const hotlineThread = await w.store.db.caseThread.findFirstOrThrow({ where: { title: "N-2026-0001 @ hotline" } });
    expect(hotlineThread).toMatchObject({ platform: "discord", workspace: D.guild, channelId: D.casesChannel, threadId });
    const cards = matrix.topLevel().filter((event) => event.sender === M.bot && body(event).includes("N-2026-0001"));
    expect(cards).toHaveLength(1);
    const root = cards[0]!.event_id;

    // Anna acknowledges by typing in the police's case thread, without the reference.
    await matrix.say(M.anna, "!case ack", root);
    await w.deliver();
    const acknowledged = "✓ N-2026-0001 acknowledged";
    expect(await w.store.db.case.findUniqueOrThrow({ where: { reference: "N-2026-0001" } })).toMatchObject({ state: "acknowledged" });

    // Inside the thread channel a command needs no reference: the thread (not its parent channel) names the case.
    const status = await discord.slash(D.ann, "case", [{ name: "status", type: 1, options: [] }], threadId);
    const statusReply = discord.fake.messages.filter((message) => message.interactionId === status.id && !message.deleted).map(discordText).join("\n");
    expect(statusReply).toContain("N-2026-0001");
    expect(statusReply).toContain("acknowledged");

    // The conversation; the gateway connection drops, the client resumes and Discord dispatches Ann's message again.
    await discord.write(D.ann, threadId, "The poster uses the same nickname on two forums.");
    await discord.resumeAndReplay();
    await w.deliver();
    await matrix.say(M.bram, "Which forums? Please list them.", root);
    await w.deliver();
    await discord.write(D.bob, threadId, "board.example.test and chat.example.test");
    await discord.resumeAndReplay();
    await discord.write(D.ann, threadId, "Screenshots follow by mail.");
    await w.deliver();

    await matrix.say(M.anna, '!case resolve --outcome no-action --reason "forwarded to the regional unit"', root);
    await w.deliver();
    const resolved = "■ N-2026-0001 resolved: no-action (forwarded to the regional unit).";

    expectInOrderOnce(botThread(w, threadId), [acknowledged, `${PEOPLE.bram} (${ORG_NAMES.police}): Which forums? Please list them.`, resolved]);
    // Every post for the hotline's thread went to the thread channel, none to the cases channel itself.
    expect(channelPosts(w)).toHaveLength(1);
    const posts = discord.fake.requests.filter((request) => request.method === "POST" && /^\/channels\/\d+\/messages$/.test(request.path) && request.status === 200);
    expect(posts.filter((request) => request.path === `/channels/${D.casesChannel}/messages`)).toHaveLength(1);
    expect(posts.filter((request) => request.path === `/channels/${threadId}/messages`).length).toBe(3);
    const matrixLines = matrix.thread(root).filter((event) => event.sender === M.bot).map(body);
    expectInOrderOnce(matrixLines, [
      acknowledged,
      `${PEOPLE.ann} (${ORG_NAMES.hotline}): The poster uses the same nickname on two forums.`,
      `${PEOPLE.bob} (${ORG_NAMES.hotline}): board.example.test and chat.example.test`,
      `${PEOPLE.ann} (${ORG_NAMES.hotline}): Screenshots follow by mail.`,
      resolved,
    ]);
    expect(await w.store.db.case.findUniqueOrThrow({ where: { reference: "N-2026-0001" } })).toMatchObject({ state: "resolved", outcome: "no-action" });
    expect(await w.store.db.caseMessage.count()).toBe(4);
    expect(await w.undelivered()).toEqual([]);
  });

  it("console ↔ Discord: the hotline acknowledges with the button and resolves through the modal", async () => {
    world = await startPlatformWorld(["discord"]);
    const w = world;
    const discord = w.discord!;

    await w.console.type('dana.desk: /notice hotline https://img.example.test/a/5 --reason "reported by a member of the public"');
    await w.deliver();
    const { card, threadId } = discordCard(w, "N-2026-0001");
    expect(discordText(card)).toContain("Acknowledge");
    const deskTitle = "N-2026-0001 @ desk";

    // Bob presses Acknowledge; the interaction is answered once (deferred update), the update goes to both threads.
    const { button } = await discord.press(D.bob, card.id, "ack");
    expect(button.responseType).toBe(6);
    expect(button.callbacks).toBe(1);
    await w.deliver();
    const acknowledged = "✓ N-2026-0001 acknowledged";

    await discord.write(D.ann, threadId, "We can see the image; checking the hosting country.");
    await discord.resumeAndReplay();
    await w.deliver();
    await w.console.type("dana.desk: [N-2026-0001] Thanks; the reporter says it is hosted in NL.");
    await w.deliver();
    await discord.write(D.ann, threadId, "Confirmed NL; we sent it to the host.");
    await discord.write(D.bob, threadId, "The host answered: removed within the hour.");
    await w.deliver();

    // Ann presses Resolve: Discord shows the modal; she submits it with an outcome.
    const { button: resolveButton, form } = await discord.press(D.ann, card.id, "resolve", { outcome: "removed", reason: "host removed it" });
    expect(resolveButton.responseType).toBe(9);
    expect(form?.responseType).toBe(5);
    await w.deliver();
    const resolved = "■ N-2026-0001 resolved: removed (host removed it).";

    expectInOrderOnce(botThread(w, threadId), [acknowledged, `${PEOPLE.dana} (${ORG_NAMES.desk}): Thanks; the reporter says it is hosted in NL.`, resolved]);
    expect(botThread(w, threadId).find((text) => text.includes(acknowledged))).toContain(`${PEOPLE.bob} (${ORG_NAMES.hotline})`);
    expectInOrderOnce(w.console.threadLines(deskTitle), [
      acknowledged,
      `${PEOPLE.ann} (${ORG_NAMES.hotline}): We can see the image; checking the hosting country.`,
      `${PEOPLE.ann} (${ORG_NAMES.hotline}): Confirmed NL; we sent it to the host.`,
      `${PEOPLE.bob} (${ORG_NAMES.hotline}): The host answered: removed within the hour.`,
      resolved,
    ]);
    expect(await w.store.db.case.findUniqueOrThrow({ where: { reference: "N-2026-0001" } })).toMatchObject({ state: "resolved", outcome: "removed", outcomeReason: "host removed it" });
    expect(await w.undelivered()).toEqual([]);
  });
});
