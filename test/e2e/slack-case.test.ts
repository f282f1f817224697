// End to end on Slack: a case between the Slack organisation (acme, through the real Bolt app against the fake
// Slack) and the console organisation (desk), with the thread relay in both directions, in order and exactly once,
// also when Slack retries a delivery (X-Slack-Retry-Num).
import { afterEach, describe, expect, it } from "vitest";
import { ORG_NAMES, PEOPLE, slackText, startPlatformWorld, WORLD, type PlatformWorld } from "../support/platform-core.js";

const { slack: S } = WORLD;

let world: PlatformWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The bot's replies in a Slack thread, as people there see them. */
function botThread(w: PlatformWorld, threadTs: string): string[] {
  return w.slack!.thread(threadTs).filter((message) => message.botId !== undefined && !message.ephemeralTo).map(slackText);
}

/** The text of the console's thread of a case (everything printed under its title). */
function consoleThread(w: PlatformWorld, title: string): string {
  return w.console.threadLines(title).join("\n");
}

/** Occurrences of `needle` in `haystack`. */
function count(haystack: string[] | string, needle: string): number {
  const list = Array.isArray(haystack) ? haystack : haystack.split("\n");
  return list.filter((line) => line.includes(needle)).length;
}

describe("a case between a Slack organisation and the console", () => {
  it("a notice opened by a Slack user toward the console organisation: cards, acknowledgement, resolution and the relay both ways", async () => {
    world = await startPlatformWorld(["slack"]);
    const w = world;
    const slack = w.slack!;

    // Jan (acme, on Slack) opens a notice with the slash command; Slack retries the request once.
    const command = await slack.command(S.jan.id, '/notice desk https://files.acme.test/v/1 --reason "incites violence"');
    expect(command.status).toBe(200);
    const answer = slack.fake.lastAnswerTo(S.team, S.jan.id);
    expect(answer && slackText(answer)).toContain("Opened N-2026-0001 towards Coordination Desk (test)");
    expect(answer?.ephemeralTo).toBe(S.jan.id);
    await slack.redeliver(command);
    expect(await w.store.db.case.count()).toBe(1);

    // The outbox posts the card in acme's cases channel (top level) and prints desk's card on the console.
    await w.deliver();
    const cards = slack.channel().filter((message) => message.botId !== undefined);
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(slackText(card)).toContain("N-2026-0001");
    const cardCall = slack.fake.callsOf("chat.postMessage").find((call) => call.response && (call.response as { ts?: string }).ts === card.ts);
    expect(cardCall?.params.channel).toBe(S.casesChannel);
    expect(cardCall?.params.thread_ts).toBeUndefined();
    const acmeThread = await w.store.db.caseThread.findFirstOrThrow({ where: { title: "N-2026-0001 @ acme" } });
    expect(acmeThread).toMatchObject({ platform: "slack", workspace: S.team, channelId: S.casesChannel, threadId: card.ts });
    const deskTitle = "N-2026-0001 @ desk";
    expect(consoleThread(w, deskTitle)).toContain("Notice N-2026-0001 · TLP:AMBER");
    expect(consoleThread(w, deskTitle)).toContain("https://files.acme.test/v/1");

    // Dana (desk, console) acknowledges: the update appears in both threads.
    await w.console.type("dana.desk: /case ack N-2026-0001");
    await w.deliver();
    const acknowledged = "✓ N-2026-0001 acknowledged";
    expect(count(botThread(w, card.ts), acknowledged)).toBe(1);
    expect(count(consoleThread(w, deskTitle), acknowledged)).toBe(1);
    expect(botThread(w, card.ts).find((text) => text.includes(acknowledged))).toContain(`${PEOPLE.dana} (${ORG_NAMES.desk})`);

    // Jan writes in the Slack thread; Slack delivers the event twice (a retry): the console shows it once.
    const first = await slack.write(S.jan.id, card.ts, "We are looking at it now.");
    const retry = await slack.redeliver(first);
    expect(retry).toMatchObject({ retryNum: 1, status: 200 });
    await w.deliver();
    // Someone in acme's workspace who is not in the directory writes in the thread: not relayed, and told so privately.
    await slack.write(S.stranger.id, card.ts, "Is this about my upload?");
    await w.deliver();
    const refusal = slack.fake.lastAnswerTo(S.team, S.stranger.id);
    expect(refusal?.ephemeralTo).toBe(S.stranger.id);
    expect(refusal && slackText(refusal)).toContain("Not relayed");
    expect(w.console.output()).not.toContain("Is this about my upload?");
    // Dana answers from the console; Jan writes again; Eva (acme too) writes as well.
    await w.console.type("dana.desk: [N-2026-0001] Thanks. The video is still online at 11:05.");
    await w.deliver();
    const second = await slack.write(S.jan.id, card.ts, "Removed at 11:07; account suspended.");
    await slack.write(S.eva.id, card.ts, "Logs are kept for 90 days.");
    await slack.redeliver(second);
    await w.deliver();

    // Dana resolves it.
    await w.console.type("dana.desk: /case resolve N-2026-0001 --outcome removed");
    await w.deliver();
    const resolved = "■ N-2026-0001 resolved: removed.";

    // On the console: Jan's and Eva's messages as "Name (Organisation): text", in order, once each, then the resolution.
    const fromAcme = (name: string, text: string) => `${name} (${ORG_NAMES.acme}): ${text}`;
    const consoleLines = w.console.threadLines(deskTitle);
    const expectedConsole = [
      acknowledged,
      fromAcme(PEOPLE.jan, "We are looking at it now."),
      fromAcme(PEOPLE.jan, "Removed at 11:07; account suspended."),
      fromAcme(PEOPLE.eva, "Logs are kept for 90 days."),
      resolved,
    ];
    const positions = expectedConsole.map((needle) => consoleLines.findIndex((line) => line.includes(needle)));
    expect(positions.every((position) => position >= 0), consoleLines.join("\n")).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const needle of expectedConsole) expect(count(consoleLines, needle), needle).toBe(1);

    // In the Slack thread: the acknowledgement, Dana's message (once), the resolution; nothing of acme's own echoed back.
    const slackLines = botThread(w, card.ts);
    const expectedSlack = [acknowledged, `${PEOPLE.dana} (${ORG_NAMES.desk}): Thanks. The video is still online at 11:05.`, resolved];
    const slackPositions = expectedSlack.map((needle) => slackLines.findIndex((line) => line.includes(needle)));
    expect(slackPositions.every((position) => position >= 0), slackLines.join("\n---\n")).toBe(true);
    expect([...slackPositions].sort((a, b) => a - b)).toEqual(slackPositions);
    for (const needle of expectedSlack) expect(count(slackLines, needle), needle).toBe(1);
    expect(slackLines.some((line) => line.includes("We are looking at it now."))).toBe(false);
    // Every relayed post went into the card's thread (thread_ts = the card's ts), none at the top level.
    for (const call of slack.fake.callsOf("chat.postMessage").filter((candidate) => candidate.params.channel === S.casesChannel && candidate !== cardCall)) {
      expect(call.params.thread_ts).toBe(card.ts);
    }
    expect(slack.channel().filter((message) => message.botId !== undefined)).toHaveLength(1);

    const view = await w.store.db.case.findUniqueOrThrow({ where: { reference: "N-2026-0001" } });
    expect(view).toMatchObject({ state: "resolved", outcome: "removed" });
    expect(await w.store.db.caseMessage.count()).toBe(4);
    expect(await w.undelivered()).toEqual([]);
  });

  it("a notice from the console to the Slack organisation: the Acknowledge button, the Resolve modal, and the relay both ways", async () => {
    world = await startPlatformWorld(["slack"]);
    const w = world;
    const slack = w.slack!;

    await w.console.type('dana.desk: /notice acme https://files.acme.test/v/2 --reason "terrorist propaganda"');
    expect(w.console.output()).toContain("Opened N-2026-0001 towards ACME Hosting (test)");
    await w.deliver();

    // acme's card in its Slack channel carries the recipient's buttons.
    const [card, ...more] = slack.channel().filter((message) => message.botId !== undefined);
    expect(more).toHaveLength(0);
    const buttons = JSON.stringify(card!.blocks ?? []);
    for (const id of ["ack", "clarify", "resolve"]) expect(buttons).toContain(`liaison:act:${id}`);
    const deskTitle = "N-2026-0001 @ desk";
    expect(consoleThread(w, deskTitle)).toContain("Notice N-2026-0001");

    // Eva presses Acknowledge on the card.
    const pressed = await slack.press(S.eva.id, card!.ts, "ack");
    expect(pressed.button.status).toBe(200);
    await w.deliver();
    const acknowledged = "✓ N-2026-0001 acknowledged";
    expect(count(botThread(w, card!.ts), acknowledged)).toBe(1);
    expect(count(consoleThread(w, deskTitle), acknowledged)).toBe(1);
    expect(consoleThread(w, deskTitle)).toContain(`${PEOPLE.eva} (${ORG_NAMES.acme})`);
    expect((await w.store.db.case.findUniqueOrThrow({ where: { reference: "N-2026-0001" } })).state).toBe("acknowledged");

    // The conversation, with a Slack retry of Eva's message.
    const evaWrites = await slack.write(S.eva.id, card!.ts, "Which account posted it?");
    await slack.redeliver(evaWrites);
    await w.deliver();
    await w.console.type("dana.desk: [N-2026-0001 @ desk] The account is @propaganda_nl.");
    await w.deliver();
    // Two messages queued for the console before the outbox runs: they arrive in the order written.
    await slack.write(S.jan.id, card!.ts, "Found it; disabling access for NL now.");
    await slack.write(S.eva.id, card!.ts, "Access disabled at 11:20.");
    await w.deliver();

    // Jan presses Resolve: Slack opens the modal; he submits it with an outcome and a reason.
    const resolvedPress = await slack.press(S.jan.id, card!.ts, "resolve", { outcome: "access-disabled", reason: "geo-blocked in NL pending review" });
    expect(resolvedPress.form?.status).toBe(200);
    const opened = slack.fake.callsOf("views.open");
    expect(opened).toHaveLength(1);
    await w.deliver();
    const resolved = "■ N-2026-0001 resolved: access-disabled (geo-blocked in NL pending review).";

    const slackLines = botThread(w, card!.ts);
    const expectedSlack = [acknowledged, `${PEOPLE.dana} (${ORG_NAMES.desk}): The account is @propaganda_nl.`, resolved];
    const slackPositions = expectedSlack.map((needle) => slackLines.findIndex((line) => line.includes(needle)));
    expect(slackPositions.every((position) => position >= 0), slackLines.join("\n---\n")).toBe(true);
    expect([...slackPositions].sort((a, b) => a - b)).toEqual(slackPositions);
    for (const needle of expectedSlack) expect(count(slackLines, needle), needle).toBe(1);

    const consoleLines = w.console.threadLines(deskTitle);
    const expectedConsole = [
      acknowledged,
      `${PEOPLE.eva} (${ORG_NAMES.acme}): Which account posted it?`,
      `${PEOPLE.jan} (${ORG_NAMES.acme}): Found it; disabling access for NL now.`,
      `${PEOPLE.eva} (${ORG_NAMES.acme}): Access disabled at 11:20.`,
      resolved,
    ];
    const positions = expectedConsole.map((needle) => consoleLines.findIndex((line) => line.includes(needle)));
    expect(positions.every((position) => position >= 0), consoleLines.join("\n")).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const needle of expectedConsole) expect(count(consoleLines, needle), needle).toBe(1);

    expect(await w.store.db.case.findUniqueOrThrow({ where: { reference: "N-2026-0001" } })).toMatchObject({ state: "resolved", outcome: "access-disabled", outcomeReason: "geo-blocked in NL pending review" });
    expect(await w.undelivered()).toEqual([]);
  });
});
