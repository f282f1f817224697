// The record key and what is derived from it. The record key is 32 (or more) random bytes kept outside the database
// (LIAISON_AUDIT_KEY, or the file LIAISON_AUDIT_KEY_FILE, or the embedded default's generated file). From it, HKDF
// (SHA-256) derives, each under its own label: the key of the entries' HMAC chain, the seed of the Ed25519 key that
// signs checkpoints, and the key that wraps the per-case keys of TLP:RED free text. The key material is held in
// private fields only, so that logging a RecordKeys prints nothing of it.
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, hkdfSync, randomBytes, sign, verify, type KeyObject } from "node:crypto";

/** Fewest bytes a record key may have. */
export const RECORD_KEY_MIN_BYTES = 32;

/** HKDF labels: one per derived key, so that no derived key tells anything of another. */
const LABELS = {
  entries: "liaison/audit/entry-hmac/v1",
  checkpoints: "liaison/audit/checkpoint-ed25519/v1",
  caseKeys: "liaison/audit/case-key-wrap/v1",
} as const;

/** The PKCS#8 prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * Reads a record key written as hex or base64 (e.g. `openssl rand -base64 32`); undefined when it is neither or is
 * shorter than RECORD_KEY_MIN_BYTES.
 */
export function parseRecordKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0) bytes = Buffer.from(trimmed, "hex");
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes && bytes.length >= RECORD_KEY_MIN_BYTES ? bytes : undefined;
}

/** A new random record key, as written to a key file (base64, one line). */
export function newRecordKeyText(): string {
  return `${randomBytes(32).toString("base64")}\n`;
}

/** The keys of the record, derived from the record key. */
export class RecordKeys {
  readonly #entryKey: Buffer;
  readonly #signingKey: KeyObject;
  readonly #wrapKey: Buffer;
  /** The checkpoint public key (Ed25519, raw 32 bytes, base64): what an auditor checks checkpoints with. */
  readonly publicKey: string;
  /** A short name of the key: the first 16 hex digits of SHA-256 of the public key. */
  readonly keyId: string;
  readonly #verifyKey: KeyObject;

  private constructor(secret: Buffer) {
    const derive = (label: string) => Buffer.from(hkdfSync("sha256", secret, Buffer.from("liaison-record"), label, 32));
    this.#entryKey = derive(LABELS.entries);
    this.#signingKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, derive(LABELS.checkpoints)]), format: "der", type: "pkcs8" });
    this.#wrapKey = derive(LABELS.caseKeys);
    this.#verifyKey = createPublicKey(this.#signingKey);
    const raw = this.#verifyKey.export({ format: "der", type: "spki" }).subarray(-32);
    this.publicKey = raw.toString("base64");
    this.keyId = createHash("sha256").update(raw).digest("hex").slice(0, 16);
  }

  /** Derives the record's keys from the record key (at least RECORD_KEY_MIN_BYTES bytes). */
  static derive(secret: Buffer): RecordKeys {
    if (secret.length < RECORD_KEY_MIN_BYTES) throw new Error(`a record key has at least ${RECORD_KEY_MIN_BYTES} bytes`);
    return new RecordKeys(secret);
  }

  /**
   * A 32-byte key for another use, derived from the entry key under its own label (the report page's form tokens):
   * every process of an installation derives the same one, and it reveals nothing of the record's keys.
   */
  deriveKey(label: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.#entryKey, Buffer.from("liaison-derived"), label, 32));
  }

  /** HMAC-SHA-256 of `text` with the entry key, in hex: an entry's hash. */
  mac(text: string): string {
    return createHmac("sha256", this.#entryKey).update(text).digest("hex");
  }

  /** Ed25519 signature of `text` with the checkpoint key, base64. */
  sign(text: string): string {
    return sign(null, Buffer.from(text), this.#signingKey).toString("base64");
  }

  /** Whether `signature` (base64) is this key's signature of `text`. */
  verifies(text: string, signature: string): boolean {
    return verifySignature(this.#verifyKey, text, signature);
  }

  /** Wraps a case's data key (AES-256-GCM under the wrap key, bound to the case id); base64 text. */
  wrap(caseId: string, dataKey: Buffer): string {
    return seal(this.#wrapKey, `case-key:${caseId}`, dataKey).toString("base64");
  }

  /** Unwraps a case's data key; throws when it was not wrapped by this key for this case. */
  unwrap(caseId: string, wrapped: string): Buffer {
    return open(this.#wrapKey, `case-key:${caseId}`, Buffer.from(wrapped, "base64"));
  }

  /** Never the key material. */
  toJSON(): { keyId: string } {
    return { keyId: this.keyId };
  }
}

/** Whether `signature` (base64) is the signature of `text` by the Ed25519 public key `publicKey` (raw, base64). */
export function verifyWithPublicKey(publicKey: string, text: string, signature: string): boolean {
  const raw = Buffer.from(publicKey, "base64");
  if (raw.length !== 32) return false;
  const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]), format: "der", type: "spki" });
  return verifySignature(key, text, signature);
}

function verifySignature(key: KeyObject, text: string, signature: string): boolean {
  const bytes = Buffer.from(signature, "base64");
  if (bytes.length !== 64) return false;
  return verify(null, Buffer.from(text), key, bytes);
}

/** AES-256-GCM: iv (12 bytes), tag (16 bytes), ciphertext. */
export function seal(key: Buffer, aad: string, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]);
}

/** Opens what seal made with the same key and aad; throws when either differs or the bytes were changed. */
export function open(key: Buffer, aad: string, sealed: Buffer): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}
