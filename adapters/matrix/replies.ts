import type { Logger } from "pino";
import { z } from "zod";
import type { InboundEvent, PlatformIdentity, Reply } from "../../src/core/adapter.js";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { deliverReply, type ReplyPolicy, type ReplyRoutes } from "../../src/core/reply-policy.js";
import type { MatrixPoster } from "./outbound.js";
import { safeJson, stateKeys } from "./storage.js";

/** Context of a command, kept to place its reply. */
export interface ReplyContext {
  roomId: string;
  threadId?: string;
  eventId: string;
  identity: PlatformIdentity;
}

/** A reply the core gave that is not yet shown: where it goes, and for which event. */
export interface PendingReply {
  /** The inbound event's id (one reply per event and asker). */
  eventId: string;
  event: { type: string; where: Record<string, unknown> & { platform: "matrix"; workspace: string; channelId: string; isDirect?: boolean; threadId?: string } };
  context: { roomId: string; threadId?: string; eventId: string; identity: { platform: "matrix"; workspace: string; userId: string; displayName?: string } };
  reply: { message: Record<string, unknown> & { text: string }; delivery: string };
}

const pendingReplySchema = z.object({
  eventId: z.string(),
  event: z.object({ type: z.string(), where: z.object({ platform: z.literal("matrix"), workspace: z.string(), channelId: z.string(), isDirect: z.boolean().optional(), threadId: z.string().optional() }).loose() }),
  context: z.object({
    roomId: z.string(),
    threadId: z.string().optional(),
    eventId: z.string(),
    identity: z.object({ platform: z.literal("matrix"), workspace: z.string(), userId: z.string(), displayName: z.string().optional() }),
  }),
  reply: z.object({ message: z.object({ text: z.string() }).loose(), delivery: z.string() }),
});

/** Most replies kept waiting; beyond this the oldest are dropped (and logged). */
const MAX_PENDING_REPLIES = 500;

/**
 * Replies written to Liaison's database before they are shown, and removed once shown (or refused for good): a
 * reply waiting out a rate limit when Liaison stops, or cut off by a crash, is shown after the restart, in its
 * conversation's order. Posting it again is harmless: its transaction ids are derived from the event's id.
 */
export class ReplyJournal {
  private entries: PendingReply[] | undefined;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: AdapterStateStore,
    private readonly logger: Logger,
  ) {}

  /** The replies left over from before, oldest first. */
  async load(): Promise<PendingReply[]> {
    const text = await this.state.get(stateKeys.pendingReplies);
    const parsed = z.array(z.unknown()).safeParse(text === undefined ? [] : safeJson(text));
    const entries: PendingReply[] = [];
    for (const item of parsed.success ? parsed.data : []) {
      const entry = pendingReplySchema.safeParse(item);
      if (entry.success) entries.push(entry.data as PendingReply);
    }
    this.entries = entries;
    return [...entries];
  }

  /** Records a reply before it is shown. */
  add(entry: PendingReply): Promise<void> {
    return this.change((entries) => {
      const kept = entries.filter((existing) => !(existing.eventId === entry.eventId && existing.context.identity.userId === entry.context.identity.userId));
      kept.push(entry);
      if (kept.length > MAX_PENDING_REPLIES) this.logger.warn({ dropped: kept.length - MAX_PENDING_REPLIES }, "matrix: too many replies waiting; the oldest are dropped");
      return kept.slice(-MAX_PENDING_REPLIES);
    });
  }

  /** Forgets a reply once shown or refused for good. */
  remove(eventId: string, userId: string): Promise<void> {
    return this.change((entries) => entries.filter((existing) => !(existing.eventId === eventId && existing.context.identity.userId === userId)));
  }

  private change(update: (entries: PendingReply[]) => PendingReply[]): Promise<void> {
    const write = this.writes.then(async () => {
      const next = update(this.entries ?? []);
      this.entries = next;
      if (next.length === 0) await this.state.delete(stateKeys.pendingReplies);
      else await this.state.set(stateKeys.pendingReplies, JSON.stringify(next));
    });
    this.writes = write.catch(() => undefined);
    return write;
  }
}

/**
 * Delivers a reply through the shared reply policy: in the room (or thread, replying to the command) where the
 * core asked for it, else in the person's direct room; each retried on rate limits within replyWindowMs. Every
 * attempt of a route uses the same transaction id, so a retry never posts twice.
 */
export async function deliverMatrixReply(poster: MatrixPoster, policy: ReplyPolicy, logger: Logger, reply: Reply, event: InboundEvent, context: ReplyContext): Promise<boolean> {
  // A room is direct only while its members are exactly the bot and the asker: checked now, not when it was opened.
  if (event.where.isDirect && !(await poster.isOnlyWith(context.roomId, context.identity.userId).catch(() => false))) {
    event = { ...event, where: { ...event.where, isDirect: false } };
  }
  const key = `reply.${context.eventId}.${context.identity.userId}`;
  const routes: ReplyRoutes = {
    inPlace: {
      send: async (message) => {
        await poster.postMessage(message, { roomId: context.roomId, threadId: context.threadId || undefined, replyTo: context.eventId }, key);
      },
    },
    direct: {
      send: async (message) => {
        await poster.postDirect(context.identity.userId, message, `${key}.direct`);
      },
    },
  };
  const outcome = await deliverReply(reply, event, routes, policy, (report) => {
    logger.info({ eventId: context.eventId, route: report.route, attempt: report.attempt, next: report.next, waitMs: report.waitMs, err: report.error }, "matrix: reply attempt failed");
  });
  if (!outcome.delivered) logger.warn({ eventId: context.eventId, attempts: outcome.attempts, err: outcome.error }, "matrix: could not deliver a reply");
  return outcome.delivered;
}
