// Signed checkpoints of the record: "entry <seq> had hash <hash>", at a time, signed with the Ed25519 key derived
// from the record key. `liaison audit checkpoint` prints one as a JSON line to keep elsewhere (a file on another
// machine, a ticket, a notary); `liaison audit verify --against` checks the record against kept ones, which catches a
// history rewritten before them even by someone holding the key. Stored ones (AuditCheckpoint) let verification start
// from the last good one instead of the first entry.
import { z } from "zod";
import type { Clock } from "../core/clock.js";
import type { Db } from "../store/db.js";
import type { RecordKeys } from "./keys.js";

/** A checkpoint: the entry at `seq` had `hash`; signed at `at`. */
export interface Checkpoint {
  seq: number;
  hash: string;
  at: Date;
  /** base64 Ed25519 signature of checkpointText. */
  signature: string;
}

/** The text a checkpoint's signature covers. */
export function checkpointText(checkpoint: Pick<Checkpoint, "seq" | "hash" | "at">): string {
  return `liaison-audit-checkpoint:v1:${checkpoint.seq}:${checkpoint.hash}:${checkpoint.at.toISOString()}`;
}

/** Signs that the entry at `seq` has `hash`, as of `at`. */
export function signCheckpoint(keys: RecordKeys, entry: { seq: number; hash: string }, at: Date): Checkpoint {
  const unsigned = { seq: entry.seq, hash: entry.hash, at };
  return { ...unsigned, signature: keys.sign(checkpointText(unsigned)) };
}

/** Whether the checkpoint's signature was made with this record key. */
export function signatureValid(keys: RecordKeys, checkpoint: Checkpoint): boolean {
  return keys.verifies(checkpointText(checkpoint), checkpoint.signature);
}

/** Stores a checkpoint (a second one for the same entry replaces the first). */
export async function storeCheckpoint(db: Db, checkpoint: Checkpoint): Promise<void> {
  const data = { hash: checkpoint.hash, at: checkpoint.at, signature: checkpoint.signature };
  await db.auditCheckpoint.upsert({ where: { seq: checkpoint.seq }, create: { seq: checkpoint.seq, ...data }, update: data });
}

/** Signs and stores a checkpoint of a verified entry; returns it. */
export async function takeCheckpoint(db: Db, clock: Clock, keys: RecordKeys, entry: { seq: number; hash: string }): Promise<Checkpoint> {
  const checkpoint = signCheckpoint(keys, entry, clock.now());
  await storeCheckpoint(db, checkpoint);
  return checkpoint;
}

/** The stored checkpoints, latest first, at most `limit`. */
export async function latestCheckpoints(db: Db, limit: number): Promise<Checkpoint[]> {
  return db.auditCheckpoint.findMany({ orderBy: { seq: "desc" }, take: limit });
}

/** A checkpoint as printed: one JSON line, with the public key it is checked with. */
export function formatCheckpoint(keys: RecordKeys, checkpoint: Checkpoint): string {
  return JSON.stringify({
    type: "liaison-audit-checkpoint",
    v: 1,
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    at: checkpoint.at.toISOString(),
    keyId: keys.keyId,
    publicKey: keys.publicKey,
    signature: checkpoint.signature,
  });
}

const printedSchema = z.object({
  type: z.literal("liaison-audit-checkpoint"),
  v: z.literal(1),
  seq: z.number().int().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.iso.datetime(),
  keyId: z.string().optional(),
  publicKey: z.string().optional(),
  signature: z.string().min(1),
});

/** Reads printed checkpoints: one JSON object per line (blank lines and # comments skipped); a problem per bad line. */
export function parseCheckpoints(text: string): { checkpoints: Checkpoint[]; problems: string[] } {
  const checkpoints: Checkpoint[] = [];
  const problems: string[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`line ${index + 1}: not JSON; a checkpoint is the one line \`liaison audit checkpoint\` printed`);
      continue;
    }
    const parsed = printedSchema.safeParse(value);
    if (!parsed.success) {
      problems.push(`line ${index + 1}: not a checkpoint (${parsed.error.issues.map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`).join("; ")})`);
      continue;
    }
    checkpoints.push({ seq: parsed.data.seq, hash: parsed.data.hash, at: new Date(parsed.data.at), signature: parsed.data.signature });
  }
  if (checkpoints.length === 0 && problems.length === 0) problems.push("no checkpoint found: give the line `liaison audit checkpoint` printed, or a file of such lines");
  return { checkpoints, problems };
}
