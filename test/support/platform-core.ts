// A full Liaison core on a temporary SQLite database with the REAL chat adapters attached, each started against its
// local fake platform (fake Slack, fake Matrix homeserver, fake Discord) plus the console adapter on in-memory
// streams. End-to-end case tests drive people's actions through the fakes and read back what the fakes recorded.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { pino, type Logger } from "pino";
import { createDiscordAdapter, type DiscordAdapter } from "../../adapters/discord/index.js";
import { discordConfigSchema } from "../../adapters/discord/config.js";
import { actionIdOf } from "../../adapters/discord/components.js";
import { ConsoleAdapter } from "../../adapters/console/index.js";
import { createMatrixAdapter, matrixConfigSchema, type MatrixAdapter, type MatrixConfig } from "../../adapters/matrix/index.js";
import { createSlackAdapter, slackConfigSchema, type SlackAdapter } from "../../adapters/slack/index.js";
import { createCore, type Core } from "../../src/app/app.js";
import { CaseRepository } from "../../src/cases/repository.js";
import { commandCatalog } from "../../src/commands/catalog.js";
import { loadConfig, type LoadedConfig } from "../../src/config/load.js";
import type { InboundHandler, Platform } from "../../src/core/adapter.js";
import { ManualClock } from "../../src/core/clock.js";
import type { AdapterEnvironment } from "../../src/core/platform.js";
import { importDirectory } from "../../src/directory/import.js";
import { adapterStateStore } from "../../src/store/adapter-state.js";
import { openStore, type Store } from "../../src/store/db.js";
import { applyMigrations } from "../../src/store/migrate.js";
import { FakeDiscord, IDS, type FakeInteraction, type FakeMessage as DiscordMessage } from "../fakes/discord/server.js";
import { FakeHomeserver } from "../fakes/matrix/homeserver.js";
import type { StoredEvent } from "../fakes/matrix/model.js";
import { FakeSlack, type Delivery, type FakeMessage as SlackMessage, type FakeWorkspace } from "../fakes/slack/server.js";
import { TEST_KEYS } from "./keys.js";

