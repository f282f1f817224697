import type { ChannelAddress } from "./adapter.js";

/** Where a conversation happens: a channel or room, and the thread inside it when there is one. */
export type ConversationPlace = ChannelAddress & { threadId?: string | undefined };

/**
 * The key of one conversation (platform, workspace, channel, thread), under which inbound events are handled one at
 * a time. Events outside a thread share the channel's key.
 */
export function conversationKey(place: ConversationPlace): string {
  return [place.platform, place.workspace, place.channelId, place.threadId ?? ""].join("\u0000");
}

/** Thrown by a turn taken on a conversation that already has `maxPendingPerKey` events waiting (overload). */
export class ConversationBacklogError extends Error {
  constructor(readonly pending: number) {
    super(`a conversation has ${pending} inbound events waiting; the newest is refused`);
    this.name = "ConversationBacklogError";
  }
}

/**
 * A place in a conversation's line, taken when an event arrives. The work is given later, once the platform has been
 * answered (Slack's ack, Discord's deferral), so the line keeps arrival order. run() or skip() must be called, or the
 * conversation waits forever; skip() after run() does nothing, so `finally { turn.skip(); }` is always safe.
 */
export interface ConversationTurn {
  /** Runs `task` once every earlier turn of the conversation has finished; resolves or rejects as the task does. Once only. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Gives the turn up without work, so later turns go ahead; does nothing once the turn was run or skipped. */
  skip(): void;
}

/** Runs inbound work one event at a time per conversation, different conversations in parallel. */
export interface ConversationQueue {
  /** Takes the next turn in the conversation `key`; throws ConversationBacklogError when its line is full. */
  reserve(key: string): ConversationTurn;
  /** Runs `task` after every task queued earlier under `key` (a turn taken and run at once). */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Resolves once no conversation has work waiting or running (including work queued meanwhile). */
  idle(): Promise<void>;
  /** Turns waiting or running under `key`. */
  pendingFor(key: string): number;
  /** Conversations with work waiting or running. */
  readonly activeConversations: number;
}

/** Limits of a conversation queue. */
export interface ConversationQueueOptions {
  /** Most turns waiting or running in one conversation; more are refused with ConversationBacklogError. */
  maxPendingPerKey?: number;
}

/** Turns one conversation may have waiting by default: far more than people write while one event is handled. */
export const DEFAULT_MAX_PENDING_PER_CONVERSATION = 1000;

interface Line {
  /** Settles when the newest turn taken so far has finished (never rejects). */
  tail: Promise<void>;
  pending: number;
}

/**
 * Creates a keyed serial executor: a conversation's turns run in the order they were taken, a failing task does not
 * stop the next, and a conversation's line is forgotten as soon as it is empty (memory grows with the work waiting,
 * never with the number of conversations seen).
 */
export function createConversationQueue(options: ConversationQueueOptions = {}): ConversationQueue {
  const maxPending = options.maxPendingPerKey ?? DEFAULT_MAX_PENDING_PER_CONVERSATION;
  const lines = new Map<string, Line>();
  const everything = new Set<Promise<void>>();

  const reserve = (key: string): ConversationTurn => {
    let line = lines.get(key);
    if (!line) {
      line = { tail: Promise.resolve(), pending: 0 };
      lines.set(key, line);
    }
    if (line.pending >= maxPending) throw new ConversationBacklogError(line.pending);
    const current = line;
    current.pending += 1;
    const before = current.tail;
    let give: (task: (() => Promise<unknown>) | undefined) => void = () => undefined;
    const given = new Promise<(() => Promise<unknown>) | undefined>((resolve) => (give = resolve));
    let used = false;
    const outcome = before.then(async () => {
      const task = await given;
      return task ? task() : undefined;
    });
    const finished = outcome.then(
      () => undefined,
      () => undefined,
    );
    current.tail = finished;
    everything.add(finished);
    void finished.then(() => {
      everything.delete(finished);
      current.pending -= 1;
      if (current.pending === 0 && lines.get(key) === current) lines.delete(key);
    });
    return {
      run<T>(task: () => Promise<T>): Promise<T> {
        if (used) throw new Error("a conversation turn was run twice, or after it was skipped");
        used = true;
        give(task);
        return outcome as Promise<T>;
      },
      skip(): void {
        if (used) return;
        used = true;
        give(undefined);
      },
    };
  };

  return {
    reserve,
    run: (key, task) => reserve(key).run(task),
    async idle() {
      while (everything.size > 0) await Promise.all([...everything]);
    },
    pendingFor: (key) => lines.get(key)?.pending ?? 0,
    get activeConversations() {
      return lines.size;
    },
  };
}
