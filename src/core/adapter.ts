import type { OutboundMessage } from "./message.js";

/** The chat systems Liaison speaks to. */
export const PLATFORMS = ["console", "slack", "matrix", "discord"] as const;

/** A chat system. */
export type Platform = (typeof PLATFORMS)[number];

/**
 * A person's account on a platform. `workspace` is the Slack team id, the Discord guild id, or "" where user ids
 * are global (Matrix user ids, the console).
 */
export interface PlatformIdentity {
  platform: Platform;
  workspace: string;
  userId: string;
  /** How the platform shows the person, when known. */
  displayName?: string;
}

/** A channel or room on a platform. */
export interface ChannelAddress {
  platform: Platform;
  workspace: string;
  /** Slack channel id, Matrix room id, Discord channel id, console channel name. */
  channelId: string;
}

/**
 * A thread: the channel plus the platform's id of the thread (Slack parent ts, Matrix root event id or, for a Matrix
 * room of its own per case, the room id; Discord thread channel id). Never "": the core reads "" as "not opened yet".
 */
export interface ThreadAddress extends ChannelAddress {
  threadId: string;
}

/** Where a message goes. */
export type Destination =
  | ({ kind: "channel" } & ChannelAddress)
  | ({ kind: "thread" } & ThreadAddress)
  | ({ kind: "direct" } & PlatformIdentity);

/** Where an inbound event happened. */
export interface EventLocation extends ChannelAddress {
  /** Set when the event happened inside a thread. */
  threadId?: string;
  /** True in a one-to-one conversation with the bot. */
  isDirect: boolean;
}

/**
 * What the core must know about a platform to decide for it. Everything else (buttons or reactions, forms, how long
 * a message may be, native commands) each adapter handles itself when it renders and receives.
 */
export interface AdapterCapabilities {
  /**
   * Replies only the asker sees exist on this platform (in some contexts at least): the core may ask for "ephemeral";
   * where a context has none (a Discord thread message), the adapter sends a direct message instead.
   */
  ephemeral: boolean;
  /** The adapter can open a direct conversation with a person: the core may ask for "direct" and send DMs. */
  directMessages: boolean;
  /**
   * The platform's user ids are directory handles, and whoever types there may act as that contact: the local
   * console, whose operator is trusted with the whole installation. False on every chat platform.
   */
  userIdIsHandle: boolean;
}

/** Fields common to every inbound event. */
interface InboundBase {
  /** Unique per platform for one user action; redeliveries carry the same id. */
  eventId: string;
  identity: PlatformIdentity;
  where: EventLocation;
}

/** A command typed by a person (slash command, `!command` message, console line). */
export interface CommandEvent extends InboundBase {
  type: "command";
  /** The command in the shared grammar, starting with its name: "/contacts find hosting --country NL". */
  text: string;
}

/** A person's message in a thread or room that Liaison follows. */
export interface ThreadMessageEvent extends InboundBase {
  type: "message";
  text: string;
}

/** A button press or form submission; runs `command` with `values` as flags. */
export interface ActionEvent extends InboundBase {
  type: "action";
  command: string;
  values: Record<string, string>;
}

/** Anything a platform delivers to the core. */
export type InboundEvent = CommandEvent | ThreadMessageEvent | ActionEvent;

/**
 * How a reply reaches the asker, decided by the core from the adapter's capabilities. Adapters deliver replies
 * through src/core/reply-policy.ts: a reply to a thread message outside a direct conversation always goes to its
 * writer alone, whatever is asked.
 */
export type ReplyDelivery = "ephemeral" | "direct" | "in-place";

/** The core's answer to an inbound event. */
export interface Reply {
  message: OutboundMessage;
  delivery: ReplyDelivery;
}

/** The core's entry point for inbound events; resolves to the reply to show, if any. */
export type InboundHandler = (event: InboundEvent) => Promise<Reply | undefined>;

/** Options of an outbound send. */
export interface SendOptions {
  /** Stable across retries of the same message (the outbox id); adapters that can use it to de-duplicate do. */
  idempotencyKey: string;
}

/** A posted message. */
export interface PostedMessage {
  /** The platform's id of the message (Slack ts, Matrix event id, Discord message id). */
  messageId: string;
}

/** A request to open a case thread in a channel. */
export interface OpenThreadRequest {
  channel: ChannelAddress;
  /** Short title, where the platform names threads (Discord) or rooms (Matrix room per case). */
  title: string;
  /** The thread's first message (the case card). */
  root: OutboundMessage;
  /** Accounts to invite where the thread is a room of its own. */
  members?: PlatformIdentity[];
}

/**
 * What the core needs from a chat platform. Adapters live under adapters/ and are the only code that imports a
 * chat SDK. Send methods throw DeliveryError for failures the outbox should know about.
 */
export interface ChatAdapter {
  readonly platform: Platform;
  readonly capabilities: AdapterCapabilities;
  /**
   * Connects and starts delivering inbound events to `handler`: one at a time per conversation (thread, or channel
   * outside threads), in arrival order; conversations in parallel (src/core/ordering.ts).
   */
  start(handler: InboundHandler): Promise<void>;
  /** Disconnects; pending inbound work is finished first. */
  stop(): Promise<void>;
  /** Posts into a channel or a thread. */
  send(destination: Extract<Destination, { kind: "channel" | "thread" }>, message: OutboundMessage, options: SendOptions): Promise<PostedMessage>;
  /** Posts a case card and opens a thread on it; resolves to the thread's address. */
  openThread(request: OpenThreadRequest, options: SendOptions): Promise<ThreadAddress>;
  /** Sends a direct message to a person. */
  sendDirect(to: PlatformIdentity, message: OutboundMessage, options: SendOptions): Promise<PostedMessage>;
}

/** A failed delivery: when to try again, or that trying again cannot help. */
export class DeliveryError extends Error {
  /** How long the platform asked to wait (rate limit), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** True when retrying cannot succeed (unknown channel, message rejected). */
  readonly permanent: boolean;

  constructor(message: string, options: { retryAfterMs?: number; permanent?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "DeliveryError";
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
  }
}

/** Formats an identity as one string, e.g. "slack:T01:U02" or "matrix::@ann:example.org". */
export function identityKey(identity: Pick<PlatformIdentity, "platform" | "workspace" | "userId">): string {
  return `${identity.platform}:${identity.workspace}:${identity.userId}`;
}

/**
 * The identity as the directory stores it: Discord and Matrix user ids are global, so their workspace (the server
 * a message came from) is not part of the identity; Slack user ids are per workspace (team).
 */
export function canonicalIdentity<T extends Pick<PlatformIdentity, "platform" | "workspace" | "userId">>(identity: T): T {
  return identity.platform === "discord" || identity.platform === "matrix" || identity.platform === "console" ? { ...identity, workspace: "" } : identity;
}
