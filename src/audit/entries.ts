// Reading the record as it stands: the sealed entries (AuditEntry), then the entries appended but not sealed yet
// (AuditPending, in id order), so that a case's history, the report and the once-only checks see an entry as soon as
// its command committed. Pending rows whose mac does not verify are left out (the sealer refuses them and
// `liaison audit verify` reports them).
import type { Db } from "../store/db.js";
import type { Tx } from "../store/types.js";
import type { RecordKeys } from "./keys.js";
import { pendingMac, type StoredRecord } from "./log.js";

/** Which entries to read: the fields both tables have. */
export interface EntryFilter {
  caseId?: string | { in: string[] };
  action?: string | { in: string[] };
  result?: string;
}

/** An entry as readers see it: its content, and its sequence number once sealed (null while pending). */
export type RecordEntry = StoredRecord & { seq: number | null };

/** The entries matching `filter`: sealed ones in sequence order, then pending ones in the order appended. */
export async function recordEntries(db: Db | Tx, keys: RecordKeys, filter: EntryFilter): Promise<RecordEntry[]> {
  // One after the other: inside a transaction both go through its one connection.
  const sealed = await db.auditEntry.findMany({ where: filter, orderBy: { seq: "asc" } });
  const pending = await db.auditPending.findMany({ where: filter, orderBy: { id: "asc" } });
  const content = ({ at, actorId, actor, via, action, subjectType, subjectId, caseId, result, detail }: StoredRecord): StoredRecord => ({ at, actorId, actor, via, action, subjectType, subjectId, caseId, result, detail });
  return [
    ...sealed.map((entry): RecordEntry => ({ ...content(entry), seq: entry.seq })),
    ...pending.filter((row) => pendingMac(keys, row) === row.mac).map((row): RecordEntry => ({ ...content(row), seq: null })),
  ];
}

/** Whether the record holds an entry matching `filter`, sealed or pending (a pending one only when its mac verifies). */
export async function recordHas(db: Db | Tx, keys: RecordKeys, filter: EntryFilter): Promise<boolean> {
  if (await db.auditEntry.findFirst({ where: filter, select: { seq: true } })) return true;
  const pending = await db.auditPending.findMany({ where: filter, orderBy: { id: "asc" } });
  return pending.some((row) => pendingMac(keys, row) === row.mac);
}
