import type { Logger } from "pino";
import { z } from "zod";
import type { AdapterStateStore } from "../../src/core/platform.js";
import { safeJson, stateKeys } from "./storage.js";

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
