// The in-memory IndexedDB (fake-indexeddb) the Rust crypto keeps its keys in, with what the database-backed store
// (crypto-store.ts) needs of it: the IndexedDB types used, canonical encoding of keys, the names of saved records,
// and the tracking of every write the crypto makes (object store and key), so that only changes are saved.
import { createHash } from "node:crypto";
import * as fakeModule from "fake-indexeddb";

// The parts of IndexedDB used here (the project compiles without the DOM's types).
export interface IdbRequest<T> {
  readonly result: T;
  readonly error: unknown;
  addEventListener(type: "success" | "error" | "upgradeneeded" | "blocked", listener: () => void): void;
}
/** An IndexedDB index, as far as it is used here. */
export interface IdbIndex {
  readonly keyPath: string | string[];
  readonly unique: boolean;
  readonly multiEntry: boolean;
  readonly objectStore: IdbObjectStore;
}
/** An IndexedDB object store, as far as it is used here. */
export interface IdbObjectStore {
  readonly name: string;
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexNames: Iterable<string>;
  readonly transaction: { readonly db: { readonly name: string } };
  index(name: string): IdbIndex;
  put(value: unknown, key?: unknown): IdbRequest<unknown>;
  get(key: unknown): IdbRequest<unknown>;
  getAll(): IdbRequest<unknown[]>;
  getAllKeys(): IdbRequest<unknown[]>;
  createIndex(name: string, keyPath: string | string[], options: { unique: boolean; multiEntry: boolean }): IdbIndex;
}
/** An IndexedDB transaction, as far as it is used here. */
export interface IdbTransaction {
  readonly error: unknown;
  objectStore(name: string): IdbObjectStore;
  addEventListener(type: "complete" | "error" | "abort", listener: () => void): void;
}
/** An open IndexedDB database, as far as it is used here. */
export interface IdbDatabase {
  readonly name: string;
  readonly version: number;
  readonly objectStoreNames: Iterable<string> & { contains(name: string): boolean };
  transaction(names: string[], mode: "readonly" | "readwrite"): IdbTransaction;
  createObjectStore(name: string, options: { keyPath: string | string[] | null; autoIncrement: boolean }): IdbObjectStore;
  addEventListener(type: "versionchange", listener: () => void): void;
  close(): void;
}
/** An IndexedDB cursor, as far as it is used here. */
export interface IdbCursor {
  readonly source: IdbObjectStore | IdbIndex;
  readonly primaryKey: unknown;
}
/** A class whose methods are patched (the prototype's functions). */
export interface Patchable {
  readonly prototype: object;
}
/** fake-indexeddb's globals, typed as far as they are used here. */
export const fake = fakeModule as unknown as {
  indexedDB: { open(name: string, version?: number): IdbRequest<IdbDatabase>; deleteDatabase(name: string): IdbRequest<unknown> };
  IDBKeyRange: abstract new () => object;
  IDBIndex: abstract new () => object;
  IDBObjectStore: Patchable;
  IDBCursor: Patchable;
} & Record<string, unknown>;

/** An IndexedDB key as IndexedDB allows them. */
export type IdbKey = number | string | Date | ArrayBuffer | ArrayBufferView | IdbKey[];

/** A key written canonically (JSON), so that the same key always gives the same record name. */
export type EncodedKey = ["n", string] | ["s", string] | ["d", number] | ["b", string] | ["a", EncodedKey[]];

/** Encodes an IndexedDB key canonically. */
export function encodeKey(key: unknown): EncodedKey {
  if (typeof key === "number") return ["n", Object.is(key, -0) ? "0" : String(key)];
  if (typeof key === "string") return ["s", key];
  if (key instanceof Date) return ["d", key.getTime()];
  if (key instanceof ArrayBuffer) return ["b", Buffer.from(key).toString("base64")];
  if (ArrayBuffer.isView(key)) return ["b", Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("base64")];
  if (Array.isArray(key)) return ["a", key.map(encodeKey)];
  throw new TypeError(`not an IndexedDB key: ${typeof key}`);
}

