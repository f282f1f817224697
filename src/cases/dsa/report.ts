// The figures DSA Art. 15(1)(a) and (b) ask a transparency report for, from the cases and the decisions recorded:
// Art. 15(1)(a): "the number of orders received from Member States' authorities including orders issued in
// accordance with Articles 9 and 10, categorised by the type of illegal content concerned, the Member State issuing
// the order, and the median time needed to inform the authority issuing the order, or any other authority specified
// in the order, of its receipt, and to give effect to the order";
// Art. 15(1)(b): "the number of notices submitted in accordance with Article 16, categorised by the type of alleged
// illegal content concerned, the number of notices submitted by trusted flaggers, any action taken pursuant to the
// notices by differentiating whether the action was taken on the basis of the law or the terms and conditions of the
// provider, the number of notices processed by using automated means and the median time needed for taking the
// action". Art. 24(1) adds figures (out-of-court disputes, suspensions under Art. 23) that Liaison does not hold.
// Counts and durations only, never case content.
import type { Db } from "../../store/db.js";
import type { CaseKind } from "../kinds.js";
import { median } from "../report.js";

/** Kinds that are orders from a Member State's authority, with the type of content their law concerns (if one). */
const ORDER_KINDS: Partial<Record<CaseKind, string | undefined>> = {
  "removal-order": "terrorist-content", "dsa-act-order": undefined, "dsa-info-order": undefined, "atkm-order": "child-sexual-abuse",
  "production-order": undefined, "preservation-order": undefined,
};

/** Kinds that are notices of allegedly illegal content (DSA Art. 16), with the type their kind implies (if one). */
const NOTICE_KINDS: Partial<Record<CaseKind, string | undefined>> = { notice: undefined, "csam-notice": "child-sexual-abuse" };

/** Outcomes that give effect to an order, or act on a notice. */
const EFFECT_OUTCOMES = new Set(["effect-given", "information-provided", "removed", "access-disabled", "data-produced", "data-preserved"]);

/** Orders received by one recipient, of one kind, type of content and issuing Member State. */
export interface DsaOrderRow {
  organisation: string;
  kind: CaseKind;
  contentType: string;
  memberState: string;
  received: number;
  /** URLs named in these orders (items, not cases). */
  items: number;
  /** Orders given effect (effect given, information provided, removed, ...). */
  effectGiven: number;
  /** Median time from receipt to informing the issuer of receipt (acknowledging), in milliseconds. */
  informReceiptMedianMs: number | null;
  /** Median time from receipt to effect (the time stated, or the resolution where none was), in milliseconds. */
  effectMedianMs: number | null;
}

/** Notices received by one recipient, of one type of content. */
export interface DsaNoticeRow {
  organisation: string;
  contentType: string;
  received: number;
  fromTrustedFlaggers: number;
  /** Notices acted on, on the basis of the law / of the terms and conditions / with no ground stated. */
  actedOnLaw: number;
  actedOnTerms: number;
  actedGroundNotStated: number;
  /** Notices decided by automated means (DSA Art. 17(3)(c)). */
  automated: number;
  /** Median time from receipt to the action, in milliseconds. */
  actionMedianMs: number | null;
}

/** The DSA figures over cases opened in [from, to). */
export interface DsaFigures {
  from: Date;
  to: Date;
  orders: DsaOrderRow[];
  notices: DsaNoticeRow[];
}

