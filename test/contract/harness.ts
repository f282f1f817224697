import type {
  ChannelAddress,
  ChatAdapter,
  InboundEvent,
  InboundHandler,
  PlatformIdentity,
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
  /** The platform delivers the most recent inbound event again (retry or redelivery). */
  redeliverLast(): Promise<void>;
  /** The person presses the button `actionId` on a message the bot posted, filling `values` in its form. */
  pressButton(user: PlatformIdentity, messageId: string, actionId: string, values?: Record<string, string>): Promise<void>;
  /** Messages visible in the channel (top level) in order. */
  channelMessages(channel?: ChannelAddress): Promise<ObservedMessage[]>;
  /** Messages in a thread, in order, not counting the root. */
  threadMessages(thread: ThreadAddress): Promise<ObservedMessage[]>;
  /** Direct messages the bot sent to the person, in order. */
  directMessages(user: PlatformIdentity): Promise<ObservedMessage[]>;
  /** What the person saw as the answer to their last command, wherever it went (ephemeral, DM or in place). */
  lastReplySeenBy(user: PlatformIdentity): Promise<ObservedMessage | undefined>;
  /**
   * The next send the platform receives fails with its rate-limit answer, asking to wait `retryAfterMs`. Absent for
   * platforms that have no rate limits (the console).
   */
  rateLimitNextSend?(retryAfterMs: number): void;
  /** Stops the adapter and the fake server. */
  close(): Promise<void>;
}

/** Collects inbound events and answers commands with a canned reply so the contract can observe delivery. */
export class RecordingHandler {
  readonly events: InboundEvent[] = [];
  replyText = "reply from the core";
  replyDelivery: "ephemeral" | "direct" | "in-place" = "in-place";

  /** The handler to give to adapter.start(). */
  readonly handle: InboundHandler = async (event) => {
    this.events.push(event);
    if (event.type === "message") return undefined;
    return { message: { text: this.replyText }, delivery: this.replyDelivery };
  };
}
