// An adapter's opaque records in the AdapterRecord table (the Matrix encryption keys: the Rust crypto's IndexedDB
// records). Each value is sealed with AES-256-GCM under a key derived (HKDF-SHA256) from LIAISON_SECRET_KEY, bound
// to its namespace; the record's name is inside the seal, and its row id is an HMAC of the name, so the table shows
// neither room ids nor session ids. Without a secret key the records are kept as they are (the embedded default
// warns at start, as for tokens). A record sealed with LIAISON_SECRET_KEY_PREVIOUS opens and is sealed again with
// the current key at the next start.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import type { Clock } from "../core/clock.js";
import type { AdapterRecord, AdapterRecordStore } from "../core/platform.js";
import type { Store } from "./db.js";
import { SecretKeyError, type SecretKey } from "./secret-box.js";

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of a stored value: how it is kept. */
const PLAIN_FORMAT = 0;
const SEALED_FORMAT = 1;
/** Bytes of the key id written after the format byte of a sealed value. */
const KEY_ID_BYTES = 6;

/** The record key derived from a secret key (sealing), and the one naming rows (HMAC). */
function recordKeys(key: SecretKey): { seal: Buffer; name: Buffer; id: Buffer } {
  return {
    seal: Buffer.from(hkdfSync("sha256", key.key, "liaison", "liaison adapter records aes-256-gcm v1", 32)),
    name: Buffer.from(hkdfSync("sha256", key.key, "liaison", "liaison adapter records row id v1", 32)),
    id: Buffer.from(key.id, "hex"),
  };
}

/** Name and value in one buffer: 4-byte name length, name, value. */
function pack(record: AdapterRecord): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(record.name.length);
  return Buffer.concat([length, record.name, record.value]);
}

function unpack(bytes: Buffer): AdapterRecord {
  const length = bytes.readUInt32BE(0);
  return { name: new Uint8Array(bytes.subarray(4, 4 + length)), value: new Uint8Array(bytes.subarray(4 + length)) };
}

/** Seals a record for `namespace` (bound to it: a value copied to another namespace does not open). */
export function sealRecord(key: SecretKey | undefined, namespace: string, record: AdapterRecord): Buffer {
  const packed = pack(record);
  if (!key) return Buffer.concat([Buffer.from([PLAIN_FORMAT]), packed]);
  const keys = recordKeys(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keys.seal, nonce);
  cipher.setAAD(Buffer.from(namespace, "utf8"));
  return Buffer.concat([Buffer.from([SEALED_FORMAT]), keys.id, nonce, cipher.update(packed), cipher.final(), cipher.getAuthTag()]);
}

/** Opens a stored record; `stale` when it was sealed with the previous key (or not at all, now that there is a key). */
export function openRecord(key: SecretKey | undefined, namespace: string, stored: Uint8Array): { record: AdapterRecord; stale: boolean } {
  const bytes = Buffer.from(stored);
  if (bytes[0] === PLAIN_FORMAT) return { record: unpack(bytes.subarray(1)), stale: key !== undefined };
  if (bytes[0] !== SEALED_FORMAT) throw new SecretKeyError(`an adapter record of ${namespace} has an unknown format`);
  const id = bytes.subarray(1, 1 + KEY_ID_BYTES).toString("hex");
  if (!key) throw new SecretKeyError(`The ${namespace} records are encrypted (key ${id}), but LIAISON_SECRET_KEY is not set: set it to the key they were stored with.`);
  const used = id === key.id ? key : key.previous && id === key.previous.id ? key.previous : undefined;
  if (!used) throw new SecretKeyError(`The ${namespace} records were encrypted with another key (${id}) than LIAISON_SECRET_KEY (${key.id}): set LIAISON_SECRET_KEY to the key they were stored with (or, while changing keys, LIAISON_SECRET_KEY_PREVIOUS to the old one).`);
  const body = bytes.subarray(1 + KEY_ID_BYTES);
  try {
    const decipher = createDecipheriv("aes-256-gcm", recordKeys(used).seal, body.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(namespace, "utf8"));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const packed = Buffer.concat([decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)), decipher.final()]);
    return { record: unpack(packed), stale: used !== key };
  } catch {
    throw new SecretKeyError(`An adapter record of ${namespace} cannot be decrypted with key ${used.id}: it was altered or damaged.`);
  }
}

/** The row id of a record's name: an HMAC under the secret key (a plain hash without one). */
export function recordRowId(key: SecretKey | undefined, namespace: string, name: Uint8Array): string {
  const hash = key ? createHmac("sha256", recordKeys(key).name) : createHash("sha256");
  return hash.update(namespace).update("\0").update(name).digest("base64url");
}

/** The records of one adapter namespace, sealed with the installation's secret key when there is one. */
export function adapterRecordStore(store: Store, clock: Clock, namespace: string, key: SecretKey | undefined): AdapterRecordStore {
  const write = async (records: readonly AdapterRecord[], remove: readonly Uint8Array[], removeRowIds: readonly string[] = []) => {
    const at = clock.now();
    await store.transaction(async (tx) => {
      if (removeRowIds.length > 0) await tx.adapterRecord.deleteMany({ where: { namespace, id: { in: [...removeRowIds] } } });
      for (const name of remove) await tx.adapterRecord.deleteMany({ where: { namespace, id: recordRowId(key, namespace, name) } });
      for (const record of records) {
        const id = recordRowId(key, namespace, record.name);
        const value = new Uint8Array(sealRecord(key, namespace, record));
        await tx.adapterRecord.upsert({ where: { namespace_id: { namespace, id } }, create: { namespace, id, value, updatedAt: at }, update: { value, updatedAt: at } });
      }
    });
  };
  return {
    sealed: key !== undefined,
    async all() {
      const rows = await store.db.adapterRecord.findMany({ where: { namespace }, select: { id: true, value: true } });
      const records: AdapterRecord[] = [];
      const stale: AdapterRecord[] = [];
      const staleIds: string[] = [];
      for (const row of rows) {
        const opened = openRecord(key, namespace, row.value);
        records.push(opened.record);
        if (opened.stale) {
          stale.push(opened.record);
          staleIds.push(row.id);
        }
      }
      if (stale.length > 0) {
        // Sealed again with the current key, in one transaction (the row id changes with the key: old rows go).
        await write(stale, [], staleIds);
      }
      return records;
    },
    apply: ({ put, remove }) => write(put, remove),
    async clear() {
      await store.db.adapterRecord.deleteMany({ where: { namespace } });
    },
  };
}
