// Encryption of the secrets Liaison keeps in its database (platform tokens in AdapterState), with a key from the
// environment: LIAISON_SECRET_KEY, at least 32 random bytes written in base64 (`openssl rand -base64 32`) or hex.
// The key used is derived from it with HKDF-SHA256; each value is sealed with AES-256-GCM under a fresh 96-bit nonce,
// bound to its row (namespace and key as additional data, so a sealed value copied to another row does not open).
// A sealed value is "liaison-sealed:v1:<key id>:<base64url of nonce, ciphertext and tag>"; anything else is a value
// written before encryption (read as it is, sealed at the next start or write). To change keys, the old one goes in
// LIAISON_SECRET_KEY_PREVIOUS: values sealed with it still open, and are sealed again with the new one.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/** The prefix of every sealed value. */
export const SEALED_PREFIX = "liaison-sealed:v1:";

/** Fewest bytes LIAISON_SECRET_KEY must hold. */
export const SECRET_KEY_MIN_BYTES = 32;

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The secret key is missing, malformed or not the one the values were sealed with; the message says what to do. */
export class SecretKeyError extends Error {
  override readonly name = "SecretKeyError";
}

/** The key that seals and opens stored secrets, and its public id (which names the key, and reveals nothing of it). */
export interface SecretKey {
  readonly id: string;
  readonly key: Buffer;
  /** The key before this one (LIAISON_SECRET_KEY_PREVIOUS, while rotating): it still opens, never seals. */
  readonly previous?: SecretKey;
}

/**
 * Reads LIAISON_SECRET_KEY (base64, base64url or hex; at least 32 bytes), and the key it replaces while rotating
 * (LIAISON_SECRET_KEY_PREVIOUS); undefined when not set.
 */
export function parseSecretKey(text: string | undefined, previousText?: string): SecretKey | undefined {
  const current = parseOneKey(text, "LIAISON_SECRET_KEY");
  const previous = parseOneKey(previousText, "LIAISON_SECRET_KEY_PREVIOUS");
  if (previous && !current) throw new SecretKeyError("LIAISON_SECRET_KEY_PREVIOUS is set without LIAISON_SECRET_KEY: set the new key in LIAISON_SECRET_KEY.");
  return current && previous && previous.id !== current.id ? { ...current, previous } : current;
}

function parseOneKey(text: string | undefined, variable: string): SecretKey | undefined {
  const written = text?.trim();
  if (!written) return undefined;
  const bytes = /^[0-9a-f]+$/i.test(written) && written.length % 2 === 0 ? Buffer.from(written, "hex") : /^[A-Za-z0-9+/_-]+={0,2}$/.test(written) ? Buffer.from(written, "base64") : undefined;
  if (!bytes || bytes.length < SECRET_KEY_MIN_BYTES) {
    throw new SecretKeyError(
      `${variable} must be at least ${SECRET_KEY_MIN_BYTES} random bytes written in base64 or hex${bytes ? ` (this one is ${bytes.length} bytes)` : ""}; generate one with: openssl rand -base64 32`,
    );
  }
  const key = Buffer.from(hkdfSync("sha256", bytes, "liaison", "liaison stored secrets aes-256-gcm v1", 32));
  const id = Buffer.from(hkdfSync("sha256", bytes, "liaison", "liaison stored secrets key id v1", 6)).toString("hex");
  return { id, key };
}

/** True for a value sealed by `seal` (of any key). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

/** Seals a value for the row named by `row` (e.g. "slack/installation:T01"). */
export function seal(key: SecretKey, row: string, value: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, nonce);
  cipher.setAAD(Buffer.from(row, "utf8"));
  const sealed = Buffer.concat([nonce, cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_PREFIX}${key.id}:${sealed.toString("base64url")}`;
}

/**
 * Opens a stored value of the row `row`: a sealed one with the key, a value from before encryption as it is. Throws a
 * SecretKeyError saying what to do when there is no key, another key sealed it, or it was altered.
 */
export function open(key: SecretKey | undefined, row: string, stored: string): { value: string; sealed: boolean; stale?: boolean } {
  if (!isSealed(stored)) return { value: stored, sealed: false };
  const [id, body = ""] = stored.slice(SEALED_PREFIX.length).split(":");
  if (!key) throw new SecretKeyError(`The stored secret ${row} is encrypted (key ${id}), but LIAISON_SECRET_KEY is not set: set it to the key it was stored with.`);
  if (key.previous && id === key.previous.id) return { ...open(key.previous, row, stored), stale: true };
  if (id !== key.id) {
    throw new SecretKeyError(
      `The stored secret ${row} was encrypted with another key (${id}) than LIAISON_SECRET_KEY (${key.id}): set LIAISON_SECRET_KEY to the key it was stored with (or, while changing keys, LIAISON_SECRET_KEY_PREVIOUS to the old one).`,
    );
  }
  const bytes = Buffer.from(body, "base64url");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, bytes.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(row, "utf8"));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const value = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
    return { value, sealed: true };
  } catch {
    throw new SecretKeyError(`The stored secret ${row} cannot be decrypted with key ${key.id}: it was altered or damaged; store it again (for Slack, reinstall the app; for Matrix, set MATRIX_PASSWORD to log in again).`);
  }
}
