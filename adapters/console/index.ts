import { randomUUID } from "node:crypto";
import { createInterface, type Interface } from "node:readline";
import { z } from "zod";
import type {
  AdapterCapabilities,
  ChatAdapter,
  ChannelAddress,
  Destination,
  InboundEvent,
  InboundHandler,
  OpenThreadRequest,
  PlatformIdentity,
  PostedMessage,
  SendOptions,
  ThreadAddress,
} from "../../src/core/adapter.js";
import type { CommandCatalog } from "../../src/core/catalog.js";
import { systemClock } from "../../src/core/clock.js";
import type { OutboundMessage } from "../../src/core/message.js";
import { conversationKey, createConversationQueue } from "../../src/core/ordering.js";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { defaultReplyPolicy, deliverReply } from "../../src/core/reply-policy.js";
import { withoutComment } from "./comments.js";
import { prefixLines, renderForConsole } from "./render.js";

/** Options of the console adapter. */
export interface ConsoleAdapterOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Prompt, history and readable output for a person at a terminal; otherwise one command per line, scripted. */
  interactive: boolean;
  /** The directory handle a line without a "handle: " prefix acts as. */
  actAs: string;
  /** Called after each scripted line's reply, so queued deliveries can be shown before the next line. */
  afterLine?: () => Promise<void>;
  /** The commands, for Tab completion at a terminal and to tell a trailing `# comment` from a message's text. */
  catalog?: CommandCatalog;
  /** Where the threads opened here are remembered across sessions; without it, only for this session. */
  state?: AdapterStateStore;
}

/** The console's channel where the console's own replies and unthreaded posts appear. */
export const CONSOLE_CHANNEL: ChannelAddress = { platform: "console", workspace: "", channelId: "console" };

/** State-store key of the threads opened in the console. */
export const CONSOLE_THREADS_KEY = "console.threads";

const PREFIX_PATTERN = /^([a-z0-9][a-z0-9._-]{1,63}):\s+(.*)$/i;
const THREAD_PATTERN = /^\[([^\]]+)\]\s*(.*)$/;

const savedThreadsSchema = z.array(z.object({ workspace: z.string(), channelId: z.string(), threadId: z.string().min(1) }));

/** What a typed "[label]" names: one thread, or the answer to print instead. */
export type ThreadResolution = { thread: ThreadAddress } | { answer: string };

/**
 * A chat platform in the terminal. Lines are commands ("/contacts find acme") or thread messages
 * ("[N-2026-0001 @ acme-hosting] text", or "[N-2026-0001] text" when that case has one thread here), optionally
 * prefixed with "handle: " to act as that directory contact. Threads are labelled by their title and print as
 * "[label] text"; the label is the thread's id.
 */
export class ConsoleAdapter implements ChatAdapter {
  readonly platform = "console" as const;
  readonly capabilities: AdapterCapabilities = {
    ephemeral: true,
    directMessages: true,
    userIdIsHandle: true,
  };

  private readline: Interface | undefined;
  /** Set once the input is closed (exit, Ctrl-D, end of input): no prompt is shown any more. */
  private closed = false;
  /** Set by "exit": the lines after it are not run. */
  private exited = false;
  /** Threads opened here, by label (their title, which is also their thread id). */
  private readonly threads = new Map<string, ThreadAddress>();
  private readonly conversations = createConversationQueue();
  private readonly replyPolicy = defaultReplyPolicy(systemClock);
  private finishedResolve: ((linesHandled: number) => void) | undefined;
  private finishedReject: ((error: Error) => void) | undefined;
  /** Resolves at the end of input once every line has been handled (with the number of lines handled or answered). */
  readonly finished: Promise<number>;

  constructor(private readonly options: ConsoleAdapterOptions) {
    this.finished = new Promise((resolvePromise, rejectPromise) => {
      this.finishedResolve = resolvePromise;
      this.finishedReject = rejectPromise;
    });
    this.finished.catch(() => undefined);
  }

