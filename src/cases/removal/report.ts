// The figures of TCO Regulation (EU) 2021/784 for removal orders, per recipient (the hosting service provider's
// Art. 7 report) and per issuer (the competent authority's Art. 8 report), from the cases, their decisions and the
// record. Counts and durations only, never case content.
//
// Art. 7(3) (paraphrase: not checked against the Official Journal text):
// "Transparency reports shall include at least the following information: (a) information about the hosting service
// provider's measures in relation to the identification and removal of or disabling of access to terrorist content;
// (b) information about the hosting service provider's measures to address the reappearance online of material which
// has previously been removed or to which access has been disabled because it was considered to be terrorist content,
// in particular where automated tools have been used; (c) the number of items of terrorist content removed or to
// which access has been disabled following removal orders or specific measures, and the number of removal orders
// where the content has not been removed or access to which has not been disabled pursuant to the first subparagraph
// of Article 3(7) and the first subparagraph of Article 3(8), together with the grounds therefor; (d) the number and
// the outcome of complaints handled by the hosting service provider in accordance with Article 10; ... (f) the number
// of cases in which the hosting service provider was required to reinstate content or access thereto as a result of
// administrative or judicial review proceedings; (g) the number of cases in which the hosting service provider
// reinstated content or access thereto following a complaint by the content provider".
// Art. 8(1)(a) (paraphrase, not checked) asks the competent authority for "the number of removal orders issued under Article 3 ... and
// information on the implementation of those removal orders by the hosting service providers concerned, including
// the number of cases in which terrorist content was removed or access thereto was disabled and the number of cases in
// which terrorist content was not removed or access thereto was not disabled".
//
// What Liaison holds and what it does not: (a), (b) are prose the provider writes; (c) is counted here, items as URLs;
// (d)-(g): Liaison records no complaints or review proceedings. "Reinstatements" here are the removal orders executed
// (removed or disabled) and reopened afterwards in Liaison: the nearest it holds, not a split into (f) and (g).
import { recordEntries } from "../../audit/entries.js";
import type { RecordKeys } from "../../audit/keys.js";
import type { Db } from "../../store/db.js";
import { legalResolveMs } from "../legal-clocks.js";
import { median, percentile } from "../report.js";

/** Orders of one type of terrorist content (Art. 2(7)) from one issuing Member State. */
export interface TcoBreakdown {
  contentType: string;
  memberState: string;
  orders: number;
}

/** One organisation's removal-order figures, as recipient (Art. 7) or issuer (Art. 8). */
export interface TcoRow {
  side: "recipient" | "issuer";
  organisation: string;
  orders: number;
  /** An order naming several types counts under each. */
  byTypeAndMemberState: TcoBreakdown[];
  /** Orders executed, and their URLs (items, Art. 7(3)(c)), by the Annex II measure. */
  ordersRemoved: number;
  itemsRemoved: number;
  ordersDisabled: number;
  itemsDisabled: number;
  /** Orders not executed (cannot-comply), by Annex III ground ("not-stated" where none was recorded). */
  notExecuted: Record<string, number>;
  /** Orders still open (or suspended) at the end of the period, and withdrawn ones. */
  open: number;
  withdrawn: number;
  /** Executed orders reopened afterwards (see the head of this file). */
  reinstatements: number;
  /** From receipt to the stated time of effect, over executed orders (true median; p90 by nearest rank). */
  effectMedianMs: number | null;
  effectP90Ms: number | null;
  /** Orders answered after the legal hour, or still unanswered past it (see lateAgainstLaw). */
  late: number;
}

/** The TCO figures over removal orders opened in [from, to). */
export interface TcoFigures {
  from: Date;
  to: Date;
  /** The legal deadline lateness is judged against: Art. 3(3), one hour from receipt. */
  legalDeadlineMs: number;
  recipients: TcoRow[];
  issuers: TcoRow[];
}

/** A record entry as the lateness rule reads it. */
export interface ClockEvent {
  action: string;
  at: Date;
  /** For a resolution: the stated time of effect (Annex II), when there is one. */
  effectAt?: Date | null;
}