/** The project's root directory. */
export const ROOT_DIR = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** When the test clock starts: a Friday, 11:00 in Amsterdam (inside everyone's working hours). */
export const PLATFORM_TEST_START = "2026-11-20T10:00:00.000Z";

/** The people and places of the test world, by platform. */
export const WORLD = {
  slack: {
    team: "T0ACME",
    casesChannel: "C0ACMECASES",
    jan: { id: "U0JAN", name: "jan" },
    eva: { id: "U0EVA", name: "eva" },
    /** A Slack user in the workspace who is not in the directory. */
    stranger: { id: "U0STRANGER", name: "stranger" },
  },
  matrix: {
    serverName: "police.test",
    bot: "@liaison:police.test",
    anna: "@anna:police.test",
    bram: "@bram:police.test",
  },
  discord: {
    guild: IDS.guild,
    casesChannel: IDS.channel,
    ann: IDS.ann,
    bob: IDS.bob,
  },
  console: { channel: "desk-cases", dana: "dana.desk" },
} as const;

/** Organisation names, as relayed messages show them ("Name (Organisation): text"). */
export const ORG_NAMES = {
  police: "Police Cyber Unit (test)",
  acme: "ACME Hosting (test)",
  hotline: "Safe Web Hotline (test)",
  desk: "Coordination Desk (test)",
} as const;

/** Contact names, as relayed messages show them. */
export const PEOPLE = {
  anna: "Anna Politie",
  bram: "Bram Politie",
  jan: "Jan Acme",
  eva: "Eva Acme",
  ann: "Ann Hotline",
  bob: "Bob Hotline",
  dana: "Dana Desk",
} as const;

/** The directory of the test world: one organisation per platform, each with its cases channel and linked people. */
export function worldDirectory(matrixCasesRoom: string): string {
  const { slack, matrix, discord, console } = WORLD;
  return JSON.stringify({
    version: 1,
    organisations: [
      {
        slug: "nl-police",
        name: ORG_NAMES.police,
        kind: "lea",
        country: "NL",
        timeZone: "Europe/Amsterdam",
        workingHours: "24/7",
        channels: [{ platform: "matrix", channel: matrixCasesRoom }],
        contacts: [
          { handle: "anna.politie", name: PEOPLE.anna, roles: { notices: "primary" }, orgAdmin: true, identities: [{ platform: "matrix", user: matrix.anna }] },
          { handle: "bram.politie", name: PEOPLE.bram, roles: { notices: "backup" }, identities: [{ platform: "matrix", user: matrix.bram }] },
        ],
      },
      {
        slug: "acme",
        name: ORG_NAMES.acme,
        kind: "hosting",
        country: "NL",
        timeZone: "Europe/Amsterdam",
        workingHours: "24/7",
        channels: [{ platform: "slack", workspace: slack.team, channel: slack.casesChannel }],
        contacts: [
          { handle: "jan.acme", name: PEOPLE.jan, roles: { notices: "primary" }, orgAdmin: true, identities: [{ platform: "slack", workspace: slack.team, user: slack.jan.id }] },
          { handle: "eva.acme", name: PEOPLE.eva, roles: { notices: "backup" }, identities: [{ platform: "slack", workspace: slack.team, user: slack.eva.id }] },
        ],
      },
      {
        slug: "hotline",
        name: ORG_NAMES.hotline,
        kind: "ngo",
        country: "NL",
        timeZone: "Europe/Amsterdam",
        workingHours: "24/7",
        channels: [{ platform: "discord", workspace: discord.guild, channel: discord.casesChannel }],
        contacts: [
          // Discord ids are global: the directory keeps them with workspace "" whatever the file says.
          { handle: "ann.hotline", name: PEOPLE.ann, roles: { notices: "primary" }, orgAdmin: true, identities: [{ platform: "discord", user: discord.ann }] },
          { handle: "bob.hotline", name: PEOPLE.bob, roles: { notices: "backup" }, identities: [{ platform: "discord", workspace: discord.guild, user: discord.bob }] },
        ],
      },
      {
        slug: "desk",
        name: ORG_NAMES.desk,
        kind: "government",
        country: "NL",
        timeZone: "Europe/Amsterdam",
        workingHours: "24/7",
        channels: [{ platform: "console", channel: console.channel }],
        contacts: [{ handle: console.dana, name: PEOPLE.dana, roles: { notices: "primary" }, orgAdmin: true }],
      },
    ],
  });
}

/** The fake Slack with the adapter started against it. */
export interface SlackSide {
  fake: FakeSlack;
  workspace: FakeWorkspace;
  adapter: SlackAdapter;
  /** The last request the fake sent to the app (for redelivery). */
  last: Delivery | undefined;
  /** Waits until the fake and the adapter have finished everything in flight. */
  idle(): Promise<void>;
  /** A person runs a slash command ("/notice desk ...") in the cases channel (or another channel). */
  command(user: string, text: string, channel?: string): Promise<Delivery>;
  /** A person writes in a thread. */
  write(user: string, threadTs: string, text: string, channel?: string): Promise<Delivery>;
  /** Slack delivers a request again (HTTP retry with X-Slack-Retry-Num). */
  redeliver(delivery: Delivery): Promise<Delivery>;
  /** A person presses a Liaison button (by action id: "ack", "resolve") on a message; fills in the modal it opens. */
  press(user: string, messageTs: string, actionId: string, formValues?: Record<string, string>): Promise<{ button: Delivery; form?: Delivery }>;
  /** Replies in a thread (not the root), with their visible text. */
  thread(threadTs: string, channel?: string): SlackMessage[];
  /** Top-level messages of the cases channel. */
  channel(channel?: string): SlackMessage[];
}

/** The fake homeserver with the adapter started against it. */
export interface MatrixSide {
  fake: FakeHomeserver;
  adapter: MatrixAdapter;
  /** The police's cases room. */
  casesRoom: string;
  /** Waits until the bot has synced past everything on the stream and handled it. */
  idle(): Promise<void>;
  /** A person writes (optionally in a thread); resolves once the bot has handled it. */
  say(user: string, body: string, threadRoot?: string, room?: string): Promise<string>;
  /** A person reacts to an event; resolves once the bot has handled it. */
  react(user: string, eventId: string, key: string, room?: string): Promise<string>;
  /** The homeserver sends an event again (a replayed sync); resolves once the bot has handled it. */
  redeliver(eventId: string): Promise<void>;
  /** m.room.message events in a thread of the cases room (not the root). */
  thread(rootId: string, room?: string): StoredEvent[];
  /** Top-level m.room.message events of the cases room. */
  topLevel(room?: string): StoredEvent[];
}

/** The fake Discord with the adapter started against it. */
export interface DiscordSide {
  fake: FakeDiscord;
  adapter: DiscordAdapter;
  /** Waits until the adapter has received and handled everything dispatched so far. */
  idle(): Promise<void>;
  /** A person uses a slash command (name and options as Discord sends them) in a channel. */
  slash(user: string, name: string, options: unknown[], channel?: string): Promise<FakeInteraction>;
  /** A person writes in a channel or thread. */
  write(user: string, channelId: string, text: string): Promise<DiscordMessage>;
  /** A person presses a Liaison button (by action id) on a message; submits the modal it opens with `values`. */
  press(user: string, messageId: string, actionId: string, values?: Record<string, string>): Promise<{ button: FakeInteraction; form?: FakeInteraction }>;
  /** The gateway connection drops; the client resumes and Discord replays the last event as well. */
  resumeAndReplay(): Promise<void>;
  /** Messages in a channel or thread channel. */
  messagesIn(channelId: string): DiscordMessage[];
}

/** The console adapter on in-memory streams. */
export interface ConsoleSide {
  adapter: ConsoleAdapter;
  /** Everything the console printed so far. */
  output(): string;
  /** Printed lines that start with "[<thread title>] ". */
  threadLines(title: string): string[];
  /** Types a line ("dana.desk: /case ack N-2026-0001") and waits until it has been handled. */
  type(line: string): Promise<void>;
}

/** The running world. */
export interface PlatformWorld {
  store: Store;
  core: Core;
  clock: ManualClock;
  loaded: LoadedConfig;
  slack?: SlackSide;
  matrix?: MatrixSide;
  discord?: DiscordSide;
  console: ConsoleSide;
  /** Delivers everything in the outbox through the adapters and waits for the platforms to settle. */
  deliver(): Promise<void>;
  /** Outbox rows that did not reach their platform (dead, or still pending with an error). */
  undelivered(): Promise<{ state: string; lastError: string | null; destination: string }[]>;
  close(): Promise<void>;
}

const logger = (): Logger => pino({ level: process.env.LOG_LEVEL ?? "silent" });

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function environment(store: Store, clock: ManualClock, namespace: string, log: Logger): AdapterEnvironment {
  return {
    catalog: commandCatalog,
    state: adapterStateStore(store.db, clock, namespace),
    logger: log.child({ platform: namespace }),
    clock,
    openCaseThreads: () => new CaseRepository(store.db).threadsToCatchUp(namespace),
  };
}

function threadOf(event: StoredEvent): string | undefined {
  const relation = event.content["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined;
  return relation?.rel_type === "m.thread" ? relation.event_id : undefined;
}

/** The text a Slack user sees of a message. */
export const slackText = (message: SlackMessage): string => FakeSlack.visibleText(message);

/** What a Discord user sees of a message: its content, its embeds, its button labels. */
export const discordText = (message: DiscordMessage): string => FakeDiscord.visibleText(message);

/**
 * Starts the world: a migrated SQLite store with the test directory, the core, the console adapter, and the real
 * adapters of the `platforms` asked for, each against its own fake (`options.matrix` changes the Matrix settings).
 */
export async function startPlatformWorld(
  platforms: readonly Exclude<Platform, "console">[],
  options: { matrix?: Partial<MatrixConfig>; logger?: Logger } = {},
): Promise<PlatformWorld> {
  const dir = mkdtempSync(join(tmpdir(), "liaison-platforms-"));
  const target = { provider: "sqlite" as const, url: join(dir, "liaison.db") };
  await applyMigrations(target);
  const store = await openStore(target);
  const clock = new ManualClock(PLATFORM_TEST_START);
  const loaded = loadConfig({ rootDir: ROOT_DIR, env: {} });
  const log = options.logger ?? logger();
  const core = createCore({ store, clock, keys: TEST_KEYS, logger: log, loaded });
  const closers: (() => Promise<void>)[] = [];
  const idlers: (() => Promise<void>)[] = [];

  // Matrix first: its cases room id is part of the directory.
  const { matrix: M } = WORLD;
  const homeserver = new FakeHomeserver(M.serverName);
  let botToken = "";
  let casesRoom = "!nocases:police.test";
  if (platforms.includes("matrix")) {
    await homeserver.start();
    botToken = homeserver.registerUser(M.bot, { displayName: "Liaison" });
    homeserver.registerUser(M.anna, { displayName: "Anna" });
    homeserver.registerUser(M.bram, { displayName: "Bram" });
    casesRoom = homeserver.createRoom(M.anna, { name: "Police cases", members: [M.bram, M.bot] });
  }
  const imported = await importDirectory(store.db, clock, TEST_KEYS, worldDirectory(casesRoom), "json", { actor: "system", via: "test-seed" });
  if (!imported.ok) throw new Error(`test directory did not import: ${JSON.stringify(imported.problems)}`);

  let slack: SlackSide | undefined;
  if (platforms.includes("slack")) {
    const { slack: S } = WORLD;
    const fake = await FakeSlack.start();
    const workspace = fake.addWorkspace({ teamId: S.team, users: [S.jan, S.eva, S.stranger], channels: [{ id: S.casesChannel, name: "abuse-cases" }] });
    const config = slackConfigSchema.parse({ enabled: true, http: { host: "127.0.0.1", port: 0 }, apiUrl: fake.apiUrl });
    const adapter = createSlackAdapter({
      config,
      secrets: { SLACK_BOT_TOKEN: workspace.botToken, SLACK_SIGNING_SECRET: fake.signingSecret },
      env: environment(store, clock, "slack", log),
    });
    await adapter.start(core.attach(adapter));
    fake.transport = "http";
    fake.appUrl = `http://127.0.0.1:${adapter.listeningPort() ?? 0}${config.http.eventsPath}`;
    const idle = async () => {
      await fake.settle();
      await adapter.whenIdle();
      await fake.settle();
    };
    const side: SlackSide = {
      fake,
      workspace,
      adapter,
      last: undefined,
      idle,
      async command(user, text, channel = S.casesChannel) {
        const match = /^(\/\S+)\s*([\s\S]*)$/.exec(text.trim());
        if (!match) throw new Error(`not a slash command: ${text}`);
        const delivery = await fake.slashCommand({ team: S.team, user, channel, command: match[1] ?? "", text: match[2] ?? "" });
        side.last = delivery;
        await idle();
        return delivery;
      },
      async write(user, threadTs, text, channel = S.casesChannel) {
        await idle();
        const delivery = await fake.userMessage({ team: S.team, user, channel, threadTs, text });
        side.last = delivery;
        await idle();
        return delivery;
      },
      async redeliver(delivery) {
        const again = await fake.redeliver(delivery);
        await idle();
        return again;
      },
      async press(user, messageTs, actionId, formValues) {
        await idle();
        const { delivery, triggerId } = await fake.pressButton({ team: S.team, user, messageTs, actionId: `liaison:act:${actionId}` });
        side.last = delivery;
        await idle();
        const view = fake.openedViews.find((candidate) => candidate.triggerId === triggerId);
        if (!view) return { button: delivery };
        if (!formValues) throw new Error(`the ${actionId} button opened a form; give its values`);
        const byBlock = Object.fromEntries(Object.entries(formValues).map(([name, value]) => [`f:${name}`, value]));
        const form = await fake.submitView({ team: S.team, user, viewId: view.id, values: byBlock });
        side.last = form;
        await idle();
        return { button: delivery, form };
      },
      thread: (threadTs, channel = S.casesChannel) => fake.threadMessages(S.team, channel, threadTs),
      channel: (channel = S.casesChannel) => fake.channelMessages(S.team, channel),
    };
    slack = side;
    idlers.push(idle);
    closers.push(async () => {
      await adapter.stop();
      await fake.close();
    });
  }

  let matrix: MatrixSide | undefined;
  if (platforms.includes("matrix")) {
    const fake = homeserver;
    const config = matrixConfigSchema.parse({ enabled: true, homeserverUrl: fake.baseUrl, syncTimeoutMs: 500, syncRetryMinMs: 50, syncRetryMaxMs: 200, ...options.matrix });
    const adapter = createMatrixAdapter({ config, secrets: { MATRIX_ACCESS_TOKEN: botToken }, env: environment(store, clock, "matrix", log) });
    await adapter.start(core.attach(adapter));
    const caughtUp = async (): Promise<void> => {
      await fake.waitForSyncPast(M.bot, fake.model.stream.length);
      await adapter.settled();
    };
    const idle = async (): Promise<void> => {
      // Handling an event may post more (a reply, a DM room): settle until the stream stops growing.
      for (let round = 0; round < 10; round += 1) {
        const length = fake.model.stream.length;
        await caughtUp();
        if (fake.model.stream.length === length) return;
      }
    };
    matrix = {
      fake,
      adapter,
      casesRoom,
      idle,
      async say(user, body, threadRoot, room = casesRoom) {
        const eventId = fake.say(user, room, body, threadRoot);
        await idle();
        return eventId;
      },
      async react(user, eventId, key, room = casesRoom) {
        const reaction = fake.sendAs(user, room, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key } });
        await idle();
        return reaction;
      },
      async redeliver(eventId) {
        fake.redeliver(eventId);
        await idle();
      },
      thread: (rootId, room = casesRoom) => fake.roomEvents(room).filter((event) => event.type === "m.room.message" && threadOf(event) === rootId),
      topLevel: (room = casesRoom) => fake.roomEvents(room).filter((event) => event.type === "m.room.message" && threadOf(event) === undefined),
    };
    idlers.push(idle);
    closers.push(async () => {
      await adapter.stop();
      await fake.close();
    });
  }

  let discord: DiscordSide | undefined;
  if (platforms.includes("discord")) {
    const fake = await new FakeDiscord().listen();
    const config = discordConfigSchema.parse({ enabled: true, applicationId: IDS.application, guildIds: [IDS.guild], apiBaseUrl: fake.apiBaseUrl, readyTimeoutMs: 10_000 });
    const adapter = createDiscordAdapter({
      config,
      secrets: { DISCORD_TOKEN: fake.token },
      env: environment(store, clock, "discord", log),
    });
    await adapter.start(core.attach(adapter));
    const settle = async <T>(inject: () => T): Promise<T> => {
      const before = adapter.dispatchesSeen;
      const result = inject();
      await waitFor(() => adapter.dispatchesSeen > before, 5000, "the Discord adapter to receive the dispatch");
      await adapter.idle();
      return result;
    };
    const idle = () => adapter.idle();
    discord = {
      fake,
      adapter,
      idle,
      slash: (user, name, options, channel = IDS.channel) => settle(() => fake.slashCommand(user, channel, name, options)),
      write: (user, channelId, text) => settle(() => fake.userMessage(user, channelId, text)),
      async press(user, messageId, actionId, values) {
        const message = fake.message(messageId);
        const rows = (message?.components ?? []) as { components?: { custom_id?: string }[] }[];
        const button = rows.flatMap((row) => row.components ?? []).find((component) => actionIdOf(component.custom_id ?? "") === actionId);
        if (!button?.custom_id) throw new Error(`no button ${actionId} on Discord message ${messageId}`);
        const customId = button.custom_id;
        const pressed = await settle(() => fake.pressButton(user, messageId, customId));
        if (!pressed.modal) return { button: pressed };
        if (!values) throw new Error(`the ${actionId} button opened a modal; give its values`);
        const form = await settle(() => fake.submitModal(user, pressed, values));
        return { button: pressed, form };
      },
      async resumeAndReplay() {
        const resumes = fake.gateway.stats.resumes;
        fake.gateway.drop(4000);
        await waitFor(() => fake.gateway.stats.resumes > resumes && fake.gateway.connected, 10_000, "the Discord client to resume");
        await settle(() => fake.redeliverLast());
      },
      messagesIn: (channelId) => fake.messagesIn(channelId),
    };
    idlers.push(idle);
    closers.push(async () => {
      await adapter.stop();
      await fake.close();
    });
  }

  // The console: a scripted session on in-memory streams.
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
  let handled = 0;
  const consoleAdapter = new ConsoleAdapter({
    input,
    output,
    interactive: false,
    actAs: WORLD.console.dana,
    afterLine: async () => {
      handled += 1;
    },
  });
  await consoleAdapter.start(core.attach(consoleAdapter) as InboundHandler);
  const consoleSide: ConsoleSide = {
    adapter: consoleAdapter,
    output: () => printed,
    threadLines: (title) =>
      printed
        .split("\n")
        .filter((line) => line.startsWith(`[${title}] `))
        .map((line) => line.slice(title.length + 3)),
    async type(line) {
      const before = handled;
      input.write(`${line}\n`);
      await waitFor(() => handled > before, 10_000, `the console to handle "${line}"`);
    },
  };
  closers.push(async () => {
    input.end();
    await consoleAdapter.stop();
  });

  const settleAll = async () => {
    for (const idle of idlers) await idle();
  };
  return {
    store,
    core,
    clock,
    loaded,
    ...(slack ? { slack } : {}),
    ...(matrix ? { matrix } : {}),
    ...(discord ? { discord } : {}),
    console: consoleSide,
    async deliver() {
      // Delivering may cause inbound work (echoes, replies), which may queue more: repeat until quiet.
      for (let round = 0; round < 5; round += 1) {
        await settleAll();
        const pass = await core.outbox.runOnce();
        if (pass.sent === 0 && pass.retried === 0 && pass.dead === 0) break;
        await core.outbox.drain();
      }
      await settleAll();
    },
    async undelivered() {
      const rows = await store.db.outboxMessage.findMany({ where: { OR: [{ state: "dead" }, { state: "pending" }] }, orderBy: { seq: "asc" } });
      return rows.map((row) => ({ state: row.state, lastError: row.lastError, destination: row.destination }));
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
