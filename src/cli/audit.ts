// `liaison audit verify` and `liaison audit checkpoint`: the record checked with its key, from the last good stored
// checkpoint (or from the first entry with --full), against checkpoints kept elsewhere (--against), and signed
// checkpoints printed for keeping.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatCheckpoint, parseCheckpoints, takeCheckpoint, type Checkpoint } from "../audit/checkpoint.js";
import { generatedKeyMessage, openRecordKey } from "../audit/key-source.js";
import { adoptRecordKey } from "../audit/legacy.js";
import type { RecordKeys } from "../audit/keys.js";
import { sealOnceIfFree } from "../audit/sealer.js";
import { describeCheckpoint, verifyAudit, type AuditVerification } from "../audit/verify.js";
import type { LoadedConfig } from "../config/load.js";
import { systemClock, type Clock } from "../core/clock.js";
import type { Store } from "../store/db.js";

type Print = (text: string) => void;

/** Help of `liaison audit`. */
export const AUDIT_HELP = `Usage: liaison audit verify [--full] [--against <checkpoint line or file>]
       liaison audit checkpoint
       liaison audit adopt-key

verify      Seals the entries waiting to be sealed (unless a running Liaison seals them), then checks the record with
            its key (LIAISON_AUDIT_KEY, LIAISON_AUDIT_KEY_FILE or the embedded default's key file): every edited,
            deleted or reordered entry, a removed end, a deleted head, a wiped record, stored checkpoints that are
            forged or no longer match, and entries waiting to be sealed that were forged, altered or copied back. It starts after the last stored checkpoint that is
            signed with the key and whose entry still has the signed hash, and stores a new checkpoint at the end
            when all is well. Exit code 1 when anything is found.
  --full      start at the first entry (run it now and then: an entry edited before the last checkpoint is found
              only so)
  --against   checkpoints kept outside the database: the JSON line \`liaison audit checkpoint\` printed, or a file of
              such lines; each must be signed with the record's key and its entry must still have its hash (implies
              --full). This finds a history rewritten even by someone who holds the key.
checkpoint  Verifies the record (as verify does), then signs its last entry and prints the checkpoint as one JSON line
            (seq, hash, time, key id, public key, signature) to keep elsewhere, e.g. appended to a file on another
            machine: liaison audit checkpoint >> /safe/place/liaison-checkpoints.jsonl
adopt-key   Once, for a record kept before record keys (plain SHA-256 hashes): verifies the old record in full
            (nothing is changed when it does not verify), makes the embedded default's key file when none is
            configured, re-chains every entry under the key, records that it did (with the old head's hash) and
            stores a checkpoint. Minutes per million entries; run it with Liaison stopped.`;

