// Cases on a real database for tests: a migrated store (SQLite in a temporary directory, or a temporary PostgreSQL
// database), the demo directory imported, the core built by createCore with a ManualClock, and a recording chat
// adapter attached so that the outbox can deliver. One harness per describe block; reset() empties the case tables
// (cases, threads, messages, outbox, counters, audit, inbound events) and puts the clock back between tests.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createCore, type Core } from "../../src/app/app.js";
import { resolveActor } from "../../src/app/inbound.js";
import type { Actor } from "../../src/core/actor.js";
import type { CommandAnswer } from "../../src/commands/dispatch.js";
import { loadConfig, type LoadedConfig } from "../../src/config/load.js";
import {
  DeliveryError,
  type AdapterCapabilities,
  type ChatAdapter,
  type Destination,
  type InboundHandler,
  type OpenThreadRequest,
  type Platform,
  type PlatformIdentity,
  type PostedMessage,
  type Reply,
  type SendOptions,
  type ThreadAddress,
} from "../../src/core/adapter.js";
import { ManualClock } from "../../src/core/clock.js";
import type { OutboundMessage } from "../../src/core/message.js";
import { importDirectory } from "../../src/directory/import.js";
import { silentLogger } from "../../src/log.js";
import { openStore, type Provider, type Store } from "../../src/store/db.js";
import { applyMigrations } from "../../src/store/migrate.js";
import { openTestStore, ROOT_DIR, tempDir } from "./core.js";
import { describeOnPostgres, type PostgresTest } from "./postgres.js";
import { TEST_KEYS } from "./keys.js";
import { seedTcoAdvance } from "./tco.js";

export { tempDir };

/** The project directory. */
export const ROOT = ROOT_DIR;

/** Friday 2026-11-20 10:00 UTC (11:00 in Amsterdam): where every test's clock starts. */
export const START = "2026-11-20T10:00:00.000Z";

/** Milliseconds. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;


/** What the recording adapter was asked to do. */
export type AdapterCall =
  | { op: "openThread"; channelId: string; title: string; message: OutboundMessage; key: string }
  | { op: "send"; kind: "channel" | "thread"; channelId: string; threadId: string | undefined; message: OutboundMessage; key: string }
  | { op: "sendDirect"; userId: string; message: OutboundMessage; key: string };

/**
 * A chat adapter that records every delivery. It answers as the console platform does (thread id = the thread's
 * title), so that thread messages can be written to "N-2026-0001 @ acme-hosting". `failWith` makes the next calls
 * throw; `delayMs` makes each call slow (for concurrent workers).
 */
export class RecordingAdapter implements ChatAdapter {
  readonly capabilities: AdapterCapabilities = {
    ephemeral: true, directMessages: true, userIdIsHandle: true,
  };
  /** Called before each delivery; return an error to throw it instead of delivering. */
  failWith: ((call: AdapterCall) => Error | undefined) | undefined;
  delayMs = 0;
  handler: InboundHandler | undefined;

