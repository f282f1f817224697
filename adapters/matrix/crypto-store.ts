// The Rust crypto's store in Liaison's database. The crypto keeps its keys in IndexedDB only; in Node that is
// fake-indexeddb, which lives in memory. Every write the crypto makes to it is noted (object store and key), and
// save() copies what changed into the adapter's sealed records (src/store/adapter-records.ts); restore() loads the
// records into a fresh in-memory IndexedDB, with the same database versions and object stores, before the crypto
// opens it. Values are structured clones, kept with node:v8's serializer (Uint8Array, ArrayBuffer, Map, Date and
// nested objects survive). Keys are written canonically (the same key always names the same record).
import { randomBytes } from "node:crypto";
import { deserialize, serialize } from "node:v8";
import type { Logger } from "pino";
import type { AdapterRecord, AdapterRecordStore } from "../../src/core/platform.js";
import { type IdbDatabase, fake, type EncodedKey, encodeKey, decodeKey, type DatabaseSchema, type RecordName, utf8, nameBytes, nameOf, type WriteTracker, trackers, installIndexedDb, digestOf, done, schemaOf } from "./crypto-idb.js";

/** Where the crypto's IndexedDB store is kept between runs (Liaison's database); see MatrixCrypto. */
export interface CryptoPersistence {
  /** Loads the saved records into the IndexedDB before the crypto opens; resolves to the store's name. */
  restore(): Promise<string>;
  /** Writes what changed since the last save. */
  save(): Promise<void>;
  /** Writes what is left and lets go of the IndexedDB. */
  close(): Promise<void>;
}

/** Figures of the store, for logs and benchmarks. */
export interface CryptoStoreFigures {
  /** Records written and deleted by the saves so far. */
  recordsWritten: number;
  recordsDeleted: number;
  saves: number;
  /** Time spent in saves, in milliseconds. */
  saveMs: number;
  /** Records loaded at restore. */
  recordsRestored: number;
}

/**
 * The crypto store of one device in Liaison's database. A store for another device (a new access token) is
 * discarded at restore: its keys cannot serve the new device.
 */
export class DatabaseCryptoStore implements CryptoPersistence {
  /** The IndexedDB store name the crypto opens (its databases are named `<name>::...`). */
  readonly storeName = `liaison-matrix-${randomBytes(8).toString("hex")}`;
  /** Keys written since the last save, by database suffix and object store; "*" stands for the whole store. */
  private dirty = new Map<string, Map<string, Set<string> | "*">>();
  /** The record names of each object store as saved (for whole-store rewrites). */
  private readonly saved = new Map<string, Set<string>>();
  /**
   * A digest of each record's value as it is in Liaison's database: a record the crypto rewrote with the same value
   * (it does so on every /sync) is not written again, and a save with nothing new writes nothing.
   */
  private readonly savedDigests = new Map<string, string>();
  private readonly schemas = new Map<string, number>();
  private readonly connections = new Map<string, Promise<IdbDatabase>>();
  private saving: Promise<void> = Promise.resolve();
  private deviceSaved = false;
  private readonly tracker: WriteTracker;
  /** Figures since restore. */
  readonly figures: CryptoStoreFigures = { recordsWritten: 0, recordsDeleted: 0, saves: 0, saveMs: 0, recordsRestored: 0 };

  constructor(
    private readonly records: AdapterRecordStore,
    private readonly device: { userId: string; deviceId: string },
    private readonly logger: Logger,
  ) {
    const prefix = this.storeName;
    this.tracker = {
      prefix,
      note: (databaseName, storeName, key) => {
        const stores = this.storesOf(databaseName.slice(prefix.length));
        const keys = stores.get(storeName);
        if (keys === "*") return;
        let encoded: string;
        try {
          encoded = JSON.stringify(encodeKey(key));
        } catch {
          stores.set(storeName, "*");
          return;
        }
        if (keys) keys.add(encoded);
        else stores.set(storeName, new Set([encoded]));
      },
      noteWhole: (databaseName, storeName) => this.storesOf(databaseName.slice(prefix.length)).set(storeName, "*"),
    };
  }

  private storesOf(suffix: string): Map<string, Set<string> | "*"> {
    let stores = this.dirty.get(suffix);
    if (!stores) {
      stores = new Map();
      this.dirty.set(suffix, stores);
    }
    return stores;
  }

