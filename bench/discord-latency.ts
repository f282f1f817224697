/**
 * Interaction-to-callback latency of Liaison's Discord adapter against a bare discord.js bot that replies at once,
 * measured side by side in one run, each bot against its own local fake Discord (real discord.js, real HTTP and
 * WebSocket on 127.0.0.1). Run: node --import tsx bench/discord-latency.ts [commands]
 *
 * Liaison's side answers "/case status N-2026-0042" through a core stand-in that answers at once. With
 * BENCH_CORE=real, the real core is behind the adapter instead (a migrated database with the demo directory, the
 * Discord user linked to a contact, the adapter's state kept in the database as in production) answering "/whoami"
 * (identity lookup, record entry, a private reply). The database is a temporary SQLite file, or PostgreSQL with
 * DATABASE_URL=postgres://... (a temporary database, see store.ts).
 */
import { Client, Events, GatewayIntentBits, MessageFlags } from "discord.js";
import { pino } from "pino";
import type { InboundHandler } from "../src/core/adapter.js";
import { createDiscordAdapter } from "../adapters/discord/index.js";
import { discordConfigSchema } from "../adapters/discord/config.js";
import { FakeDiscord, IDS } from "../test/fakes/discord/server.js";
import type { FakeInteraction, RecordedRequest } from "../test/fakes/discord/server.js";
import { slashFromText, TEST_CATALOG } from "../test/adapters/discord/harness.js";
import { MemoryStateStore } from "../test/support/memory-state.js";
import { commandCatalog } from "../src/commands/catalog.js";
import type { CommandCatalog } from "../src/core/catalog.js";
import { adapterStateStore } from "../src/store/adapter-state.js";
import { openRealCore, wantsRealCore, type RealCore } from "./real-core.js";

const COMMANDS = Number(process.argv[2] ?? 1000);
const WARMUP = 50;
const realCore: RealCore | undefined = wantsRealCore() ? await openRealCore("discord", { platform: "discord", workspace: "", userId: IDS.ann }) : undefined;
/** The catalog Liaison's side registers and the command it is sent: the real ones with the real core. */
const liaisonCatalog: CommandCatalog = realCore ? commandCatalog : TEST_CATALOG;
const liaisonCommand = realCore ? "/whoami" : "/case status N-2026-0042";

/** The value at a percentile (nearest rank) of sorted samples. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** Resolves when the fake has answered a request matching `test`. */
function answered(fake: FakeDiscord, test: (request: RecordedRequest) => boolean): Promise<RecordedRequest> {
  return new Promise((resolve) => {
    const previous = fake.onAnswered;
    fake.onAnswered = (request) => {
      previous?.(request);
      if (test(request)) {
        fake.onAnswered = previous;
        resolve(request);
      }
    };
  });
}

/** Sends one slash command and resolves with the interaction once its final answer has arrived. */
async function oneCommand(
  fake: FakeDiscord,
  finalAnswer: (interaction: FakeInteraction, request: RecordedRequest) => boolean,
  catalog: CommandCatalog = TEST_CATALOG,
  text = "/case status N-2026-0042",
): Promise<FakeInteraction> {
  let interaction: FakeInteraction | undefined;
  const done = answered(fake, (request) => interaction !== undefined && finalAnswer(interaction, request));
  const { name, options } = slashFromText(catalog, text);
  interaction = fake.slashCommand(IDS.ann, IDS.channel, name, options);
  await done;
  return interaction;
}

/** Liaison's adapter with a core stand-in that answers at once, or with the real core (BENCH_CORE=real). */
async function startLiaison(): Promise<{ fake: FakeDiscord; stop: () => Promise<void> }> {
  const fake = await new FakeDiscord({ bucketLimit: 10_000 }).listen();
  const adapter = createDiscordAdapter({
    config: discordConfigSchema.parse({ enabled: true, applicationId: IDS.application, guildIds: [IDS.guild], apiBaseUrl: fake.apiBaseUrl }),
    secrets: { DISCORD_TOKEN: fake.token },
    env: {
      catalog: liaisonCatalog,
      state: realCore ? adapterStateStore(realCore.store.db, fake.clock, "discord") : new MemoryStateStore(),
      logger: pino({ level: "silent" }),
      clock: fake.clock,
      // The benchmark measures live commands; no case threads to catch up on.
      openCaseThreads: async () => [],
    },
  });
  const handler: InboundHandler = realCore
    ? realCore.core.attach(adapter)
    : async () => ({ message: { text: "N-2026-0042: open, acknowledged 09:12" }, delivery: "ephemeral" });
  await adapter.start(handler);
  return { fake, stop: async () => (await adapter.stop(), await fake.close()) };
}

