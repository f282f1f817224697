import type {
  ChannelAddress,
  ChatAdapter,
  InboundEvent,
  InboundHandler,
  PlatformIdentity,
  Reply,
  ThreadAddress,
} from "../../src/core/adapter.js";

/** A message as the fake platform holds it, reduced to what the contract checks. */
export interface ObservedMessage {
  /** The platform's id of the message. */
  messageId: string;
  /** Every human-readable string in the message (text, block text, embed fields...), joined with newlines. */
  text: string;
  /** Set when the message is a reply in a thread: the thread's id, as ThreadAddress.threadId. */
  threadId?: string;
  /** True when posted by the bot. */
  fromBot: boolean;
  /** True when only one user can see it (ephemeral). */
  ephemeralTo?: string;
}

/**
 * Drives one adapter through its platform's fake server: what a person does on the platform, and what the platform
 * then shows. Each adapter's test file implements this once; the contract suite is the same for every adapter.
 */
export interface AdapterHarness {
  adapter: ChatAdapter;
  /** A channel the bot is in and may post to. */
  channel: ChannelAddress;
  /** Two people on the platform (linked to nothing; identity resolution is the core's business). */
  users: [PlatformIdentity, PlatformIdentity];
  /** The person types a command in `channel` (or in a thread of it); resolves once the platform has the reply. */
  typeCommand(user: PlatformIdentity, text: string, thread?: ThreadAddress): Promise<void>;
  /** The person writes a message in a thread; resolves once the adapter has handed it to the core (or ignored it). */
  writeInThread(user: PlatformIdentity, thread: ThreadAddress, text: string): Promise<void>;
  /**
   * The person types a command and the platform delivers it (acknowledged); resolves without waiting for the core
   * or the reply, so that several can be on their way at once.
   */
  sendCommand(user: PlatformIdentity, text: string): Promise<void>;
  /** The person writes in a thread and the platform delivers it; resolves without waiting for the core. */
  sendInThread(user: PlatformIdentity, thread: ThreadAddress, text: string): Promise<void>;
  /** Resolves once the adapter has handled everything delivered so far and shown every reply. */
  settled(): Promise<void>;
  /**
   * The platform delivers the most recent inbound event again (retry or redelivery). Absent where the platform never
   * delivers an event twice (the console reads each line once).
   */
  redeliverLast?(): Promise<void>;
  /**
   * The person presses the button `actionId` on a message the bot posted (on Matrix: the reaction that stands for
   * it), filling `values` in its form. Absent where the platform has neither (the console prints the command).
   */
  pressButton?(user: PlatformIdentity, messageId: string, actionId: string, values?: Record<string, string>): Promise<void>;
  /** Messages visible in the channel (top level) in order. */
  channelMessages(channel?: ChannelAddress): Promise<ObservedMessage[]>;
  /** Messages in a thread, in order, not counting the root (ephemeral ones carry ephemeralTo). */
  threadMessages(thread: ThreadAddress): Promise<ObservedMessage[]>;
  /** Direct messages the bot sent to the person, in order. */
  directMessages(user: PlatformIdentity): Promise<ObservedMessage[]>;
  /** Everything the bot showed only to the person: ephemeral messages and direct messages, in order. */
  privateMessagesTo(user: PlatformIdentity): Promise<ObservedMessage[]>;
  /** What the person saw as the answer to their last command, wherever it went (ephemeral, DM or in place). */
  lastReplySeenBy(user: PlatformIdentity): Promise<ObservedMessage | undefined>;
  /**
   * The next send the platform receives fails with its rate-limit answer, asking to wait `retryAfterMs`. Absent for
   * platforms that have no rate limits (the console).
   */
  rateLimitNextSend?(retryAfterMs: number): void;
  /**
   * The next `count` requests that show the answer to a command (in place) get the platform's rate-limit answer,
   * asking to wait `retryAfterMs`. Absent for platforms that have no rate limits (the console).
   */
  rateLimitReplies?(count: number, retryAfterMs: number): void;
  /**
   * Why different conversations cannot run side by side on this harness, when they cannot (a scripted console
   * session runs its lines one after another by design).
   */
  serialInput?: string;
  /** Stops the adapter and the fake server. */
  close(): Promise<void>;
}

/** One call of the handler: which event, and when it started and ended (performance.now()). */
export interface HandledEvent {
  event: InboundEvent;
  startedMs: number;
  endedMs: number;
}

/**
 * Collects inbound events and answers commands with a canned reply so the contract can observe delivery. Tests can
 * make it slow for some events, or answer in their own way.
 */
export class RecordingHandler {
  readonly events: InboundEvent[] = [];
  /** Every finished call, in the order the calls ended. */
  readonly handled: HandledEvent[] = [];
  replyText = "reply from the core";
  replyDelivery: "ephemeral" | "direct" | "in-place" = "in-place";
  /** How long to take over an event, in milliseconds (0: answer at once). */
  delayMsFor: (event: InboundEvent) => number = () => 0;
  /** The answer to an event; by default thread messages get none and everything else the canned reply. */
  answer: (event: InboundEvent) => Reply | undefined = (event) =>
    event.type === "message" ? undefined : { message: { text: this.replyText }, delivery: this.replyDelivery };

  /** The handler to give to adapter.start(). */
  readonly handle: InboundHandler = async (event) => {
    this.events.push(event);
    const startedMs = performance.now();
    try {
      const delayMs = this.delayMsFor(event);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return this.answer(event);
    } finally {
      this.handled.push({ event, startedMs, endedMs: performance.now() });
    }
  };
}
