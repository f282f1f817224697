// European Production and Preservation Orders (Regulation (EU) 2023/1543) on top of cases: the certificate, the
// Art. 3 and Art. 4 checks at issue, the enforcing authority as a party with its own thread, and the orders' own
// clocks. Every change commits with its case change, messages and record entry in the one unit of work.
import { auditActor, type Actor } from "../../core/actor.js";
import type { Tlp } from "../../core/message.js";
import { newId } from "../../core/ids.js";
import { fail, ok, type Outcome as Result } from "../../core/result.js";
import { hasDesignation } from "../../directory/model.js";
import { splitList } from "../../directory/views.js";
import { threadStream, type OutboxItem } from "../../outbox/outbox.js";
import type { UnitOfWork } from "../../work/unit-of-work.js";
import { threadRows } from "../opening.js";
import type { CaseChanged, CaseService } from "../service.js";
import { checkIssuer, standingOf } from "./authority.js";
import { certificateSummary, notificationRequired, parseCertificate, type OrderType } from "./certificate.js";
import { epocClocks, issuerReactionDueAt, mayTransmitAt } from "./clocks.js";
import { renderEnforcingCard, renderEvidenceUpdate, type EvidenceUpdate } from "./render.js";
import { checkScope, type Addressee } from "./scope.js";
import { ISSUED_AS_EUROPEAN_ORDER } from "./issued.js";
import { REACTION_REMINDER_MS, VALIDATION_REMINDER_MS } from "./reminders.js";
import { addresseeFor, addresseesOf, timelineOf, type EvidenceOrderRow } from "./store.js";

/** An order as the actor may act on it: the case row, the order row, and what the actor is to it. */
export interface LocatedOrder {
  caseId: string;
  reference: string;
  kind: string;
  tlp: string;
  receivedAt: Date | null;
  openerOrgId: string;
  recipientOrgId: string;
  order: EvidenceOrderRow;
  roles: ("issuer" | "addressee" | "enforcing" | "coordinator")[];
}

/** What a finished e-Evidence action returns to the command's render function. */
export interface EvidenceActed {
  reference: string;
  update: EvidenceUpdate;
  tlp: string;
}

/** Issuing and working European orders; see the file comment. */
export class EvidenceService {
  constructor(
    private readonly work: UnitOfWork,
    private readonly cases: CaseService,
  ) {}

  /** Records a provider's designated establishment or legal representative (coordinators; Directive 2023/1544). */
  async setAddressee(actor: Actor, slug: string, addressee: Addressee): Promise<Result<{ slug: string; addressee: Addressee }>> {
    if (!actor.contact?.coordinator) return fail("not-allowed", "Only a coordinator records a provider's designated establishment or legal representative.");
    const organisation = await this.work.tx.organisation.findFirst({ where: { slug, removedAt: null }, select: { id: true } });
    if (!organisation) return fail("not-found", `There is no organisation "${slug}".`);
    const at = this.work.clock.now();
    const values = { type: addressee.type, languages: addressee.languages.join(","), name: addressee.name, updatedAt: at, updatedBy: actor.contact.handle };
    await this.work.tx.evidenceAddressee.upsert({
      where: { organisationId_memberState: { organisationId: organisation.id, memberState: addressee.memberState } },
      create: { id: newId(), organisationId: organisation.id, memberState: addressee.memberState, ...values },
      update: values,
    });
    this.work.record({ ...auditActor(actor), action: "eevidence.addressee", subjectType: "organisation", subjectId: slug, result: "ok", detail: { ...addressee } });
    return ok({ slug, addressee });
  }

