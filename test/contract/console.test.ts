// The adapter contract, run against the console adapter. The console's "platform" is a pair of streams: lines typed
// on the input, and what the adapter prints on the output (one write per message). This harness types lines and
// reads the printed messages back by their prefixes:
//   "[#channel] text"   a post in a channel            "[DM → handle] text"   a direct message
//   "[title] text"      a thread: its first message is the card (shown in the channel), later ones are replies
//   "handle> text"      the answer to a command typed as "handle: /command" (only that person asked for it)
import { PassThrough, Writable } from "node:stream";
import { CONSOLE_CHANNEL, createConsoleAdapter } from "../../adapters/console/index.js";
import type { PlatformIdentity } from "../../src/core/adapter.js";
import { adapterContract } from "./adapter-contract.js";
import type { AdapterHarness, ObservedMessage, RecordingHandler } from "./harness.js";

/** The handle a line without a prefix acts as; the contract's users always type with their own prefix. */
const ACT_AS = "console.operator";

interface Printed {
  index: number;
  text: string;
}

interface Parsed {
  kind: "channel" | "thread" | "direct" | "reply" | "other";
  /** Channel id, thread title, DM recipient or asker. */
  key: string;
  text: string;
  fromBot: boolean;
}

/** Removes a prefix from every line of a printed message. */
function strip(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => (line.startsWith(prefix) ? line.slice(prefix.length) : line))
    .join("\n");
}

function parse(text: string): Parsed {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const bracket = /^\[([^\]]+)\] /.exec(body);
  if (bracket) {
    const label = bracket[1] ?? "";
    const content = strip(body, bracket[0]);
    if (label.startsWith("DM → ")) return { kind: "direct", key: label.slice("DM → ".length), text: content, fromBot: true };
    if (label.startsWith("#")) return { kind: "channel", key: label.slice(1), text: content, fromBot: true };
    // The console echoes a person's thread message as "[title] handle: text".
    const echo = /^([a-z0-9][a-z0-9._-]{1,63}): /i.exec(content);
    return { kind: "thread", key: label, text: echo ? content.slice(echo[0].length) : content, fromBot: !echo };
  }
  const reply = /^([a-z0-9][a-z0-9._-]{1,63})> /i.exec(body);
  if (reply) return { kind: "reply", key: reply[1] ?? "", text: strip(body, reply[0]), fromBot: true };
  return { kind: "other", key: "", text: body, fromBot: true };
}

async function makeConsoleHarness(handler: RecordingHandler): Promise<AdapterHarness> {
  const input = new PassThrough();
  const printed: Printed[] = [];
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      printed.push({ index: printed.length, text: chunk.toString() });
      callback();
    },
  });
  let linesTyped = 0;
  let linesHandled = 0;
  let waiters: (() => void)[] = [];
  const adapter = createConsoleAdapter({
    input,
    output,
    interactive: false,
    actAs: ACT_AS,
    afterLine: async () => {
      linesHandled += 1;
      const ready = waiters;
      waiters = [];
      for (const wake of ready) wake();
    },
  });
  await adapter.start(handler.handle);

  /** Resolves once the adapter has handled `wanted` lines (and printed what they print). */
  const handledUpTo = (wanted: number, what: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the console did not handle ${what} within 10 s`)), 10_000);
      const check = () => {
        if (linesHandled >= wanted) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  /** Types one line without waiting for it. */
  const typeAhead = (line: string): void => {
    linesTyped += 1;
    input.write(`${line}\n`);
  };
  /** Types one line and waits until the adapter has handled it and printed what it prints. */
  const type = async (line: string): Promise<{ from: number }> => {
    const from = printed.length;
    typeAhead(line);
    await handledUpTo(linesTyped, `"${line}"`);
    return { from };
  };

  const all = () => printed.map((message) => ({ ...message, parsed: parse(message.text) }));
  /** A thread's first printed message is its card; the titles seen so far, with the index of the card. */
  const cards = () => {
    const first = new Map<string, number>();
    for (const message of all()) if (message.parsed.kind === "thread" && !first.has(message.parsed.key)) first.set(message.parsed.key, message.index);
    return first;
  };
  const observe = (message: Printed & { parsed: Parsed }, extra: Partial<ObservedMessage> = {}): ObservedMessage => ({
    messageId: `printed-${message.index}`,
    text: message.parsed.text,
    fromBot: message.parsed.fromBot,
    ...extra,
  });
  const lastReplies = new Map<string, ObservedMessage>();

  return {
    adapter,
    channel: CONSOLE_CHANNEL,
    users: [
      { platform: "console", workspace: "", userId: "ann.example", displayName: "ann.example" },
      { platform: "console", workspace: "", userId: "bob.example", displayName: "bob.example" },
    ],
    async typeCommand(user: PlatformIdentity, text: string) {
      const { from } = await type(`${user.userId}: ${text}`);
      const answers = all()
        .slice(from)
        .filter((message) => message.parsed.kind === "reply" && message.parsed.key === user.userId);
      const answer = answers[answers.length - 1];
      if (answer) lastReplies.set(user.userId, observe(answer, { ephemeralTo: user.userId }));
    },
    async writeInThread(user, thread, text) {
      await type(`${user.userId}: [${thread.threadId}] ${text}`);
    },
    async sendCommand(user, text) {
      typeAhead(`${user.userId}: ${text}`);
    },
    async sendInThread(user, thread, text) {
      typeAhead(`${user.userId}: [${thread.threadId}] ${text}`);
    },
    settled: () => handledUpTo(linesTyped, "every line typed"),
    // No redeliverLast: lines on standard input are read once, so the console never delivers an event twice.
    // No pressButton: the console has no buttons; it prints the command a button would run.
    serialInput: "a scripted console session runs its lines one after another, so that each line's consequences show before the next",
    async channelMessages(channel) {
      const channelId = channel?.channelId ?? CONSOLE_CHANNEL.channelId;
      const firsts = new Set(cards().values());
      return all()
        .filter((message) => (message.parsed.kind === "channel" && message.parsed.key === channelId) || firsts.has(message.index))
        .map((message) => observe(message))
        .concat([...lastReplies.values()]);
    },
    async threadMessages(thread) {
      const card = cards().get(thread.threadId);
      return all()
        .filter((message) => message.parsed.kind === "thread" && message.parsed.key === thread.threadId && message.index !== card)
        .map((message) => observe(message, { threadId: thread.threadId }));
    },
    async directMessages(user) {
      return all()
        .filter((message) => message.parsed.kind === "direct" && message.parsed.key === user.userId)
        .map((message) => observe(message));
    },
    async privateMessagesTo(user) {
      return all()
        .filter((message) => (message.parsed.kind === "direct" || message.parsed.kind === "reply") && message.parsed.key === user.userId)
        .map((message) => observe(message, message.parsed.kind === "reply" ? { ephemeralTo: user.userId } : {}));
    },
    async lastReplySeenBy(user) {
      return lastReplies.get(user.userId);
    },
    // No rateLimitNextSend: a terminal has no rate limits, and the contract skips that test for such platforms.
    async close() {
      await adapter.stop();
      input.end();
      await adapter.finished;
    },
  };
}

adapterContract("console", makeConsoleHarness);
