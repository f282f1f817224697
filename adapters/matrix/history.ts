import type { Logger } from "pino";
import { z } from "zod";

/** One page of GET /rooms/{roomId}/messages, newest first (dir=b). */
export interface MessagesPage {
  chunk: unknown[];
  end?: string;
}

/** Reads one page of a room's history backwards from `from`. */
export type PageReader = (roomId: string, from: string) => Promise<MessagesPage>;

const eventTimes = z.object({ event_id: z.string(), origin_server_ts: z.number().optional() }).loose();
const joinedRooms = z
  .object({
    rooms: z
      .object({
        join: z
          .record(z.string(), z.object({ timeline: z.object({ events: z.array(z.unknown()).default([]), limited: z.boolean().optional(), prev_batch: z.string().optional() }).loose().optional() }).loose())
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** Most events read back into one room's gap; beyond this the oldest of the gap are not handled (and logged). */
export const MAX_GAP_EVENTS = 5000;

/**
 * Fills the gaps of a sync batch: a homeserver returns only the newest events of a room whose timeline grew beyond
 * the filter's limit (`limited`, with `prev_batch` before them). The events between `notBeforeTs` and the batch are
 * read back with /messages and put before the batch's events, in timeline order, so that what people wrote while
 * Liaison was down is handled, once (the core claims each event id once) and in order. Changes `raw` in place.
 */
export async function fillTimelineGaps(raw: unknown, readPage: PageReader, notBeforeTs: number, logger: Logger): Promise<void> {
  const parsed = joinedRooms.safeParse(raw);
  if (!parsed.success) return;
  const rooms = parsed.data.rooms?.join ?? {};
  // A batch without joined rooms (only invites, presence or account data) has no `rooms.join`, or no `rooms` at all.
  const mutable = (raw as { rooms?: { join?: Record<string, { timeline: { events: unknown[] } }> } }).rooms?.join ?? {};
  for (const [roomId, room] of Object.entries(rooms)) {
    const timeline = room.timeline;
    if (!timeline?.limited || !timeline.prev_batch) continue;
    const known = new Set(timeline.events.map((event) => eventTimes.safeParse(event).data?.event_id));
    const older: unknown[] = [];
    let from: string | undefined = timeline.prev_batch;
    let reachedBoundary = false;
    while (from && !reachedBoundary && older.length < MAX_GAP_EVENTS) {
      const page: MessagesPage = await readPage(roomId, from);
      if (page.chunk.length === 0) break;
      for (const event of page.chunk) {
        const times = eventTimes.safeParse(event);
        if (!times.success) continue;
        if ((times.data.origin_server_ts ?? 0) < notBeforeTs) {
          reachedBoundary = true;
          break;
        }
        if (!known.has(times.data.event_id)) older.push(event);
      }
      from = page.end && page.end !== from ? page.end : undefined;
    }
    if (!reachedBoundary && older.length >= MAX_GAP_EVENTS) logger.warn({ roomId, events: older.length }, "matrix: a room's gap is longer than Liaison reads back; its oldest events are not handled");
    const target = mutable[roomId];
    if (older.length > 0 && target) {
      target.timeline.events = [...older.reverse(), ...target.timeline.events];
      logger.info({ roomId, events: older.length }, "matrix: read back the events written while Liaison was not syncing");
    }
  }
}

/** The newest origin_server_ts among a sync batch's joined-room timeline events; undefined when it has none. */
export function newestEventTs(raw: unknown): number | undefined {
  const parsed = joinedRooms.safeParse(raw);
  if (!parsed.success) return undefined;
  let newest: number | undefined;
  for (const room of Object.values(parsed.data.rooms?.join ?? {})) {
    for (const event of room.timeline?.events ?? []) {
      const ts = eventTimes.safeParse(event).data?.origin_server_ts;
      if (ts !== undefined && (newest === undefined || ts > newest)) newest = ts;
    }
  }
  return newest;
}
