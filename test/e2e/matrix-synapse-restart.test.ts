// Against a real Synapse: downtime is not history (a restart relays what people wrote meanwhile, once and in order,
// also after kill -9), and history is history (a fresh installation on the same account never acts on what came
// before it, although Synapse hands it sync batches cached for the earlier one).
import { afterAll, beforeAll, expect, it } from "vitest";
import { bodyOf } from "../support/matrix-person.js";
import type { RunningLiaison } from "../support/synapse-liaison.js";
import { describeOnSynapse } from "../support/synapse.js";
import { killHard, startSynapseWorld, type SynapseWorld } from "../support/synapse-world.js";

let world: SynapseWorld;
let running: RunningLiaison | undefined;
let policeCardId = "";
let acmeCardId = "";

/** The numbered lines ("<tag> 07") the police's thread shows, in the order Anna's client received them. */
function relayedNumbers(tag: string): string[] {
  return world.anna
    .messagesFrom(world.ids.bot, world.ids.policeRoom)
    .filter((event) => (event.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === policeCardId)
    .map((event) => new RegExp(`${tag} (\\d\\d)`).exec(bodyOf(event))?.[1])
    .filter((number): number is string => number !== undefined);
}

const numbers = (count: number): string[] => Array.from({ length: count }, (_, index) => String(index + 1).padStart(2, "0"));

describeOnSynapse("Matrix restarts against a real homeserver", () => {
  beforeAll(async () => {
    world = await startSynapseWorld();
    running = await world.start("main");
    const { anna, jan, ids } = world;
    await anna.say(ids.policeRoom, '!notice acme https://files.acme.test/v/9 --reason "doxxing of an officer"');
    policeCardId = (await anna.waitFor(() => anna.messagesFrom(ids.bot, ids.policeRoom).find((event) => /N-\d{4}-0001/.test(bodyOf(event))), "the police's card")).event_id;
    acmeCardId = (await jan.waitFor(() => jan.messagesFrom(ids.bot, ids.acmeRoom).find((event) => /N-\d{4}-0001/.test(bodyOf(event))), "ACME's card")).event_id;
  }, 180_000);
  afterAll(async () => {
    await running?.stop();
    await world?.close();
  }, 60_000);

  it("relays every message written while it was stopped, once and in order, when it starts again", async () => {
    await running!.stop();
    running = undefined;
    // More than a sync's timeline holds by default (10): the homeserver answers with a gap.
    for (const number of numbers(14)) await world.jan.say(world.ids.acmeRoom, `while-down ${number}`, acmeCardId);
    running = await world.start("main");
    await world.anna.waitFor(() => (relayedNumbers("while-down").length >= 14 ? true : undefined), "14 relayed messages", 120_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(relayedNumbers("while-down")).toEqual(numbers(14));
  }, 180_000);

  it("relays every message once and in order when it is killed (SIGKILL) and restarted while people write", async () => {
    await running!.stop();
    running = undefined;
    let child = await world.spawn("main");
    const writing = (async () => {
      for (const number of numbers(20)) {
        await world.jan.say(world.ids.acmeRoom, `kill-test ${number}`, acmeCardId);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    for (const killAfterMs of [700, 1900]) {
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      await killHard(child);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      child = await world.spawn("main");
    }
    await writing;
    const startedMs = performance.now();
    await world.anna.waitFor(() => (relayedNumbers("kill-test").length >= 20 ? true : undefined), "20 relayed messages", 150_000);
    console.info(`kill -9: all 20 relayed ${((performance.now() - startedMs) / 1000).toFixed(1)} s after the last was written`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(relayedNumbers("kill-test")).toEqual(numbers(20));
    child.kill("SIGTERM");
    await new Promise<void>((resolve) => child.once("exit", () => resolve()));
  }, 240_000);

  it("a fresh installation on the same account acts on nothing from before its start, and answers what comes after", async () => {
    const { anna, ids } = world;
    const cardsBefore = anna.messagesFrom(ids.bot, ids.policeRoom).filter((event) => /Opened|N-\d{4}-0002/.test(bodyOf(event))).length;
    const botMessagesBefore = anna.messagesFrom(ids.bot).length;
    // Within Synapse's two-minute sync cache of the earlier installation's requests.
    running = await world.start("fresh");
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(anna.messagesFrom(ids.bot).length).toBe(botMessagesBefore);
    expect(anna.messagesFrom(ids.bot, ids.policeRoom).filter((event) => /Opened|N-\d{4}-0002/.test(bodyOf(event)))).toHaveLength(cardsBefore);
    const markMs = performance.now();
    await anna.say(ids.policeRoom, "!whoami");
    const answer = await anna.waitFor(() => anna.messagesFrom(ids.bot).find((event) => event.seenAtMs > markMs && bodyOf(event).includes("You act as Anna Politie")), "the fresh installation's answer");
    expect(answer.roomId).not.toBe(ids.policeRoom);
  }, 60_000);
});