  /** Issues an EPOC or EPOC-PR: checks the certificate, Art. 4 and Art. 3, opens the case and tells the enforcing authority. */
  async issue(actor: Actor, type: OrderType, providerSlug: string, raw: Record<string, unknown>, tlp?: Tlp): Promise<Result<CaseChanged>> {
    const contact = actor.contact;
    if (!contact) return fail("not-linked", "Only a linked contact can issue an order.");
    const refuse = <T>(failure: Result<T> & { ok: false }) => {
      this.work.record({ ...auditActor(actor), action: `eevidence.issue`, subjectType: "organisation", subjectId: providerSlug, result: "refused", detail: { code: failure.code, message: failure.message } });
      return failure;
    };
    const parsed = parseCertificate(type, raw);
    if (!parsed.ok) return refuse(fail("bad-arguments", `The ${type === "production" ? "EPOC" : "EPOC-PR"} is incomplete:\n${parsed.problems.join("\n")}`));
    const certificate = parsed.certificate;
    const db = this.work.tx;
    const slugs = [contact.organisationSlug, providerSlug, ...(certificate.validator ? [certificate.validator] : []), ...("enforcing" in certificate && certificate.enforcing ? [certificate.enforcing] : [])];
    const organisations = await db.organisation.findMany({ where: { slug: { in: slugs }, removedAt: null }, select: { id: true, slug: true, designations: true } });
    const bySlug = (slug: string) => organisations.find((organisation) => organisation.slug === slug);
    const issuer = standingOf(splitList(bySlug(contact.organisationSlug)?.designations ?? ""));
    const provider = bySlug(providerSlug);
    if (!provider) return refuse(fail("not-found", `There is no organisation "${providerSlug}".`));
    const at = this.work.clock.now();
    let validator: { orgId: string; slug: string; standing: ReturnType<typeof standingOf> } | undefined;
    if (certificate.validator) {
      const found = bySlug(certificate.validator);
      if (!found) return refuse(fail("not-found", `There is no organisation "${certificate.validator}" to validate the order.`));
      validator = { orgId: found.id, slug: found.slug, standing: standingOf(splitList(found.designations)) };
    }
    const emergency = certificate.emergency !== undefined;
    const validation = checkIssuer({ type, category: certificate.category, emergency, issuer, ...(validator ? { validator } : {}), issuedAt: at });
    if (!validation.ok) return refuse(validation);
    const addressee = addresseeFor(await addresseesOf(db, provider.id), issuer?.memberState ?? "");
    const scope = checkScope(issuer?.memberState ?? "", providerSlug, addressee);
    if (!scope.ok) return refuse(scope);
    const notified = notificationRequired(certificate);
    let enforcingOrgId: string | null = null;
    const enforcingSlug = certificate.type === "production" ? certificate.enforcing : undefined;
    if (notified && enforcingSlug) {
      const enforcing = bySlug(enforcingSlug);
      // Art. 3(17) and Art. 8(1): the enforcing authority is that of the State where the addressee is located.
      if (!enforcing || !hasDesignation(splitList(enforcing.designations), "eevidence-enforcing-authority", scope.value.memberState)) {
        return refuse(fail("not-allowed", `${enforcingSlug} is not designated eevidence-enforcing-authority:${scope.value.memberState}: the notification goes to the enforcing authority of the Member State where the addressee is located (Art. 8(1)).`));
      }
      enforcingOrgId = enforcing.id;
    }
    const opened = await this.cases.open(actor, {
      kind: type === "production" ? "production-order" : "preservation-order",
      recipientSlug: providerSlug,
      ...(emergency ? { priority: "emergency" as const } : {}),
      // Raised to AMBER+STRICT at least when the case is opened (Art. 13(4); disclosure.ts).
      ...(tlp ? { tlp } : {}),
      issuedAs: ISSUED_AS_EUROPEAN_ORDER,
      fields: { target: certificate.target, data: certificateSummary(certificate), basis: `${certificate.provision} (${certificate.offence})`.slice(0, 4000) },
    });
    if (!opened.ok) return opened;
    const caseId = opened.value.view.id;
    const value = validation.value;
    await db.evidenceOrder.create({
      data: {
        caseId, type, category: certificate.category, certificate: JSON.stringify(certificate), issuerMemberState: issuer?.memberState ?? "",
        addresseeMemberState: scope.value.memberState, emergency, notified, enforcingOrgId,
        validation: value.status, validatorOrgId: value.status === "validated" ? value.validatorOrgId : null,
        validationDueAt: value.status === "ex-post-pending" ? value.dueAt : null, validatedAt: value.status === "validated" ? at : null,
        preservation: type === "preservation" ? "pending" : null, issuedAt: at, updatedAt: at,
        nextReminderAt: value.status === "ex-post-pending" ? new Date(value.dueAt.getTime() - VALIDATION_REMINDER_MS) : null,
      },
    });
    if (enforcingOrgId) await this.openEnforcingThread(caseId, opened.value.view.reference, enforcingOrgId, enforcingSlug ?? "", opened.value.view.tlp, emergency);
    this.work.record({
      ...auditActor(actor), action: "eevidence.issue", subjectType: "case", subjectId: opened.value.view.reference, caseId, result: "ok",
      detail: { type, category: certificate.category, emergency, notified, validation: value.status, addressee: scope.value.memberState },
    });
    return opened;
  }

