/** Shared setup of the Slack adapter tests: an environment, the fake Slack, and a started adapter. */
import pino from "pino";
import type { InboundHandler, ThreadAddress } from "../../../src/core/adapter.js";
import type { CommandCatalog } from "../../../src/core/catalog.js";
import { systemClock } from "../../../src/core/clock.js";
import type { AdapterEnvironment } from "../../../src/core/platform.js";
import type { ReplyPolicy } from "../../../src/core/reply-policy.js";
import { MemoryStateStore } from "../../support/memory-state.js";
import { createSlackAdapter, slackConfigSchema, type SlackAdapter, type SlackConfig, type SlackSecrets } from "../../../adapters/slack/index.js";
import { FakeSlack, type FakeWorkspace } from "../../fakes/slack/server.js";


/** A small catalog like the real one, for tests that need commands. */
export const SAMPLE_CATALOG: CommandCatalog = [
  { group: "help", summary: "How to use Liaison", usage: "/help [<topic...>]", examples: ["/help case"], arguments: [{ name: "topic", description: "a command", type: "string", required: false, positional: true, rest: true }] },
  { group: "contacts", name: "find", summary: "Find contacts", usage: "/contacts find [<query...>]", examples: [], arguments: [] },
  { group: "contacts", name: "show", summary: "Show an entry", usage: "/contacts show <entry>", examples: [], arguments: [] },
  { group: "case", name: "ack", summary: "Acknowledge a case", usage: "/case ack <case>", examples: [], arguments: [] },
  { group: "case", name: "resolve", summary: "Resolve a case", usage: "/case resolve <case> --outcome <outcome> --reason <reason>", examples: [], arguments: [] },
];

/** An adapter environment with a memory state store and a silent logger. */
export function testEnvironment(state = new MemoryStateStore(), openCaseThreads: () => Promise<ThreadAddress[]> = async () => []): AdapterEnvironment & { state: MemoryStateStore } {
  return { catalog: SAMPLE_CATALOG, state, logger: pino({ level: process.env.LOG_LEVEL ?? "silent" }), clock: systemClock, openCaseThreads };
}

/** The two people and the channel every Slack test starts with. */
export const ANN = { id: "U0ANN", name: "ann" };
export const BOB = { id: "U0BOB", name: "bob" };
export const TEAM = "T0ALPHA";
export const CASES_CHANNEL = "C0CASES";

/** A started fake Slack and adapter wired together. */
export interface SlackRig {
  fake: FakeSlack;
  workspace: FakeWorkspace;
  adapter: SlackAdapter;
  env: ReturnType<typeof testEnvironment>;
  close(): Promise<void>;
}

/** Starts a fake Slack with one workspace and a Slack adapter against it (HTTP by default, or Socket Mode). */
export async function startRig(
  handler: InboundHandler,
  options: {
    config?: Partial<SlackConfig>;
    env?: ReturnType<typeof testEnvironment>;
    replyPolicy?: Partial<ReplyPolicy>;
    /** A fake Slack already running, with its workspace (a restart against the same Slack). */
    running?: { fake: FakeSlack; workspace: FakeWorkspace };
  } = {},
): Promise<SlackRig> {
  const fake = options.running?.fake ?? (await FakeSlack.start());
  const workspace =
    options.running?.workspace ?? fake.addWorkspace({ teamId: TEAM, users: [ANN, BOB], channels: [{ id: CASES_CHANNEL, name: "cases" }, { id: "C0OTHER", name: "other", botIsMember: false }] });
  const env = options.env ?? testEnvironment();
  const config = slackConfigSchema.parse({ enabled: true, http: { host: "127.0.0.1", port: 0 }, apiUrl: fake.apiUrl, ...options.config });
  const secrets: SlackSecrets =
    config.installation === "oauth"
      ? { SLACK_SIGNING_SECRET: fake.signingSecret, SLACK_CLIENT_ID: fake.clientId, SLACK_CLIENT_SECRET: fake.clientSecret, SLACK_STATE_SECRET: "fake-state-secret" }
      : { SLACK_BOT_TOKEN: workspace.botToken, SLACK_SIGNING_SECRET: fake.signingSecret };
  if (config.mode === "socket") secrets.SLACK_APP_TOKEN = fake.appToken;
  const adapter = createSlackAdapter({ config, secrets, env, ...(options.replyPolicy ? { replyPolicy: options.replyPolicy } : {}) });
  await adapter.start(handler);
  fake.transport = config.mode === "socket" ? "socket" : "http";
  fake.appUrl = `http://127.0.0.1:${adapter.listeningPort() ?? 0}${config.http.eventsPath}`;
  return {
    fake,
    workspace,
    adapter,
    env,
    close: async () => {
      await adapter.stop();
      await fake.close();
    },
  };
}

/** Splits "/contacts find x" into the slash command and its text. */
export function splitCommand(text: string): { command: string; text: string } {
  const match = /^(\/\S+)\s*([\s\S]*)$/.exec(text.trim());
  if (!match) throw new Error(`not a command: ${text}`);
  return { command: match[1] ?? "", text: match[2] ?? "" };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
