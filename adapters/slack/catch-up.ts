// Messages written in case threads while Liaison was down. Slack retries an event only for a few minutes and never
// replays what happened while the app was unreachable; so at start, each open case thread's replies since the last
// one Liaison handled are read with conversations.replies (oldest first) and handled like live messages. A message's
// event id is its place (workspace, channel, ts), the same live and here, so the core's claim counts it once.
import type { Logger } from "pino";
import type { ThreadAddress } from "../../src/core/adapter.js";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { SeenMarks } from "../../src/core/seen-marks.js";
import { threadMessageOf, type SlackThreadMessage } from "./inbound.js";
import type { SlackClient } from "./outbound.js";

/** Replies one history request asks for. */
const PAGE_SIZE = 200;

/** Most history pages read per thread at one start; beyond, the rest is left and said so in the log. */
export const MAX_CATCH_UP_PAGES = 25;

/** State-store key of the last message handled in a thread. */
export function lastSeenKey(channelId: string, threadTs: string): string {
  return `slack:seen:${channelId}:${threadTs}`;
}

/** A Slack ts ("1700000000.000100") as a number of microseconds, for ordering; undefined when it is not one. */
function tsMicros(ts: string): bigint | undefined {
  const match = /^(\d{1,12})\.(\d{6})$/.exec(ts);
  return match ? BigInt(match[1] ?? "0") * 1_000_000n + BigInt(match[2] ?? "0") : undefined;
}

/** The adapter's marks of the newest message handled per thread (read once per thread, then from memory). */
export function slackSeenMarks(state: AdapterStateStore): SeenMarks {
  return new SeenMarks(state, (ts) => tsMicros(ts) !== undefined, (candidate, current) => (tsMicros(candidate) ?? 0n) > (tsMicros(current) ?? 0n));
}

/** Remembers the newest message handled in a thread, never moving back: one write when it moves, no read. */
export async function rememberSeen(marks: SeenMarks, channelId: string, threadTs: string, ts: string): Promise<void> {
  await marks.remember(lastSeenKey(channelId, threadTs), ts);
}

/**
 * The people's replies in a thread after the last one handled (or after its card, whose ts is the thread's), oldest
 * first, as thread message events.
 */
export async function missedMessages(client: SlackClient, state: AdapterStateStore, thread: ThreadAddress, botUserId: string | undefined, logger: Logger): Promise<SlackThreadMessage[]> {
  const stored = await state.get(lastSeenKey(thread.channelId, thread.threadId));
  const oldest = stored !== undefined && tsMicros(stored) !== undefined ? stored : thread.threadId;
  const oldestMicros = tsMicros(oldest);
  if (oldestMicros === undefined) return [];
  const missed: { at: bigint; message: SlackThreadMessage }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_CATCH_UP_PAGES; page += 1) {
    const answer = await client.conversations.replies({ channel: thread.channelId, ts: thread.threadId, oldest, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    for (const raw of answer.messages ?? []) {
      const message = { type: "message", channel: thread.channelId, ...(raw as object) } as { ts?: unknown };
      const at = typeof message.ts === "string" ? tsMicros(message.ts) : undefined;
      if (at === undefined || at <= oldestMicros) continue;
      const read = threadMessageOf(thread.workspace, message, botUserId);
      if (read) missed.push({ at, message: read });
    }
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!answer.has_more || !cursor) break;
    if (page === MAX_CATCH_UP_PAGES - 1) logger.warn({ channel: thread.channelId, threadTs: thread.threadId, read: missed.length }, "Slack catch-up stopped at its page limit; later replies of this thread were not relayed");
  }
  missed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return missed.map((entry) => entry.message);
}

/**
 * Handles, in order, what people wrote in an open case thread since the last message handled there (`handle` runs
 * each, as a live message is run). A history that cannot be read is logged, and the thread is left for the next start.
 */
export async function catchUpThread(client: SlackClient, state: AdapterStateStore, thread: ThreadAddress, botUserId: string | undefined, logger: Logger, handle: (message: SlackThreadMessage) => Promise<void>): Promise<void> {
  let missed: SlackThreadMessage[];
  try {
    missed = await missedMessages(client, state, thread, botUserId, logger);
  } catch (error) {
    logger.error({ err: error, channel: thread.channelId, threadTs: thread.threadId }, "could not read a Slack case thread's history; messages written there while Liaison was down are not relayed");
    return;
  }
  if (missed.length > 0) logger.info({ channel: thread.channelId, threadTs: thread.threadId, messages: missed.length }, "catching up on a Slack case thread");
  for (const message of missed) await handle(message);
}
