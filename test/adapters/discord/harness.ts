import { pino, type Logger } from "pino";
import type { PlatformIdentity, ThreadAddress } from "../../../src/core/adapter.js";
import type { CatalogCommand, CommandCatalog } from "../../../src/core/catalog.js";
import { MemoryStateStore } from "../../support/memory-state.js";
import type { DiscordAdapter } from "../../../adapters/discord/index.js";
import { createDiscordAdapter } from "../../../adapters/discord/index.js";
import { actionIdOf } from "../../../adapters/discord/components.js";
import type { DiscordConfig } from "../../../adapters/discord/config.js";
import type { ReplyPolicy } from "../../../src/core/reply-policy.js";
import { discordConfigSchema } from "../../../adapters/discord/config.js";
import type { AdapterHarness, ObservedMessage, RecordingHandler } from "../../contract/harness.js";
import type { FakeDiscordOptions, FakeInteraction, FakeMessage } from "../../fakes/discord/server.js";
import { FakeDiscord, IDS } from "../../fakes/discord/server.js";

/** A catalog like the real one: groups with and without subcommands, positional, flag, boolean, number and enum arguments. */
export const TEST_CATALOG: CommandCatalog = [
  command("help", undefined, "How to use Liaison", [arg("command", { positional: true, rest: true, description: "A command to explain" })]),
  command("whoami", undefined, "Who Liaison thinks you are", []),
  command("contacts", "find", "Find points of contact", [
    arg("query", { positional: true, rest: true, required: true, description: "Words to look for" }),
    arg("country", { description: "ISO country code" }),
    arg("topic", { description: "Topic", choices: ["notices", "removal-orders", "investigations", "data-sharing", "general"] }),
  ]),
  command("contacts", "show", "Show one organisation", [arg("org", { positional: true, required: true, description: "Organisation slug" })]),
  command("case", "status", "Status of a case", [arg("ref", { positional: true, required: true, description: "Case reference" })]),
  command("case", "ack", "Acknowledge a case", [arg("ref", { positional: true, required: true, description: "Case reference" })]),
  command("case", "resolve", "Resolve a case with an outcome", [
    arg("ref", { positional: true, required: true, description: "Case reference" }),
    arg("outcome", { required: true, description: "Outcome", choices: ["removed", "access-disabled", "no-action"] }),
    arg("reason", { description: "Why" }),
  ]),
  command("notice", "open", "Open a notice towards an organisation", [
    arg("org", { positional: true, required: true, description: "Organisation slug" }),
    arg("urgent", { type: "boolean", description: "Threat to life" }),
    arg("hours", { type: "number", description: "Deadline in hours" }),
  ]),
  command("digest", undefined, "Your reminder digest", []),
  command("digest", "settings", "Digest settings", [arg("time", { description: "When to send it" })]),
];

/** A catalog command. */
function command(group: string, name: string | undefined, summary: string, args: CatalogCommand["arguments"]): CatalogCommand {
  return { group, name, summary, usage: `/${group}${name ? ` ${name}` : ""}`, examples: [], arguments: args };
}

/** A catalog argument with defaults. */
function arg(name: string, options: Partial<CatalogCommand["arguments"][number]>): CatalogCommand["arguments"][number] {
  return { name, description: name, type: "string", required: false, positional: false, rest: false, ...options };
}