  /** Finds an order by reference and says what the actor is to it; outsiders are refused. */
  async locate(actor: Actor, reference: string | undefined): Promise<Result<LocatedOrder>> {
    const contact = actor.contact;
    if (!contact) return fail("not-linked", "Only linked contacts can act on orders.");
    if (!reference) return fail("bad-arguments", "Which order? Give its reference, e.g. P-2026-0042.");
    const row = await this.work.tx.case.findUnique({ where: { reference: reference.toUpperCase() }, select: { id: true, reference: true, kind: true, tlp: true, receivedAt: true, openerOrgId: true, recipientOrgId: true } });
    const order = row ? await this.work.tx.evidenceOrder.findUnique({ where: { caseId: row.id } }) : null;
    if (!row || !order) return fail("not-found", `There is no European order ${reference.toUpperCase()}.`);
    const roles: LocatedOrder["roles"] = [];
    if (contact.organisationId === row.openerOrgId) roles.push("issuer");
    if (contact.organisationId === row.recipientOrgId) roles.push("addressee");
    if (order.enforcingOrgId && contact.organisationId === order.enforcingOrgId) roles.push("enforcing");
    if (contact.coordinator) roles.push("coordinator");
    if (roles.length === 0) return fail("not-allowed", `${row.reference} is between other authorities and a provider; only its parties and coordinators can see it.`);
    return ok({ caseId: row.id, reference: row.reference, kind: row.kind, tlp: row.tlp, receivedAt: row.receivedAt, openerOrgId: row.openerOrgId, recipientOrgId: row.recipientOrgId, order, roles });
  }

  /** Stores changed order columns, tells every party's thread and records it. */
  async changed(actor: Actor, located: LocatedOrder, columns: Partial<EvidenceOrderRow>, update: EvidenceUpdate, action: string): Promise<Result<EvidenceActed>> {
    const at = this.work.clock.now();
    await this.work.tx.evidenceOrder.update({ where: { caseId: located.caseId }, data: { ...columns, updatedAt: at } });
    const threads = await this.work.tx.caseThread.findMany({ where: { caseId: located.caseId } });
    const message = renderEvidenceUpdate(located.reference, update, located.tlp);
    const items: OutboxItem[] = threads.map((thread) => ({ streamKey: threadStream(thread.id), destination: { type: "case-thread", caseThreadId: thread.id }, message }));
    this.work.send(items);
    this.work.record({ ...auditActor(actor), action: `eevidence.${action}`, subjectType: "case", subjectId: located.reference, caseId: located.caseId, result: "ok", detail: { ...update } });
    return ok({ reference: located.reference, update, tlp: located.tlp });
  }

  /** Records a refusal of an e-Evidence action and returns it. */
  refused<T>(actor: Actor, reference: string | undefined, action: string, failure: Result<T> & { ok: false }, caseId?: string): Result<T> {
    this.work.record({ ...auditActor(actor), action: `eevidence.${action}`, subjectType: "case", subjectId: reference ?? "(none)", caseId: caseId ?? null, result: "refused", detail: { code: failure.code, message: failure.message } });
    return failure;
  }