  async restore(): Promise<string> {
    installIndexedDb();
    const all = await this.records.all();
    const named = all.map((record) => ({ name: nameOf(record.name), value: record.value }));
    const device = named.find((record) => record.name[0] === "device");
    const owner = device ? (deserialize(Buffer.from(device.value)) as { userId?: unknown; deviceId?: unknown }) : undefined;
    if (owner && (owner.userId !== this.device.userId || owner.deviceId !== this.device.deviceId)) {
      this.logger.warn(
        { storedDevice: owner.deviceId, device: this.device.deviceId },
        "matrix: the saved encryption keys belong to another device (a new access token); they are discarded and this device gets new keys",
      );
      await this.records.clear();
    } else if (owner) {
      this.deviceSaved = true;
      await this.load(named);
    }
    trackers.add(this.tracker);
    return this.storeName;
  }

  /** Rebuilds the databases in the in-memory IndexedDB from their records. */
  private async load(named: { name: RecordName; value: Uint8Array }[]): Promise<void> {
    const bySuffix = new Map<string, { schema?: DatabaseSchema; records: Map<string, { key: EncodedKey; value: unknown }[]> }>();
    const entry = (suffix: string) => {
      let found = bySuffix.get(suffix);
      if (!found) {
        found = { records: new Map() };
        bySuffix.set(suffix, found);
      }
      return found;
    };
    for (const { name, value } of named) {
      if (name[0] === "schema") entry(name[1]).schema = deserialize(Buffer.from(value)) as DatabaseSchema;
      else if (name[0] === "record") {
        const [, suffix, store, key] = name;
        const stores = entry(suffix).records;
        const list = stores.get(store) ?? [];
        list.push({ key, value: deserialize(Buffer.from(value)) as unknown });
        stores.set(store, list);
        this.savedNames(suffix, store).add(JSON.stringify(name));
        this.savedDigests.set(JSON.stringify(name), digestOf(value));
      }
    }
    for (const [suffix, { schema, records }] of bySuffix) {
      if (!schema) {
        this.logger.warn({ database: suffix }, "matrix: saved encryption records without their database's schema are skipped");
        continue;
      }
      const open = fake.indexedDB.open(this.storeName + suffix, schema.version);
      open.addEventListener("upgradeneeded", () => {
        const db = open.result;
        for (const store of schema.stores) {
          const created = db.createObjectStore(store.name, { keyPath: store.keyPath, autoIncrement: store.autoIncrement });
          for (const index of store.indexes) created.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
        }
      });
      const db = await done(open);
      const storeNames = [...records.keys()].filter((store) => db.objectStoreNames.contains(store));
      if (storeNames.length > 0) {
        const tx = db.transaction(storeNames, "readwrite");
        for (const store of storeNames) {
          const objectStore = tx.objectStore(store);
          for (const record of records.get(store) ?? []) {
            if (objectStore.keyPath === null) objectStore.put(record.value, decodeKey(record.key));
            else objectStore.put(record.value);
            this.figures.recordsRestored += 1;
          }
        }
        await new Promise<void>((resolve, reject) => {
          tx.addEventListener("complete", () => resolve());
          tx.addEventListener("error", () => reject(tx.error ?? new Error("restoring the crypto store failed")));
          tx.addEventListener("abort", () => reject(tx.error ?? new Error("restoring the crypto store was aborted")));
        });
      }
      this.schemas.set(suffix, schema.version);
      db.close();
    }
  }

  private savedNames(suffix: string, store: string): Set<string> {
    const key = `${suffix}\u0000${store}`;
    let names = this.saved.get(key);
    if (!names) {
      names = new Set();
      this.saved.set(key, names);
    }
    return names;
  }

  /** Our own connection to one of the crypto's databases, closed when the crypto upgrades it. */
  private connection(suffix: string): Promise<IdbDatabase> {
    const known = this.connections.get(suffix);
    if (known) return known;
    const opening = done(fake.indexedDB.open(this.storeName + suffix)).then((db) => {
      db.addEventListener("versionchange", () => {
        db.close();
        this.connections.delete(suffix);
      });
      return db;
    });
    this.connections.set(suffix, opening);
    return opening;
  }

  async save(): Promise<void> {
    const run = this.saving.then(() => this.saveNow());
    this.saving = run.catch(() => undefined);
    return run;
  }

