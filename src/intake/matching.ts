// What acceptance reads beside the item itself, for all the items a batch opens at once: what is already open about
// the same URL, address or content (de-confliction), where each recipient's intake cards go, and how many reports one
// domain or address had lately (repeat offenders, NL code of conduct 5). Raw, portable SQL (SQLite and PostgreSQL):
// a few statements for the whole batch, each look-up through its own index.
import { PLATFORMS, type Destination, type Platform } from "../core/adapter.js";
import { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";
import type { AlreadyOpen } from "./card-render.js";
import type { TargetKeys } from "./routing.js";

/** Items (and cases) of one URL, address or content hash considered, oldest first, as one look-up always did. */
const CANDIDATES = 20;
/** Look-ups per statement: SQLite allows 500 terms in one UNION ALL. */
const TERMS_PER_STATEMENT = 450;
/** The states of an item that still stands for something open: itself, or the case it was opened as or added to. */
const STANDING_STATES = ["open", "opened", "added"] as const;
/** The key columns an item is matched by, each with an index on (key, state, firstReportedAt, reference). */
const MATCHED_BY = [["urlKey", "urlKey"], ["ipKey", "ipKey"], ["contentHash", "contentHash"]] as const;

/** A new item of the batch as it will be stored: the batch's later items see it as open. */
export interface PendingItem {
  reference: string;
  routedToId: string | null;
  firstReportedAt: Date;
  urlKey: string | null;
  ipKey: string | null;
  contentHash: string | null;
}

/** One new item of the batch, in the order the batch opens them: its opening report's keys and its recipient. */
export interface MatchProbe {
  keys: TargetKeys;
  /** Null: routed nowhere (a case towards anyone counts). */
  recipientId: string | null;
  /** The item as it will be stored. */
  item: PendingItem;
  /** False when its card goes nowhere: it is only there for the items after it. */
  wanted: boolean;
}

/** An item considered for de-confliction (stored ones with their id). */
interface Candidate {
  id?: string;
  reference: string;
  state: string;
  caseId: string | null;
  firstReportedAt: Date;
  routedToId: string | null;
}

/** The order items were opened in: first report, then reference (as the indexes hold them). */
function older(a: Candidate, b: Candidate): number {
  const at = a.firstReportedAt.getTime() - b.firstReportedAt.getTime();
  return at !== 0 ? at : a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0;
}

/**
 * For each probe, the items the batch opened before it about one of its keys: per key, the 20 oldest so far (kept
 * as the probes go), so that a large batch of items about the same thing costs no more per item than a small one.
 */
function pendingCandidates(probes: readonly MatchProbe[]): Candidate[][] {
  const oldest = new Map<string, Candidate[]>();
  return probes.map((probe) => {
    const seen = new Map<string, Candidate>();
    for (const [, key] of MATCHED_BY) {
      const value = probe.keys[key];
      if (value !== undefined) for (const item of oldest.get(`${key}:${value}`) ?? []) seen.set(item.reference, item);
    }
    const own: Candidate = { ...probe.item, state: "open", caseId: null };
    for (const [, key] of MATCHED_BY) {
      const value = probe.item[key];
      if (value === null) continue;
      const list = oldest.get(`${key}:${value}`) ?? [];
      list.push(own);
      list.sort(older);
      oldest.set(`${key}:${value}`, list.slice(0, CANDIDATES));
    }
    return [...seen.values()];
  });
}

/** Runs UNION ALL look-ups a statement's worth at a time. */
async function unionAll<Row>(tx: Tx, terms: readonly Prisma.Sql[], wrap: (union: Prisma.Sql) => Prisma.Sql = (union) => union): Promise<Row[]> {
  const rows: Row[] = [];
  for (let start = 0; start < terms.length; start += TERMS_PER_STATEMENT) {
    rows.push(...(await tx.$queryRaw<Row[]>`${wrap(Prisma.join(terms.slice(start, start + TERMS_PER_STATEMENT), " UNION ALL "))}`));
  }
  return rows;
}

/**
 * What is already open about the same URL, address or content as each probe, in probe order: an open case (one an
 * item was opened as or added to, or one opened with the same URL towards the same recipient, e.g. by /notice), or
 * else an open item. Of the items about the same thing, the 20 oldest standing ones count (the items the batch
 * opened before the probe among them); each key and state is one index range read in order. Call it before the
 * batch's new items are stored. One answer per probe, undefined for a probe not wanted.
 */
export async function alreadyOpenAll(tx: Tx, probes: readonly MatchProbe[]): Promise<(AlreadyOpen | undefined)[]> {
  // One look-up per key value and state, however many probes share the value (a feed's reports often share content).
  const wantedKeys = new Map<string, { column: string; value: string }>();
  for (const probe of probes) {
    if (!probe.wanted) continue;
    for (const [column, key] of MATCHED_BY) {
      const value = probe.keys[key];
      if (value !== undefined) wantedKeys.set(`${key}:${value}`, { column, value });
    }
  }
  const terms = [...wantedKeys].flatMap(([name, { column, value }]) =>
    STANDING_STATES.map((state) => Prisma.sql`SELECT * FROM (SELECT CAST(${name} AS TEXT) AS "probe", "id", "reference", "state", "caseId", "firstReportedAt", "routedToId" FROM "IntakeItem"
      WHERE ${Prisma.raw(`"${column}"`)} = ${value} AND "state" = ${Prisma.raw(`'${state}'`)} ORDER BY "firstReportedAt" ASC, "reference" ASC LIMIT ${Prisma.raw(String(CANDIDATES))}) AS "m"`),
  );
  const rows = await unionAll<Candidate & { probe: string; id: string; firstReportedAt: Date | string }>(tx, terms);
  const byKey = new Map<string, Candidate[]>();
  for (const row of rows) {
    const found = byKey.get(row.probe) ?? [];
    found.push({ id: row.id, reference: row.reference, state: row.state, caseId: row.caseId, firstReportedAt: new Date(row.firstReportedAt), routedToId: row.routedToId });
    byKey.set(row.probe, found);
  }
  const stored = probes.map((probe) => {
    // An item about two of the probe's keys counts once.
    const found = new Map<string, Candidate>();
    for (const [, key] of MATCHED_BY) {
      const value = probe.keys[key];
      if (value !== undefined && probe.wanted) for (const item of byKey.get(`${key}:${value}`) ?? []) found.set(item.id ?? item.reference, item);
    }
    return [...found.values()];
  });
  const pending = pendingCandidates(probes);
  const candidates = probes.map((probe, index) => (probe.wanted ? [...(stored[index] ?? []), ...(pending[index] ?? [])].sort(older).slice(0, CANDIDATES) : []));

  // Open cases: one look-up per probe with a case to look at, the oldest open one first.
  const caseTerms: Prisma.Sql[] = [];
  probes.forEach((probe, index) => {
    if (!probe.wanted) return;
    const caseIds = [...new Set(candidates[index]?.flatMap((item) => (item.caseId !== null ? [item.caseId] : [])) ?? [])];
    const byUrl = probe.keys.urlKey !== undefined
      ? Prisma.sql`c."id" IN (SELECT cu."caseId" FROM "CaseUrl" cu WHERE cu."urlKey" = ${probe.keys.urlKey}${probe.recipientId !== null ? Prisma.sql` AND cu."recipientOrgId" = ${probe.recipientId}` : Prisma.empty} LIMIT ${Prisma.raw(String(CANDIDATES))})`
      : undefined;
    const byItem = caseIds.length > 0 ? Prisma.sql`c."id" IN (${Prisma.join(caseIds)})` : undefined;
    const which = [byItem, byUrl].filter((part): part is Prisma.Sql => part !== undefined);
    if (which.length === 0) return;
    caseTerms.push(Prisma.sql`SELECT * FROM (SELECT CAST(${String(index)} AS TEXT) AS "probe", c."reference", c."openedAt", o."name" FROM "Case" c LEFT JOIN "Organisation" o ON o."id" = c."openerOrgId"
      WHERE (${Prisma.join(which, " OR ")}) AND c."state" NOT IN ('closed', 'withdrawn', 'resolved') ORDER BY c."openedAt" ASC, c."reference" ASC LIMIT 1) AS ${Prisma.raw(`"c${caseTerms.length}"`)}`);
  });
  const cases = new Map((await unionAll<{ probe: string; reference: string; openedAt: Date | string; name: string | null }>(tx, caseTerms)).map((row) => [Number(row.probe), row]));

  const open = candidates.map((found, index) => (cases.has(index) ? undefined : found.find((item) => item.state === "open")));
  const names = await organisationNames(tx, open.flatMap((item) => (item?.routedToId ? [item.routedToId] : [])));
  return probes.map((probe, index): AlreadyOpen | undefined => {
    if (!probe.wanted) return undefined;
    const byCase = cases.get(index);
    if (byCase) return { reference: byCase.reference, since: new Date(byCase.openedAt), by: byCase.name ?? "?" };
    const item = open[index];
    if (!item) return undefined;
    return { reference: item.reference, since: item.firstReportedAt, by: item.routedToId ? (names.get(item.routedToId) ?? "?") : "the coordinators' intake" };
  });
}

/** Organisations' names by id, in one statement. */
async function organisationNames(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ id: string; name: string }[]>`SELECT "id", "name" FROM "Organisation" WHERE "id" IN (${Prisma.join(distinct)})`;
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Where an organisation's intake cards go, and the repeat-offender threshold it set (null: the installation's). */
export interface IntakeRecipient {
  channel: Extract<Destination, { kind: "channel" }> | undefined;
  repeatThreshold: number | null;
}

