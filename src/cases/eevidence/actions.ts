// The e-Evidence actions after issue: ex-post validation (Art. 4(5)), the enforcing authority's answer (Art. 10(2),
// Art. 12), the addressee's Annex III answers (Art. 10(5)-(8), Art. 17) and preservation (Art. 11).
import type { Actor } from "../../core/actor.js";
import { fail, type Outcome as Result } from "../../core/result.js";
import { splitList } from "../../directory/views.js";
import type { UnitOfWork } from "../../work/unit-of-work.js";
import type { CaseService } from "../service.js";
import { mayValidate, standingOf } from "./authority.js";
import type { DataCategory, OrderType } from "./certificate.js";
import { epocClocks } from "./clocks.js";
import { ANNEX_III_GROUNDS, groundApplies, type AnnexIIIGround } from "./inability.js";
import { storedRefusalGrounds, type RefusalGround } from "./refusal.js";
import { applyPreservation, preservationReminders, type PreservationAction } from "./preservation.js";
import type { EvidenceActed, EvidenceService } from "./service.js";
import { pausesOf, preservationColumns, preservationOf, timelineOf } from "./store.js";

/** The enforcing authority's decision; a refusal names its Art. 12(1) ground(s) and explains them. */
export type EnforcingDecision = { decision: "confirm" } | { decision: "refuse"; grounds: readonly RefusalGround[]; reasons: string };

/** The actions on an issued order; each checks who acts, in which state, and within which time. */
export class EvidenceActions {
  constructor(
    private readonly work: UnitOfWork,
    private readonly orders: EvidenceService,
    private readonly cases: CaseService,
  ) {}

  /** Art. 4(5): a judge or prosecutor of the issuing State validates an emergency order issued without prior validation. */
  async validate(actor: Actor, reference: string | undefined): Promise<Result<EvidenceActed>> {
    const contact = actor.contact;
    if (!contact) return fail("not-linked", "Only linked contacts validate orders.");
    const row = reference ? await this.work.tx.case.findUnique({ where: { reference: reference.toUpperCase() }, select: { id: true, reference: true, tlp: true, receivedAt: true, kind: true, openerOrgId: true, recipientOrgId: true } }) : null;
    const order = row ? await this.work.tx.evidenceOrder.findUnique({ where: { caseId: row.id } }) : null;
    if (!row || !order) return this.orders.refused(actor, reference, "validate", fail("not-found", `There is no European order ${reference?.toUpperCase() ?? ""}.`));
    if (order.validation !== "ex-post-pending") return this.orders.refused(actor, reference, "validate", fail("invalid-transition", `${row.reference} awaits no validation (${order.validation}).`), row.id);
    const organisation = await this.work.tx.organisation.findUnique({ where: { id: contact.organisationId }, select: { designations: true } });
    const validator = standingOf(splitList(organisation?.designations ?? ""));
    const issuer = { standing: "other-competent-authority" as const, memberState: order.issuerMemberState };
    if (!mayValidate(order.type as OrderType, order.category as DataCategory, issuer, validator)) {
      return this.orders.refused(actor, reference, "validate", fail("not-allowed", `Only a judge, court, investigating judge or public prosecutor of ${order.issuerMemberState} validates this order (Art. 4(5)).`), row.id);
    }
    const at = this.work.clock.now();
    const late = order.validationDueAt !== null && at.getTime() > order.validationDueAt.getTime();
    const located = { caseId: row.id, reference: row.reference, kind: row.kind, tlp: row.tlp, receivedAt: row.receivedAt, openerOrgId: row.openerOrgId, recipientOrgId: row.recipientOrgId, order, roles: [] };
    return this.orders.changed(actor, located, { validation: "ex-post-validated", validatorOrgId: contact.organisationId, validatedAt: at, nextReminderAt: null }, { type: "validated", late }, "validate");
  }

