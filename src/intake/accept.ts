// Accepting one intake report: the one function every intake source calls (the API, the mailbox, feed files, the
// report page). In the caller's unit of work it claims the report by its source id (a resend returns the first
// acceptance), routes it, groups it with the open item of the same type about the same target (or opens a new item),
// finds what is already open about the same URL, address or content, records the receipt, and writes the card of a
// new item to the outbox. Liaison never opens a case on its own: a person decides each item.
import { newId } from "../core/ids.js";
import { PLATFORMS, type Destination, type Platform } from "../core/adapter.js";
import { reserveCounterValues } from "../outbox/counter.js";
import type { Store } from "../store/db.js";
import type { Tx } from "../store/types.js";
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import { inUnitOfWork, type UnitOfWork } from "../work/unit-of-work.js";
import { intakeCard, type AlreadyOpen } from "./card-render.js";
import { intakeReportSchema, type IntakeReport } from "./report.js";
import { routeTarget, targetKeys, type TargetKeys } from "./routing.js";

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

async function firstAcceptance(tx: Tx, claimKey: string): Promise<AcceptedIntake | undefined> {
  const entry = await tx.intakeReportEntry.findUnique({ where: { claimKey }, select: { id: true, itemId: true } });
  if (!entry) return undefined;
  const item = await tx.intakeItem.findUniqueOrThrow({ where: { id: entry.itemId } });
  return { intakeId: entry.id, itemId: item.id, reference: item.reference, duplicate: true, grouped: false, routedToId: item.routedToId, routeReason: item.routeReason, reportCount: item.reportCount };
}

/**
 * What is already open about the same URL, address or content: an open case (one an item was opened as, or one
 * opened with the same URL towards the same recipient, e.g. by /notice), or else an open item. `recipientId` null
 * (the report routes nowhere): a case towards anyone.
 */
export async function alreadyOpen(tx: Tx, keys: TargetKeys, exceptItemId: string, recipientId: string | null = null): Promise<AlreadyOpen | undefined> {
  const matches = [
    ...(keys.urlKey !== undefined ? [{ urlKey: keys.urlKey }] : []),
    ...(keys.ipKey !== undefined ? [{ ipKey: keys.ipKey }] : []),
    ...(keys.contentHash !== undefined ? [{ contentHash: keys.contentHash }] : []),
  ];
  if (matches.length === 0) return undefined;
  const items = await tx.intakeItem.findMany({
    where: { id: { not: exceptItemId }, OR: matches, state: { in: ["open", "opened", "added"] } },
    orderBy: { firstReportedAt: "asc" },
    take: 20,
    select: { reference: true, state: true, caseId: true, firstReportedAt: true, routedToId: true },
  });
  const byUrl = keys.urlKey !== undefined ? await tx.caseUrl.findMany({ where: { urlKey: keys.urlKey, ...(recipientId !== null ? { recipientOrgId: recipientId } : {}) }, select: { caseId: true }, take: 20 }) : [];
  const caseIds = [...items.map((item) => item.caseId).filter((id): id is string => id !== null), ...byUrl.map((row) => row.caseId)];
  if (caseIds.length > 0) {
    const open = await tx.case.findFirst({ where: { id: { in: caseIds }, state: { notIn: ["closed", "withdrawn", "resolved"] } }, orderBy: { openedAt: "asc" }, select: { reference: true, openedAt: true, openerOrgId: true } });
    if (open) {
      const by = await tx.organisation.findUnique({ where: { id: open.openerOrgId }, select: { name: true } });
      return { reference: open.reference, since: open.openedAt, by: by?.name ?? "?" };
    }
  }
  const item = items.find((candidate) => candidate.state === "open");
  if (!item) return undefined;
  const by = item.routedToId ? await tx.organisation.findUnique({ where: { id: item.routedToId }, select: { name: true } }) : null;
  return { reference: item.reference, since: item.firstReportedAt, by: by?.name ?? "the coordinators' intake" };
}

/** Where an organisation's intake cards go: its channel for the topic "intake", else its channel for any topic. */
export async function intakeChannel(tx: Tx, organisationId: string): Promise<Extract<Destination, { kind: "channel" }> | undefined> {
  const channels = await tx.caseChannel.findMany({ where: { organisationId, topic: { in: ["intake", "*"] } } });
  const channel = channels.find((candidate) => candidate.topic === "intake") ?? channels[0];
  if (!channel || !(PLATFORMS as readonly string[]).includes(channel.platform)) return undefined;
  return { kind: "channel", platform: channel.platform as Platform, workspace: channel.workspace, channelId: channel.channelId };
}

/** Reports in the window about the same domain or address routed to the same organisation (repeat offenders). */
async function repeatCount(tx: Tx, routedToId: string | null, keys: TargetKeys, since: Date): Promise<number> {
  const about = [...(keys.domainKey !== undefined ? [{ domainKey: keys.domainKey }] : []), ...(keys.ipKey !== undefined ? [{ ipKey: keys.ipKey }] : [])];
  if (about.length === 0) return 0;
  const rows = await tx.intakeItem.aggregate({ where: { routedToId, OR: about, lastReportedAt: { gte: since } }, _sum: { reportCount: true } });
  return rows._sum.reportCount ?? 0;
}

