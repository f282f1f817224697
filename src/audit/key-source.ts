// Where the record key comes from, checked at start: LIAISON_AUDIT_KEY (the key itself), or the file named by
// LIAISON_AUDIT_KEY_FILE, or, for the embedded default (SQLite), $XDG_CONFIG_HOME/liaison/audit.key
// (~/.config/liaison/audit.key), generated on first start. The key is never kept in the database, never logged.
//   - A key file inside the SQLite data directory is refused: a copy of the data directory must not carry its key.
//   - No key beside an existing record (entries, a head, checkpoints, or any organisation, contact or case) is
//     refused, and no new key is made: else deleting the key file would be all it takes to start a new, unverifiable
//     record under a fresh key.
//   - PostgreSQL (production) never generates one: several servers share one database and must share one key, which
//     the operator makes once (openssl rand -base64 32), keeps in the secret store and backs up.
//   - A key that does not verify the record's last entry is refused (a different key than the record was kept with).
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve, isAbsolute } from "node:path";
import type { LoadedConfig } from "../config/load.js";
import type { Db, StoreTarget } from "../store/db.js";
import { newRecordKeyText, parseRecordKey, RecordKeys } from "./keys.js";
import { isLegacyRecord } from "./legacy.js";
import { entryHash } from "./log.js";

/** The record key cannot be used; the message says what is wrong and what to do. */
export class RecordKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecordKeyError";
  }
}

/** The record's keys, and the one message to print when the key file was just generated. */
export interface OpenedRecordKey {
  keys: RecordKeys;
  /** Where the key came from, for the log (never the key). */
  source: string;
  /** Set when a new key file was written: tell the operator to back it up. */
  generated?: string;
}

/** How a command uses the key: `start` and writers may generate it on a first start; verify never does. */
export interface OpenRecordKeyOptions {
  /** Make the embedded default's key file when there is none and the database holds nothing yet. */
  generate: boolean;
  /** Check that the key verifies the record's last entry. */
  checkLastEntry: boolean;
  /** `liaison audit adopt-key`: a record kept before record keys may get a (new) key. */
  adoptLegacy?: boolean;
}

/** What to do with a record kept before record keys. */
const LEGACY_MESSAGE =
  "This database's record was kept before record keys (its entries carry plain SHA-256 hashes, which anyone who can write the database can recompute). Run `liaison audit adopt-key` once: it verifies the old record in full, then moves it onto the record key (the embedded default makes the key file; PostgreSQL needs LIAISON_AUDIT_KEY_FILE or LIAISON_AUDIT_KEY set first).";

/** The message printed once when a key file is generated. */
export function generatedKeyMessage(path: string): string {
  return [
    `Generated the record key: ${path} (owner only, 0600).`,
    "BACK IT UP NOW, somewhere apart from the database and its backups: without it the record cannot be verified,",
    "and TLP:RED case text in the record cannot be read. Liaison refuses to start on this database without it.",
  ].join("\n");
}

/** Where the record key is configured to come from, in words (for `liaison config check`); never the key. */
export function describeRecordKeySetting(loaded: LoadedConfig): string {
  if (loaded.secrets.LIAISON_AUDIT_KEY) return "LIAISON_AUDIT_KEY (from the environment)";
  const { path, configured } = loaded.recordKeyFile;
  const state = existsSync(path) ? "present" : configured ? "missing" : "missing: made on a first embedded start; PostgreSQL needs LIAISON_AUDIT_KEY_FILE or LIAISON_AUDIT_KEY";
  return `${configured ? "LIAISON_AUDIT_KEY_FILE" : "the embedded default"} ${path} (${state})`;
}

/** Finds (or, on a first embedded start, makes) the record key and derives the record's keys; throws RecordKeyError. */
export async function openRecordKey(loaded: LoadedConfig, target: StoreTarget, db: Db, options: OpenRecordKeyOptions): Promise<OpenedRecordKey> {
  const opened = await findKey(loaded, target, db, options.generate, options.adoptLegacy === true);
  if (options.checkLastEntry) await checkLastEntry(db, opened.keys);
  return opened;
}