/**
 * Whether a removal order missed the law's hour. Art. 3(3): "within one hour of receipt"; Art. 3(7): the hour "shall
 * start to run as soon as the grounds ... have ceased to exist"; Art. 3(8): it "shall start to run as soon as the
 * hosting service provider has received the clarification". So the hour runs from receipt, and again in full from a
 * resumption or an answered clarification; a suspension, a clarification or an answer given after the hour had run
 * out is late (the deadline in force was already missed), and so is an order still unanswered past it at `horizon`.
 * The policy's own (shorter) times and any extension play no part.
 */
export function lateAgainstLaw(receivedAt: Date, events: readonly ClockEvent[], horizon: Date, legalMs: number): boolean {
  let start = receivedAt.getTime();
  let running = true;
  for (const event of [...events].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const at = event.at.getTime();
    switch (event.action) {
      case "case.suspend":
      case "case.request-clarification":
        if (running && at > start + legalMs) return true;
        running = false;
        break;
      case "case.resume":
      case "case.answer-clarification":
      case "case.reopen":
        start = at;
        running = true;
        break;
      case "case.resolve":
      case "case.withdraw": {
        const effect = event.action === "case.resolve" ? (event.effectAt ?? event.at).getTime() : at;
        if (running && Math.min(effect, at) > start + legalMs) return true;
        running = false;
        break;
      }
    }
  }
  return running && horizon.getTime() > start + legalMs;
}

const CLOCK_ACTIONS = ["case.suspend", "case.resume", "case.request-clarification", "case.answer-clarification", "case.reopen", "case.resolve", "case.withdraw", "case.decision"];