/**
 * Where each organisation's intake cards go (its channel for the topic "intake", else its channel for any topic)
 * and its repeat threshold, by organisation id, in one statement; an organisation that does not exist is left out.
 */
export async function intakeRecipients(tx: Tx, organisationIds: readonly string[]): Promise<Map<string, IntakeRecipient>> {
  const distinct = [...new Set(organisationIds)];
  const found = new Map<string, IntakeRecipient>();
  if (distinct.length === 0) return found;
  const rows = await tx.$queryRaw<{ id: string; repeatThreshold: number | bigint | null; topic: string | null; platform: string | null; workspace: string | null; channelId: string | null }[]>`
    SELECT o."id", o."repeatThreshold", ch."topic", ch."platform", ch."workspace", ch."channelId" FROM "Organisation" o
    LEFT JOIN "CaseChannel" ch ON ch."organisationId" = o."id" AND ch."topic" IN ('intake', '*') WHERE o."id" IN (${Prisma.join(distinct)})`;
  for (const id of distinct) {
    const own = rows.filter((row) => row.id === id);
    const first = own[0];
    if (!first) continue;
    const channel = own.find((row) => row.topic === "intake") ?? own.find((row) => row.topic !== null);
    const usable = channel?.platform != null && channel.channelId != null && (PLATFORMS as readonly string[]).includes(channel.platform);
    found.set(id, {
      channel: usable ? { kind: "channel", platform: channel.platform as Platform, workspace: channel.workspace ?? "", channelId: channel.channelId as string } : undefined,
      repeatThreshold: first.repeatThreshold === null ? null : Number(first.repeatThreshold),
    });
  }
  return found;
}

