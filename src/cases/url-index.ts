// The case URL index (CaseUrl) for cases opened before it existed: filled once, in batches, at start under the
// startup lock, so that `/case find <url>` and intake's de-confliction also see older cases.
import type { Tx } from "../store/types.js";
import { caseUrlKeys } from "./repository.js";

/** The Counter row that says the index holds every case opened before it existed. */
export const CASE_URL_BACKFILL_COUNTER = "case-url-index-backfilled";

/** How many cases one batch of the backfill reads. */
const BATCH_SIZE = 500;

/**
 * Indexes the URLs of every case not yet in the index (TLP:RED cases stay out, as at opening), once per database;
 * returns how many cases were indexed. Safe to run again: a database marked done is left alone.
 */
export async function backfillCaseUrls(db: Tx): Promise<number> {
  if (await db.counter.findUnique({ where: { name: CASE_URL_BACKFILL_COUNTER } })) return 0;
  let indexed = 0;
  let after = "";
  for (;;) {
    const rows = await db.case.findMany({ where: { id: { gt: after } }, orderBy: { id: "asc" }, take: BATCH_SIZE, select: { id: true, tlp: true, fields: true, recipientOrgId: true } });
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const ids = rows.map((row) => row.id);
    const already = new Set((await db.caseUrl.findMany({ where: { caseId: { in: ids } }, select: { caseId: true } })).map((row) => row.caseId));
    const data = rows
      .filter((row) => row.tlp !== "RED" && !already.has(row.id))
      .flatMap((row) => caseUrlKeys(row.fields).map((urlKey) => ({ urlKey, caseId: row.id, recipientOrgId: row.recipientOrgId })));
    if (data.length > 0) await db.caseUrl.createMany({ data });
    indexed += new Set(data.map((row) => row.caseId)).size;
    if (rows.length < BATCH_SIZE) break;
  }
  await db.counter.create({ data: { name: CASE_URL_BACKFILL_COUNTER, value: 1 } });
  return indexed;
}