  /** `calls` may be shared by several adapters (several workers), to see one order of deliveries. */
  constructor(
    readonly platform: Platform = "console",
    readonly calls: AdapterCall[] = [],
  ) {}

  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
  }

  async stop(): Promise<void> {}

  private async record(call: AdapterCall): Promise<void> {
    const error = this.failWith?.(call);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs).unref());
    if (error) throw error;
    this.calls.push(call);
  }

  async send(destination: Extract<Destination, { kind: "channel" | "thread" }>, message: OutboundMessage, options: SendOptions): Promise<PostedMessage> {
    await this.record({
      op: "send", kind: destination.kind, channelId: destination.channelId, threadId: destination.kind === "thread" ? destination.threadId : undefined, message, key: options.idempotencyKey,
    });
    return { messageId: `m-${this.calls.length}` };
  }

  async openThread(request: OpenThreadRequest, options: SendOptions): Promise<ThreadAddress> {
    await this.record({ op: "openThread", channelId: request.channel.channelId, title: request.title, message: request.root, key: options.idempotencyKey });
    return { ...request.channel, threadId: request.title };
  }

  async sendDirect(to: PlatformIdentity, message: OutboundMessage, options: SendOptions): Promise<PostedMessage> {
    await this.record({ op: "sendDirect", userId: to.userId, message, key: options.idempotencyKey });
    return { messageId: `dm-${to.userId}-${this.calls.length}` };
  }

  /** The texts delivered into a thread (its card first), in order. */
  threadTexts(title: string): string[] {
    return this.calls.flatMap((call) => {
      if (call.op === "openThread" && call.title === title) return [call.message.text];
      if (call.op === "send" && call.threadId === title) return [call.message.text];
      return [];
    });
  }

  /** The texts sent to a person directly, in order. */
  directTexts(userId: string): string[] {
    return this.calls.flatMap((call) => (call.op === "sendDirect" && call.userId === userId ? [call.message.text] : []));
  }

  /** Everything delivered, as one text (for "never contains" checks). */
  everything(): string {
    return this.calls.map((call) => JSON.stringify(call)).join("\n");
  }
}

/** The configuration of config/default.yaml, optionally with another case policy file. */
export function testConfig(policyFile?: string): LoadedConfig {
  const loaded = loadConfig({ rootDir: ROOT, env: {} });
  return policyFile ? { ...loaded, config: { ...loaded.config, cases: { ...loaded.config.cases, policyFile } } } : loaded;
}

/** Writes a copy of config/policy.yaml with `pairs` replaced by the given YAML text; returns its path. */
export function policyWithPairs(pairsYaml: string, edit: (text: string) => string = (text) => text): string {
  const text = readFileSync(join(ROOT, "config/policy.yaml"), "utf8");
  if (!/^pairs: \[\]$/m.test(text)) throw new Error("config/policy.yaml no longer ends with pairs: []");
  const file = join(tempDir("liaison-policy-"), "policy.yaml");
  writeFileSync(file, edit(text.replace(/^pairs: \[\]$/m, `pairs:\n${pairsYaml}`)));
  return file;
}

/** Tables the case tests write; emptied between tests (the directory stays). Children first. */
const CASE_TABLES = ["IntakeReportEntry", "IntakeItem", "CaseUrl", "TcoOrder", "EvidenceOrder", "EvidenceAddressee", "CaseDecision", "CaseReminder", "CaseMessage", "CaseThread", "Case", "CaseKey", "OutboxMessage", "Counter", "AuditEntry", "AuditPending", "AuditHead", "AuditCheckpoint", "InboundEvent", "Lease", "RateWindow"];

/** A core on a database with the demo directory, a manual clock and a recording adapter. */
export class CaseHarness {
  readonly clock = new ManualClock(START);
  readonly adapter = new RecordingAdapter();
  core!: Core;
  store!: Store;
  /** The handler createCore(...).attach(adapter) returned: what a platform feeds its inbound events to. */
  handler!: InboundHandler;
  private disposeStore: (() => Promise<void>) | undefined;
  private eventCounter = 0;

  constructor(
    readonly provider: Provider,
    private readonly policyFile?: string,
    /** Changes the configuration the core is built with (e.g. smaller rate limits). */
    private readonly configure: (loaded: LoadedConfig) => LoadedConfig = (loaded) => loaded,
  ) {}

  /** Opens the database, imports the demo directory and builds the core. */
  async open(): Promise<void> {
    const opened = await openTestStore(this.provider);
    this.store = opened.store;
    this.disposeStore = opened.dispose;
    const imported = await importDirectory(this.store.db, this.clock, TEST_KEYS, readFileSync(join(ROOT, "config/demo-directory.yaml"), "utf8"), "yaml", { actor: "system", via: "test" });
    if (!imported.ok) throw new Error(`demo directory did not import: ${JSON.stringify(imported.problems)}`);
    await seedTcoAdvance(this.store.db);
    this.core = createCore({ store: this.store, clock: this.clock, keys: TEST_KEYS, logger: silentLogger(), loaded: this.configure(testConfig(this.policyFile)) });
    this.handler = this.core.attach(this.adapter);
    await this.adapter.start(this.handler);
  }