/** Splits a command line into tokens, honouring double quotes. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const match of text.matchAll(pattern)) tokens.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? ""));
  return tokens;
}

/** Turns "/contacts find hosting --country NL" into the slash command Discord would send: name and options. */
export function slashFromText(catalog: CommandCatalog, text: string): { name: string; options: unknown[] } {
  const [head = "", ...tokens] = tokenize(text);
  const group = head.replace(/^\//, "");
  const subs = catalog.filter((entry) => entry.group === group && entry.name !== undefined);
  let entry = catalog.find((candidate) => candidate.group === group && candidate.name === undefined);
  let subName: string | undefined;
  if (subs.length > 0) {
    const sub = subs.find((candidate) => candidate.name === tokens[0]);
    if (sub) {
      entry = sub;
      subName = tokens.shift();
    } else if (entry) {
      subName = "show";
    }
  }
  if (!entry) throw new Error(`no command for ${text}`);
  const options: { name: string; type: number; value: string | number | boolean }[] = [];
  const positional = entry.arguments.filter((argument) => argument.positional);
  const free: string[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index] ?? "";
    const flag = token.startsWith("--") ? entry.arguments.find((argument) => argument.name === token.slice(2)) : undefined;
    if (flag?.type === "boolean") options.push({ name: flag.name, type: 5, value: true });
    else if (flag) {
      const raw = tokens[++index] ?? "";
      options.push({ name: flag.name, type: flag.type === "number" ? 10 : 3, value: flag.type === "number" ? Number(raw) : raw });
    } else free.push(token);
  }
  for (const argument of positional) {
    if (free.length === 0) break;
    const value = argument.rest ? free.splice(0).join(" ") : (free.shift() ?? "");
    options.push({ name: argument.name, type: 3, value });
  }
  return subName ? { name: group, options: [{ name: subName, type: 1, options }] } : { name: group, options };
}

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Human-readable text of a fake message: content, embed title/description/fields/footer, button labels. */
export const observedText = (message: FakeMessage): string => FakeDiscord.visibleText(message);

/** A fake message as the contract observes it. */
function observe(message: FakeMessage): ObservedMessage {
  const observed: ObservedMessage = { messageId: message.id, text: observedText(message), fromBot: message.author.id === IDS.bot };
  if (message.threadId) observed.threadId = message.threadId;
  if (message.ephemeralTo) observed.ephemeralTo = message.ephemeralTo;
  return observed;
}

/** A running fake Discord with the adapter connected to it. */
export interface DiscordSetup {
  fake: FakeDiscord;
  adapter: DiscordAdapter;
  state: MemoryStateStore;
  /** Injects an event and resolves once the adapter has finished with it. */
  settle<T>(inject: () => T): Promise<T>;
  /** Injects an event and resolves once the adapter has received it (not waiting for the work). */
  deliver<T>(inject: () => T): Promise<T>;
  close(): Promise<void>;
}

/** Starts a fake Discord and the adapter against it, started with `handler`. */
export async function startDiscord(
  handle: RecordingHandler["handle"],
  overrides: {
    config?: Partial<DiscordConfig>;
    fake?: FakeDiscordOptions;
    catalog?: CommandCatalog;
    replyPolicy?: Partial<ReplyPolicy>;
    /** The open case threads the adapter catches up on at start (none by default). */
    openCaseThreads?: () => Promise<ThreadAddress[]>;
    /** The adapter's state (a fresh memory store by default), to start again with what an earlier start kept. */
    state?: MemoryStateStore;
    /** A fake Discord already running (a restart against the same server). */
    running?: FakeDiscord;
    /** The adapter's logger (silent by default). */
    logger?: Logger;
  } = {},
): Promise<DiscordSetup> {
  const fake = overrides.running ?? (await new FakeDiscord(overrides.fake).listen());
  const state = overrides.state ?? new MemoryStateStore();
  const config = discordConfigSchema.parse({ enabled: true, applicationId: IDS.application, guildIds: [IDS.guild], apiBaseUrl: fake.apiBaseUrl, readyTimeoutMs: 10_000, ...overrides.config });
  const adapter = createDiscordAdapter({
    config,
    secrets: { DISCORD_TOKEN: fake.token },
    env: {
      catalog: overrides.catalog ?? TEST_CATALOG,
      state,
      logger: overrides.logger ?? pino({ level: process.env.LOG_LEVEL ?? "silent" }),
      clock: fake.clock,
      openCaseThreads: overrides.openCaseThreads ?? (async () => []),
    },
    // Transient failures are retried after 50 ms instead of 1 s, so that tests run quickly.
    replyPolicy: { firstBackoffMs: 50, ...overrides.replyPolicy },
  });
  await adapter.start(handle);
  const deliver = async <T>(inject: () => T): Promise<T> => {
    const before = adapter.dispatchesSeen;
    const result = inject();
    await waitFor(() => adapter.dispatchesSeen > before, 5000, "the adapter to receive the dispatch");
    return result;
  };
  const settle = async <T>(inject: () => T): Promise<T> => {
    const result = await deliver(inject);
    await adapter.idle();
    return result;
  };
  return {
    fake,
    adapter,
    state,
    settle,
    deliver,
    close: async () => {
      await adapter.stop();
      await fake.close();
    },
  };
}

