// Accepting intake reports: the one path every intake source takes (the API, the mailbox, feed files, the report
// page). In the caller's unit of work, for one report or several (a mail's reports, the API requests that arrived
// while the previous commit ran), it claims each report by its source id (a resend returns the first acceptance),
// routes it, groups it with the open item of the same type about the same target (or opens a new item), finds what is
// already open about the same URL, address or content, records the receipt, and writes the card of each new item to
// the outbox. Several reports cost about as many statements as one, plus one route look-up per target and one update
// per item they join. Liaison never opens a case on its own: a person decides each item.
import { newId } from "../core/ids.js";
import { reserveCounterValues } from "../outbox/counter.js";
import type { Store } from "../store/db.js";
import type { Tx } from "../store/types.js";
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import type { Destination } from "../core/adapter.js";
import { inUnitOfWork, type UnitOfWork } from "../work/unit-of-work.js";
import { intakeCard } from "./card-render.js";
import { alreadyOpenAll, intakeRecipients, repeatCounts, type PendingItem } from "./matching.js";
import { intakeReportSchema, type IntakeReport } from "./report.js";
import { routeTargets, targetKeys, type Route, type TargetKeys } from "./routing.js";
import { addReportsToItem, entriesByClaimKey, insertEntries, insertItems, openItemsByGroupKey } from "./statements.js";

/** The audit action of a report received. */
export const INTAKE_RECEIVED = "intake.received";

/** What a source hands over: the report, who sent it (when the source knows), and where it came in. */
export interface AcceptIntakeInput {
  report: IntakeReport;
  /** The reporting organisation (the API token's, the mailbox's configured sender); never taken from the report. */
  reportingOrganisationId?: string;
  /** Where it came in, for the record: "api:<token id>", "imap:<mailbox>", "file:<name>", "page:<unit>". */
  receivedVia: string;
  /** The organisation the report is for when the source decides it (a unit's own report page): it is not routed. */
  recipient?: { organisationId: string; reason: string };
}

/** Installation settings acceptance needs. */
export interface AcceptIntakeSettings {
  /** Where cards of reports that route nowhere go (the coordinators' intake); none: they wait in the database. */
  coordinatorsChannel?: Extract<Destination, { kind: "channel" }>;
  /** Repeat offenders: the window reports about one domain or address are counted over. */
  repeatWindowMs: number;
  /** The threshold for organisations that set none. */
  repeatThreshold: number;
}

/** Default settings: a 30-day window, 5 reports. */
export const DEFAULT_ACCEPT_SETTINGS: AcceptIntakeSettings = { repeatWindowMs: 30 * 86_400_000, repeatThreshold: 5 };

/** What acceptance did. */
export interface AcceptedIntake {
  /** The intake id of this report (the id of its entry on the item's timeline): the API answers with it. */
  intakeId: string;
  itemId: string;
  /** The item's reference, e.g. I-2026-000042. */
  reference: string;
  /** True when this report had been accepted before (a resend): nothing was written. */
  duplicate: boolean;
  /** True when the report joined an open item rather than opening one. */
  grouped: boolean;
  routedToId: string | null;
  routeReason: string;
  reportCount: number;
}

/** The claim key of a report: its sender and its own id; a report without an id is never a resend. */
export function claimKeyOf(input: AcceptIntakeInput): string {
  const id = input.report.sourceReportId ?? `unclaimed:${newId()}`;
  return `${input.reportingOrganisationId ?? "-"}:${input.report.source}:${id}`;
}

/** The acceptances of reports accepted before, by claim key (two statements when there are any, none otherwise). */
async function earlierAcceptances(tx: Tx, claimKeys: readonly string[]): Promise<Map<string, AcceptedIntake>> {
  if (claimKeys.length === 0) return new Map();
  const entries = await entriesByClaimKey(tx, [...new Set(claimKeys)]);
  if (entries.length === 0) return new Map();
  const items = await tx.intakeItem.findMany({ where: { id: { in: [...new Set(entries.map((entry) => entry.itemId))] } }, select: { id: true, reference: true, routedToId: true, routeReason: true, reportCount: true } });
  const itemById = new Map(items.map((item) => [item.id, item]));
  return new Map(
    entries.map((entry) => {
      const item = itemById.get(entry.itemId);
      if (!item) throw new Error(`intake entry ${entry.id} names item ${entry.itemId}, which does not exist`);
      return [entry.claimKey, { intakeId: entry.id, itemId: item.id, reference: item.reference, duplicate: true, grouped: false, routedToId: item.routedToId, routeReason: item.routeReason, reportCount: item.reportCount }];
    }),
  );
}

