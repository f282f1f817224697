import { describe, expect, it } from "vitest";
import { DeliveryError } from "../../../src/core/adapter.js";
import { RoomStates } from "../../../adapters/matrix/room-state.js";

const BOT = "@liaison:hs.test";
const ANN = "@ann:hs.test";
const BOB = "@bob:hs.test";
const ROOM = "!room:hs.test";

let serial = 0;
function state(type: string, stateKey: string, content: Record<string, unknown>, sender = ANN): Record<string, unknown> {
  serial += 1;
  return { type, state_key: stateKey, content, sender, event_id: `$e${serial}`, origin_server_ts: 1_700_000_000_000 + serial };
}
const create = () => state("m.room.create", "", { room_version: "10" });
const member = (userId: string, membership: string, extra: Record<string, unknown> = {}) => state("m.room.member", userId, { membership, ...extra }, userId);
const message = (body: string) => ({ type: "m.room.message", content: { msgtype: "m.text", body }, sender: ANN, event_id: `$m${++serial}` });
const encryption = () => state("m.room.encryption", "", { algorithm: "m.megolm.v1.aes-sha2" });

/** A /sync batch with one joined room. */
function joined(roomId: string, stateEvents: unknown[], timeline: unknown[] = [], extra: Record<string, unknown> = {}): unknown {
  return { next_batch: "s1", rooms: { join: { [roomId]: { state: { events: stateEvents }, timeline: { events: timeline, limited: false }, ...extra } } } };
}

/** A state reader that records its calls and answers from `answers` (an Error is thrown). */
function reader(answers: Record<string, unknown[] | Error> = {}) {
  const calls: string[] = [];
  const read = async (roomId: string): Promise<unknown> => {
    calls.push(roomId);
    const answer = answers[roomId];
    if (answer instanceof Error) throw answer;
    return answer ?? [create(), member(BOT, "join")];
  };
  return { calls, read };
}

