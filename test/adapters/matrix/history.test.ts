import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { fillTimelineGaps, newestEventTs, type MessagesPage } from "../../../adapters/matrix/history.js";

const silent = pino({ level: "silent" });

describe("matrix adapter: reading a sync batch's gaps back", () => {
  // Synapse leaves out `rooms` (or `rooms.join`) when a batch holds only invites, presence or account data; such a
  // batch used to throw, so /sync failed and backed off (1 s doubling to 30 s) with the same token, stalling every
  // answer behind it.
  it.each([
    ["no rooms at all", { next_batch: "s2", presence: { events: [] } }],
    ["only invites", { next_batch: "s2", rooms: { invite: { "!new:hs.test": { invite_state: { events: [] } } } } }],
    ["only left rooms", { next_batch: "s2", rooms: { leave: {} } }],
  ])("takes a batch with %s without reading anything", async (_name, batch) => {
    const reads: string[] = [];
    const readPage = async (roomId: string): Promise<MessagesPage> => {
      reads.push(roomId);
      return { chunk: [] };
    };
    const before = JSON.stringify(batch);
    await expect(fillTimelineGaps(batch, readPage, 0, silent)).resolves.toBeUndefined();
    expect(reads).toEqual([]);
    expect(JSON.stringify(batch)).toBe(before);
    expect(newestEventTs(batch)).toBeUndefined();
  });

  it("still reads a limited joined room's gap back, oldest first, before the batch's events", async () => {
    const batch = {
      next_batch: "s3",
      rooms: {
        join: { "!a:hs.test": { timeline: { limited: true, prev_batch: "p1", events: [{ event_id: "$3", origin_server_ts: 3000 }] } } },
        invite: { "!b:hs.test": {} },
      },
    };
    const readPage = async (_roomId: string, from: string): Promise<MessagesPage> =>
      from === "p1" ? { chunk: [{ event_id: "$2", origin_server_ts: 2000 }, { event_id: "$1", origin_server_ts: 1000 }, { event_id: "$0", origin_server_ts: 10 }], end: "p2" } : { chunk: [] };
    await fillTimelineGaps(batch, readPage, 500, silent);
    expect(batch.rooms.join["!a:hs.test"].timeline.events.map((event) => event.event_id)).toEqual(["$1", "$2", "$3"]);
    expect(newestEventTs(batch)).toBe(3000);
  });
});
