import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MatrixAdapter } from "../../../adapters/matrix/index.js";
import { RecordingHandler } from "../../contract/harness.js";
import { MatrixSpec, SPEC_ROOT } from "../../fakes/matrix/spec.js";
import { ANN, BOB, BOT, deliveredToBot, makeAdapter, MemoryStateStore, startWorld, type MatrixWorld } from "./harness.js";

/**
 * The pinned specification lives beside the repository (shared/specs). CI always has it and must run these tests;
 * a clone elsewhere without it skips them, saying so.
 */
const specPresent = existsSync(SPEC_ROOT) || Boolean(process.env.CI);
if (!specPresent) console.warn(`Matrix specification not found at ${SPEC_ROOT} (set MATRIX_SPEC_DIR): skipping the spec checks`);

/** Drives the adapter through most of what it does, then checks every request and event against the pinned spec. */
describe.skipIf(!specPresent)("matrix adapter: what goes over the wire matches the pinned Matrix specification", () => {
  let spec: MatrixSpec;
  let world: MatrixWorld;
  let adapter: MatrixAdapter;

  beforeAll(async () => {
    spec = new MatrixSpec();
    world = await startWorld();
    const handler = new RecordingHandler();
    handler.replyDelivery = "direct";
    adapter = makeAdapter(world, { state: new MemoryStateStore(), config: { allowedInviters: ["fake.test"] } });
    await adapter.start(handler.handle);
    const channel = { platform: "matrix" as const, workspace: "", channelId: world.roomId };
    const thread = await adapter.openThread(
      { channel, title: "N-1", root: { text: "card", title: "Notice N-1", sections: [{ fields: [{ label: "To", value: "ACME" }] }], tlp: "AMBER", actions: [{ id: "ack", label: "Acknowledge", command: "/case ack N-1", reaction: "✅" }] } },
      { idempotencyKey: "spec-1" },
    );
    await adapter.send({ kind: "thread", ...thread }, { text: "update" }, { idempotencyKey: "spec-2" });
    await adapter.send({ kind: "channel", ...channel }, { text: "z".repeat(40_000) }, { idempotencyKey: "spec-3" });
    const command = world.fake.say(ANN, world.roomId, "!help");
    await deliveredToBot(world.fake, adapter, command);
    await adapter.openThread({ channel, title: "N-2 room", root: { text: "card 2" }, members: [{ platform: "matrix", workspace: "", userId: BOB }] }, { idempotencyKey: "spec-4" });
    const other = world.fake.createRoom(ANN, { name: "invited", encrypted: true });
    world.fake.invite(other, ANN, BOT);
    await world.fake.waitUntil(() => world.fake.roomEvents(other).some((event) => event.sender === BOT && event.type === "m.room.message"));
    world.fake.rateLimitSends(1000);
    await adapter.send({ kind: "channel", ...channel }, { text: "limited" }, { idempotencyKey: "spec-5" }).catch(() => undefined);
  });
  afterAll(async () => {
    await adapter.stop();
    await world.fake.close();
  });

  it("only calls documented endpoints, with request bodies the spec allows", () => {
    expect(world.fake.requests.length).toBeGreaterThan(10);
    const problems = world.fake.requests.flatMap((request) => spec.checkRequest(request));
    expect(problems).toEqual([]);
    const used = new Set(world.fake.requests.map((request) => spec.operationFor(request.method, request.path)?.template));
    for (const endpoint of ["/sync", "/account/whoami", "/joined_rooms", "/createRoom", "/join/{roomIdOrAlias}", "/rooms/{roomId}/send/{eventType}/{txnId}"]) {
      expect(used).toContain(`/_matrix/client/v3${endpoint}`);
    }
  });

  it("is answered by the fake the way the spec documents the answers", () => {
    const problems = world.fake.requests.filter((request) => request.status > 0).flatMap((request) => spec.checkResponse(request));
    expect(problems).toEqual([]);
  });

  it("sends events that validate against the event schemas, with spec-shaped thread relations", () => {
    const sent = [...world.fake.model.rooms.values()].flatMap((room) => room.events.filter((event) => event.sender === BOT && (event.type === "m.room.message" || event.type === "m.reaction")));
    expect(sent.length).toBeGreaterThan(5);
    expect(sent.flatMap((event) => spec.checkEvent(event))).toEqual([]);
    for (const event of sent.filter((candidate) => candidate.type === "m.room.message")) {
      expect(event.content.msgtype).toBe("m.notice");
      const relation = event.content["m.relates_to"] as Record<string, unknown> | undefined;
      if (relation?.rel_type === "m.thread") {
        expect(relation).toEqual({ rel_type: "m.thread", event_id: expect.stringMatching(/^\$/), is_falling_back: expect.any(Boolean), "m.in_reply_to": { event_id: expect.stringMatching(/^\$/) } });
      }
    }
  });

  it("would catch a malformed event (the validator is not vacuous)", () => {
    const bad = { event_id: "$x", room_id: "!r:fake.test", sender: BOT, type: "m.room.message", origin_server_ts: 1, content: { msgtype: "m.notice" } };
    expect(spec.checkEvent(bad)).not.toEqual([]);
    const badRelation = { ...bad, content: { msgtype: "m.notice", body: "x", "m.relates_to": { rel_type: "m.thread", event_id: "no-sigil" } } };
    expect(spec.checkEvent(badRelation)).not.toEqual([]);
    expect(spec.checkRequest({ method: "POST", path: "/_matrix/client/v3/createRoom", query: {}, body: { invite: "not-a-list" }, status: 200 })).not.toEqual([]);
    expect(spec.checkRequest({ method: "GET", path: "/_matrix/client/v3/made/up", query: {}, body: undefined, status: 404 })).not.toEqual([]);
    expect(spec.checkResponse({ method: "GET", path: "/_matrix/client/v3/account/whoami", query: {}, body: undefined, status: 200, response: { device_id: "D" } })).not.toEqual([]);
    expect(spec.checkResponse({ method: "GET", path: "/_matrix/client/v3/sync", query: {}, body: undefined, status: 200, response: { rooms: {} } })).not.toEqual([]);
  });
});
