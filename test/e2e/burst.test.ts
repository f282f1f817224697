// A burst of 20 messages written quickly in one case thread is relayed to the other party in the order written, each
// once, on every platform: through the real SDK against the platform's fake, the real core and the outbox. The
// messages are handed to the platform one right after the other, without waiting for Liaison to handle the previous
// one (Slack: each event is acknowledged before it is handled; Matrix: the burst arrives in one sync batch; Discord:
// the gateway dispatches them back to back).
import { afterEach, describe, expect, it } from "vitest";
import { ORG_NAMES, PEOPLE, startPlatformWorld, WORLD, type PlatformWorld } from "../support/platform-core.js";

const BURST = 20;
const DESK = "N-2026-0001 @ desk";

let world: PlatformWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The texts of the burst, numbered so that their order can be read back. */
const burst = (who: string): string[] => Array.from({ length: BURST }, (_, index) => `${who} burst ${String(index + 1).padStart(2, "0")}`);

/** The relayed burst as the console's thread shows it: every message once, in the order written. */
function expectRelayedInOrder(w: PlatformWorld, author: string, organisation: string, texts: string[]): void {
  const lines = w.console.threadLines(DESK);
  const relayed = lines.filter((line) => line.includes(" burst "));
  expect(relayed, lines.join("\n")).toEqual(texts.map((text) => `${author} (${organisation}): ${text}`));
}

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("a burst of messages in one case thread is relayed in order, once each", () => {
  it("Slack → console", async () => {
    world = await startPlatformWorld(["slack"]);
    const w = world;
    const slack = w.slack!;
    const { slack: S } = WORLD;
    await slack.command(S.jan.id, '/notice desk https://files.acme.test/v/1 --reason "incites violence"');
    await w.deliver();
    const card = slack.channel().find((message) => message.botId !== undefined);
    expect(card).toBeDefined();
    const texts = burst("jan");
    // Each request returns once Bolt has acknowledged the event, before Liaison handles it.
    for (const text of texts) await slack.fake.userMessage({ team: S.team, user: S.jan.id, channel: S.casesChannel, threadTs: card!.ts, text });
    await until(async () => (await w.store.db.caseMessage.count()) === BURST, 30_000, "the burst to be handled");
    await w.deliver();
    expectRelayedInOrder(w, PEOPLE.jan, ORG_NAMES.acme, texts);
  }, 60_000);

  it("Matrix → console", async () => {
    world = await startPlatformWorld(["matrix"]);
    const w = world;
    const matrix = w.matrix!;
    const { matrix: M } = WORLD;
    await w.console.type('dana.desk: /notice nl-police https://forum.example.test/t/9 --reason "threatens a witness"');
    await w.deliver();
    const card = matrix.topLevel().find((event) => event.sender === M.bot && String(event.content.body ?? "").includes("N-2026-0001"));
    expect(card).toBeDefined();
    const texts = burst("anna");
    // Written straight into the homeserver, so that the bot's next sync hands it the whole burst in one batch.
    for (const text of texts) matrix.fake.say(M.anna, matrix.casesRoom, text, card!.event_id);
    await until(async () => (await w.store.db.caseMessage.count()) === BURST, 30_000, "the burst to be handled");
    await w.deliver();
    expectRelayedInOrder(w, PEOPLE.anna, ORG_NAMES.police, texts);
  }, 60_000);

  it("Discord → console", async () => {
    world = await startPlatformWorld(["discord"]);
    const w = world;
    const discord = w.discord!;
    const { discord: D } = WORLD;
    await w.console.type('dana.desk: /notice hotline https://img.example.test/a/5 --reason "reported by a member of the public"');
    await w.deliver();
    const card = discord.messagesIn(D.casesChannel).find((message) => message.threadId !== undefined);
    expect(card?.threadId).toBeDefined();
    const texts = burst("ann");
    // Dispatched by the gateway back to back, without waiting for the adapter.
    for (const text of texts) discord.fake.userMessage(D.ann, card!.threadId!, text);
    await until(async () => (await w.store.db.caseMessage.count()) === BURST, 30_000, "the burst to be handled");
    await discord.idle();
    await w.deliver();
    expectRelayedInOrder(w, PEOPLE.ann, ORG_NAMES.hotline, texts);
  }, 60_000);
});
