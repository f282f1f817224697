// Messages written in case threads while Liaison was down. Discord's gateway replays missed events only when a
// dropped session resumes; after a restart it sends nothing of what happened meanwhile. So at start, each open case
// thread's history since the last message Liaison handled there is read over REST (GET /channels/{id}/messages with
// `after`, oldest first) and handled like live messages: the core's claim of each message id makes a message seen
// both live and here count once.
import type { REST } from "discord.js";
import { Routes } from "discord.js";
import type { Logger } from "pino";
import type { ThreadAddress } from "../../src/core/adapter.js";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { SeenMarks } from "../../src/core/seen-marks.js";
import { messageCreateSchema, type MessageCreatePayload } from "./inbound.js";

/** Messages one history request asks for (Discord's maximum). */
const PAGE_SIZE = 100;

/** Most history pages read per thread at one start; beyond, the rest is left and said so in the log. */
export const MAX_CATCH_UP_PAGES = 50;

/** State-store key of the last message handled in a thread. */
export function lastSeenKey(threadId: string): string {
  return `discord:seen:${threadId}`;
}

/** Orders Discord snowflakes as numbers (they are decimal strings of different lengths). */
function compareSnowflakes(a: string, b: string): number {
  const left = BigInt(a);
  const right = BigInt(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** True when `candidate` is a Discord snowflake (so it can be compared and sent as `after`). */
function isSnowflake(candidate: string): boolean {
  return /^\d{1,20}$/.test(candidate);
}

/** The adapter's marks of the newest message handled per thread (read once per thread, then from memory). */
export function discordSeenMarks(state: AdapterStateStore): SeenMarks {
  return new SeenMarks(state, isSnowflake, (candidate, current) => compareSnowflakes(candidate, current) > 0);
}

/** Remembers the newest message handled in a thread, never moving back: one write when it moves, no read. */
export async function rememberSeen(marks: SeenMarks, threadId: string, messageId: string): Promise<void> {
  await marks.remember(lastSeenKey(threadId), messageId);
}

/**
 * The messages of a thread after the last one handled (or after its starting card, whose id is the thread's), oldest
 * first, as MESSAGE_CREATE payloads of the thread's guild. Messages Discord sends in a shape Liaison does not read are
 * skipped and counted in the log.
 */
export async function missedMessages(rest: REST, state: AdapterStateStore, thread: ThreadAddress, logger: Logger): Promise<MessageCreatePayload[]> {
  const stored = await state.get(lastSeenKey(thread.threadId));
  let after = stored !== undefined && isSnowflake(stored) ? stored : thread.threadId;
  if (!isSnowflake(after)) return [];
  const missed: MessageCreatePayload[] = [];
  let unreadable = 0;
  for (let page = 0; page < MAX_CATCH_UP_PAGES; page += 1) {
    const raw = await rest.get(Routes.channelMessages(thread.threadId), { query: new URLSearchParams({ after, limit: String(PAGE_SIZE) }) });
    const rows = Array.isArray(raw) ? raw : [];
    const parsed: MessageCreatePayload[] = [];
    for (const row of rows) {
      // REST messages carry no guild_id; the thread's guild is the workspace the case thread was opened in.
      const result = messageCreateSchema.safeParse({ ...(row as object), guild_id: thread.workspace });
      if (result.success) parsed.push(result.data);
      else unreadable += 1;
    }
    parsed.sort((a, b) => compareSnowflakes(a.id, b.id));
    missed.push(...parsed);
    const newest = rows
      .map((row) => (row as { id?: unknown }).id)
      .filter((id): id is string => typeof id === "string" && isSnowflake(id))
      .sort(compareSnowflakes)
      .at(-1);
    if (rows.length < PAGE_SIZE || newest === undefined) break;
    after = newest;
    if (page === MAX_CATCH_UP_PAGES - 1) logger.warn({ threadId: thread.threadId, read: missed.length }, "discord: catch-up stopped at its page limit; older messages of this thread were not relayed");
  }
  if (unreadable > 0) logger.warn({ threadId: thread.threadId, unreadable }, "discord: catch-up skipped messages it could not read");
  return missed;
}