/** The key an encoded key stands for (binary keys come back as ArrayBuffer, as IndexedDB returns them). */
export function decodeKey(encoded: EncodedKey): IdbKey {
  switch (encoded[0]) {
    case "n":
      return Number(encoded[1]);
    case "s":
      return encoded[1];
    case "d":
      return new Date(encoded[1]);
    case "b": {
      const bytes = Buffer.from(encoded[1], "base64");
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    case "a":
      return encoded[1].map(decodeKey);
  }
}

/** How one object store is built. */
export interface StoreSchema {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
}

/** How one database is built: its version and object stores. */
export interface DatabaseSchema {
  version: number;
  stores: StoreSchema[];
}

/** What the records name: a database's schema, a record of an object store, or whose device the store is. */
export type RecordName = ["schema", string] | ["record", string, string, EncodedKey] | ["device"];

/** UTF-8 encoder for record names. */
export const utf8 = new TextEncoder();
/** UTF-8 decoder for record names. */
export const fromUtf8 = new TextDecoder();

/** A record name as the bytes stored (JSON, UTF-8). */
export function nameBytes(name: RecordName): Uint8Array {
  return utf8.encode(JSON.stringify(name));
}

/** A stored record name read back. */
export function nameOf(bytes: Uint8Array): RecordName {
  return JSON.parse(fromUtf8.decode(bytes)) as RecordName;
}

/** What the noting of writes knows of one store's database (by full IndexedDB database name prefix). */
export interface WriteTracker {
  prefix: string;
  note(databaseName: string, storeName: string, key: unknown): void;
  noteWhole(databaseName: string, storeName: string): void;
}

/** The stores whose writes are being noted (one per open crypto store). */
export const trackers = new Set<WriteTracker>();
let writesNoted = false;

/** The tracker of the store that owns an IndexedDB database, by its name's prefix. */
export function trackerFor(databaseName: string): WriteTracker | undefined {
  for (const tracker of trackers) if (databaseName.startsWith(tracker.prefix)) return tracker;
  return undefined;
}

/**
 * Makes fake-indexeddb the process's IndexedDB (the crypto looks for the global one) and notes every write made
 * through it: put/add (by the key the request resolves to), delete (by key; a key range marks the whole store),
 * clear, and cursor updates and deletes. Installed once per process, when the first store is restored.
 */
export function installIndexedDb(): void {
  if (writesNoted) return;
  const global = globalThis as Record<string, unknown>;
  if (global.indexedDB !== undefined && global.indexedDB !== fake.indexedDB) throw new Error("another IndexedDB is installed in this process; the Matrix crypto store needs fake-indexeddb");
  Object.assign(global, {
    indexedDB: fake.indexedDB,
    IDBCursor: fake.IDBCursor,
    IDBCursorWithValue: fake.IDBCursorWithValue,
    IDBDatabase: fake.IDBDatabase,
    IDBFactory: fake.IDBFactory,
    IDBIndex: fake.IDBIndex,
    IDBKeyRange: fake.IDBKeyRange,
    IDBObjectStore: fake.IDBObjectStore,
    IDBOpenDBRequest: fake.IDBOpenDBRequest,
    IDBRequest: fake.IDBRequest,
    IDBTransaction: fake.IDBTransaction,
    IDBVersionChangeEvent: fake.IDBVersionChangeEvent,
  });
  writesNoted = true;
  const storeProto = fake.IDBObjectStore.prototype as Record<string, (...args: unknown[]) => unknown>;
  const where = (store: IdbObjectStore) => ({ tracker: trackerFor(store.transaction.db.name), db: store.transaction.db.name, name: store.name });
  for (const method of ["put", "add"] as const) {
    const original = storeProto[method]!;
    storeProto[method] = function (this: IdbObjectStore, ...args: unknown[]) {
      const request = original.apply(this, args) as IdbRequest<unknown>;
      const at = where(this);
      if (at.tracker) {
        // The key is known once the write is done (a key path or a key generator may make it).
        request.addEventListener("success", () => at.tracker?.note(at.db, at.name, request.result));
      }
      return request;
    };
  }
  const originalDelete = storeProto.delete!;
  storeProto.delete = function (this: IdbObjectStore, query: unknown) {
    const at = where(this);
    if (query instanceof fake.IDBKeyRange) at.tracker?.noteWhole(at.db, at.name);
    else at.tracker?.note(at.db, at.name, query);
    return originalDelete.call(this, query);
  };
  const originalClear = storeProto.clear!;
  storeProto.clear = function (this: IdbObjectStore) {
    const at = where(this);
    at.tracker?.noteWhole(at.db, at.name);
    return originalClear.call(this);
  };
  const cursorProto = fake.IDBCursor.prototype as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ["update", "delete"] as const) {
    const original = cursorProto[method]!;
    cursorProto[method] = function (this: IdbCursor, ...args: unknown[]) {
      const source = this.source as IdbObjectStore | IdbIndex;
      const store = source instanceof fake.IDBIndex ? (source as IdbIndex).objectStore : (source as IdbObjectStore);
      const at = where(store);
      at.tracker?.note(at.db, at.name, this.primaryKey);
      return original.apply(this, args);
    };
  }
}

/** A digest of a record's serialized value (to tell an unchanged rewrite from a change). */
export function digestOf(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

/** A request's result as a promise. */
export function done<T>(request: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.addEventListener("success", () => resolve(request.result));
    request.addEventListener("error", () => reject(request.error ?? new Error("IndexedDB request failed")));
  });
}

/** The version and object stores of an open database. */
export function schemaOf(db: IdbDatabase): DatabaseSchema {
  const names = Array.from(db.objectStoreNames);
  if (names.length === 0) return { version: db.version, stores: [] };
  const tx = db.transaction(names, "readonly");
  const stores = names.map((name): StoreSchema => {
    const store = tx.objectStore(name);
    return {
      name,
      keyPath: store.keyPath as string | string[] | null,
      autoIncrement: store.autoIncrement,
      indexes: Array.from(store.indexNames).map((indexName) => {
        const index = store.index(indexName);
        return { name: indexName, keyPath: index.keyPath as string | string[], unique: index.unique, multiEntry: index.multiEntry };
      }),
    };
  });
  return { version: db.version, stores };
}
