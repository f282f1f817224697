// The statements of the intake hot path as portable SQL through the Prisma client (SQLite and PostgreSQL alike): a
// report costs its share of these (and of the look-ups in matching.ts when it opens an item), and raw statements cost
// a fraction of the generated model queries they replace. Each reads or writes the batch of reports at once.
import { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";

/** Rows per multi-row INSERT (at most 19 parameters a row, well under both databases' limits). */
const ROWS_PER_STATEMENT = 200;

/** An intake report's timeline entry, as written. */
export interface EntryRow {
  id: string;
  itemId: string;
  claimKey: string;
  reportingOrganisationId: string | null;
  source: string;
  format: string;
  receivedVia: string;
  category: string;
  type: string;
  occurredAt: Date;
  receivedAt: Date;
  report: string;
}

/** The entries already written under these claim keys (resends). */
export async function entriesByClaimKey(tx: Tx, claimKeys: readonly string[]): Promise<{ id: string; itemId: string; claimKey: string }[]> {
  if (claimKeys.length === 0) return [];
  return tx.$queryRaw<{ id: string; itemId: string; claimKey: string }[]>`
    SELECT "id", "itemId", "claimKey" FROM "IntakeReportEntry" WHERE "claimKey" IN (${Prisma.join([...claimKeys])})`;
}

/** An open item, as grouping reads it. */
export interface OpenItemRow {
  id: string;
  reference: string;
  routedToId: string | null;
  groupKey: string;
  reportCount: number;
  firstReportedAt: Date;
  lastReportedAt: Date;
  contentHash: string | null;
  tlp: string;
}

/** The open items of these group keys, oldest first (the index on groupKey, routedToId, state serves it). */
export async function openItemsByGroupKey(tx: Tx, groupKeys: readonly string[]): Promise<OpenItemRow[]> {
  if (groupKeys.length === 0) return [];
  const rows = await tx.$queryRaw<(Omit<OpenItemRow, "reportCount" | "firstReportedAt" | "lastReportedAt"> & { reportCount: number | bigint; firstReportedAt: Date | string; lastReportedAt: Date | string })[]>`
    SELECT "id", "reference", "routedToId", "groupKey", "reportCount", "firstReportedAt", "lastReportedAt", "contentHash", "tlp"
    FROM "IntakeItem" WHERE "groupKey" IN (${Prisma.join([...groupKeys])}) AND "state" = 'open' ORDER BY "createdAt" ASC, "id" ASC`;
  return rows.map((row) => ({ ...row, reportCount: Number(row.reportCount), firstReportedAt: new Date(row.firstReportedAt), lastReportedAt: new Date(row.lastReportedAt) }));
}

/** What a batch adds to one open item: reports, and its new first and last report times and content hash. */
export interface ItemAddition {
  id: string;
  reports: number;
  firstReportedAt: Date;
  lastReportedAt: Date;
  contentHash: string | null;
  /** True when the item had no content hash before this batch and has one now. */
  contentHashIsNew: boolean;
  /** True when a report of the batch happened before the item's first report so far. */
  firstReportedAtIsNew: boolean;
}

/**
 * Adds reports to an open item and sets its last report time; its first report time and content hash only when the
 * batch changed them (a column left out of the SET list leaves the indexes holding it untouched).
 */
export async function addReportsToItem(tx: Tx, addition: ItemAddition, at: Date): Promise<void> {
  const first = addition.firstReportedAtIsNew ? Prisma.sql`, "firstReportedAt" = ${addition.firstReportedAt}` : Prisma.empty;
  const hash = addition.contentHashIsNew ? Prisma.sql`, "contentHash" = ${addition.contentHash}` : Prisma.empty;
  await tx.$executeRaw`
    UPDATE "IntakeItem" SET "reportCount" = "reportCount" + ${addition.reports}, "lastReportedAt" = ${addition.lastReportedAt}, "updatedAt" = ${at}${first}${hash}
    WHERE "id" = ${addition.id}`;
}

/** A new intake item, as written (open). */
export interface ItemRow {
  id: string;
  reference: string;
  routedToId: string | null;
  routeReason: string;
  category: string;
  type: string;
  groupKey: string;
  urlKey: string | null;
  ipKey: string | null;
  domainKey: string | null;
  contentHash: string | null;
  target: string;
  summary: string;
  tlp: string;
  reportCount: number;
  firstReportedAt: Date;
  lastReportedAt: Date;
  createdAt: Date;
}

/** Writes new open items, several to a statement. */
export async function insertItems(tx: Tx, rows: readonly ItemRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const values = Prisma.join(
      rows.slice(start, start + ROWS_PER_STATEMENT).map(
        (row) => Prisma.sql`(${row.id}, ${row.reference}, ${row.routedToId}, ${row.routeReason}, ${row.category}, ${row.type}, ${row.groupKey}, ${row.urlKey}, ${row.ipKey}, ${row.domainKey}, ${row.contentHash},
          ${row.target}, ${row.summary}, ${row.tlp}, 'open', ${row.reportCount}, ${row.firstReportedAt}, ${row.lastReportedAt}, ${row.createdAt}, ${row.createdAt})`,
      ),
    );
    await tx.$executeRaw`INSERT INTO "IntakeItem" ("id", "reference", "routedToId", "routeReason", "category", "type", "groupKey", "urlKey", "ipKey", "domainKey", "contentHash",
      "target", "summary", "tlp", "state", "reportCount", "firstReportedAt", "lastReportedAt", "createdAt", "updatedAt") VALUES ${values}`;
  }
}

/** Writes timeline entries, several to a statement. */
export async function insertEntries(tx: Tx, rows: readonly EntryRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const values = Prisma.join(
      chunk.map((row) => Prisma.sql`(${row.id}, ${row.itemId}, ${row.claimKey}, ${row.reportingOrganisationId}, ${row.source}, ${row.format}, ${row.receivedVia}, ${row.category}, ${row.type}, ${row.occurredAt}, ${row.receivedAt}, ${row.report})`),
    );
    await tx.$executeRaw`INSERT INTO "IntakeReportEntry" ("id", "itemId", "claimKey", "reportingOrganisationId", "source", "format", "receivedVia", "category", "type", "occurredAt", "receivedAt", "report") VALUES ${values}`;
  }
}