/** A bare discord.js bot replying (ephemerally) as soon as the interaction arrives. */
async function startBare(): Promise<{ fake: FakeDiscord; stop: () => Promise<void> }> {
  const fake = await new FakeDiscord({ bucketLimit: 10_000 }).listen();
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiBaseUrl } });
  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isChatInputCommand()) void interaction.reply({ content: "N-2026-0042: open, acknowledged 09:12", flags: MessageFlags.Ephemeral });
  });
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  await ready;
  return { fake, stop: async () => (await client.destroy(), await fake.close()) };
}

/** Summary line of samples in milliseconds. */
function summary(samples: number[]): { p50: number; p99: number; mean: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: samples.reduce((a, b) => a + b, 0) / samples.length, max: sorted.at(-1) ?? NaN };
}

const liaison = await startLiaison();
const bare = await startBare();
const isCallback = (interaction: FakeInteraction, request: RecordedRequest): boolean => request.path.startsWith(`/interactions/${interaction.id}/`);
const isEdit = (interaction: FakeInteraction, request: RecordedRequest): boolean =>
  request.method === "PATCH" && request.path.includes(interaction.token) && request.path.endsWith("/@original");

const liaisonCallback: number[] = [];
const liaisonAnswer: number[] = [];
const bareCallback: number[] = [];
for (let index = 0; index < WARMUP + COMMANDS; index += 1) {
  // Alternate who goes first so neither side always runs on a warmer process.
  const runs = index % 2 === 0 ? ["liaison", "bare"] : ["bare", "liaison"];
  for (const who of runs) {
    if (who === "liaison") {
      const interaction = await oneCommand(liaison.fake, isEdit, liaisonCatalog, liaisonCommand);
      if (index >= WARMUP) {
        liaisonCallback.push((interaction.respondedAtHr ?? NaN) - interaction.createdAtHr);
        liaisonAnswer.push(performance.now() - interaction.createdAtHr);
      }
    } else {
      const interaction = await oneCommand(bare.fake, isCallback);
      if (index >= WARMUP) bareCallback.push((interaction.respondedAtHr ?? NaN) - interaction.createdAtHr);
    }
  }
}
await liaison.stop();
await bare.stop();
await realCore?.close();

const format = (value: number): string => value.toFixed(2).padStart(8);
const ours = summary(liaisonCallback);
const theirs = summary(bareCallback);
const answer = summary(liaisonAnswer);
console.log(`Discord interaction-to-callback latency, ${COMMANDS} slash commands each (after ${WARMUP} warm-up), alternating, one process`);
console.log(realCore ? `Liaison side: the real core answering ${liaisonCommand}, ${realCore.label}` : `Liaison side: a stand-in core answering ${liaisonCommand} at once (no database; BENCH_CORE=real for the real core)`);
console.log(`${"".padEnd(44)}${"p50 ms".padStart(8)}${"p99 ms".padStart(8)}${"mean".padStart(8)}${"max".padStart(8)}`);
console.log(`${"Liaison adapter (first response: defer)".padEnd(44)}${format(ours.p50)}${format(ours.p99)}${format(ours.mean)}${format(ours.max)}`);
console.log(`${"bare discord.js bot (first response: reply)".padEnd(44)}${format(theirs.p50)}${format(theirs.p99)}${format(theirs.mean)}${format(theirs.max)}`);
console.log(`${"Liaison, until the answer is edited in".padEnd(44)}${format(answer.p50)}${format(answer.p99)}${format(answer.mean)}${format(answer.max)}`);
console.log(`p99 ratio (Liaison / bare), callback: ${(ours.p99 / theirs.p99).toFixed(2)} (target <= 1.3)`);
console.log(`p50 ratio (Liaison / bare), callback: ${(ours.p50 / theirs.p50).toFixed(2)}`);