async function findKey(loaded: LoadedConfig, target: StoreTarget, db: Db, generate: boolean, adoptLegacy: boolean): Promise<OpenedRecordKey> {
  const fromEnvironment = loaded.secrets.LIAISON_AUDIT_KEY;
  if (fromEnvironment) {
    const secret = parseRecordKey(fromEnvironment);
    if (!secret) throw new RecordKeyError("LIAISON_AUDIT_KEY is not a key of at least 32 bytes in hex or base64.");
    return { keys: RecordKeys.derive(secret), source: "LIAISON_AUDIT_KEY" };
  }
  if (target.provider === "sqlite" && target.url === ":memory:") {
    // A database that lives only in this process: its record cannot outlive the process, nor can its key.
    const secret = parseRecordKey(newRecordKeyText());
    if (!secret) throw new Error("a generated key did not parse");
    return { keys: RecordKeys.derive(secret), source: "in memory, with the in-memory database" };
  }
  const { path, configured } = loaded.recordKeyFile;
  if (target.provider === "sqlite" && isInside(path, dirname(target.url))) {
    throw new RecordKeyError(
      `The record key file ${path} is inside the data directory ${dirname(target.url)}: a copy of the data would carry the key that protects it. Move it elsewhere and set LIAISON_AUDIT_KEY_FILE to its new place.`,
    );
  }
  if (existsSync(path)) return { keys: readKeyFile(path), source: path };
  if (target.provider === "postgresql") {
    throw new RecordKeyError(
      configured
        ? `LIAISON_AUDIT_KEY_FILE names ${path}, which does not exist. Restore the record key there from its backup (or, for a new installation, make it once: openssl rand -base64 32 > ${path}; chmod 600 ${path}).`
        : "PostgreSQL needs a record key: set LIAISON_AUDIT_KEY_FILE to a file holding it (or LIAISON_AUDIT_KEY to the key). Make it once, with openssl rand -base64 32, give every Liaison server the same key, and back it up apart from the database: without it the record cannot be verified.",
    );
  }
  const existing = await existingRecord(db);
  const legacy = existing !== undefined && (await isLegacyRecord(db));
  if (legacy && !adoptLegacy) throw new RecordKeyError(LEGACY_MESSAGE);
  if (existing && !legacy) {
    throw new RecordKeyError(
      `The record key file ${path} is missing, but this database already has ${existing}. Restore the key file from its backup (or set LIAISON_AUDIT_KEY_FILE to where it is). No new key is made: the existing record could not be verified with it.`,
    );
  }
  if (!generate) throw new RecordKeyError(`There is no record key at ${path}; \`liaison start\` makes one on a first start.`);
  const made = writeKeyFileOnce(path);
  return { keys: readKeyFile(path), source: path, ...(made ? { generated: path } : {}) };
}

/** Whether `path` is `dir` or lies under it. */
function isInside(path: string, dir: string): boolean {
  const between = relative(resolve(dir), resolve(path));
  return between === "" || (!between.startsWith("..") && !isAbsolute(between));
}

function readKeyFile(path: string): RecordKeys {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new RecordKeyError(`The record key file ${path} cannot be read: ${(error as Error).message}`);
  }
  const secret = parseRecordKey(text);
  if (!secret) throw new RecordKeyError(`The record key file ${path} does not hold a key of at least 32 bytes in hex or base64.`);
  return RecordKeys.derive(secret);
}

/**
 * Writes a new key file, owner only, unless one appeared meanwhile (another process starting at once): written to a
 * temporary file and linked into place, so a reader never sees half a key and two starts never make two keys.
 * Returns whether this call made it.
 */
function writeKeyFileOnce(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temporary, newRecordKeyText(), { mode: 0o600, flag: "wx" });
  try {
    chmodSync(temporary, 0o600);
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** What of a record the database holds, in words, or undefined when it holds nothing a record would cover. */
async function existingRecord(db: Db): Promise<string | undefined> {
  const [sealed, pending, head, checkpoint, organisation, contact, found] = await Promise.all([
    db.auditEntry.count(),
    db.auditPending.count(),
    db.auditHead.findFirst({ select: { seq: true } }),
    db.auditCheckpoint.findFirst({ select: { seq: true } }),
    db.organisation.findFirst({ select: { id: true } }),
    db.contact.findFirst({ select: { id: true } }),
    db.case.findFirst({ select: { id: true } }),
  ]);
  const entries = sealed + pending;
  if (entries > 0) return `a record of ${entries} entries`;
  if (head || checkpoint) return "a record (its head or checkpoints remain, its entries are gone)";
  if (organisation || contact || found) return "organisations, contacts or cases (whose record is gone)";
  return undefined;
}

/** Refuses a key that did not make the record's last entry. */
async function checkLastEntry(db: Db, keys: RecordKeys): Promise<void> {
  const last = await db.auditEntry.findFirst({ orderBy: { seq: "desc" } });
  if (!last || entryHash(keys, last) === last.hash) return;
  if (await isLegacyRecord(db)) throw new RecordKeyError(LEGACY_MESSAGE);
  throw new RecordKeyError(
    `The record key (key id ${keys.keyId}) does not match the record: its last entry (${last.seq}) was not made with it. Either another key is configured than the one this record was kept with (restore that one), or the last entry was altered (run liaison audit verify).`,
  );
}