/** One report of the batch, parsed, with its claim key and target keys. */
interface Prepared {
  input: AcceptIntakeInput;
  report: IntakeReport;
  claimKey: string;
  keys: TargetKeys;
}

/** An item as the batch leaves it: an open one the batch's reports join, or one the batch opens. */
interface ItemState {
  id: string;
  /** Given once the batch knows how many items it opens (one counter statement for all). */
  reference: string;
  routedToId: string | null;
  reportCount: number;
  firstReportedAt: Date;
  lastReportedAt: Date;
  contentHash: string | null;
  tlp: string;
  /** The report that opens it, when the batch opens it; undefined for an item that was open before. */
  opener?: Prepared & { route: Route };
  /** Reports of the batch that joined an item open before. */
  joined: number;
}

/** One new (not resent) report of the batch: the item it opened or joined, and its entry on the item's timeline. */
interface Taken {
  prepared: Prepared;
  route: Route;
  item: ItemState;
  entryId: string;
  grouped: boolean;
  /** The item's report count just after this report. */
  countAfter: number;
}

/** The item slot a report belongs to: its group key towards its recipient. */
function slotOf(groupKey: string, routedToId: string | null): string {
  return `${groupKey}\u0000${routedToId ?? ""}`;
}

/**
 * Accepts reports inside the caller's unit of work (which commits them), in order: after it commits, each is stored,
 * routed, grouped, recorded and the card of each new item is in the outbox. A report whose claim key was accepted
 * before (or earlier in the same batch) returns that acceptance with `duplicate: true` and writes nothing. One
 * answer per input, in the same order.
 */