/** Where an organisation's intake cards go: its channel for the topic "intake", else its channel for any topic. */
export async function intakeChannel(tx: Tx, organisationId: string): Promise<Extract<Destination, { kind: "channel" }> | undefined> {
  return (await intakeRecipients(tx, [organisationId])).get(organisationId)?.channel;
}

/** A repeat count to take: the item's keys and its recipient (null: the coordinators' intake). */
export interface RepeatProbe {
  keys: TargetKeys;
  routedToId: string | null;
}

/**
 * Reports since `since` about the same domain or address routed to the same organisation (repeat offenders), per
 * probe in probe order, in one statement. Two look-ups per probe, each through its own index (address, domain), an
 * item about both counted once. The recipient is compared as an expression so that no database reads every item of
 * the organisation through its index instead.
 */
export async function repeatCounts(tx: Tx, probes: readonly RepeatProbe[], since: Date): Promise<number[]> {
  const terms: Prisma.Sql[] = [];
  probes.forEach(({ keys, routedToId }, index) => {
    const probe = Prisma.sql`CAST(${String(index)} AS TEXT) AS "probe"`;
    const routed = Prisma.sql`COALESCE("routedToId", '') = ${routedToId ?? ""}`;
    if (keys.ipKey !== undefined) terms.push(Prisma.sql`SELECT ${probe}, "reportCount" AS "n" FROM "IntakeItem" WHERE "ipKey" = ${keys.ipKey} AND ${routed} AND "lastReportedAt" >= ${since}`);
    if (keys.domainKey !== undefined) {
      const notCounted = keys.ipKey !== undefined ? Prisma.sql` AND ("ipKey" IS NULL OR "ipKey" <> ${keys.ipKey})` : Prisma.empty;
      terms.push(Prisma.sql`SELECT ${probe}, "reportCount" AS "n" FROM "IntakeItem" WHERE "domainKey" = ${keys.domainKey} AND ${routed} AND "lastReportedAt" >= ${since}${notCounted}`);
    }
  });
  const rows = await unionAll<{ probe: string; total: number | bigint | null }>(tx, terms, (union) => Prisma.sql`SELECT "probe", SUM("n") AS "total" FROM (${union}) AS "about" GROUP BY "probe"`);
  // A probe whose look-ups fell into two statements has a row in each.
  const totals = new Map<number, number>();
  for (const row of rows) totals.set(Number(row.probe), (totals.get(Number(row.probe)) ?? 0) + Number(row.total ?? 0));
  return probes.map((_, index) => totals.get(index) ?? 0);
}