/** Runs `liaison audit <verify|checkpoint>`; resolves to the exit code. */
export async function runAuditCommand(loaded: LoadedConfig, argv: string[], prepareStore: (loaded: LoadedConfig) => Promise<Store>, out: Print, err: Print, clock: Clock = systemClock): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { full: { type: "boolean" }, against: { type: "string" } } });
  } catch (error) {
    err(`${(error as Error).message}\n\n${AUDIT_HELP}`);
    return 2;
  }
  const [action, extra] = parsed.positionals;
  const { full, against } = parsed.values;
  if ((action !== "verify" && action !== "checkpoint" && action !== "adopt-key") || extra !== undefined || (action !== "verify" && (full || against !== undefined))) {
    err(AUDIT_HELP);
    return 2;
  }
  let kept: Checkpoint[] = [];
  if (against !== undefined) {
    const read = readAgainst(against);
    if (typeof read === "string") {
      err(read);
      return 2;
    }
    kept = read;
  }
  const store = await prepareStore(loaded);
  try {
    if (action === "adopt-key") return await adoptKey(loaded, store, out, err, clock);
    const { keys } = await openRecordKey(loaded, store.target, store.db, { generate: false, checkLastEntry: false });
    // What commands appended is sealed first (unless a running process holds the sealer's lease: it seals within a
    // second or so); what cannot be sealed is reported by verifyAudit.
    const sealing = await sealOnceIfFree(store, keys, systemClock);
    const result = await verifyAudit(store.db, keys, { full: full === true, against: kept });
    if (result.problems.length > 0) {
      err(`The record has been tampered with (${result.problems.length} problem(s); ${describeRange(result)}):`);
      for (const problem of result.problems) err(`  ${problem.seq > 0 ? `entry ${problem.seq}: ` : ""}${problem.problem}`);
      return 1;
    }
    if (action === "checkpoint") {
      if (result.last.seq === 0) {
        err("The record is empty: there is nothing to sign yet.");
        return 1;
      }
      out(formatCheckpoint(keys, await checkpointAtEnd(store, clock, keys, result)));
      return 0;
    }
    out(`The record is intact: ${describeRange(result)}, hash chain verified with the record key (key id ${keys.keyId}).`);
    if (result.pending > 0) out(`${result.pending.toLocaleString("en")} entries appended since are waiting to be sealed (${sealing.skipped ?? "sealed by another process meanwhile"}); their macs verify.`);
    if (kept.length > 0) out(`It matches the ${kept.length} kept checkpoint(s), up to entry ${Math.max(...kept.map((checkpoint) => checkpoint.seq))}.`);
    if (result.last.seq > (result.from?.seq ?? 0)) {
      const stored = await checkpointAtEnd(store, clock, keys, result);
      out(`Stored a checkpoint at entry ${stored.seq}: the next verify starts there (--full checks everything).`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** `liaison audit adopt-key`. */
async function adoptKey(loaded: LoadedConfig, store: Store, out: Print, err: Print, clock: Clock): Promise<number> {
  const { keys, generated } = await openRecordKey(loaded, store.target, store.db, { generate: true, checkLastEntry: false, adoptLegacy: true });
  if (generated) err(generatedKeyMessage(generated));
  const outcome = await adoptRecordKey(store, clock, keys);
  if (!outcome.adopted) {
    err(outcome.reason);
    for (const problem of outcome.problems) err(`  entry ${problem.seq}: ${problem.problem}`);
    return 1;
  }
  out(`The old record verified (${outcome.entries} entries, last hash ${outcome.legacyHeadHash}) and is now kept with the record key (key id ${keys.keyId}).`);
  out(formatCheckpoint(keys, outcome.checkpoint));
  return 0;
}

/** A stored checkpoint of the verified end (the stored one is reused when nothing was added since). */
async function checkpointAtEnd(store: Store, clock: Clock, keys: RecordKeys, result: AuditVerification): Promise<Checkpoint> {
  if (result.from && result.from.seq === result.last.seq) return result.from;
  return takeCheckpoint(store.db, clock, keys, result.last);
}

/** "checked 12 entries (31 to 42) after the checkpoint of ... at entry 30" */
function describeRange(result: AuditVerification): string {
  const first = (result.from?.seq ?? 0) + 1;
  const n = (value: number) => value.toLocaleString("en");
  const range = result.entries === 0 ? "no entries" : `${n(result.entries)} entries (${n(first)} to ${n(result.last.seq)})`;
  return result.from ? `checked ${range} after ${describeCheckpoint(result.from, "stored")} at entry ${n(result.from.seq)}` : `checked ${range} from the first entry`;
}

/** The kept checkpoints of --against: a JSON line, or a file of them; a message when they cannot be read. */
function readAgainst(value: string): Checkpoint[] | string {
  let text = value;
  if (!value.trim().startsWith("{")) {
    if (!existsSync(value)) return `--against: ${value} is neither a checkpoint line nor a file that exists.`;
    try {
      text = readFileSync(value, "utf8");
    } catch (error) {
      return `--against: cannot read ${value}: ${(error as Error).message}`;
    }
  }
  const { checkpoints, problems } = parseCheckpoints(text);
  if (problems.length > 0) return `--against: ${problems.join("\n  ")}`;
  return checkpoints;
}