/** The DSA Art. 15(1)(a)/(b) figures per recipient organisation (only `organisationSlug`'s cases when given). */
export async function buildDsaFigures(db: Db, from: Date, to: Date, organisationSlug?: string): Promise<DsaFigures> {
  const organisation = organisationSlug ? await db.organisation.findFirst({ where: { slug: organisationSlug }, select: { id: true } }) : undefined;
  const kinds = [...Object.keys(ORDER_KINDS), ...Object.keys(NOTICE_KINDS)];
  const cases = await db.case.findMany({
    where: { openedAt: { gte: from, lt: to }, kind: { in: kinds }, ...(organisationSlug ? { recipientOrgId: organisation?.id ?? "-" } : {}) },
    select: { id: true, kind: true, fields: true, outcome: true, openerOrgId: true, recipientOrgId: true, openedAt: true, receivedAt: true, acknowledgedAt: true, resolvedAt: true, decision: { select: { effectAt: true, ground: true, automatedDecision: true } } },
  });
  const ids = [...new Set(cases.flatMap((row) => [row.openerOrgId, row.recipientOrgId]))];
  const organisations = new Map((await db.organisation.findMany({ where: { id: { in: ids } }, select: { id: true, slug: true, country: true } })).map((row) => [row.id, row]));
  const orders = new Map<string, DsaOrderRow & { informTimes: number[]; effectTimes: number[] }>();
  const notices = new Map<string, DsaNoticeRow & { actionTimes: number[] }>();
  for (const row of cases) {
    const kind = row.kind as CaseKind;
    const fields = JSON.parse(row.fields) as { contentType?: string; memberState?: string; urls?: string[]; trustedFlagger?: boolean };
    const slug = organisations.get(row.recipientOrgId)?.slug ?? "?";
    const receivedAt = (row.receivedAt ?? row.openedAt).getTime();
    const acted = row.outcome !== null && EFFECT_OUTCOMES.has(row.outcome);
    const effectAt = row.decision?.effectAt ?? row.resolvedAt;
    if (kind in ORDER_KINDS) {
      const contentType = fields.contentType ?? ORDER_KINDS[kind] ?? "not-stated";
      const memberState = fields.memberState ?? organisations.get(row.openerOrgId)?.country ?? "?";
      const key = [slug, kind, contentType, memberState].join("\u0000");
      const group = orders.get(key) ?? { organisation: slug, kind, contentType, memberState, received: 0, items: 0, effectGiven: 0, informReceiptMedianMs: null, effectMedianMs: null, informTimes: [], effectTimes: [] };
      orders.set(key, group);
      group.received += 1;
      group.items += fields.urls?.length ?? 0;
      if (row.acknowledgedAt) group.informTimes.push(Math.max(0, row.acknowledgedAt.getTime() - receivedAt));
      if (acted && effectAt) {
        group.effectGiven += 1;
        group.effectTimes.push(Math.max(0, effectAt.getTime() - receivedAt));
      }
      continue;
    }
    const contentType = fields.contentType ?? NOTICE_KINDS[kind] ?? "not-stated";
    const key = [slug, contentType].join("\u0000");
    const group = notices.get(key) ?? { organisation: slug, contentType, received: 0, fromTrustedFlaggers: 0, actedOnLaw: 0, actedOnTerms: 0, actedGroundNotStated: 0, automated: 0, actionMedianMs: null, actionTimes: [] };
    notices.set(key, group);
    group.received += 1;
    if (fields.trustedFlagger === true) group.fromTrustedFlaggers += 1;
    if (row.decision?.automatedDecision === true) group.automated += 1;
    if (acted) {
      // A CSAM notice under the EOKM addendum is acted on because the material is illegal: the law.
      const ground = row.decision?.ground ?? (kind === "csam-notice" ? "law" : null);
      if (ground === "law") group.actedOnLaw += 1;
      else if (ground === "terms") group.actedOnTerms += 1;
      else group.actedGroundNotStated += 1;
      if (effectAt) group.actionTimes.push(Math.max(0, effectAt.getTime() - receivedAt));
    }
  }
  const byKey = (a: { organisation: string; contentType: string }, b: { organisation: string; contentType: string }) => a.organisation.localeCompare(b.organisation) || a.contentType.localeCompare(b.contentType);
  return {
    from,
    to,
    orders: [...orders.values()]
      .map(({ informTimes, effectTimes, ...row }) => ({ ...row, informReceiptMedianMs: median(informTimes), effectMedianMs: median(effectTimes) }))
      .sort((a, b) => byKey(a, b) || a.kind.localeCompare(b.kind) || a.memberState.localeCompare(b.memberState)),
    notices: [...notices.values()].map(({ actionTimes, ...row }) => ({ ...row, actionMedianMs: median(actionTimes) })).sort(byKey),
  };
}
