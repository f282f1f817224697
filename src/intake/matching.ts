// What acceptance reads beside the item itself: what is already open about the same URL, address or content
// (de-confliction), where an organisation's intake cards go, and how many reports one domain or address had lately
// (repeat offenders, NL code of conduct 5).
import { PLATFORMS, type Destination, type Platform } from "../core/adapter.js";
import { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";
import type { AlreadyOpen } from "./card-render.js";
import type { TargetKeys } from "./routing.js";

/**
 * What is already open about the same URL, address or content: an open case (one an item was opened as, or one
 * opened with the same URL towards the same recipient, e.g. by /notice), or else an open item. `recipientId` null
 * (the report routes nowhere): a case towards anyone. Items in `exceptItemIds` (the item itself, and items accepted
 * after it in the same unit of work) are not counted.
 */
export async function alreadyOpen(tx: Tx, keys: TargetKeys, exceptItemIds: readonly string[], recipientId: string | null = null): Promise<AlreadyOpen | undefined> {
  const matches = [
    ...(keys.urlKey !== undefined ? [{ urlKey: keys.urlKey }] : []),
    ...(keys.ipKey !== undefined ? [{ ipKey: keys.ipKey }] : []),
    ...(keys.contentHash !== undefined ? [{ contentHash: keys.contentHash }] : []),
  ];
  if (matches.length === 0) return undefined;
  const items = await tx.intakeItem.findMany({
    where: { id: { notIn: [...exceptItemIds] }, OR: matches, state: { in: ["open", "opened", "added"] } },
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

/**
 * Reports since `since` about the same domain or address routed to the same organisation (repeat offenders). Two
 * look-ups, each through its own index (address, domain), added up in one statement; an item about both is counted
 * once. One OR over both would make the database read every item of the organisation.
 */
export async function repeatCount(tx: Tx, routedToId: string | null, keys: TargetKeys, since: Date): Promise<number> {
  const routed = routedToId === null ? Prisma.sql`"routedToId" IS NULL` : Prisma.sql`"routedToId" = ${routedToId}`;
  const parts: Prisma.Sql[] = [];
  if (keys.ipKey !== undefined) parts.push(Prisma.sql`SELECT "reportCount" AS "n" FROM "IntakeItem" WHERE "ipKey" = ${keys.ipKey} AND ${routed} AND "lastReportedAt" >= ${since}`);
  if (keys.domainKey !== undefined) {
    const notCounted = keys.ipKey !== undefined ? Prisma.sql` AND ("ipKey" IS NULL OR "ipKey" <> ${keys.ipKey})` : Prisma.empty;
    parts.push(Prisma.sql`SELECT "reportCount" AS "n" FROM "IntakeItem" WHERE "domainKey" = ${keys.domainKey} AND ${routed} AND "lastReportedAt" >= ${since}${notCounted}`);
  }
  if (parts.length === 0) return 0;
  const rows = await tx.$queryRaw<{ total: number | bigint | null }[]>`SELECT SUM("n") AS "total" FROM (${Prisma.join(parts, " UNION ALL ")}) AS "about"`;
  return Number(rows[0]?.total ?? 0);
}
