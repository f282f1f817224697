// End to end on Matrix: cases between the Matrix organisation (nl-police, through matrix-bot-sdk against the fake
// homeserver) and another adapter (acme on Slack; desk on the console), with the m.thread relay in both directions,
// in order and exactly once, also when the homeserver hands the bot an event again (a replayed sync).
import { afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../fakes/matrix/model.js";
import { ORG_NAMES, PEOPLE, slackText, startPlatformWorld, WORLD, type PlatformWorld } from "../support/platform-core.js";

const { matrix: M, slack: S } = WORLD;

let world: PlatformWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const body = (event: StoredEvent): string => String(event.content.body ?? "");

/** The bot's posts in a Matrix thread (bodies), each checked to be an m.notice in the m.thread of `rootId`. */
function botThread(w: PlatformWorld, rootId: string): string[] {
  const events = w.matrix!.thread(rootId).filter((event) => event.sender === M.bot);
  for (const event of events) {
    expect(event.content.msgtype).toBe("m.notice");
    expect(event.content["m.relates_to"]).toMatchObject({ rel_type: "m.thread", event_id: rootId });
  }
  return events.map(body);
}

/** Asserts that each needle is in exactly one of `lines`, and that they come in the given order. */
function expectInOrderOnce(lines: string[], needles: string[]): void {
  const positions = needles.map((needle) => lines.findIndex((line) => line.includes(needle)));
  expect(positions.every((position) => position >= 0), `${needles.join(" | ")}\nin:\n${lines.join("\n---\n")}`).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  for (const needle of needles) expect(lines.filter((line) => line.includes(needle)), needle).toHaveLength(1);
}

/** The case card the bot posted at the top level of the police's cases room. */
function matrixCard(w: PlatformWorld, reference: string): StoredEvent {
  const cards = w.matrix!.topLevel().filter((event) => event.sender === M.bot && body(event).includes(reference));
  expect(cards).toHaveLength(1);
  return cards[0]!;
}

describe("a case between a Matrix organisation and another adapter", () => {
  it("Matrix ↔ Slack: a notice typed on Matrix toward the Slack organisation, acknowledged and resolved with Slack's buttons", async () => {
    world = await startPlatformWorld(["matrix", "slack"]);
    const w = world;
    const matrix = w.matrix!;
    const slack = w.slack!;

    // Anna (nl-police) types the command in the police's cases room; the answer reaches her privately (a direct room).
    await matrix.say(M.anna, '!notice acme https://files.acme.test/v/3 --reason "doxxing of an officer"');
    const direct = [...matrix.fake.model.rooms.values()].find((room) => room.isDirect && room.members.has(M.anna));
    expect(direct?.events.filter((event) => event.type === "m.room.message").map(body).join("\n")).toContain("Opened N-2026-0001 towards ACME Hosting (test)");

    await w.deliver();
    // The police's card: a top-level m.notice in its cases room; acme's card at the top level of its Slack channel.
    const card = matrixCard(w, "N-2026-0001");
    expect(card.content.msgtype).toBe("m.notice");
    expect(card.content["m.relates_to"]).toBeUndefined();
    const policeThread = await w.store.db.caseThread.findFirstOrThrow({ where: { title: "N-2026-0001 @ nl-police" } });
    expect(policeThread).toMatchObject({ platform: "matrix", channelId: matrix.casesRoom, threadId: card.event_id });
    const [slackCard, ...moreCards] = slack.channel().filter((message) => message.botId !== undefined);
    expect(moreCards).toHaveLength(0);
    expect(slackText(slackCard!)).toContain("N-2026-0001");

    // Jan presses Acknowledge on acme's card: the update appears in both threads.
    await slack.press(S.jan.id, slackCard!.ts, "ack");
    await w.deliver();
    const acknowledged = "✓ N-2026-0001 acknowledged";

    // The conversation: Anna writes in the Matrix thread and the homeserver hands the bot her event twice.
    const annaFirst = await matrix.say(M.anna, "Please preserve the uploader's logs.", card.event_id);
    await matrix.redeliver(annaFirst);
    await matrix.say(M.anna, "Including IP addresses and timestamps.", card.event_id);
    await w.deliver();
    await slack.write(S.jan.id, slackCard!.ts, "Preserved. Taking the page down now.");
    await w.deliver();
    const bramWrites = await matrix.say(M.bram, "Thank you, we will send a preservation order.", card.event_id);
    await w.deliver();
    await matrix.redeliver(bramWrites);
    await w.deliver();

    // Jan resolves through the modal.
    await slack.press(S.jan.id, slackCard!.ts, "resolve", { outcome: "removed" });
    await w.deliver();
    const resolved = "■ N-2026-0001 resolved: removed.";

    expectInOrderOnce(botThread(w, card.event_id), [acknowledged, `${PEOPLE.jan} (${ORG_NAMES.acme}): Preserved. Taking the page down now.`, resolved]);
    expect(botThread(w, card.event_id).some((text) => text.includes("preserve the uploader"))).toBe(false);
    const slackLines = slack.thread(slackCard!.ts).filter((message) => message.botId !== undefined && !message.ephemeralTo).map(slackText);
    expectInOrderOnce(slackLines, [
      acknowledged,
      `${PEOPLE.anna} (${ORG_NAMES.police}): Please preserve the uploader's logs.`,
      `${PEOPLE.anna} (${ORG_NAMES.police}): Including IP addresses and timestamps.`,
      `${PEOPLE.bram} (${ORG_NAMES.police}): Thank you, we will send a preservation order.`,
      resolved,
    ]);
    // On the wire: the card was PUT to the cases room without a relation; every later post for the case went into its
    // m.thread (rel_type m.thread, event_id = the card), with the thread fallback for clients that do not show threads.
    const sends = matrix.fake.requestsTo("PUT", "/send/m.room.message/").filter((request) => request.path.includes(encodeURIComponent(matrix.casesRoom)) && request.status === 200);
    const cardSend = sends.find((request) => (request.response as { event_id?: string } | undefined)?.event_id === card.event_id);
    expect((cardSend?.body as Record<string, unknown> | undefined)?.["m.relates_to"]).toBeUndefined();
    const threadSends = sends.filter((request) => request !== cardSend && String((request.body as { body?: unknown }).body ?? "").match(/N-2026-0001|Jan Acme/));
    expect(threadSends.length).toBeGreaterThanOrEqual(3);
    for (const request of threadSends) expect((request.body as Record<string, unknown>)["m.relates_to"]).toMatchObject({ rel_type: "m.thread", event_id: card.event_id, is_falling_back: true });
    expect(await w.store.db.case.findUniqueOrThrow({ where: { reference: "N-2026-0001" } })).toMatchObject({ state: "resolved", outcome: "removed" });
    expect(await w.store.db.caseMessage.count()).toBe(4);
    expect(await w.undelivered()).toEqual([]);
  });

  it("console ↔ Matrix: the police acknowledge with a ✅ reaction on the card and resolve by typing in the thread", async () => {
    world = await startPlatformWorld(["matrix"]);
    const w = world;
    const matrix = w.matrix!;

    await w.console.type('dana.desk: /notice nl-police https://forum.example.test/t/9 --reason "threatens a witness"');
    await w.deliver();
    const card = matrixCard(w, "N-2026-0001");
    // The recipient's card offers its actions as reactions, which the bot seeds on the card.
    expect(body(card)).toContain("React ✅ to acknowledge");
    const seeded = matrix.fake.roomEvents(matrix.casesRoom).filter((event) => event.type === "m.reaction" && event.sender === M.bot);
    expect(seeded.map((event) => event.content["m.relates_to"])).toContainEqual({ rel_type: "m.annotation", event_id: card.event_id, key: "✅" });
    const deskTitle = "N-2026-0001 @ desk";
    expect(w.console.threadLines(deskTitle).join("\n")).toContain("Notice N-2026-0001");

    // Bram reacts ✅; the homeserver hands the reaction to the bot twice.
    const reaction = await matrix.react(M.bram, card.event_id, "✅");
    await matrix.redeliver(reaction);
    await w.deliver();
    const acknowledged = "✓ N-2026-0001 acknowledged";
    expect(await w.store.db.case.findUniqueOrThrow({ where: { reference: "N-2026-0001" } })).toMatchObject({ state: "acknowledged" });

    await matrix.say(M.anna, "Who is the witness's contact at your side?", card.event_id);
    await w.deliver();
    await w.console.type("dana.desk: [N-2026-0001] Call the duty officer on +31 20 555 0199.");
    await w.console.type("dana.desk: [N-2026-0001] Or mail duty@desk.example.test.");
    await w.deliver();
    const annaAgain = await matrix.say(M.anna, "Done; the post is gone.", card.event_id);
    await matrix.redeliver(annaAgain);
    await w.deliver();

    // Anna resolves by typing the command in the case's thread (no reference needed there).
    await matrix.say(M.anna, "!case resolve --outcome removed", card.event_id);
    await w.deliver();
    const resolved = "■ N-2026-0001 resolved: removed.";

    expectInOrderOnce(botThread(w, card.event_id), [
      acknowledged,
      `${PEOPLE.dana} (${ORG_NAMES.desk}): Call the duty officer on +31 20 555 0199.`,
      `${PEOPLE.dana} (${ORG_NAMES.desk}): Or mail duty@desk.example.test.`,
      resolved,
    ]);
    expect(botThread(w, card.event_id).find((text) => text.includes(acknowledged))).toContain(`${PEOPLE.bram} (${ORG_NAMES.police})`);
    expectInOrderOnce(w.console.threadLines(deskTitle), [
      acknowledged,
      `${PEOPLE.anna} (${ORG_NAMES.police}): Who is the witness's contact at your side?`,
      `${PEOPLE.anna} (${ORG_NAMES.police}): Done; the post is gone.`,
      resolved,
    ]);
    expect(await w.store.db.case.findUniqueOrThrow({ where: { reference: "N-2026-0001" } })).toMatchObject({ state: "resolved", outcome: "removed" });
    expect(await w.undelivered()).toEqual([]);
  });

  it("Slack ↔ Matrix with a room per case: the police's people are invited, and the whole room is the case's thread", async () => {
    world = await startPlatformWorld(["matrix", "slack"], { matrix: { roomPerCase: true } });
    const w = world;
    const matrix = w.matrix!;
    const slack = w.slack!;

    await slack.command(S.jan.id, '/notice nl-police https://files.acme.test/v/4 --reason "a customer reports a threat"');
    await w.deliver();
    // A room of its own for the case, named after it, with the police's linked people invited.
    const creates = matrix.fake.requestsTo("POST", "/createRoom").filter((request) => (request.body as { name?: string }).name === "N-2026-0001 @ nl-police");
    expect(creates).toHaveLength(1);
    expect(creates[0]!.body).toMatchObject({ preset: "private_chat" });
    expect([...((creates[0]!.body as { invite?: string[] }).invite ?? [])].sort()).toEqual([M.anna, M.bram]);
    const caseRoom = String((creates[0]!.response as { room_id: string }).room_id);
    const policeThread = await w.store.db.caseThread.findFirstOrThrow({ where: { title: "N-2026-0001 @ nl-police" } });
    expect(policeThread.channelId).toBe(caseRoom);
    expect(policeThread.threadId).not.toBe("");
    // The cases room points to it.
    expect(matrix.topLevel().some((event) => event.sender === M.bot && body(event).includes(encodeURIComponent(caseRoom)))).toBe(true);
    matrix.fake.join(caseRoom, M.anna);
    matrix.fake.join(caseRoom, M.bram);
    await matrix.idle();
    const roomMessages = () => matrix.fake.roomEvents(caseRoom).filter((event) => event.type === "m.room.message" && event.sender === M.bot);
    const card = roomMessages()[0]!;
    expect(body(card)).toContain("Notice N-2026-0001");
    const [slackCard] = slack.channel().filter((message) => message.botId !== undefined);

    // Bram acknowledges with ✅ on the card in the case room.
    await matrix.react(M.bram, card.event_id, "✅", caseRoom);
    await w.deliver();
    expect(await w.store.db.case.findUniqueOrThrow({ where: { reference: "N-2026-0001" } })).toMatchObject({ state: "acknowledged" });

    // In the case room every message belongs to the case, threads or not.
    const anna = await matrix.say(M.anna, "Can you share the customer's report?", undefined, caseRoom);
    await matrix.redeliver(anna);
    await w.deliver();
    await slack.write(S.jan.id, slackCard!.ts, "Sent by mail to the duty desk.");
    await w.deliver();
    await matrix.say(M.anna, "!case resolve --outcome no-action --reason \"no threat found\"", undefined, caseRoom);
    await w.deliver();

    const acknowledged = "✓ N-2026-0001 acknowledged";
    const resolved = "■ N-2026-0001 resolved: no-action (no threat found).";
    const roomLines = roomMessages().map(body);
    for (const event of roomMessages()) expect(event.content["m.relates_to"]).toBeUndefined();
    expectInOrderOnce(roomLines, [acknowledged, `${PEOPLE.jan} (${ORG_NAMES.acme}): Sent by mail to the duty desk.`, resolved]);
    const slackLines = slack.thread(slackCard!.ts).filter((message) => message.botId !== undefined && !message.ephemeralTo).map(slackText);
    expectInOrderOnce(slackLines, [acknowledged, `${PEOPLE.anna} (${ORG_NAMES.police}): Can you share the customer's report?`, resolved]);
    expect(await w.undelivered()).toEqual([]);
  });
});
