// The sync loop and the encryption's share of a /sync: the batch's events are handed on without waiting for the
// encryption to process the batch (so that answers in unencrypted rooms do not wait for it), but the next /sync
// (which lets the homeserver delete the batch's to-device messages) and the token's save wait for it, and a
// failure reads the same batch again.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { SyncingMatrixClient } from "../../../adapters/matrix/client.js";
import { StateStorageProvider } from "../../../adapters/matrix/storage.js";
import { MemoryStateStore } from "../../support/memory-state.js";
import { ANN, startWorld, type MatrixWorld } from "./harness.js";

const silent = pino({ level: "silent" });

/** A promise with its resolve and reject. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe("matrix sync loop: the encryption's processing of a batch", () => {
  let world: MatrixWorld | undefined;
  let client: SyncingMatrixClient | undefined;
  afterEach(async () => {
    await client?.halt();
    client = undefined;
    await world?.fake.close();
    world = undefined;
  });

  async function started(syncArrived: (raw: unknown) => Promise<void>) {
    world = await startWorld();
    const state = new MemoryStateStore();
    const storage = new StateStorageProvider(state);
    await storage.load();
    const seen: string[] = [];
    client = new SyncingMatrixClient(world.fake.baseUrl, world.botToken, storage);
    client.configureSync({ installedAtMs: 0, syncTimeoutMs: 200, retryMinMs: 20, retryMaxMs: 50, logger: silent, batchStarting: () => undefined, batchSettled: async () => undefined, syncArrived });
    client.on("room.event", (_roomId: string, event: { event_id?: string; type?: string }) => {
      if (event.type === "m.room.message" && event.event_id) seen.push(event.event_id);
    });
    await client.start();
    await client.whenFirstSyncDone();
    return { world, state, storage, seen, client };
  }

  it("hands a batch's events on while the encryption still works on it; the next /sync and the token wait for it", async () => {
    let holding: ReturnType<typeof deferred> | undefined;
    const { world, state, seen } = await started(async () => {
      if (holding) await holding.promise;
    });
    const tokenBefore = await state.get("sync.token").catch(() => undefined);
    const syncsBefore = () => world.fake.requestsTo("GET", "/sync").length;
    holding = deferred();
    const eventId = world.fake.say(ANN, world.roomId, "!whoami");
    await world.fake.waitUntil(() => seen.includes(eventId), 5000, "the event handed on");
    const syncsWhileHeld = syncsBefore();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // No new long-poll while the batch's to-device messages are not processed and saved.
    expect(syncsBefore()).toBe(syncsWhileHeld);
    expect(await state.get("sync.token").catch(() => undefined)).toBe(tokenBefore);
    holding.resolve();
    await world.fake.waitUntil(() => syncsBefore() > syncsWhileHeld, 5000, "the next /sync");
    expect(seen.filter((id) => id === eventId)).toHaveLength(1);
  }, 20_000);

  it("reads a batch again when the encryption fails on it (its events come again; the core claims them once)", async () => {
    let failNext = false;
    const { world, seen } = await started(async () => {
      if (failNext) {
        failNext = false;
        throw new Error("the crypto store could not be written");
      }
    });
    failNext = true;
    const eventId = world.fake.say(ANN, world.roomId, "!whoami");
    await world.fake.waitUntil(() => seen.filter((id) => id === eventId).length >= 2, 5000, "the batch read again");
    expect(seen.filter((id) => id === eventId)).toHaveLength(2);
  }, 20_000);
});