export async function acceptIntakeReports(work: UnitOfWork, inputs: readonly AcceptIntakeInput[], settings: AcceptIntakeSettings = DEFAULT_ACCEPT_SETTINGS): Promise<AcceptedIntake[]> {
  const tx = work.tx;
  const now = work.clock.now();
  const prepared: Prepared[] = inputs.map((input) => {
    const report = intakeReportSchema.parse(input.report);
    return { input, report, claimKey: claimKeyOf({ ...input, report }), keys: targetKeys(report) };
  });
  const earlier = await earlierAcceptances(tx, prepared.filter((entry) => entry.report.sourceReportId !== undefined).map((entry) => entry.claimKey));

  // Routes: every target of the batch at once (the directory does not change inside the transaction).
  const unclaimed: Prepared[] = [];
  const claimed = new Set<string>();
  for (const entry of prepared) {
    if (earlier.has(entry.claimKey) || claimed.has(entry.claimKey)) continue;
    claimed.add(entry.claimKey);
    unclaimed.push(entry);
  }
  const toRoute = unclaimed.filter((entry) => !entry.input.recipient);
  const routed = await routeTargets(tx, toRoute.map((entry) => entry.report.target));
  const routeOf = new Map(toRoute.map((entry, index) => [entry, routed[index] as Route]));
  const fresh = unclaimed.map((entry) => ({ ...entry, route: entry.input.recipient ?? (routeOf.get(entry) as Route) }));

  // The open items of the batch's group keys, in one statement; the oldest open item of a slot is the one joined.
  const groupKeys = [...new Set(fresh.map((entry) => entry.keys.groupKey))];
  const openRows = await openItemsByGroupKey(tx, groupKeys);
  const openBefore = new Map(openRows.map((row) => [row.id, row]));
  const items = new Map<string, ItemState>();
  for (const row of openRows) {
    const slot = slotOf(row.groupKey, row.routedToId);
    if (!items.has(slot)) items.set(slot, { ...row, joined: 0 });
  }
  const opened: ItemState[] = [];
  const taken: Taken[] = [];
  for (const entry of fresh) {
    const { report, keys, route } = entry;
    const slot = slotOf(keys.groupKey, route.organisationId);
    const open = items.get(slot);
    let item: ItemState;
    if (open) {
      item = open;
      item.reportCount += 1;
      if (!item.opener) item.joined += 1;
      if (report.occurredAt > item.lastReportedAt) item.lastReportedAt = report.occurredAt;
      if (report.occurredAt < item.firstReportedAt) item.firstReportedAt = report.occurredAt;
      item.contentHash = item.contentHash ?? keys.contentHash ?? null;
    } else {
      item = { id: newId(), reference: "", routedToId: route.organisationId, reportCount: 1, firstReportedAt: report.occurredAt, lastReportedAt: report.occurredAt, contentHash: keys.contentHash ?? null, tlp: report.tlp ?? "AMBER", opener: entry, joined: 0 };
      items.set(slot, item);
      opened.push(item);
    }
    taken.push({ prepared: entry, route, item, entryId: newId(), grouped: Boolean(open), countAfter: item.reportCount });
  }

  // Writes: one counter statement and one insert for the new items, one update per item joined, one insert for the
  // timeline entries; the record entries and cards go in with the unit of work's commit. What the cards say is read
  // between the updates and the insert: what was open before the batch, as the joined items now stand.
  if (opened.length > 0) {
    const year = now.getUTCFullYear();
    const first = await reserveCounterValues(tx, `intake-${year}`, opened.length);
    opened.forEach((item, index) => (item.reference = `I-${year}-${String(first + index).padStart(6, "0")}`));
  }
  // In id order, so that two processes updating the same items lock them in the same order.
  const joinedItems = [...items.values()].filter((item) => !item.opener && item.joined > 0).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const item of joinedItems) {
    const before = openBefore.get(item.id);
    const contentHashIsNew = item.contentHash !== null && before?.contentHash === null;
    const firstReportedAtIsNew = before === undefined || item.firstReportedAt.getTime() !== before.firstReportedAt.getTime();
    await addReportsToItem(tx, { id: item.id, reports: item.joined, firstReportedAt: item.firstReportedAt, lastReportedAt: item.lastReportedAt, contentHash: item.contentHash, contentHashIsNew, firstReportedAtIsNew }, now);
  }
  const cards = await cardsOf(work, opened, settings);
  await insertItems(
    tx,
    opened.map((item) => {
      const { report, keys, route } = item.opener as Prepared & { route: Route };
      return {
        id: item.id, reference: item.reference, routedToId: route.organisationId, routeReason: route.reason, category: report.category, type: report.type,
        groupKey: keys.groupKey, urlKey: keys.urlKey ?? null, ipKey: keys.ipKey ?? null, domainKey: keys.domainKey ?? null, contentHash: item.contentHash,
        target: JSON.stringify(report.target), summary: report.summary.slice(0, 500), tlp: item.tlp, reportCount: item.reportCount,
        firstReportedAt: item.firstReportedAt, lastReportedAt: item.lastReportedAt, createdAt: now,
      };
    }),
  );
  await insertEntries(
    tx,
    taken.map(({ prepared: { input, report, claimKey }, item, entryId }) => ({
        id: entryId, itemId: item.id, claimKey, reportingOrganisationId: input.reportingOrganisationId ?? null, source: report.source,
        format: report.format, receivedVia: input.receivedVia.slice(0, 256), category: report.category, type: report.type,
        occurredAt: report.occurredAt, receivedAt: now, report: JSON.stringify(report),
      })),
  );
  for (const { prepared: { input, report }, route, item, entryId, grouped } of taken) {
    work.record({
      actorId: null, actor: "system", via: input.receivedVia.slice(0, 256), action: INTAKE_RECEIVED, subjectType: "intake-item", subjectId: item.id, result: "ok",
      detail: { reference: item.reference, intakeId: entryId, sourceReportId: report.sourceReportId ?? null, format: report.format, category: report.category, type: report.type, grouped, routedToId: route.organisationId, route: route.reason, reportingOrganisationId: input.reportingOrganisationId ?? null },
    });
  }
  await cards.send();

  const answers = new Map<string, AcceptedIntake>();
  for (const { prepared: { claimKey }, route, item, entryId, grouped, countAfter } of taken) {
    answers.set(claimKey, { intakeId: entryId, itemId: item.id, reference: item.reference, duplicate: false, grouped, routedToId: route.organisationId, routeReason: route.reason, reportCount: countAfter });
  }
  const answered = new Set<string>();
  return prepared.map((entry) => {
    const before = earlier.get(entry.claimKey);
    if (before) return before;
    const answer = answers.get(entry.claimKey);
    if (!answer) throw new Error(`intake report ${entry.claimKey} was neither accepted nor found`);
    if (answered.has(entry.claimKey)) return { ...answer, duplicate: true, grouped: false, reportCount: items.get(slotOf(entry.keys.groupKey, answer.routedToId))?.reportCount ?? answer.reportCount };
    answered.add(entry.claimKey);
    return answer;
  });
}