/** The TCO figures per recipient and per issuer (only cases `organisationSlug` is a party to, when given). */
export async function buildTcoFigures(db: Db, from: Date, to: Date, now: Date, organisationSlug?: string, keys?: RecordKeys): Promise<TcoFigures> {
  const horizon = now < to ? now : to;
  const legalMs = legalResolveMs("removal-order", "normal") as number;
  const organisation = organisationSlug ? await db.organisation.findFirst({ where: { slug: organisationSlug }, select: { id: true } }) : undefined;
  const party = organisation?.id ?? "-";
  const cases = await db.case.findMany({
    where: { kind: "removal-order", openedAt: { gte: from, lt: to }, ...(organisationSlug ? { OR: [{ recipientOrgId: party }, { openerOrgId: party }] } : {}) },
    select: { id: true, fields: true, state: true, outcome: true, openerOrgId: true, recipientOrgId: true, openedAt: true, receivedAt: true, resolvedAt: true, decision: { select: { effectAt: true, ground: true } } },
  });
  const ids = [...new Set(cases.flatMap((row) => [row.openerOrgId, row.recipientOrgId]))];
  const slugs = new Map((await db.organisation.findMany({ where: { id: { in: ids } }, select: { id: true, slug: true, country: true } })).map((row) => [row.id, row]));
  const filter = { caseId: { in: cases.map((row) => row.id) }, action: { in: CLOCK_ACTIONS }, result: "ok" };
  const entries = keys ? await recordEntries(db, keys, filter) : await db.auditEntry.findMany({ where: filter, orderBy: { seq: "asc" }, select: { caseId: true, action: true, at: true, detail: true } });
  const byCase = new Map<string, ClockEvent[]>();
  // A decision is recorded beside its resolution, at the same instant: its time of effect belongs to that resolution.
  const effects = new Map<string, Date | null>();
  for (const entry of entries) {
    if (entry.action !== "case.decision") continue;
    const detail = JSON.parse(entry.detail) as { effectAt?: string | null };
    effects.set(`${entry.caseId}\u0000${entry.at.getTime()}`, detail.effectAt ? new Date(detail.effectAt) : null);
  }
  for (const entry of entries) {
    if (entry.action === "case.decision" || !entry.caseId) continue;
    const list = byCase.get(entry.caseId) ?? [];
    list.push({ action: entry.action, at: entry.at, effectAt: effects.get(`${entry.caseId}\u0000${entry.at.getTime()}`) ?? null });
    byCase.set(entry.caseId, list);
  }
  // Art. 7(3)(f): reinstatement "as a result of administrative or judicial review proceedings" includes the Art. 4(7)
  // reinstatement after the host Member State's authority found an infringement (recorded with /tco reinstated).
  const reinstatedByReview = new Set((await db.tcoOrder.findMany({ where: { caseId: { in: cases.map((row) => row.id) }, reinstatedAt: { not: null } }, select: { caseId: true } })).map((row) => row.caseId));
  const rows = new Map<string, TcoRow & { times: number[]; breakdown: Map<string, TcoBreakdown> }>();
  for (const row of cases) {
    const fields = JSON.parse(row.fields) as { urls?: string[]; contentTypes?: string[]; memberState?: string };
    const events = byCase.get(row.id) ?? [];
    const receivedAt = row.receivedAt ?? row.openedAt;
    const items = fields.urls?.length ?? 0;
    const memberState = fields.memberState ?? slugs.get(row.openerOrgId)?.country ?? "?";
    const types = fields.contentTypes && fields.contentTypes.length > 0 ? fields.contentTypes : ["not-stated"];
    const late = lateAgainstLaw(receivedAt, events, horizon, legalMs);
    const executed = row.outcome === "removed" || row.outcome === "access-disabled";
    const reinstated = reinstatedByReview.has(row.id) || events.some((event, index) => event.action === "case.reopen" && events.slice(0, index).some((before) => before.action === "case.resolve"));
    for (const side of ["recipient", "issuer"] as const) {
      const orgId = side === "recipient" ? row.recipientOrgId : row.openerOrgId;
      if (organisationSlug && orgId !== party) continue;
      const slug = slugs.get(orgId)?.slug ?? "?";
      const key = `${side}\u0000${slug}`;
      const group: TcoRow & { times: number[]; breakdown: Map<string, TcoBreakdown> } = rows.get(key) ?? {
        side, organisation: slug, orders: 0, byTypeAndMemberState: [], ordersRemoved: 0, itemsRemoved: 0, ordersDisabled: 0, itemsDisabled: 0,
        notExecuted: {}, open: 0, withdrawn: 0, reinstatements: 0, effectMedianMs: null, effectP90Ms: null, late: 0, times: [], breakdown: new Map(),
      };
      rows.set(key, group);
      group.orders += 1;
      for (const contentType of types) {
        const entry = group.breakdown.get(`${contentType}\u0000${memberState}`) ?? { contentType, memberState, orders: 0 };
        entry.orders += 1;
        group.breakdown.set(`${contentType}\u0000${memberState}`, entry);
      }
      if (row.outcome === "removed") [group.ordersRemoved, group.itemsRemoved] = [group.ordersRemoved + 1, group.itemsRemoved + items];
      if (row.outcome === "access-disabled") [group.ordersDisabled, group.itemsDisabled] = [group.ordersDisabled + 1, group.itemsDisabled + items];
      if (row.outcome === "cannot-comply") {
        const ground = row.decision?.ground ?? "not-stated";
        group.notExecuted[ground] = (group.notExecuted[ground] ?? 0) + 1;
      }
      if (row.outcome === null) {
        if (row.state === "withdrawn") group.withdrawn += 1;
        else group.open += 1;
      }
      if (reinstated) group.reinstatements += 1;
      if (late) group.late += 1;
      const effectAt = row.decision?.effectAt ?? row.resolvedAt;
      if (executed && effectAt) group.times.push(Math.max(0, effectAt.getTime() - receivedAt.getTime()));
    }
  }
  const done = [...rows.values()]
    .map(({ times, breakdown, ...row }) => ({
      ...row,
      byTypeAndMemberState: [...breakdown.values()].sort((a, b) => a.contentType.localeCompare(b.contentType) || a.memberState.localeCompare(b.memberState)),
      effectMedianMs: median(times),
      effectP90Ms: percentile(times, 0.9),
    }))
    .sort((a, b) => a.organisation.localeCompare(b.organisation));
  return { from, to, legalDeadlineMs: legalMs, recipients: done.filter((row) => row.side === "recipient"), issuers: done.filter((row) => row.side === "issuer") };
}