  /**
   * Reads lines until the input ends. Scripted input runs line by line (each line's consequences are shown before
   * the next); at a terminal, lines of different conversations run side by side, each conversation in order.
   */
  async start(handler: InboundHandler): Promise<void> {
    const { input, output, interactive } = this.options;
    await this.loadThreads();
    const readline = createInterface({
      input,
      ...(interactive ? { output, terminal: true, historySize: 500, completer: (line: string) => this.complete(line) } : { terminal: false }),
    });
    this.readline = readline;
    input.on("error", (error: Error) => this.finishedReject?.(error));
    if (interactive) {
      // Ctrl-C leaves, as at any prompt.
      readline.on("SIGINT", () => readline.close());
      readline.setPrompt("liaison> ");
      readline.prompt();
    }
    let handled = 0;
    let chain = Promise.resolve();
    const count = (counted: boolean) => {
      handled += counted ? 1 : 0;
    };
    readline.on("line", (line) => {
      // Lines already buffered after "exit" are not read (readline may still emit them).
      if (this.exited) return;
      if (interactive) {
        // Read (and its thread resolved) now, as the person saw the threads when typing; run in its conversation.
        const run = this.handleLine(handler, line).then(count);
        // No prompt once closed: prompting resumes the input, which keeps the process (and the terminal) waiting.
        chain = chain.then(() => run.then(() => (this.closed ? undefined : readline.prompt())));
        return;
      }
      chain = chain.then(async () => {
        // A script's lines are queued as they arrive; those after "exit" are dropped here.
        if (this.exited) return;
        count(await this.handleLine(handler, line));
        await this.options.afterLine?.();
      });
    });
    readline.on("close", () => {
      this.closed = true;
      void chain
        .then(() => this.conversations.idle())
        .then(() => this.finishedResolve?.(handled), (error: unknown) => this.finishedReject?.(error as Error));
    });
  }

  /** Stops reading input. */
  async stop(): Promise<void> {
    this.readline?.close();
  }