  /** Empties the case tables, forgets deliveries and puts the clock back at START. */
  async reset(): Promise<void> {
    for (const table of CASE_TABLES) await this.store.db.$executeRawUnsafe(`DELETE FROM "${table}"`);
    this.adapter.calls.length = 0;
    this.adapter.failWith = undefined;
    this.adapter.delayMs = 0;
    this.clock.set(START);
  }

  async dispose(): Promise<void> {
    await this.disposeStore?.();
  }

  get db() {
    return this.store.db;
  }

  /** The actor of a console user acting as the contact with this handle. */
  actor(handle: string): Promise<Actor> {
    return resolveActor(this.core.directory, { platform: "console", workspace: "", userId: handle }, { userIdIsHandle: true });
  }

  /** Runs a command line through the dispatcher as a contact (by handle) or as an unlinked identity. */
  async run(who: string | PlatformIdentity, line: string, location?: Actor["location"]): Promise<CommandAnswer> {
    const actor = typeof who === "string" ? await this.actor(who) : await resolveActor(this.core.directory, who, { userIdIsHandle: who.platform === "console" });
    return this.core.dispatcher.run(location ? { ...actor, location } : actor, line);
  }

  /** Runs a command line and fails the test if it did not succeed; returns the reply text. */
  async ok(who: string, line: string): Promise<string> {
    const answer = await this.run(who, line);
    if (answer.failure) throw new Error(`${who}: ${line} failed (${answer.failure}): ${answer.message.text}`);
    return answer.message.text;
  }

  /**
   * A person writes in a case thread, through the inbound handler, where the recording adapter opened it (its thread
   * id is its title, e.g. "N-2026-0001 @ acme-hosting"). Threads that were never opened are written to in the
   * channel "console" (a thread Liaison does not know).
   */
  async write(who: string | PlatformIdentity, threadId: string, text: string, eventId = `event-${++this.eventCounter}`): Promise<Reply | undefined> {
    const identity: PlatformIdentity = typeof who === "string" ? { platform: "console", workspace: "", userId: who } : who;
    const thread = await this.db.caseThread.findFirst({ where: { platform: identity.platform, threadId } });
    const where = { platform: identity.platform, workspace: thread?.workspace ?? identity.workspace, channelId: thread?.channelId ?? "console", threadId, isDirect: false };
    return this.handler({ type: "message", eventId, identity, text, where });
  }

  /** Delivers everything due. */
  drain(): Promise<void> {
    return this.core.outbox.drain();
  }

  /** The stored case. */
  caseRow(reference: string) {
    return this.db.case.findUniqueOrThrow({ where: { reference } });
  }

  /** The stored reminder state of a case. */
  reminderRow(reference: string) {
    return this.db.caseReminder.findFirstOrThrow({ where: { case: { reference } } });
  }

  /** Audit entries after a sequence number. */
  auditAfter(seq: number) {
    return this.db.auditEntry.findMany({ where: { seq: { gt: seq } }, orderBy: { seq: "asc" } });
  }

  /** The last audit sequence number (0 when empty). */
  async auditSeq(): Promise<number> {
    const last = await this.db.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
    return last?.seq ?? 0;
  }
}

/**
 * A describe block run once per database, with a harness opened before its first test and reset before each test.
 * On PostgreSQL the tests are skipped with a printed reason when the server does not answer (failed when CI is set).
 */
