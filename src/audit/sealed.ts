// TLP:RED free text in the record, sealed per case. Entries of a TLP:RED case (and the command entry of the same unit
// of work, whose line names the case) keep their free text (a command line, a message, a case's fields, reasons,
// questions, answers) only as AES-256-GCM ciphertext under the case's own data key, in CaseKey, wrapped with a key
// derived from the record key. The entry's hash covers the ciphertext, so destroying the case key at the end of the
// case's retention makes the text unreadable while the chain still verifies. What is left in clear is what the record
// needs to be useful without the text: who, when, which case, which action, the outcome, states and deadlines.
import { randomBytes } from "node:crypto";
import type { Tx } from "../store/types.js";
import { open, seal, type RecordKeys } from "./keys.js";
import type { AuditRecord } from "./log.js";

/** Keys of an entry's detail (and of its `action`) that hold free text. */
export const FREE_TEXT_KEYS: readonly string[] = ["line", "text", "fields", "reason", "question", "answer", "grounds"];

/** Where the sealed text is, in a detail: the case whose key opens it, and the ciphertext (or why there is none). */
export interface SealedPart {
  case: string;
  /** base64 iv, tag and ciphertext of {"detail": {...}, "action": {...}}. */
  data?: string;
  /** Set instead of data when the case key had already been destroyed: the text was not kept at all. */
  withheld?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Splits `object` into its free-text keys and the rest. */
function split(object: Json): { clear: Json; secret: Json } {
  const clear: Json = {};
  const secret: Json = {};
  for (const [key, value] of Object.entries(object)) (FREE_TEXT_KEYS.includes(key) ? secret : clear)[key] = value;
  return { clear, secret };
}

/** The data key of a case's sealed text: made on first use, undefined once destroyed. */
async function caseDataKey(tx: Tx, keys: RecordKeys, caseId: string, at: Date): Promise<Buffer | undefined> {
  let row = await tx.caseKey.findUnique({ where: { caseId } });
  if (!row) {
    const wrapped = keys.wrap(caseId, randomBytes(32));
    // Two units of work of one case at once: the first insert wins, both use its key.
    await tx.$executeRaw`INSERT INTO "CaseKey" ("caseId", "wrapped", "createdAt") VALUES (${caseId}, ${wrapped}, ${at}) ON CONFLICT ("caseId") DO NOTHING`;
    row = await tx.caseKey.findUniqueOrThrow({ where: { caseId } });
  }
  return row.wrapped === null ? undefined : keys.unwrap(caseId, row.wrapped);
}

/** Case references in a command line, as typed (any case): N-2026-0042. */
const REFERENCE = /\b[A-Za-z]-\d{4}-\d{4,}\b/g;

/**
 * The case references a record without a case names in its command line or, for a refused command, in the reason (a
 * repeated notice is refused naming the open case it repeats, which may be a TLP:RED case of the asker's), upper case.
 */
function referencesIn(record: AuditRecord): string[] {
  if (record.caseId || !isObject(record.detail)) return [];
  const texts = [record.detail.line, record.action === "command" ? record.detail.reason : undefined].filter((text): text is string => typeof text === "string");
  return texts.flatMap((text) => [...text.matchAll(REFERENCE)].map((match) => match[0].toUpperCase()));
}

/** Whether a record without a case is a command line asking for a TLP:RED case (`--tlp RED`). */
function asksForRed(record: AuditRecord): boolean {
  return !record.caseId && isObject(record.detail) && typeof record.detail.line === "string" && /--tlp[=\s]+["']?red\b/i.test(record.detail.line);
}

/**
 * A command asking for a TLP:RED case that made none (refused: bad arguments, not allowed): there is no case key to
 * seal its text under, so its free text is not kept at all.
 */
function withholdRedRequest(record: AuditRecord): AuditRecord {
  if (!asksForRed(record) || !isObject(record.detail)) return record;
  return { ...record, detail: { ...split(record.detail).clear, withheld: "a TLP:RED request that made no case; its text is not kept" } };
}

/**
 * The TLP of the cases a unit of work has read or made, by id and by reference: a case's TLP is set when it is opened
 * and never changes, so the record's appends need not ask the database again for the cases the unit already knows.
 */
export class KnownCaseTlps {
  readonly #byId = new Map<string, { id: string; reference: string; tlp: string }>();
  readonly #byReference = new Map<string, { id: string; reference: string; tlp: string }>();

  /** Notes a case the unit read or made. */
  note(id: string, reference: string, tlp: string): void {
    const known = { id, reference, tlp };
    this.#byId.set(id, known);
    this.#byReference.set(reference, known);
  }

  /** The TLP:RED cases among these ids and references, or undefined when one of them is not known. */
  redAmong(caseIds: readonly string[], references: readonly string[]): { id: string; reference: string }[] | undefined {
    const found = [...caseIds.map((id) => this.#byId.get(id)), ...references.map((reference) => this.#byReference.get(reference))];
    if (found.some((known) => known === undefined)) return undefined;
    const red = new Map<string, { id: string; reference: string }>();
    for (const known of found) if (known && known.tlp === "RED") red.set(known.id, { id: known.id, reference: known.reference });
    return [...red.values()];
  }
}

/**
 * The conditions that find cases by id or by reference, without an empty list: an empty `IN ()` becomes `1=0`, and
 * `"id" IN (...) OR 1=0` kept SQLite from the primary key, so it read every case (137 ms a sweep at 1,000,000 cases).
 */
function caseLookups(caseIds: readonly string[], references: readonly string[]): ({ id: { in: string[] } } | { reference: { in: string[] } })[] {
  return [...(caseIds.length > 0 ? [{ id: { in: [...caseIds] } }] : []), ...(references.length > 0 ? [{ reference: { in: [...references] } }] : [])];
}

/**
 * The records with the free text of TLP:RED cases sealed. A record with no case of its own (a command entry) is
 * sealed under the batch's first TLP:RED case (the case the unit of work acted on), or else under the first TLP:RED
 * case its line names (a command refused before the case was found: not named, not allowed, bad arguments).
 */
export async function sealRedText(tx: Tx, keys: RecordKeys, records: readonly AuditRecord[], at: Date, known?: KnownCaseTlps): Promise<readonly AuditRecord[]> {
  const caseIds = [...new Set(records.flatMap((record) => (record.caseId ? [record.caseId] : [])))];
  const references = [...new Set(records.flatMap(referencesIn))];
  const red =
    caseIds.length === 0 && references.length === 0
      ? []
      : (known?.redAmong(caseIds, references) ??
        (await tx.case.findMany({ where: { tlp: "RED", OR: caseLookups(caseIds, references) }, select: { id: true, reference: true } })));
  if (red.length === 0) return records.some(asksForRed) ? records.map(withholdRedRequest) : records;
  const redSet = new Set(red.map((row) => row.id));
  const byReference = new Map(red.map((row) => [row.reference, row.id]));
  const unitCase = caseIds.find((id) => redSet.has(id));
  const caseOf = (record: AuditRecord): string | undefined => {
    if (record.caseId) return redSet.has(record.caseId) ? record.caseId : undefined;
    return unitCase ?? referencesIn(record).map((reference) => byReference.get(reference)).find((id) => id !== undefined);
  };
  const dataKeys = new Map<string, Buffer | undefined>();
  const sealed: AuditRecord[] = [];
  for (const record of records) {
    const caseId = caseOf(record);
    if (!caseId || !isObject(record.detail)) {
      sealed.push(withholdRedRequest(record));
      continue;
    }
    const top = split(record.detail);
    const action = isObject(top.clear.action) ? split(top.clear.action) : undefined;
    const secret: Json = { ...(Object.keys(top.secret).length > 0 ? { detail: top.secret } : {}), ...(action && Object.keys(action.secret).length > 0 ? { action: action.secret } : {}) };
    if (Object.keys(secret).length === 0) {
      sealed.push(record);
      continue;
    }
    if (!dataKeys.has(caseId)) dataKeys.set(caseId, await caseDataKey(tx, keys, caseId, at));
    const dataKey = dataKeys.get(caseId);
    const part: SealedPart = dataKey
      ? { case: caseId, data: seal(dataKey, `audit:${caseId}`, Buffer.from(JSON.stringify(secret))).toString("base64") }
      : { case: caseId, withheld: "the case's key had been destroyed; the text was not kept" };
    sealed.push({ ...record, detail: { ...top.clear, ...(action ? { action: action.clear } : {}), sealed: part } });
  }
  return sealed;
}

/** A detail as readers see it: sealed text put back where the case key still opens it. */
export interface OpenedDetail {
  detail: Json;
  /** "open" when sealed text was put back; "destroyed" when the case key is gone and the text with it. */
  sealed?: "open" | "destroyed";
}

/** Opens the details of entries (JSON text as stored), in order; one query for the case keys they need. */
export async function openDetails(tx: Tx, keys: RecordKeys, details: readonly string[]): Promise<OpenedDetail[]> {
  const parsed = details.map((text) => JSON.parse(text) as unknown);
  const cases = [...new Set(parsed.flatMap((detail) => (isObject(detail) && isObject(detail.sealed) && typeof detail.sealed.case === "string" ? [detail.sealed.case] : [])))];
  const rows = cases.length === 0 ? [] : await tx.caseKey.findMany({ where: { caseId: { in: cases } } });
  const dataKeys = new Map(rows.map((row) => [row.caseId, row.wrapped === null ? undefined : keys.unwrap(row.caseId, row.wrapped)]));
  return parsed.map((detail): OpenedDetail => {
    if (!isObject(detail)) return { detail: {} };
    if (!isObject(detail.sealed)) return { detail };
    const part = detail.sealed as unknown as SealedPart;
    const { sealed: _sealed, ...clear } = detail;
    const dataKey = dataKeys.get(part.case);
    if (!part.data || !dataKey) return { detail: clear, sealed: "destroyed" };
    const secret = JSON.parse(open(dataKey, `audit:${part.case}`, Buffer.from(part.data, "base64")).toString("utf8")) as { detail?: Json; action?: Json };
    const action = isObject(clear.action) || secret.action ? { action: { ...(isObject(clear.action) ? clear.action : {}), ...secret.action } } : {};
    return { detail: { ...clear, ...secret.detail, ...action }, sealed: "open" };
  });
}

/**
 * Destroys a case's key: its sealed text in the record can no longer be read by anyone, while the chain still
 * verifies (the hashes cover the ciphertext). Returns whether there was a key to destroy.
 */
export async function destroyCaseKey(tx: Tx, caseId: string, at: Date): Promise<boolean> {
  const updated = await tx.caseKey.updateMany({ where: { caseId, wrapped: { not: null } }, data: { wrapped: null, destroyedAt: at } });
  return updated.count > 0;
}