  /** Art. 10(2) and Art. 12(1): the enforcing authority confirms, or raises a ground for refusal within its window. */
  async enforcing(actor: Actor, reference: string | undefined, decision: EnforcingDecision): Promise<Result<EvidenceActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, "enforcing", located);
    const { order, caseId } = located.value;
    if (!located.value.roles.includes("enforcing")) return this.orders.refused(actor, reference, "enforcing", fail("not-allowed", "Only the enforcing authority notified of this order answers the notification (Art. 8, Art. 12)."), caseId);
    if (order.enforcingConfirmedAt || order.enforcingRefusedAt) return this.orders.refused(actor, reference, "enforcing", fail("invalid-transition", "The enforcing authority has already answered."), caseId);
    const timeline = timelineOf(order, located.value.receivedAt);
    if (!timeline) return this.orders.refused(actor, reference, "enforcing", fail("invalid-transition", "The notification has not been received yet."), caseId);
    const at = this.work.clock.now();
    const windowEndsAt = epocClocks(timeline).enforcingWindowEndsAt;
    if (decision.decision === "refuse" && windowEndsAt && at.getTime() > windowEndsAt.getTime()) {
      return this.orders.refused(actor, reference, "enforcing", fail("not-allowed", `The window for grounds for refusal ended ${windowEndsAt.toISOString()} (Art. 12(1): within 10 days of receipt of the notification, 96 hours in emergencies).`), caseId);
    }
    if (decision.decision === "confirm") {
      // Art. 10(2): after the confirmation the addressee "shall act as soon as possible": the case sweep looks again
      // now, so the reminders held back until the end of the 10 days (reminders/sweep.ts) come from here on.
      await this.work.tx.caseReminder.updateMany({ where: { caseId, nextReminderAt: { not: null } }, data: { nextReminderAt: at } });
      return this.orders.changed(actor, located.value, { enforcingConfirmedAt: at }, { type: "enforcing-confirmed" }, "enforcing");
    }
    // Art. 12(1): the enforcing authority raises "one or more of the following grounds for refusal": (a) to (d), no other.
    if (decision.grounds.length === 0) return this.orders.refused(actor, reference, "enforcing", fail("bad-arguments", "A refusal names its ground(s) of Art. 12(1)."), caseId);
    return this.orders.changed(actor, located.value, { enforcingRefusedAt: at, enforcingGrounds: decision.reasons, enforcingRefusalPoints: storedRefusalGrounds(decision.grounds) }, { type: "enforcing-refused", points: [...decision.grounds], grounds: decision.reasons, emergency: order.emergency }, "enforcing");
  }

  /** The addressee's Annex III answer: clarification (Art. 10(6)), an objection (Art. 17), or another ground. */
  async inability(actor: Actor, reference: string | undefined, ground: AnnexIIIGround, explanation: string): Promise<Result<EvidenceActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, "inability", located);
    const { order, caseId } = located.value;
    if (!located.value.roles.includes("addressee")) return this.orders.refused(actor, reference, "inability", fail("not-allowed", "Only the addressee answers on the Annex III form."), caseId);
    if (!groundApplies(ground, order.type as OrderType)) return this.orders.refused(actor, reference, "inability", fail("bad-arguments", "A conflict with third-country law is a reasoned objection to a production order (Art. 17); it does not apply to preservation."), caseId);
    if (pausesOf(order).some((pause) => pause.to === undefined)) {
      return this.orders.refused(actor, reference, "inability", fail("invalid-transition", "A clarification is already pending."), caseId);
    }
    const effect = ANNEX_III_GROUNDS[ground].effect;
    if (effect === "clarify") return this.orders.pauseForClarification(actor, located.value, ground, explanation);
    const at = this.work.clock.now();
    if (effect === "objection") {
      const timeline = timelineOf(order, located.value.receivedAt);
      const dueAt = timeline ? epocClocks(timeline).objectionDueAt : undefined;
      // Art. 17(2) (paraphrase: wording not checked against EUR-Lex): the reasoned objection "shall be submitted at the latest within 10 days following the receipt of the EPOC".
      if (dueAt && at.getTime() > dueAt.getTime()) return this.orders.refused(actor, reference, "inability", fail("not-allowed", `A reasoned objection on third-country law is submitted within 10 days of receipt, by ${dueAt.toISOString()} (Art. 17(2)).`), caseId);
      return this.orders.changed(actor, located.value, { inabilityGround: ground, inabilityText: explanation, inabilityAt: at }, { type: "objection", explanation }, "inability");
    }
    return this.orders.changed(actor, located.value, { inabilityGround: ground, inabilityText: explanation, inabilityAt: at }, { type: "inability", ground, explanation }, "inability");
  }

  /** Art. 11(1): the addressee has preserved the data; the 60 days run from now. */
  async preserved(actor: Actor, reference: string | undefined): Promise<Result<EvidenceActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, "preserved", located);
    const { order, caseId } = located.value;
    if (order.type !== "preservation") return this.orders.refused(actor, reference, "preserved", fail("bad-arguments", "This is a production order: /eevidence produced."), caseId);
    if (!located.value.roles.includes("addressee")) return this.orders.refused(actor, reference, "preserved", fail("not-allowed", "Only the addressee preserves the data."), caseId);
    const at = this.work.clock.now();
    const applied = applyPreservation(preservationOf(order), { type: "preserved" }, at);
    if (!applied.ok) return this.orders.refused(actor, reference, "preserved", applied, caseId);
    const resolved = await this.cases.act(actor, located.value.reference, { type: "resolve", outcome: "data-preserved", via: "eevidence" });
    if (!resolved.ok) return resolved;
    const next = preservationReminders(applied.value)[0]?.at ?? null;
    return this.orders.changed(actor, located.value, { ...preservationColumns(applied.value), fulfilledAt: at, nextReminderAt: next }, { type: "preserved", endsAt: applied.value.endsAt ?? at }, "preserved");
  }

  /** The issuing authority extends (Annex VI), confirms a subsequent request (Annex V) or releases (Art. 11(3)). */
  async preservation(actor: Actor, reference: string | undefined, action: Exclude<PreservationAction, { type: "preserved" }>): Promise<Result<EvidenceActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, action.type, located);
    const { order, caseId } = located.value;
    if (order.type !== "preservation") return this.orders.refused(actor, reference, action.type, fail("bad-arguments", "Only a preservation order is extended, confirmed or released (Art. 11)."), caseId);
    if (!located.value.roles.includes("issuer")) return this.orders.refused(actor, reference, action.type, fail("not-allowed", "Only the issuing authority extends, confirms a subsequent request for, or releases a preservation (Art. 11)."), caseId);
    const at = this.work.clock.now();
    const applied = applyPreservation(preservationOf(order), action, at);
    if (!applied.ok) return this.orders.refused(actor, reference, action.type, applied, caseId);
    const reminders = preservationReminders(applied.value).filter((reminder) => reminder.at.getTime() > at.getTime());
    const columns = { ...preservationColumns(applied.value), nextReminderAt: reminders[0]?.at ?? null };
    const update = action.type === "extend" ? { type: "extended" as const, endsAt: applied.value.endsAt ?? at } : action.type === "release" ? { type: "released" as const } : { type: "subsequent-request" as const };
    return this.orders.changed(actor, located.value, columns, update, action.type);
  }
}