  /** The addressee transmits the data (Art. 10(2)-(4)): never before the end of the period a notification holds it to. */
  async produced(actor: Actor, reference: string | undefined): Promise<Result<EvidenceActed>> {
    const located = await this.locate(actor, reference);
    if (!located.ok) return this.refused(actor, reference, "produced", located);
    const { order } = located.value;
    if (order.type !== "production") return this.refused(actor, reference, "produced", fail("bad-arguments", "A preservation order is preserved, not produced: /eevidence preserved."), located.value.caseId);
    if (!located.value.roles.includes("addressee")) return this.refused(actor, reference, "produced", fail("not-allowed", "Only the addressee transmits the data."), located.value.caseId);
    const at = this.work.clock.now();
    const timeline = timelineOf(order, located.value.receivedAt);
    if (!timeline) return this.refused(actor, reference, "produced", fail("invalid-transition", "The order has not been received yet."), located.value.caseId);
    const clocks = epocClocks(timeline);
    if (clocks.stopped === "refused") return this.refused(actor, reference, "produced", fail("not-allowed", "The enforcing authority raised a ground for refusal (Art. 12): the data is not transmitted."), located.value.caseId);
    if (clocks.stopped === "clarification") return this.refused(actor, reference, "produced", fail("invalid-transition", "A clarification is pending (Art. 10(6)); the issuing authority answers first."), located.value.caseId);
    if (!mayTransmitAt(clocks, at)) {
      return this.refused(actor, reference, "produced", fail("not-allowed", `The enforcing authority was notified: the data is transmitted at the end of the 10-day period, ${clocks.transmitFromAt?.toISOString()}, unless it confirms earlier that it raises no ground for refusal (Art. 10(2)).`), located.value.caseId);
    }
    const resolved = await this.cases.act(actor, located.value.reference, { type: "resolve", outcome: "data-produced", via: "eevidence" });
    if (!resolved.ok) return resolved;
    return this.changed(actor, located.value, { fulfilledAt: at, nextReminderAt: null }, { type: "produced" }, "produced");
  }

  /** The issuing authority's answer to a clarification (Art. 10(6)): the time limits run again. */
  async clarified(actor: Actor, reference: string | undefined, answer: string): Promise<Result<EvidenceActed>> {
    const located = await this.locate(actor, reference);
    if (!located.ok) return this.refused(actor, reference, "clarified", located);
    const { order } = located.value;
    const pauses = JSON.parse(order.pauses) as { from: string; to?: string }[];
    const open = pauses.find((pause) => pause.to === undefined);
    if (!open) return this.refused(actor, reference, "clarified", fail("invalid-transition", "No clarification is pending."), located.value.caseId);
    const answered = await this.cases.act(actor, located.value.reference, { type: "answer-clarification", answer });
    if (!answered.ok) return answered;
    const at = this.work.clock.now();
    open.to = at.toISOString();
    const late = order.issuerReactionDueAt !== null && at.getTime() > order.issuerReactionDueAt.getTime();
    return this.changed(actor, located.value, { pauses: JSON.stringify(pauses), issuerReactionDueAt: null, nextReminderAt: null }, { type: "clarified", late }, "clarified");
  }

  /** Art. 10(6): pauses the time limits and starts the issuer's 5 days (used by the Annex III command). */
  async pauseForClarification(actor: Actor, located: LocatedOrder, ground: string, explanation: string): Promise<Result<EvidenceActed>> {
    const asked = await this.cases.act(actor, located.reference, { type: "request-clarification", question: `Annex III (${ground}): ${explanation}` });
    if (!asked.ok) return asked;
    const at = this.work.clock.now();
    const pauses = JSON.parse(located.order.pauses) as { from: string; to?: string }[];
    pauses.push({ from: at.toISOString() });
    const dueAt = issuerReactionDueAt(at);
    return this.changed(actor, located, { pauses: JSON.stringify(pauses), issuerReactionDueAt: dueAt, inabilityGround: ground, inabilityText: explanation, inabilityAt: at, nextReminderAt: new Date(dueAt.getTime() - REACTION_REMINDER_MS) }, { type: "clarification", ground, explanation, reactBy: dueAt }, "inability");
  }

  private async openEnforcingThread(caseId: string, reference: string, organisationId: string, slug: string, tlp: string, emergency: boolean): Promise<void> {
    const people = await this.work.tx.contact.findMany({ where: { organisationId, removedAt: null, OR: [{ orgAdmin: true }, { roles: { some: { topic: "investigations" } } }] }, select: { id: true, handle: true }, take: 3 });
    const rows = await threadRows(this.work.tx, caseId, reference, tlp, "investigations", [{ organisationId, slug, people }]);
    if (rows.length === 0) return;
    await this.work.tx.caseThread.createMany({ data: rows });
    this.work.send(rows.map((thread) => ({ streamKey: threadStream(thread.id as string), destination: { type: "open-case-thread", caseThreadId: thread.id as string }, message: renderEnforcingCard(reference, emergency, tlp) })));
  }
}