  /** Handles one line; true when it was handed to the core or answered here. */
  private async handleLine(handler: InboundHandler, rawLine: string): Promise<boolean> {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) return false;
    if (/^(exit|quit|\.exit)$/i.test(line)) {
      this.exited = true;
      this.closed = true;
      this.readline?.close();
      return false;
    }
    const prefixed = PREFIX_PATTERN.exec(line);
    const handle = (prefixed?.[1] ?? this.options.actAs).toLowerCase();
    const body = prefixed?.[2] ?? line;
    const identity: PlatformIdentity = { platform: "console", workspace: "", userId: handle, displayName: handle };
    const eventId = randomUUID();
    const answerPrefix = prefixed ? `${handle}> ` : "";
    const thread = THREAD_PATTERN.exec(body);
    let event: InboundEvent;
    if (thread) {
      const resolved = this.resolveThread(thread[1] ?? "");
      if ("answer" in resolved) {
        this.printAnswer(answerPrefix, { text: resolved.answer, tone: "error" });
        return true;
      }
      const address = resolved.thread;
      const text = thread[2] ?? "";
      this.print(prefixLines(`[${address.threadId}] `, `${handle}: ${text}`));
      event = { type: "message", eventId, identity, text, where: { platform: "console", workspace: address.workspace, channelId: address.channelId, threadId: address.threadId, isDirect: false } };
    } else {
      const command = withoutComment(body, this.options.catalog);
      if (command === "") return false;
      const text = command.startsWith("/") || command.startsWith("!") ? command : `/${command}`;
      event = { type: "command", eventId, identity, text, where: { ...CONSOLE_CHANNEL, isDirect: false } };
    }
    await this.conversations.run(conversationKey(event.where), async () => {
      const reply = await handler(event);
      if (!reply) return;
      // Printing cannot fail; the shared policy still decides where the answer goes (a thread message's refusal
      // goes to its writer alone, never into the thread).
      await deliverReply(reply, event, {
        inPlace: { send: async (message) => this.printAnswer(answerPrefix, message) },
        ephemeral: { send: async (message) => this.printAnswer(answerPrefix, message) },
        direct: { send: async (message) => this.print(prefixLines(`[DM → ${handle}] `, renderForConsole(message))) },
      }, this.replyPolicy);
    });
    return true;
  }

  /** Prints the answer to a line: bare at a terminal, after "handle> " in a script when the line named its handle. */
  private printAnswer(prefix: string, message: OutboundMessage): void {
    this.print(this.options.interactive ? renderForConsole(message) : prefixLines(prefix, renderForConsole(message)));
  }

  /**
   * The thread a typed label names: a full label ("N-2026-0001 @ acme-hosting"), or a case reference when exactly
   * one thread of that case is open here. Otherwise the answer says which labels there are.
   */
  resolveThread(typed: string): ThreadResolution {
    const wanted = typed.trim().toLowerCase();
    const labels = [...this.threads.keys()];
    const exact = labels.find((label) => label.toLowerCase() === wanted);
    if (exact !== undefined) return { thread: this.threads.get(exact) as ThreadAddress };
    const ofCase = labels.filter((label) => label.toLowerCase().startsWith(`${wanted} @ `));
    const [only] = ofCase;
    if (ofCase.length === 1 && only !== undefined) return { thread: this.threads.get(only) as ThreadAddress };
    const list = (names: string[]) => names.map((label) => `[${label}]`).join(", ");
    if (ofCase.length > 1) return { answer: `✗ [${typed}] has ${ofCase.length} threads here: ${list(ofCase)}. Write in one of them, e.g. [${only ?? ""}] your text` };
    if (labels.length === 0) return { answer: `✗ No thread [${typed}] here: no case thread is open in this console yet.` };
    return { answer: `✗ No thread [${typed}] here. Open threads: ${list(labels)}` };
  }

  /**
   * Tab completion at a terminal: command names ("/contacts f" → "/contacts find "), and after "[" the titles of the
   * case threads shown so far; also after a "handle: " prefix. Returns readline's [candidates, the text completed].
   */
  complete(line: string): [string[], string] {
    const prefix = /^[a-z0-9][a-z0-9._-]{1,63}:\s+/i.exec(line)?.[0] ?? "";
    const body = line.slice(prefix.length);
    let options: string[];
    if (body.startsWith("[")) {
      options = [...this.threads.keys()].map((label) => `[${label}] `);
    } else {
      // Commands complete in the form being typed: "/case", "!case" or "case".
      const sigil = body.startsWith("/") || body.startsWith("!") ? body.charAt(0) : "";
      options = (this.options.catalog ?? []).map((command) => `${sigil}${command.group}${command.name ? ` ${command.name}` : ""} `);
    }
    const hits = [...new Set(options)].filter((option) => option.startsWith(body)).map((option) => `${prefix}${option}`);
    return [hits, line];
  }

  /** Prints a post; case threads are shown as "[label] text". */
  async send(destination: Extract<Destination, { kind: "channel" | "thread" }>, message: OutboundMessage, _options: SendOptions): Promise<PostedMessage> {
    const label = destination.kind === "thread" ? destination.threadId : `#${destination.channelId}`;
    this.print(prefixLines(`[${label}] `, renderForConsole(message)));
    return { messageId: randomUUID() };
  }

  /** Prints the card; the thread is labelled, and known, by its title from then on (remembered in the state store). */
  async openThread(request: OpenThreadRequest, _options: SendOptions): Promise<ThreadAddress> {
    const address: ThreadAddress = { platform: "console", workspace: request.channel.workspace, channelId: request.channel.channelId, threadId: request.title };
    this.threads.set(request.title, address);
    await this.saveThreads();
    this.print(prefixLines(`[${request.title}] `, renderForConsole(request.root)));
    return address;
  }

  /** Prints a direct message as "[DM → handle] text". */
  async sendDirect(to: PlatformIdentity, message: OutboundMessage, _options: SendOptions): Promise<PostedMessage> {
    this.print(prefixLines(`[DM → ${to.userId}] `, renderForConsole(message)));
    return { messageId: randomUUID() };
  }

  /** Reads the threads opened in earlier sessions (those of this session win). */
  private async loadThreads(): Promise<void> {
    const raw = await this.options.state?.get(CONSOLE_THREADS_KEY);
    if (raw === undefined) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const saved = savedThreadsSchema.safeParse(parsed);
    if (!saved.success) return;
    for (const thread of saved.data) {
      if (!this.threads.has(thread.threadId)) this.threads.set(thread.threadId, { platform: "console", ...thread });
    }
  }

  private async saveThreads(): Promise<void> {
    const state = this.options.state;
    if (!state) return;
    const saved = [...this.threads.values()].map(({ workspace, channelId, threadId }) => ({ workspace, channelId, threadId }));
    await state.set(CONSOLE_THREADS_KEY, JSON.stringify(saved));
  }

  private print(text: string): void {
    const readline = this.readline;
    if (this.options.interactive && readline && !this.closed) {
      // Keep the prompt and what the person is typing below the printed text.
      this.options.output.write(`\r\x1b[K${text}\n`);
      readline.prompt(true);
      return;
    }
    this.options.output.write(`${text}\n`);
  }
}

/** Creates the console adapter. */
export function createConsoleAdapter(options: ConsoleAdapterOptions): ConsoleAdapter {
  return new ConsoleAdapter(options);
}
