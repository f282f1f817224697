// The TCO actions after (and before) a removal order: Art. 3(2) advance information, the Art. 4 copy, scrutiny and
// reinstatement, the Art. 6 further preservation, the Art. 11 non-disclosure. Each checks who acts, in which state
// and within which window; refusals are recorded too.
import { auditActor, type Actor } from "../../core/actor.js";
import { fail, ok, type Failure, type Outcome as Result } from "../../core/result.js";
import { hasDesignation } from "../../directory/model.js";
import { splitList } from "../../directory/views.js";
import { contactStream, type OutboxItem } from "../../outbox/outbox.js";
import type { UnitOfWork } from "../../work/unit-of-work.js";
import { recordAdvance } from "./advance.js";
import { endOfWeeksPeriod, extendByWeeks, mayIssueFrom, NONDISCLOSURE_WEEKS, SCRUTINY_DECISION_MS, SCRUTINY_REQUEST_MS, windowEnd, withinWindow } from "./periods.js";
import { disclosureFor } from "../disclosure.js";
import { CaseRepository } from "../repository.js";
import { viewOf } from "../view-of.js";
import { renderScrutinyRequestToHost, when } from "./render.js";
import { copyItem, hostContact, TcoOrders, type LocatedTcoOrder, type TcoActed, type TcoRole } from "./service.js";

/** What /tco inform recorded. */
export interface TcoInformed {
  provider: string;
  informedAt: Date;
  mayIssueFrom: Date;
  changed: boolean;
  timeZone: string;
}

/** Who asks for scrutiny (Art. 4(4)): the provider itself, or the content provider through it. */
export type ScrutinyRequester = { by: "provider" } | { by: "content-provider"; informedAt: Date };

function allowed(located: LocatedTcoOrder, ...roles: TcoRole[]): boolean {
  return located.roles.some((role) => role === "coordinator" || roles.includes(role));
}

/** The TCO actions; see the file comment. */
export class TcoActions {
  private readonly orders: TcoOrders;

  constructor(private readonly work: UnitOfWork) {
    this.orders = new TcoOrders(work);
  }

  /** Art. 3(2): the issuing authority records that it gave the provider the information (now, or at an earlier time). */
  async inform(actor: Actor, providerSlug: string, enteredAt?: Date): Promise<Result<TcoInformed>> {
    const contact = actor.contact;
    const refuse = (failure: Failure) => this.orders.refused(actor, providerSlug, "inform", failure);
    if (!contact) return refuse(fail("not-linked", "Only linked contacts record advance information."));
    const db = this.work.tx;
    // One query at a time: a transaction's connection runs them in turn anyway.
    const issuer = await db.organisation.findUnique({ where: { id: contact.organisationId }, select: { id: true, slug: true, designations: true, timeZone: true } });
    const provider = await db.organisation.findFirst({ where: { slug: providerSlug.toLowerCase(), removedAt: null }, select: { id: true, slug: true } });
    if (!issuer || !hasDesignation(splitList(issuer.designations), "tco-competent-authority")) {
      return refuse(fail("not-allowed", `${contact.organisationSlug} is not designated tco-competent-authority: only a competent authority gives a hosting service provider the information before its first removal order (TCO Art. 3(2), Art. 12).`));
    }
    if (!provider) return refuse(fail("not-found", `There is no organisation "${providerSlug}".`));
    if (provider.id === issuer.id) return refuse(fail("bad-arguments", "The information goes to a hosting service provider, not your own organisation."));
    const at = this.work.clock.now();
    if (enteredAt && enteredAt.getTime() > at.getTime()) return refuse(fail("bad-arguments", `--at ${enteredAt.toISOString()} is in the future; enter when the information was given.`));
    const kept = await recordAdvance(db, issuer.id, provider.id, enteredAt ?? at, at, contact.handle);
    this.work.record({ ...auditActor(actor), action: "tco.inform", subjectType: "organisation", subjectId: provider.slug, result: "ok", detail: { issuer: issuer.slug, informedAt: kept.informedAt, entered: enteredAt !== undefined, changed: kept.changed } });
    return ok({ provider: provider.slug, informedAt: kept.informedAt, mayIssueFrom: mayIssueFrom(kept.informedAt), changed: kept.changed, timeZone: issuer.timeZone });
  }

