import { randomUUID } from "node:crypto";
import { createInterface, type Interface } from "node:readline";
import type {
  AdapterCapabilities,
  ChatAdapter,
  ChannelAddress,
  Destination,
  InboundHandler,
  OpenThreadRequest,
  PlatformIdentity,
  PostedMessage,
  Reply,
  SendOptions,
  ThreadAddress,
} from "../../src/core/adapter.js";
import type { CommandCatalog } from "../../src/core/catalog.js";
import type { OutboundMessage } from "../../src/core/message.js";
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
  /** The commands, for Tab completion at a terminal. */
  catalog?: CommandCatalog;
}

/** The console's channel where the console's own replies and unthreaded posts appear. */
export const CONSOLE_CHANNEL: ChannelAddress = { platform: "console", workspace: "", channelId: "console" };

const PREFIX_PATTERN = /^([a-z0-9][a-z0-9._-]{1,63}):\s+(.*)$/i;
const THREAD_PATTERN = /^\[([^\]]+)\]\s*(.*)$/;

/**
 * A chat platform in the terminal. Lines are commands ("/contacts find acme") or thread messages ("[N-2026-0001] text"),
 * optionally prefixed with "handle: " to act as that directory contact. Threads print as "[title] text".
 */
export class ConsoleAdapter implements ChatAdapter {
  readonly platform = "console" as const;
  readonly capabilities: AdapterCapabilities = {
    ephemeral: true,
    directMessages: true,
    userIdIsHandle: true,
  };

  private readline: Interface | undefined;
  private readonly threadTitles = new Map<string, string>();
  private finishedResolve: ((linesHandled: number) => void) | undefined;
  private finishedReject: ((error: Error) => void) | undefined;
  /** Resolves at the end of scripted input once every line has been handled (with the number of lines). */
  readonly finished: Promise<number>;

  constructor(private readonly options: ConsoleAdapterOptions) {
    this.finished = new Promise((resolvePromise, rejectPromise) => {
      this.finishedResolve = resolvePromise;
      this.finishedReject = rejectPromise;
    });
    this.finished.catch(() => undefined);
  }

  /** Reads lines until the input ends. */
  async start(handler: InboundHandler): Promise<void> {
    const { input, output, interactive } = this.options;
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
    readline.on("line", (line) => {
      chain = chain.then(async () => {
        handled += (await this.handleLine(handler, line)) ? 1 : 0;
        if (!interactive) await this.options.afterLine?.();
        if (interactive) readline.prompt();
      });
    });
    readline.on("close", () => {
      void chain.then(() => this.finishedResolve?.(handled), (error: unknown) => this.finishedReject?.(error as Error));
    });
  }

  /** Stops reading input. */
  async stop(): Promise<void> {
    this.readline?.close();
  }

  private async handleLine(handler: InboundHandler, rawLine: string): Promise<boolean> {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) return false;
    if (/^(exit|quit|\.exit)$/i.test(line)) {
      this.readline?.close();
      return false;
    }
    const prefixed = PREFIX_PATTERN.exec(line);
    const handle = (prefixed?.[1] ?? this.options.actAs).toLowerCase();
    const body = prefixed?.[2] ?? line;
    const identity: PlatformIdentity = { platform: "console", workspace: "", userId: handle, displayName: handle };
    const eventId = randomUUID();
    const thread = THREAD_PATTERN.exec(body);
    let reply: Reply | undefined;
    if (thread) {
      const threadId = this.resolveThread(thread[1] ?? "");
      this.print(prefixLines(`[${this.threadTitles.get(threadId) ?? threadId}] `, `${handle}: ${thread[2] ?? ""}`));
      reply = await handler({ type: "message", eventId, identity, text: thread[2] ?? "", where: { ...CONSOLE_CHANNEL, threadId, isDirect: false } });
    } else {
      const text = body.startsWith("/") || body.startsWith("!") ? body : `/${body}`;
      reply = await handler({ type: "command", eventId, identity, text, where: { ...CONSOLE_CHANNEL, isDirect: false } });
    }
    if (reply) this.print(this.options.interactive ? renderForConsole(reply.message) : prefixLines(prefixed ? `${handle}> ` : "", renderForConsole(reply.message)));
    return true;
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
      options = [...this.threadTitles.values()].map((title) => `[${title}] `);
    } else {
      // Commands complete in the form being typed: "/case", "!case" or "case".
      const sigil = body.startsWith("/") || body.startsWith("!") ? body.charAt(0) : "";
      options = (this.options.catalog ?? []).map((command) => `${sigil}${command.group}${command.name ? ` ${command.name}` : ""} `);
    }
    const hits = [...new Set(options)].filter((option) => option.startsWith(body)).map((option) => `${prefix}${option}`);
    return [hits, line];
  }

  /** A thread named by its full title or by the start of it (a case reference). */
  private resolveThread(name: string): string {
    if (this.threadTitles.has(name)) return name;
    for (const [threadId, title] of this.threadTitles) if (title === name) return threadId;
    return name;
  }

  /** Prints a post; case threads are shown as "[title] text". */
  async send(destination: Extract<Destination, { kind: "channel" | "thread" }>, message: OutboundMessage, _options: SendOptions): Promise<PostedMessage> {
    const label = destination.kind === "thread" ? (this.threadTitles.get(destination.threadId) ?? destination.threadId) : `#${destination.channelId}`;
    this.print(prefixLines(`[${label}] `, renderForConsole(message)));
    return { messageId: randomUUID() };
  }

  /** Prints the card; the thread is known by its title from then on. */
  async openThread(request: OpenThreadRequest, _options: SendOptions): Promise<ThreadAddress> {
    const threadId = request.title;
    this.threadTitles.set(threadId, request.title);
    this.print(prefixLines(`[${request.title}] `, renderForConsole(request.root)));
    return { ...request.channel, threadId };
  }

  /** Prints a direct message as "[DM → handle] text". */
  async sendDirect(to: PlatformIdentity, message: OutboundMessage, _options: SendOptions): Promise<PostedMessage> {
    this.print(prefixLines(`[DM → ${to.userId}] `, renderForConsole(message)));
    return { messageId: randomUUID() };
  }

  private print(text: string): void {
    const readline = this.readline;
    if (this.options.interactive && readline) {
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
