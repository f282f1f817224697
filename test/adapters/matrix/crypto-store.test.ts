// The Matrix crypto store in Liaison's database: the Rust crypto's IndexedDB records are saved (sealed) into the
// AdapterRecord table and restored into a fresh in-memory IndexedDB, and the crypto opened on them is the same
// device with the same identity keys and the same published keys. On both databases.
import { randomBytes } from "node:crypto";
import { deserialize, serialize } from "node:v8";
import * as wasm from "@matrix-org/matrix-sdk-crypto-wasm";
import { pino } from "pino";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DatabaseCryptoStore } from "../../../adapters/matrix/crypto-store.js";
import { decodeKey, encodeKey } from "../../../adapters/matrix/crypto-idb.js";
import { systemClock } from "../../../src/core/clock.js";
import type { Provider } from "../../../src/store/db.js";
import { adapterRecordStore } from "../../../src/store/adapter-records.js";
import { parseSecretKey, SecretKeyError, type SecretKey } from "../../../src/store/secret-box.js";
import { openTestStore, type TestStore } from "../../support/core.js";
import { describeOnPostgres, type PostgresTest } from "../../support/postgres.js";

const logger = pino({ level: "silent" });
const USER = "@liaison:police.test";
const DEVICE = "LIAISONDEV";

beforeAll(async () => {
  await wasm.initAsync();
});