/**
 * Accepts one report inside the caller's unit of work (which commits it): after it commits, the report is stored,
 * routed, grouped, recorded and its card (for a new item) is in the outbox. A report whose claim key was accepted
 * before returns that acceptance with `duplicate: true` and writes nothing.
 */
export async function acceptIntakeReport(work: UnitOfWork, input: AcceptIntakeInput, settings: AcceptIntakeSettings = DEFAULT_ACCEPT_SETTINGS): Promise<AcceptedIntake> {
  const report = intakeReportSchema.parse(input.report);
  const tx = work.tx;
  const now = work.clock.now();
  const claimKey = claimKeyOf(input);
  const first = await firstAcceptance(tx, claimKey);
  if (first) return first;
  const keys = targetKeys(report);
  const route = input.recipient ?? (await routeTarget(tx, report.target));
  const open = await tx.intakeItem.findFirst({ where: { groupKey: keys.groupKey, routedToId: route.organisationId, state: "open" }, orderBy: { createdAt: "asc" } });
  let item;
  if (open) {
    item = await tx.intakeItem.update({
      where: { id: open.id },
      data: {
        reportCount: { increment: 1 },
        lastReportedAt: report.occurredAt > open.lastReportedAt ? report.occurredAt : open.lastReportedAt,
        firstReportedAt: report.occurredAt < open.firstReportedAt ? report.occurredAt : open.firstReportedAt,
        contentHash: open.contentHash ?? keys.contentHash ?? null,
        updatedAt: now,
      },
    });
  } else {
    const year = now.getUTCFullYear();
    const number = await reserveCounterValues(tx, `intake-${year}`, 1);
    item = await tx.intakeItem.create({
      data: {
        id: newId(), reference: `I-${year}-${String(number).padStart(6, "0")}`, routedToId: route.organisationId, routeReason: route.reason,
        category: report.category, type: report.type, groupKey: keys.groupKey, urlKey: keys.urlKey ?? null, ipKey: keys.ipKey ?? null,
        domainKey: keys.domainKey ?? null, contentHash: keys.contentHash ?? null, target: JSON.stringify(report.target), summary: report.summary.slice(0, 500),
        tlp: report.tlp ?? "AMBER", state: "open", reportCount: 1,
        firstReportedAt: report.occurredAt, lastReportedAt: report.occurredAt, createdAt: now, updatedAt: now,
      },
    });
  }
  const entryId = newId();
  await tx.intakeReportEntry.create({
    data: {
      id: entryId, itemId: item.id, claimKey, reportingOrganisationId: input.reportingOrganisationId ?? null, source: report.source,
      format: report.format, receivedVia: input.receivedVia.slice(0, 256), category: report.category, type: report.type,
      occurredAt: report.occurredAt, receivedAt: now, report: JSON.stringify(report),
    },
  });
  work.record({
    actorId: null, actor: "system", via: input.receivedVia.slice(0, 256), action: INTAKE_RECEIVED, subjectType: "intake-item", subjectId: item.id, result: "ok",
    detail: { reference: item.reference, intakeId: entryId, sourceReportId: report.sourceReportId ?? null, format: report.format, category: report.category, type: report.type, grouped: Boolean(open), routedToId: route.organisationId, route: route.reason, reportingOrganisationId: input.reportingOrganisationId ?? null },
  });
  if (!open) {
    const destination = route.organisationId ? await intakeChannel(tx, route.organisationId) : settings.coordinatorsChannel;
    if (destination) {
      const organisation = route.organisationId ? await tx.organisation.findUnique({ where: { id: route.organisationId }, select: { repeatThreshold: true } }) : null;
      const threshold = organisation?.repeatThreshold ?? settings.repeatThreshold;
      const repeats = await repeatCount(tx, route.organisationId, keys, new Date(now.getTime() - settings.repeatWindowMs));
      const card = intakeCard({ item, report, route, alreadyOpen: await alreadyOpen(tx, keys, item.id, route.organisationId), repeats: repeats >= threshold ? { count: repeats, windowMs: settings.repeatWindowMs, threshold } : undefined });
      work.send([{ streamKey: `intake:${route.organisationId ?? "coordinators"}`, destination: { type: "address", destination }, message: card }]);
    }
  }
  return { intakeId: entryId, itemId: item.id, reference: item.reference, duplicate: false, grouped: Boolean(open), routedToId: route.organisationId, routeReason: route.reason, reportCount: item.reportCount };
}

/** True for the unique-key failure of two transactions accepting the same report at once (the second must retry). */
function isClaimRace(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** Accepts one report in a transaction of its own; a concurrent acceptance of the same report is retried once (it then finds the first). */
export async function acceptIntakeReportInStore(store: Pick<Store, "transaction">, clock: Clock, keys: RecordKeys, input: AcceptIntakeInput, settings?: AcceptIntakeSettings): Promise<AcceptedIntake> {
  const run = (): Promise<AcceptedIntake> => inUnitOfWork(store, clock, keys, (work) => acceptIntakeReport(work, input, settings));
  try {
    return await run();
  } catch (error) {
    if (!isClaimRace(error)) throw error;
    return run();
  }
}