/**
 * The card of each item the batch opened, to its recipient's intake channel (or the coordinators' intake), in a few
 * statements for all of them: the recipients' channels and thresholds, then what is already open (before the new
 * items are stored: each card names only what was open before its item, the batch's earlier items among them);
 * `send` takes the repeat counts once everything is written, and writes the cards to the outbox.
 */
async function cardsOf(work: UnitOfWork, opened: readonly ItemState[], settings: AcceptIntakeSettings): Promise<{ send(): Promise<void> }> {
  const tx = work.tx;
  const since = new Date(work.clock.now().getTime() - settings.repeatWindowMs);
  const recipients = await intakeRecipients(tx, opened.flatMap((item) => (item.routedToId !== null ? [item.routedToId] : [])));
  const probes = opened.map((item) => {
    const opener = item.opener as Prepared & { route: Route };
    const organisationId = opener.route.organisationId;
    const recipient = organisationId !== null ? recipients.get(organisationId) : undefined;
    const destination = organisationId !== null ? recipient?.channel : settings.coordinatorsChannel;
    const stored: PendingItem = { reference: item.reference, routedToId: organisationId, firstReportedAt: item.firstReportedAt, urlKey: opener.keys.urlKey ?? null, ipKey: opener.keys.ipKey ?? null, contentHash: item.contentHash };
    return { item, opener, destination, threshold: recipient?.repeatThreshold ?? settings.repeatThreshold, probe: { keys: opener.keys, recipientId: organisationId, item: stored, wanted: destination !== undefined } };
  });
  const open = await alreadyOpenAll(tx, probes.map((one) => one.probe));
  const carded = probes.flatMap((one, index) => (one.destination ? [{ ...one, destination: one.destination, alreadyOpen: open[index] }] : []));
  return {
    async send() {
      const repeats = await repeatCounts(tx, carded.map(({ opener }) => ({ keys: opener.keys, routedToId: opener.route.organisationId })), since);
      carded.forEach(({ item, opener: { report, route }, destination, threshold, alreadyOpen }, index) => {
        const count = repeats[index] ?? 0;
        const card = intakeCard({ item, report, route, alreadyOpen, repeats: count >= threshold ? { count, windowMs: settings.repeatWindowMs, threshold } : undefined });
        work.send([{ streamKey: `intake:${route.organisationId ?? "coordinators"}`, destination: { type: "address", destination }, message: card }]);
      });
    },
  };
}

/** Accepts one report inside the caller's unit of work (see acceptIntakeReports). */
export async function acceptIntakeReport(work: UnitOfWork, input: AcceptIntakeInput, settings: AcceptIntakeSettings = DEFAULT_ACCEPT_SETTINGS): Promise<AcceptedIntake> {
  const [accepted] = await acceptIntakeReports(work, [input], settings);
  if (!accepted) throw new Error("acceptIntakeReports answered nothing for one report");
  return accepted;
}

/** True for the unique-key failure of two transactions accepting the same report at once (the second must retry). */
export function isClaimRace(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** Accepts reports in a transaction of their own; a concurrent acceptance of one of them is retried once (it then finds the first). */
export async function acceptIntakeReportsInStore(store: Pick<Store, "transaction">, clock: Clock, keys: RecordKeys, inputs: readonly AcceptIntakeInput[], settings?: AcceptIntakeSettings): Promise<AcceptedIntake[]> {
  const run = (): Promise<AcceptedIntake[]> => inUnitOfWork(store, clock, keys, (work) => acceptIntakeReports(work, inputs, settings));
  try {
    return await run();
  } catch (error) {
    if (!isClaimRace(error)) throw error;
    return run();
  }
}

/** Accepts one report in a transaction of its own (see acceptIntakeReportsInStore). */
export async function acceptIntakeReportInStore(store: Pick<Store, "transaction">, clock: Clock, keys: RecordKeys, input: AcceptIntakeInput, settings?: AcceptIntakeSettings): Promise<AcceptedIntake> {
  const [accepted] = await acceptIntakeReportsInStore(store, clock, keys, [input], settings);
  if (!accepted) throw new Error("acceptIntakeReportsInStore answered nothing for one report");
  return accepted;
}