describe("values and keys of the crypto store", () => {
  it("keeps structured clones through node:v8 (Uint8Array, ArrayBuffer, Map, Date, nested objects)", () => {
    const value = {
      bytes: new Uint8Array([0, 1, 255]),
      buffer: new Uint8Array([9, 8, 7]).buffer,
      map: new Map<string, unknown>([["a", { deep: [1, "two", new Uint8Array([3])] }]]),
      set: new Set(["x"]),
      at: new Date(1_700_000_000_000),
      text: "pickled \u0000 \u202e ☃",
      nothing: null,
    };
    const back = deserialize(serialize(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(back.buffer).toBeInstanceOf(ArrayBuffer);
    expect(back.map).toBeInstanceOf(Map);
    expect(back.at).toBeInstanceOf(Date);
  });

  it("names a key the same way every time, and decodes it back", () => {
    const keys: unknown[] = ["session", 42, -0, Infinity, new Date(5), new Uint8Array([1, 2]).buffer, ["room", ["nested", 1]], ["a".repeat(3), "b"]];
    for (const key of keys) {
      const encoded = encodeKey(key);
      expect(JSON.parse(JSON.stringify(encoded))).toEqual(encoded);
      expect(encodeKey(decodeKey(encoded))).toEqual(encoded);
    }
    // A string built another way (two-byte representation inside V8) names the same record.
    expect(JSON.stringify(encodeKey(["ab" + "c", "☃".slice(0, 0) + "abc"]))).toBe(JSON.stringify(encodeKey(["abc", "abc"])));
    expect(() => encodeKey({ not: "a key" })).toThrow(TypeError);
  });
});

/** Opens the crypto on a store restored from the database; resolves to it and its persistence. */
async function openMachine(database: TestStore, key: SecretKey | undefined, device = DEVICE) {
  const records = adapterRecordStore(database.store, systemClock, "matrix", key);
  const persistence = new DatabaseCryptoStore(records, { userId: USER, deviceId: device }, logger);
  const name = await persistence.restore();
  const machine = await wasm.OlmMachine.initialize(new wasm.UserId(USER), new wasm.DeviceId(device), name);
  await persistence.save();
  return { machine, persistence };
}

async function closeMachine(opened: { machine: wasm.OlmMachine; persistence: DatabaseCryptoStore }): Promise<void> {
  await opened.persistence.save();
  opened.machine.close();
  await opened.persistence.close();
}

function persistenceTests(provider: Provider, test: (name: string, fn: () => Promise<void>, timeout?: number) => void): void {
  let database: TestStore | undefined;
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  test("restores the same device, identity keys and published keys after a restart", async () => {
    database = await openTestStore(provider);
    const key = parseSecretKey(randomBytes(32).toString("hex"));
    const first = await openMachine(database, key);
    const identity = { curve: first.machine.identityKeys.curve25519.toBase64(), ed: first.machine.identityKeys.ed25519.toBase64() };
    // The device's keys go to the homeserver once; the machine records that they were published.
    const requests = await first.machine.outgoingRequests();
    const upload = requests.find((request) => request instanceof wasm.KeysUploadRequest);
    expect(upload).toBeDefined();
    await first.machine.markRequestAsSent(upload!.id!, upload!.type, JSON.stringify({ one_time_key_counts: { signed_curve25519: 50 } }));
    // An outbound room session, written by the machine after the first save.
    await first.machine.shareRoomKey(new wasm.RoomId("!room:police.test"), [new wasm.UserId(USER)], new wasm.EncryptionSettings());
    await closeMachine(first);
    expect(first.persistence.figures.recordsWritten).toBeGreaterThan(0);

    // Nothing of the keys is readable in the table.
    const rows = await database.store.db.adapterRecord.findMany({ where: { namespace: "matrix" } });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const raw = Buffer.from(row.value);
      expect(raw.includes(Buffer.from(identity.curve))).toBe(false);
      expect(raw.includes(Buffer.from(DEVICE))).toBe(false);
      expect(raw.includes(Buffer.from("!room:police.test"))).toBe(false);
      expect(row.id).not.toContain("room");
    }

    // A new process: a fresh in-memory IndexedDB, filled from the table.
    const second = await openMachine(database, key);
    expect(second.persistence.figures.recordsRestored).toBeGreaterThan(0);
    expect(second.machine.deviceId.toString()).toBe(DEVICE);
    expect(second.machine.identityKeys.curve25519.toBase64()).toBe(identity.curve);
    expect(second.machine.identityKeys.ed25519.toBase64()).toBe(identity.ed);
    // The published keys are not uploaded again (the homeserver would refuse different ones for the device).
    const again = await second.machine.outgoingRequests();
    expect(again.some((request) => request instanceof wasm.KeysUploadRequest && JSON.parse(request.body).device_keys !== undefined)).toBe(false);
    const counts = await second.machine.roomKeyCounts();
    expect(counts.total).toBeGreaterThanOrEqual(0);
    await closeMachine(second);
    // Saving after a restart without changes rewrites nothing; the table does not grow.
    expect(await database.store.db.adapterRecord.count({ where: { namespace: "matrix" } })).toBe(rows.length);
  }, 60_000);

  test("saves only what changed: a save without changes writes nothing", async () => {
    database = await openTestStore(provider);
    const opened = await openMachine(database, parseSecretKey(randomBytes(32).toString("hex")));
    const written = opened.persistence.figures.recordsWritten;
    await opened.persistence.save();
    await opened.persistence.save();
    expect(opened.persistence.figures.recordsWritten).toBe(written);
    await opened.machine.shareRoomKey(new wasm.RoomId("!other:police.test"), [new wasm.UserId(USER)], new wasm.EncryptionSettings());
    await opened.persistence.save();
    const added = opened.persistence.figures.recordsWritten - written;
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(written);
    await closeMachine(opened);
  }, 60_000);

  test("a /sync that brings nothing new writes nothing, though the crypto rewrites its records; a change is written", async () => {
    database = await openTestStore(provider);
    const key = parseSecretKey(randomBytes(32).toString("hex"));
    const opened = await openMachine(database, key);
    const curve = opened.machine.identityKeys.curve25519.toBase64();
    const emptySync = () =>
      opened.machine.receiveSyncChanges("[]", new wasm.DeviceLists([], []), new Map([["signed_curve25519", 50]]), new Set(["signed_curve25519"]), new wasm.DecryptionSettings(wasm.TrustRequirement.Untrusted));
    await emptySync();
    await opened.persistence.save();
    const written = opened.persistence.figures.recordsWritten;
    const rowsBefore = await database.store.db.adapterRecord.findMany({ where: { namespace: "matrix" }, orderBy: { id: "asc" } });
    for (let sync = 0; sync < 5; sync += 1) {
      await emptySync();
      await opened.persistence.save();
    }
    expect(opened.persistence.figures.recordsWritten).toBe(written);
    const rowsAfter = await database.store.db.adapterRecord.findMany({ where: { namespace: "matrix" }, orderBy: { id: "asc" } });
    expect(rowsAfter.map((row) => [row.id, Buffer.from(row.value).toString("base64")])).toEqual(rowsBefore.map((row) => [row.id, Buffer.from(row.value).toString("base64")]));
    // A real change (new one-time keys asked for by a lower count) is still written, and restored after a restart.
    await opened.machine.receiveSyncChanges("[]", new wasm.DeviceLists([new wasm.UserId("@anna:police.test")], []), new Map([["signed_curve25519", 0]]), new Set(), new wasm.DecryptionSettings(wasm.TrustRequirement.Untrusted));
    await opened.machine.shareRoomKey(new wasm.RoomId("!changed:police.test"), [new wasm.UserId(USER)], new wasm.EncryptionSettings());
    await opened.persistence.save();
    expect(opened.persistence.figures.recordsWritten).toBeGreaterThan(written);
    await closeMachine(opened);
    const restarted = await openMachine(database, key);
    expect(restarted.machine.identityKeys.curve25519.toBase64()).toBe(curve);
    await closeMachine(restarted);
  }, 60_000);

  test("discards the keys of another device (a new access token) and starts a new one", async () => {
    database = await openTestStore(provider);
    const key = parseSecretKey(randomBytes(32).toString("hex"));
    const first = await openMachine(database, key);
    const before = first.machine.identityKeys.curve25519.toBase64();
    await closeMachine(first);
    const other = await openMachine(database, key, "NEWDEVICE");
    expect(other.persistence.figures.recordsRestored).toBe(0);
    expect(other.machine.identityKeys.curve25519.toBase64()).not.toBe(before);
    await closeMachine(other);
  }, 60_000);

  test("does not open the keys with another secret key, and says which key is needed", async () => {
    database = await openTestStore(provider);
    const first = await openMachine(database, parseSecretKey(randomBytes(32).toString("hex")));
    await closeMachine(first);
    const records = adapterRecordStore(database.store, systemClock, "matrix", parseSecretKey(randomBytes(32).toString("hex")));
    const persistence = new DatabaseCryptoStore(records, { userId: USER, deviceId: DEVICE }, logger);
    await expect(persistence.restore()).rejects.toThrow(SecretKeyError);
    const unkeyed = new DatabaseCryptoStore(adapterRecordStore(database.store, systemClock, "matrix", undefined), { userId: USER, deviceId: DEVICE }, logger);
    await expect(unkeyed.restore()).rejects.toThrow(/LIAISON_SECRET_KEY is not set/);
  }, 60_000);

  test("reseals the keys with the new secret key while keys are changed (LIAISON_SECRET_KEY_PREVIOUS)", async () => {
    database = await openTestStore(provider);
    const oldText = randomBytes(32).toString("hex");
    const newText = randomBytes(32).toString("hex");
    const first = await openMachine(database, parseSecretKey(oldText));
    const curve = first.machine.identityKeys.curve25519.toBase64();
    await closeMachine(first);
    const rotating = await openMachine(database, parseSecretKey(newText, oldText));
    expect(rotating.machine.identityKeys.curve25519.toBase64()).toBe(curve);
    await closeMachine(rotating);
    const after = await openMachine(database, parseSecretKey(newText));
    expect(after.machine.identityKeys.curve25519.toBase64()).toBe(curve);
    await closeMachine(after);
  }, 60_000);
}

describe("the Matrix crypto store on SQLite", () => {
  persistenceTests("sqlite", (name, fn, timeout) => it(name, fn, timeout));
});

describeOnPostgres("the Matrix crypto store on PostgreSQL", (test: PostgresTest) => {
  persistenceTests("postgresql", test);
});