  private async saveNow(): Promise<void> {
    if (this.dirty.size === 0 && this.deviceSaved) return;
    const startedMs = performance.now();
    const dirty = this.dirty;
    this.dirty = new Map();
    const put: AdapterRecord[] = [];
    const remove: Uint8Array[] = [];
    const savedAfter: { names: Set<string>; add: string[]; drop: string[] }[] = [];
    const digestsAfter = new Map<string, string>();
    const putUnlessSaved = (name: string, value: unknown) => {
      const bytes = new Uint8Array(serialize(value));
      const digest = digestOf(bytes);
      if (this.savedDigests.get(name) === digest) return;
      digestsAfter.set(name, digest);
      put.push({ name: utf8.encode(name), value: bytes });
    };
    try {
      if (!this.deviceSaved) put.push({ name: nameBytes(["device"]), value: new Uint8Array(serialize(this.device)) });
      for (const [suffix, stores] of dirty) {
        const db = await this.connection(suffix);
        if (this.schemas.get(suffix) !== db.version) {
          // A new or upgraded database: its schema is saved, and every store is written whole.
          put.push({ name: nameBytes(["schema", suffix]), value: new Uint8Array(serialize(schemaOf(db))) });
          for (const store of Array.from(db.objectStoreNames)) stores.set(store, "*");
        }
        const storeNames = [...stores.keys()].filter((store) => db.objectStoreNames.contains(store));
        if (storeNames.length === 0) continue;
        // Every read is asked for at once, before anything is awaited (a transaction ends when it has none pending).
        const tx = db.transaction(storeNames, "readonly");
        const reads = storeNames.map((store) => {
          const keys = stores.get(store)!;
          const objectStore = tx.objectStore(store);
          if (keys === "*") return { store, whole: Promise.all([done(objectStore.getAllKeys()), done(objectStore.getAll())]) };
          const each = [...keys].map((encoded) => {
            const key = JSON.parse(encoded) as EncodedKey;
            return { key, value: done(objectStore.get(decodeKey(key))) as Promise<unknown> };
          });
          return { store, each };
        });
        for (const read of reads) {
          const { store } = read;
          const names = this.savedNames(suffix, store);
          const add: string[] = [];
          const drop: string[] = [];
          if (read.whole) {
            const [allKeys, allValues] = await read.whole;
            const present = new Set<string>();
            allKeys.forEach((key, index) => {
              const name = JSON.stringify(["record", suffix, store, encodeKey(key)] satisfies RecordName);
              present.add(name);
              add.push(name);
              putUnlessSaved(name, allValues[index]);
            });
            for (const name of names) if (!present.has(name)) drop.push(name);
          } else {
            for (const { key, value: pending } of read.each ?? []) {
              const name = JSON.stringify(["record", suffix, store, key] satisfies RecordName);
              const value = await pending;
              if (value === undefined) drop.push(name);
              else {
                add.push(name);
                putUnlessSaved(name, value);
              }
            }
          }
          for (const name of drop) remove.push(utf8.encode(name));
          savedAfter.push({ names, add, drop });
        }
        this.schemas.set(suffix, db.version);
      }
      if (put.length > 0 || remove.length > 0) await this.records.apply({ put, remove });
    } catch (error) {
      // What was not saved is saved with the next changes.
      for (const [suffix, stores] of dirty) {
        for (const [store, keys] of stores) {
          if (keys === "*") this.tracker.noteWhole(this.storeName + suffix, store);
          else for (const key of keys) this.tracker.note(this.storeName + suffix, store, decodeKey(JSON.parse(key) as EncodedKey));
        }
        this.schemas.delete(suffix);
      }
      throw error;
    }
    this.deviceSaved = true;
    for (const { names, add, drop } of savedAfter) {
      for (const name of add) names.add(name);
      for (const name of drop) {
        names.delete(name);
        this.savedDigests.delete(name);
      }
    }
    for (const [name, digest] of digestsAfter) this.savedDigests.set(name, digest);
    this.figures.saves += 1;
    this.figures.recordsWritten += put.length;
    this.figures.recordsDeleted += remove.length;
    this.figures.saveMs += performance.now() - startedMs;
  }

  async close(): Promise<void> {
    await this.save();
    this.logger.info({ ...this.figures, saveMs: Math.round(this.figures.saveMs) }, "matrix: encryption keys saved");
    trackers.delete(this.tracker);
    for (const opening of this.connections.values()) (await opening).close();
    this.connections.clear();
    // The in-memory databases go (the records stay in Liaison's database).
    for (const suffix of new Set([...this.schemas.keys(), ...this.dirty.keys()])) {
      const deleting = done(fake.indexedDB.deleteDatabase(this.storeName + suffix)).catch(() => undefined);
      await Promise.race([deleting, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    }
  }
}