export function describeOnBothDatabases(
  name: string,
  body: (harness: () => CaseHarness, test: PostgresTest) => void,
  options: { policyFile?: () => string; configure?: (loaded: LoadedConfig) => LoadedConfig } = {},
): void {
  const register = (provider: Provider, test: PostgresTest) => {
    let harness: CaseHarness | undefined;
    let opened: Promise<void> | undefined;
    const get = () => {
      if (!harness) throw new Error("harness not opened");
      return harness;
    };
    beforeEach(async () => {
      if (!harness) {
        harness = new CaseHarness(provider, options.policyFile?.(), options.configure);
        opened = harness.open();
      }
      await opened;
      await harness.reset();
    });
    afterAll(async () => {
      if (harness && opened) {
        await opened.catch(() => undefined);
        await harness.dispose();
      }
    });
    body(get, test);
  };
  describe(`${name} (sqlite)`, () => register("sqlite", (testName, fn, timeout) => it(testName, fn, timeout)));
  describeOnPostgres(`${name} (postgresql)`, (test) => register("postgresql", test));
}

/** A reference's threads as the tests name them. */
export function threadTitle(reference: string, slug: string): string {
  return `${reference} @ ${slug}`;
}

/** A DeliveryError for tests. */
export function deliveryError(message: string, options: { retryAfterMs?: number; permanent?: boolean } = {}): DeliveryError {
  return new DeliveryError(message, options);
}

/** A typed value of a past-time option and what its refusal must say. */
export type PastTimeRefusal = readonly [typed: string, says: RegExp];

/** A pattern that matches `text` literally. */
function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The refusals every option for a time before now shares (src/commands/past-at.ts), and the option's own: `line`
 * with `option "<typed>"` appended is run as `who` for each, and each must be refused as bad-arguments, in words that
 * match (naming the option where the schema refuses it), in a short answer. `future` is an instant after the
 * harness clock's now with what its refusal says; `more` are the option's own (before receipt, before a decision).
 * The caller checks afterwards that nothing was stored.
 */
export async function expectPastTimeRefusals(
  h: CaseHarness,
  options: { who: string; line: string; option: string; future: PastTimeRefusal; more?: readonly PastTimeRefusal[] },
): Promise<void> {
  const name = literally(options.option);
  const neither = new RegExp(`${name}: expected a time with its offset from UTC, e\\.g\\. 2026-11-20T09:00\\+01:00, or how long ago, e\\.g\\. "1d ago"`);
  const tooFar = new RegExp(`${name}: expected at most 3,653 days ago`);
  const table: PastTimeRefusal[] = [
    options.future,
    ...(options.more ?? []),
    ["in 2h", neither],
    ["yesterday", neither],
    ["2h", neither],
    ["2 hours", neither],
    ["1.5h ago", neither],
    ["-2h ago", neither],
    ["2 hrs ago", neither],
    ["1 month ago", neither],
    ["<!channel> 1d ago", neither],
    ["9".repeat(41), new RegExp(`${name}: is too long: at most 40 characters`)],
    // The whole line is refused by its length before any option is read.
    ["9".repeat(100_000), /This command is 100,\d{3} characters/],
    ["1d ago\u202e", neither],
    ["1d\u0000 ago", neither],
    ["<@U123> 1d ago", neither],
    ["@room 1d ago", neither],
    ["[1d ago](https://evil.example)", neither],
    ["3654d ago", tooFar],
    ["9999w ago", tooFar],
    ["2026-11-31T10:00+01:00", new RegExp(`${name}: expected a real date, time and offset`)],
  ];
  for (const [typed, says] of table) {
    const answer = await h.run(options.who, `${options.line} ${options.option} "${typed}"`);
    const shown = JSON.stringify(typed.slice(0, 60));
    expect(answer.failure, `${shown}: ${answer.message.text.slice(0, 300)}`).toBe("bad-arguments");
    expect(answer.message.text, shown).toMatch(says);
    expect(answer.message.text.length, shown).toBeLessThan(2_000);
    // Control and bidi characters of the typed value never reach the answer.
    expect(answer.message.text, shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
  }
}