describe("matrix room state from /sync", () => {
  it("knows a room's members from the initial sync and reads no state for it", async () => {
    const http = reader();
    const rooms = new RoomStates(BOT, http.read);
    rooms.applySync(joined(ROOM, [create(), member(ANN, "join"), member(BOT, "join")], [message("hi")]));
    expect(rooms.known(ROOM)).toEqual({ members: [ANN, BOT], encrypted: false });
    expect(await rooms.isOnlyWith(ROOM, ANN)).toBe(true);
    expect(await rooms.isEncrypted(ROOM)).toBe(false);
    expect(http.calls).toEqual([]);
  });

  it("follows joins, invites, leaves, kicks and bans in timeline order", async () => {
    const rooms = new RoomStates(BOT, reader().read);
    rooms.applySync(joined(ROOM, [create(), member(ANN, "join"), member(BOT, "join")]));
    // Bob invited: invited members can read what follows once they join, so the room is not direct any more.
    rooms.applySync(joined(ROOM, [], [state("m.room.member", BOB, { membership: "invite" })]));
    expect(await rooms.isOnlyWith(ROOM, ANN)).toBe(false);
    // Bob declines (leave): direct again.
    rooms.applySync(joined(ROOM, [], [member(BOB, "leave")]));
    expect(await rooms.isOnlyWith(ROOM, ANN)).toBe(true);
    // Bob joins and is kicked, in one batch: direct.
    rooms.applySync(joined(ROOM, [], [member(BOB, "join"), state("m.room.member", BOB, { membership: "leave", reason: "kicked" }, ANN)]));
    expect(rooms.known(ROOM)?.members).toEqual([ANN, BOT]);
    // Bob is banned, unbanned (leave) and joins again: not direct.
    rooms.applySync(joined(ROOM, [], [state("m.room.member", BOB, { membership: "ban" }, ANN), state("m.room.member", BOB, { membership: "leave" }, ANN), member(BOB, "join")]));
    expect(await rooms.isOnlyWith(ROOM, ANN)).toBe(false);
    // Ann leaves: the room holds the bot and Bob; it is direct with Bob, not with Ann.
    rooms.applySync(joined(ROOM, [], [member(ANN, "leave")]));
    expect(await rooms.isOnlyWith(ROOM, ANN)).toBe(false);
    expect(await rooms.isOnlyWith(ROOM, BOB)).toBe(true);
    // Knocking is not membership.
    rooms.applySync(joined(ROOM, [], [state("m.room.member", "@carol:hs.test", { membership: "knock" }, "@carol:hs.test")]));
    expect(await rooms.isOnlyWith(ROOM, BOB)).toBe(true);
  });

  it("does not take a room with three members for direct because its inviter marked it is_direct", async () => {
    const http = reader();
    const rooms = new RoomStates(BOT, http.read);
    rooms.applySync(joined(ROOM, [create(), member(ANN, "join"), member(BOB, "join"), member(BOT, "join", { is_direct: true })]));
    expect(await rooms.isOnlyWith(ROOM, ANN)).toBe(false);
    expect(await rooms.isOnlyWith(ROOM, BOB)).toBe(false);
    expect(http.calls).toEqual([]);
    // Nor over HTTP, for a room not known yet.
    const other = "!other:hs.test";
    const fallback = new RoomStates(BOT, reader({ [other]: [create(), member(ANN, "join"), member(BOB, "invite"), member(BOT, "join", { is_direct: true })] }).read);
    expect(await fallback.isOnlyWith(other, ANN)).toBe(false);
    // The bot alone with itself is no direct room either.
    const alone = new RoomStates(BOT, reader().read);
    alone.applySync(joined(ROOM, [create(), member(BOT, "join")]));
    expect(await alone.isOnlyWith(ROOM, BOT)).toBe(false);
  });

  it("marks a room encrypted at once from an m.room.encryption event in the state or the timeline, for good", async () => {
    const http = reader();
    const rooms = new RoomStates(BOT, http.read);
    rooms.applySync(joined(ROOM, [create(), member(ANN, "join"), member(BOT, "join")]));
    expect(await rooms.isEncrypted(ROOM)).toBe(false);
    rooms.applySync(joined(ROOM, [], [encryption(), message("secret?")]));
    expect(await rooms.isEncrypted(ROOM)).toBe(true);
    // Left and joined again: the room is still encrypted (encryption cannot be turned off), even before its state comes.
    rooms.applySync({ next_batch: "s2", rooms: { leave: { [ROOM]: { timeline: { events: [member(BOT, "leave")] } } } } });
    expect(rooms.known(ROOM)).toBeUndefined();
    expect(await rooms.isEncrypted(ROOM)).toBe(true);
    rooms.applySync(joined(ROOM, [create(), member(ANN, "join"), member(BOT, "join")]));
    expect(await rooms.isEncrypted(ROOM)).toBe(true);
    expect(http.calls).toEqual([]);
    // An unknown room seen encrypted in a partial batch is encrypted without a read.
    const partial = "!partial:hs.test";
    rooms.applySync(joined(partial, [], [encryption()]));
    expect(rooms.known(partial)).toBeUndefined();
    expect(await rooms.isEncrypted(partial)).toBe(true);
    expect(http.calls).toEqual([]);
    // And markEncrypted (an encrypted message seen) does the same.
    rooms.markEncrypted("!marked:hs.test");
    expect(await rooms.isEncrypted("!marked:hs.test")).toBe(true);
  });

  it("reads a room it does not know over HTTP once, then answers from memory and follows /sync", async () => {
    const http = reader({ [ROOM]: [create(), member(ANN, "join"), member(BOT, "join")] });
    const rooms = new RoomStates(BOT, http.read);
    // A partial batch (no m.room.create: a restart resumed from a saved token) does not make a room known.
    rooms.applySync(joined(ROOM, [], [member(BOB, "leave"), message("hello")]));
    expect(rooms.known(ROOM)).toBeUndefined();
    const [direct, encrypted] = await Promise.all([rooms.isOnlyWith(ROOM, ANN), rooms.isEncrypted(ROOM)]);
    expect({ direct, encrypted }).toEqual({ direct: true, encrypted: false });
    expect(http.calls).toEqual([ROOM]);
    expect(await rooms.isOnlyWith(ROOM, ANN)).toBe(true);
    expect(http.calls).toEqual([ROOM]);
    rooms.applySync(joined(ROOM, [], [member(BOB, "join")]));
    expect(await rooms.isOnlyWith(ROOM, ANN)).toBe(false);
    expect(http.calls).toEqual([ROOM]);
  });

  it("never takes a room it cannot read for plain or direct", async () => {
    const forbidden = Object.assign(new Error("forbidden"), { statusCode: 403, errcode: "M_FORBIDDEN" });
    const rooms = new RoomStates(BOT, reader({ [ROOM]: forbidden, "!half:hs.test": [member(ANN, "join"), member(BOT, "join")] }).read);
    await expect(rooms.isEncrypted(ROOM)).rejects.toBe(forbidden);
    await expect(rooms.isOnlyWith(ROOM, ANN)).rejects.toBe(forbidden);
    expect(rooms.known(ROOM)).toBeUndefined();
    // An answer without the room's m.room.create is not its whole state.
    await expect(rooms.isEncrypted("!half:hs.test")).rejects.toBeInstanceOf(DeliveryError);
    await expect(rooms.isOnlyWith("!half:hs.test", ANN)).rejects.toBeInstanceOf(DeliveryError);
    expect(rooms.known("!half:hs.test")).toBeUndefined();
  });

  it("does not keep an HTTP read that a /sync batch overtook, and keeps the batch's full state when it came meanwhile", async () => {
    let release: (value: unknown[]) => void = () => undefined;
    const reads: string[] = [];
    const rooms = new RoomStates(BOT, (roomId) => {
      reads.push(roomId);
      return new Promise((resolve) => (release = resolve));
    });
    const asked = rooms.isOnlyWith(ROOM, ANN);
    // While the read is in flight a batch says Bob joined; the read's answer (without Bob) may be older.
    rooms.applySync(joined(ROOM, [], [member(BOB, "join")]));
    release([create(), member(ANN, "join"), member(BOT, "join")]);
    expect(await asked).toBe(true);
    expect(rooms.known(ROOM)).toBeUndefined();
    // The next question reads again.
    const again = rooms.isOnlyWith(ROOM, ANN);
    release([create(), member(ANN, "join"), member(BOB, "join"), member(BOT, "join")]);
    expect(await again).toBe(false);
    expect(rooms.known(ROOM)?.members).toEqual([ANN, BOB, BOT]);
    // A full-state batch arriving during a read wins over the read.
    const other = "!other:hs.test";
    const third = rooms.isOnlyWith(other, ANN);
    rooms.applySync(joined(other, [create(), member(ANN, "join"), member(BOB, "join"), member(BOT, "join")]));
    release([create(), member(ANN, "join"), member(BOT, "join")]);
    expect(await third).toBe(false);
    expect(rooms.known(other)?.members).toEqual([ANN, BOB, BOT]);
    expect(reads).toEqual([ROOM, ROOM, other]);
  });

  it("forgets a room whose member counts in the batch's summary disagree, and reads it again", async () => {
    const http = reader({ [ROOM]: [create(), member(ANN, "join"), member(BOB, "join"), member(BOT, "join")] });
    const rooms = new RoomStates(BOT, http.read);
    rooms.applySync(joined(ROOM, [create(), member(ANN, "join"), member(BOT, "join")], [], { summary: { "m.joined_member_count": 3, "m.invited_member_count": 0 } }));
    expect(rooms.known(ROOM)).toBeUndefined();
    expect(await rooms.isOnlyWith(ROOM, ANN)).toBe(false);
    expect(http.calls).toEqual([ROOM]);
  });

  it("ignores invites' partial state and malformed or hostile events", async () => {
    const http = reader({ "!invited:hs.test": [create(), member(ANN, "join"), member(BOB, "join"), member(BOT, "join")] });
    const rooms = new RoomStates(BOT, http.read);
    rooms.applySync({ rooms: { invite: { "!invited:hs.test": { invite_state: { events: [create(), member(ANN, "join"), state("m.room.member", BOT, { membership: "invite", is_direct: true })] } } } } });
    expect(rooms.known("!invited:hs.test")).toBeUndefined();
    expect(await rooms.isOnlyWith("!invited:hs.test", ANN)).toBe(false);
    rooms.applySync(joined(ROOM, [create(), member(ANN, "join"), member(BOT, "join")]));
    const hostile = [
      null,
      "text",
      { type: "m.room.member", content: { membership: "join" } },
      { type: "m.room.member", state_key: 7, content: { membership: "join" } },
      { type: "m.room.member", state_key: `@${"x".repeat(100_000)}:hs.test`, content: { membership: "join" } },
      { type: "m.room.member", state_key: "@eve:hs.test", content: { membership: "join".padEnd(100_000, "\u202e") } },
      { type: "m.room.member", state_key: "@eve:hs.test", content: "join" },
    ];
    rooms.applySync(joined(ROOM, [], hostile));
    rooms.applySync({ rooms: { join: { [ROOM]: { timeline: { events: "not a list" } } } } });
    rooms.applySync({ rooms: "nonsense" });
    rooms.applySync(undefined);
    expect(rooms.known(ROOM)?.members).toEqual([ANN, BOT]);
    // A well-formed join of Eve after the junk counts.
    rooms.applySync(joined(ROOM, [], [member("@eve:hs.test", "join")]));
    expect(await rooms.isOnlyWith(ROOM, ANN)).toBe(false);
  });
});