/** The contract harness over a started setup. */
export async function makeHarness(handler: RecordingHandler): Promise<AdapterHarness> {
  const setup = await startDiscord(handler.handle);
  const { fake, adapter, settle, deliver } = setup;
  const channel = { platform: "discord" as const, workspace: IDS.guild, channelId: IDS.channel };
  const identity = (userId: string): PlatformIdentity => ({ platform: "discord", workspace: IDS.guild, userId });
  const lastInteraction = (userId: string): FakeInteraction | undefined =>
    [...fake.interactions.values()].filter((interaction) => interaction.user.id === userId).at(-1);
  return {
    adapter,
    channel,
    users: [identity(IDS.ann), identity(IDS.bob)],
    async typeCommand(user, text, thread?: ThreadAddress) {
      const { name, options } = slashFromText(TEST_CATALOG, text);
      await settle(() => fake.slashCommand(user.userId, thread?.threadId ?? channel.channelId, name, options));
    },
    async sendCommand(user, text) {
      const { name, options } = slashFromText(TEST_CATALOG, text);
      await deliver(() => fake.slashCommand(user.userId, channel.channelId, name, options));
    },
    async sendInThread(user, thread, text) {
      await deliver(() => fake.userMessage(user.userId, thread.threadId, text));
    },
    settled: () => adapter.idle(),
    async writeInThread(user, thread, text) {
      await settle(() => fake.userMessage(user.userId, thread.threadId, text));
    },
    async redeliverLast() {
      await settle(() => fake.redeliverLast());
    },
    async pressButton(user, messageId, actionId, values = {}) {
      const message = fake.message(messageId);
      const rows = (message?.components ?? []) as { components?: { custom_id?: string }[] }[];
      const button = rows.flatMap((row) => row.components ?? []).find((component) => actionIdOf(component.custom_id ?? "") === actionId);
      if (!button?.custom_id) throw new Error(`no button ${actionId} on message ${messageId}`);
      const customId = button.custom_id;
      const pressed = await settle(() => fake.pressButton(user.userId, messageId, customId));
      if (pressed.modal) await settle(() => fake.submitModal(user.userId, pressed, values));
    },
    async channelMessages(target = channel) {
      return fake.messagesIn(target.channelId).filter((message) => !message.loading).map(observe);
    },
    async threadMessages(thread) {
      return fake.messagesIn(thread.threadId).map(observe);
    },
    async directMessages(user) {
      const dm = fake.dmChannelOf(user.userId);
      return dm ? fake.messagesIn(dm.id).map(observe) : [];
    },
    async privateMessagesTo(user) {
      const dm = fake.dmChannelOf(user.userId);
      return fake.messages.filter((message) => !message.deleted && !message.loading && (message.ephemeralTo === user.userId || (dm !== undefined && message.channelId === dm.id))).map(observe);
    },
    async lastReplySeenBy(user) {
      const interaction = lastInteraction(user.userId);
      if (!interaction) return undefined;
      const dm = fake.dmChannelOf(user.userId);
      const seen = fake.messages.filter(
        (message) =>
          !message.deleted &&
          !message.loading &&
          message.createdAtMs >= interaction.createdAtMs &&
          ((message.interactionId === interaction.id && (message.ephemeralTo === undefined || message.ephemeralTo === user.userId)) ||
            (dm !== undefined && message.channelId === dm.id)),
      );
      if (seen.length === 0) return undefined;
      const last = seen[seen.length - 1] as FakeMessage;
      return { ...observe(last), text: seen.map(observedText).join("\n") };
    },
    rateLimitNextSend(retryAfterMs) {
      fake.rateLimitNext({ method: "POST", path: /^\/channels\/\d+\/messages$/, retryAfterMs });
    },
    rateLimitReplies(count, retryAfterMs) {
      // Follow-ups with the interaction token carry an answer shown in place.
      for (let index = 0; index < count; index += 1) fake.rateLimitNext({ method: "POST", path: /^\/webhooks\/\d+\/[^/]+$/, retryAfterMs });
    },
    close: setup.close,
  };
}