  /** Art. 4(1): the copy to the host Member State's authority, sent through Liaison (--to) or recorded (--at). */
  async copy(actor: Actor, reference: string | undefined, to: string | undefined, enteredAt: Date | undefined): Promise<Result<TcoActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, "copy", located);
    const { order, caseId } = located.value;
    const refuse = (code: "not-allowed" | "bad-arguments" | "invalid-transition" | "not-found", message: string) => this.orders.refused(actor, reference, "copy", fail(code, message), caseId);
    if (!allowed(located.value, "issuer")) return refuse("not-allowed", "Only the issuing authority (or a coordinator) submits the copy to the host Member State (TCO Art. 4(1)).");
    if (order.hostMemberState === order.issuerMemberState) return refuse("bad-arguments", `The provider is established in ${order.hostMemberState}, the issuer's own Member State: no copy is due (TCO Art. 4(1)).`);
    if (order.copyAt) return refuse("invalid-transition", `The copy was already ${order.copyMode === "sent" ? "sent" : "recorded"} at ${order.copyAt.toISOString()}.`);
    const at = this.work.clock.now();
    if (enteredAt && enteredAt.getTime() > at.getTime()) return refuse("bad-arguments", `--at ${enteredAt.toISOString()} is in the future.`);
    const host = to ? await this.work.tx.organisation.findFirst({ where: { slug: to.toLowerCase(), removedAt: null }, select: { id: true, slug: true, designations: true } }) : undefined;
    if (to && !host) return refuse("not-found", `There is no organisation "${to}".`);
    if (host && !hasDesignation(splitList(host.designations), "tco-competent-authority", order.hostMemberState)) return refuse("not-allowed", `${host.slug} is not designated tco-competent-authority:${order.hostMemberState}, the host Member State's authority.`);
    if (!host && !enteredAt) return refuse("bad-arguments", `Name the host authority (--to <slug>) to send the copy through Liaison, or give --at for a copy sent another way.`);
    const extra: OutboxItem[] = [];
    if (host && !enteredAt) {
      const aggregate = await new CaseRepository(this.work.tx).byId(caseId);
      const item = aggregate ? await copyItem(this.work.tx, viewOf(aggregate), { id: host.id, memberState: order.hostMemberState }, at) : undefined;
      if (!item) return refuse("not-found", `${host.slug} has no contact for removal orders; send the copy another way and record it with --at.`);
      extra.push(item);
    }
    const mode = enteredAt ? "recorded" : "sent";
    const copyAt = enteredAt ?? at;
    return this.orders.changed(actor, located.value, { copyOrgId: host?.id ?? null, copyAt, copyMode: mode }, { type: "copy", to: host?.slug ?? `the competent authority of ${order.hostMemberState}`, mode, at: copyAt }, "copy", extra);
  }

  /** Art. 4(4): a reasoned request for scrutiny, within 48 hours of receipt; the host authority's 72 hours start. */
  async scrutiny(actor: Actor, reference: string | undefined, reasons: string, requester: ScrutinyRequester): Promise<Result<TcoActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, "scrutiny", located);
    const { order, caseId, receivedAt } = located.value;
    const refuse = (code: "not-allowed" | "bad-arguments" | "invalid-transition", message: string) => this.orders.refused(actor, reference, "scrutiny", fail(code, message), caseId);
    if (!allowed(located.value, "provider")) return refuse("not-allowed", "Only the hosting service provider (for itself or the content provider), or a coordinator, requests scrutiny (TCO Art. 4(4)).");
    if (order.hostMemberState === order.issuerMemberState) return refuse("bad-arguments", `Scrutiny by the host Member State applies to cross-border removal orders; the provider is established in ${order.issuerMemberState}, the issuer's Member State (TCO Art. 4).`);
    if (order.scrutinyRequestedAt) return refuse("invalid-transition", `Scrutiny was already requested at ${order.scrutinyRequestedAt.toISOString()}.`);
    const at = this.work.clock.now();
    const from = requester.by === "provider" ? receivedAt : requester.informedAt;
    if (!from) return refuse("invalid-transition", "The removal order has not been received yet; the 48 hours run from receipt.");
    if (from.getTime() > at.getTime()) return refuse("bad-arguments", `--informed-at ${from.toISOString()} is in the future.`);
    if (!withinWindow(from, SCRUTINY_REQUEST_MS, at)) {
      return refuse("not-allowed", `The request for scrutiny is made within 48 hours of ${requester.by === "provider" ? "receipt of the removal order" : "the content provider receiving the information"} (TCO Art. 4(4)): that window ended at ${when(windowEnd(from, SCRUTINY_REQUEST_MS), located.value.providerTimeZone)}.`);
    }
    const dueAt = windowEnd(at, SCRUTINY_DECISION_MS);
    const host = order.copyOrgId ? await this.work.tx.organisation.findUnique({ where: { id: order.copyOrgId }, select: { id: true, slug: true } }) : null;
    const update = { type: "scrutiny-requested" as const, by: requester.by, reasons, dueAt, host: host?.slug ?? `the competent authority of ${order.hostMemberState}` };
    // Art. 4(4): the host authority decides within 72 hours of the request, so it is told at once (it has no case
    // thread: a direct message to its contact for removal orders, as the copy and the reminders go).
    const extra: OutboxItem[] = [];
    const contact = host ? await hostContact(this.work.tx, host.id) : undefined;
    if (host && contact) {
      const found = await this.work.tx.case.findUnique({ where: { id: caseId }, select: { kind: true, tlp: true, openerContactId: true, responsibleContactId: true, openerOrgId: true, recipientOrgId: true } });
      const disclosure = found ? disclosureFor({ id: contact.id, organisationId: host.id }, found, [], [host.id]) : "metadata";
      extra.push({ streamKey: contactStream(contact.id), destination: { type: "contact", contactId: contact.id }, message: renderScrutinyRequestToHost(located.value.reference, update, located.value.tlp, disclosure, contact.timeZone), onceKey: `tco-scrutiny-request:${caseId}` });
    }
    return this.orders.changed(actor, located.value, { scrutinyRequestedAt: at, scrutinyRequestedBy: requester.by, scrutinyRequest: reasons, scrutinyDueAt: dueAt }, update, "scrutiny", extra);
  }

  /** Art. 4(4): the host Member State's authority decides, within 72 hours of the request (a late decision is marked). */
  async scrutinyDecision(actor: Actor, reference: string | undefined, infringes: boolean, reasons: string): Promise<Result<TcoActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, "scrutiny-decision", located);
    const { order, caseId } = located.value;
    const refuse = (code: "not-allowed" | "invalid-transition", message: string) => this.orders.refused(actor, reference, "scrutiny-decision", fail(code, message), caseId);
    if (!allowed(located.value, "host")) return refuse("not-allowed", `Only the competent authority of ${order.hostMemberState}, where the provider is established (or a coordinator), decides on scrutiny (TCO Art. 4(4)).`);
    if (!order.scrutinyRequestedAt) return refuse("invalid-transition", "No scrutiny was requested.");
    if (order.scrutinyDecidedAt) return refuse("invalid-transition", `The decision was already taken at ${order.scrutinyDecidedAt.toISOString()}.`);
    return this.orders.changed(actor, located.value, { scrutinyDecidedAt: this.work.clock.now(), scrutinyInfringes: infringes, scrutinyReasons: reasons }, { type: "scrutiny-decided", infringes, reasons }, "scrutiny-decision");
  }

  /** Art. 4(7): the provider reinstated the content after a finding of infringement. */
  async reinstated(actor: Actor, reference: string | undefined, enteredAt: Date | undefined): Promise<Result<TcoActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, "reinstated", located);
    const { order, caseId } = located.value;
    const refuse = (code: "not-allowed" | "bad-arguments" | "invalid-transition", message: string) => this.orders.refused(actor, reference, "reinstated", fail(code, message), caseId);
    if (!allowed(located.value, "provider")) return refuse("not-allowed", "Only the hosting service provider (or a coordinator) records the reinstatement (TCO Art. 4(7)).");
    if (order.scrutinyInfringes !== true || !order.scrutinyDecidedAt) return refuse("invalid-transition", "Content is reinstated after the host Member State's authority found an infringement (TCO Art. 4(7)); there is no such finding.");
    if (order.reinstatedAt) return refuse("invalid-transition", `The reinstatement was already recorded at ${order.reinstatedAt.toISOString()}.`);
    const at = this.work.clock.now();
    const reinstatedAt = enteredAt ?? at;
    if (reinstatedAt.getTime() > at.getTime()) return refuse("bad-arguments", `--at ${reinstatedAt.toISOString()} is in the future.`);
    if (reinstatedAt.getTime() < order.scrutinyDecidedAt.getTime()) return refuse("bad-arguments", `--at ${reinstatedAt.toISOString()} is before the decision (${order.scrutinyDecidedAt.toISOString()}).`);
    return this.orders.changed(actor, located.value, { reinstatedAt }, { type: "reinstated", at: reinstatedAt }, "reinstated");
  }

  /** Art. 6(2): a further specified period of preservation, at the competent authority's request. */
  async preserveExtend(actor: Actor, reference: string | undefined, until: Date, reason: string): Promise<Result<TcoActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, "preserve-extend", located);
    const { order, caseId } = located.value;
    const refuse = (code: "not-allowed" | "bad-arguments" | "invalid-transition", message: string) => this.orders.refused(actor, reference, "preserve-extend", fail(code, message), caseId);
    if (!allowed(located.value, "issuer")) return refuse("not-allowed", "Only the issuing competent authority (or a coordinator) asks for a further period of preservation (TCO Art. 6(2)).");
    if (!order.preservationEndsAt) return refuse("invalid-transition", "Preservation starts when the content is removed or disabled (TCO Art. 6(2)); it has not been.");
    const at = this.work.clock.now();
    if (order.preservationExpiredAt || at.getTime() >= order.preservationEndsAt.getTime()) return refuse("invalid-transition", `The preservation ended at ${order.preservationEndsAt.toISOString()}; a further period is asked for before it ends.`);
    if (until.getTime() <= order.preservationEndsAt.getTime()) return refuse("bad-arguments", `--until must be after the current end, ${order.preservationEndsAt.toISOString()}.`);
    const extensions = [...(JSON.parse(order.preservationExtensions) as unknown[]), { until: until.toISOString(), reason, at: at.toISOString(), by: actor.contact?.handle ?? "" }];
    return this.orders.changed(actor, located.value, { preservationEndsAt: until, preservationExtensions: JSON.stringify(extensions) }, { type: "preservation-extended", until, reason }, "preserve-extend");
  }

  /** Art. 11(3): the issuing authority decides there is to be no disclosure to the content provider, for six weeks. */
  async nondisclosure(actor: Actor, reference: string | undefined, reason: string): Promise<Result<TcoActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, "nondisclosure", located);
    const { order, caseId } = located.value;
    const refuse = (code: "not-allowed" | "invalid-transition", message: string) => this.orders.refused(actor, reference, "nondisclosure", fail(code, message), caseId);
    if (!allowed(located.value, "issuer")) return refuse("not-allowed", "Only the issuing competent authority (or a coordinator) decides on non-disclosure (TCO Art. 11(3)).");
    if (order.nondisclosureAt) return refuse("invalid-transition", `Non-disclosure was already decided at ${order.nondisclosureAt.toISOString()}${order.nondisclosureExtended ? " and extended" : `; extend it once with /tco nondisclosure-extend ${located.value.reference}`}.`);
    const at = this.work.clock.now();
    const endsAt = endOfWeeksPeriod(at, NONDISCLOSURE_WEEKS, located.value.providerTimeZone);
    return this.orders.changed(actor, located.value, { nondisclosureAt: at, nondisclosureReason: reason, nondisclosureEndsAt: endsAt }, { type: "nondisclosure", endsAt, reason }, "nondisclosure");
  }

  /** Art. 11(3): one extension by six weeks, where justified, before the non-disclosure ends. */
  async nondisclosureExtend(actor: Actor, reference: string | undefined, reason: string): Promise<Result<TcoActed>> {
    const located = await this.orders.locate(actor, reference);
    if (!located.ok) return this.orders.refused(actor, reference, "nondisclosure-extend", located);
    const { order, caseId } = located.value;
    const refuse = (code: "not-allowed" | "invalid-transition", message: string) => this.orders.refused(actor, reference, "nondisclosure-extend", fail(code, message), caseId);
    if (!allowed(located.value, "issuer")) return refuse("not-allowed", "Only the issuing competent authority (or a coordinator) extends the non-disclosure (TCO Art. 11(3)).");
    if (!order.nondisclosureEndsAt) return refuse("invalid-transition", "No non-disclosure was decided.");
    if (order.nondisclosureExtended) return refuse("not-allowed", "The non-disclosure was already extended once by six weeks; TCO Art. 11(3) allows one extension.");
    const at = this.work.clock.now();
    if (order.nondisclosureEndedAt || at.getTime() >= order.nondisclosureEndsAt.getTime()) return refuse("invalid-transition", `The non-disclosure ended at ${order.nondisclosureEndsAt.toISOString()}; it is extended before it ends.`);
    const endsAt = extendByWeeks(order.nondisclosureEndsAt, NONDISCLOSURE_WEEKS, located.value.providerTimeZone);
    return this.orders.changed(actor, located.value, { nondisclosureEndsAt: endsAt, nondisclosureExtended: true }, { type: "nondisclosure-extended", endsAt, reason }, "nondisclosure-extend");
  }
}
