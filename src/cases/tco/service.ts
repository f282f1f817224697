// The TCO Regulation (EU) 2021/784 timers around a removal order: created with the case (Art. 3(2) emergency, Art. 4(1)
// copy to the host Member State), started by the removal (Art. 6 preservation), and changed by the commands of
// actions.ts. Every change commits with its messages and record entry in the one unit of work.
import { auditActor, type Actor } from "../../core/actor.js";
import { fail, ok, type Failure, type Outcome as Result } from "../../core/result.js";
import { hasDesignation } from "../../directory/model.js";
import { splitList } from "../../directory/views.js";
import { contactStream, threadStream, type OutboxItem } from "../../outbox/outbox.js";
import type { Tx } from "../../store/types.js";
import type { UnitOfWork } from "../../work/unit-of-work.js";
import { disclosureFor } from "../disclosure.js";
import { responsibleFor } from "../opening.js";
import type { CaseView } from "../view.js";
import { endOfMonthsPeriod, endOfWeeksPeriod, NONDISCLOSURE_WEEKS, PRESERVATION_MONTHS } from "./periods.js";
import { nextTcoReminderAt } from "./reminders.js";
import { renderTcoCopy, renderTcoUpdate, type TcoUpdate } from "./render.js";

/** A stored TcoOrder. */
export type TcoOrderRow = NonNullable<Awaited<ReturnType<Tx["tcoOrder"]["findUnique"]>>>;

/** What an actor is to a removal order. */
export type TcoRole = "issuer" | "provider" | "host" | "coordinator";

/** A removal order as the actor may act on it. */
export interface LocatedTcoOrder {
  caseId: string;
  reference: string;
  tlp: string;
  state: string;
  receivedAt: Date | null;
  openerOrgId: string;
  recipientOrgId: string;
  /** The provider's time zone: the calendar the periods are read on. */
  providerTimeZone: string;
  order: TcoOrderRow;
  roles: TcoRole[];
}

/** What a TCO action returns to its command's render function. */
export interface TcoActed {
  reference: string;
  update: TcoUpdate;
  tlp: string;
  timeZone: string;
}

/** The Member State of a tco-competent-authority designation, if any. */
export function tcoMemberState(designations: readonly string[]): string | undefined {
  return designations.find((designation) => designation.startsWith("tco-competent-authority:"))?.split(":")[1];
}

/** What the removal order's Annex I form says that the timers use (src/cases/removal/form.ts). */
export interface AnnexIMarks {
  memberState?: string | undefined;
  hostMemberState?: string | undefined;
  nonDisclosure?: boolean | undefined;
}

/** Creates the TCO row of a new removal order and sends the Art. 4(1) copy when the host authority is known. */
export async function openTcoOrder(work: UnitOfWork, opened: { caseId: string; reference: string; tlp: string; view: CaseView; issuer: { designations: readonly string[]; country: string }; provider: { country: string; timeZone: string }; form: AnnexIMarks; emergencyJustification?: string }): Promise<void> {
  const at = work.clock.now();
  const issuerMemberState = opened.form.memberState ?? tcoMemberState(opened.issuer.designations) ?? opened.issuer.country.toUpperCase();
  // The provider's main establishment or legal representative: the Member State the order names (Annex I), else the
  // provider's directory country.
  const hostMemberState = (opened.form.hostMemberState ?? opened.provider.country).toUpperCase();
  // Art. 11(3) decided with the order (the Annex I box): the six weeks run from the issue.
  const nondisclosure = opened.form.nonDisclosure === true
    ? { nondisclosureAt: at, nondisclosureReason: "decided with the order (Annex I)", nondisclosureEndsAt: endOfWeeksPeriod(at, NONDISCLOSURE_WEEKS, opened.provider.timeZone) }
    : undefined;
  let copy: { copyOrgId: string; copyAt: Date; copyMode: string } | undefined;
  if (hostMemberState !== issuerMemberState) {
    // Art. 4(1) (paraphrase, not checked against EUR-Lex): where the provider does not have its main establishment or
    // legal representative in the Member State of the issuing authority, that authority "shall, simultaneously,
    // submit a copy of the removal order to the competent authority of the Member State where the hosting service
    // provider has its main establishment or where its legal representative resides or is established".
    const host = await hostAuthority(work.tx, hostMemberState);
    const item = host ? await copyItem(work.tx, opened.view, { id: host.id, memberState: hostMemberState }, at) : undefined;
    if (host && item) {
      work.send([item]);
      copy = { copyOrgId: host.id, copyAt: at, copyMode: "sent" };
    }
  }
  const nextReminderAt = nondisclosure ? nextTcoReminderAt({ scrutinyDueAt: null, scrutinyDecidedAt: null, preservationEndsAt: null, preservationExpiredAt: null, nondisclosureEndsAt: nondisclosure.nondisclosureEndsAt, nondisclosureEndedAt: null, nondisclosureExtended: false }, at) : null;
  await work.tx.tcoOrder.create({ data: { caseId: opened.caseId, issuerMemberState, hostMemberState, emergencyJustification: opened.emergencyJustification ?? null, ...(copy ?? {}), ...(nondisclosure ?? {}), nextReminderAt, updatedAt: at } });
  if (opened.emergencyJustification !== undefined || copy || nondisclosure) {
    work.record({ actorId: null, actor: "system", via: "liaison", action: "tco.open", subjectType: "case", subjectId: opened.reference, caseId: opened.caseId, result: "ok", detail: { issuerMemberState, hostMemberState, ...(opened.emergencyJustification !== undefined ? { emergencyJustification: opened.emergencyJustification } : {}), ...(copy ? { copySentTo: copy.copyOrgId } : {}), ...(nondisclosure ? { nondisclosureEndsAt: nondisclosure.nondisclosureEndsAt } : {}) } });
  }
}

/** The host authority's contact for removal orders, with the zone they read times in (their own, else their organisation's). */
export async function hostContact(db: Tx, hostOrgId: string): Promise<{ id: string; handle: string; timeZone: string } | undefined> {
  const contact = await responsibleFor(db, hostOrgId, "removal-orders");
  if (!contact) return undefined;
  const zones = await db.contact.findUnique({ where: { id: contact.id }, select: { timeZone: true, organisation: { select: { timeZone: true } } } });
  return { id: contact.id, handle: contact.handle, timeZone: zones?.timeZone || zones?.organisation.timeZone || "UTC" };
}

/**
 * The Art. 4(1) copy as an outbox item to the host authority's contact for removal orders, or undefined when it has
 * none. It carries the order as its card shows it, under the one disclosure rule: the host authority reads the case
 * (repository.ts readerOrgIds), so it is disclosed to as a reader, and a TLP:RED order's content is withheld from it
 * as from every organisation not named on the case (disclosure.ts says why).
 */
export async function copyItem(db: Tx, view: CaseView, host: { id: string; memberState: string }, at: Date): Promise<OutboxItem | undefined> {
  const contact = await hostContact(db, host.id);
  if (!contact) return undefined;
  const row = { kind: view.kind, tlp: view.tlp, openerContactId: view.openerContact.id, responsibleContactId: view.responsible?.id ?? null, openerOrgId: view.opener.id, recipientOrgId: view.recipient.id };
  const disclosure = disclosureFor({ id: contact.id, organisationId: host.id }, row, [], [host.id]);
  const message = renderTcoCopy(view, { memberState: host.memberState, disclosure, timeZone: contact.timeZone }, at);
  return { streamKey: contactStream(contact.id), destination: { type: "contact", contactId: contact.id }, message, onceKey: `tco-copy:${view.id}` };
}

/** The competent authority of a Member State in the directory (the first by slug). */
async function hostAuthority(db: Tx, memberState: string): Promise<{ id: string; slug: string; timeZone: string } | undefined> {
  const candidates = await db.organisation.findMany({ where: { removedAt: null, designations: { contains: `tco-competent-authority:${memberState}` } }, select: { id: true, slug: true, timeZone: true, designations: true }, orderBy: { slug: "asc" } });
  return candidates.find((candidate) => hasDesignation(splitList(candidate.designations), "tco-competent-authority", memberState));
}

/**
 * Starts the Art. 6 preservation when a removal order is resolved as removed or disabled. Art. 6(2) (paraphrase, not
 * checked against EUR-Lex): the content and related data are preserved for six months from the removal or disabling;
 * Annex I, as checked: "for six months or longer upon request from the competent authorities or courts". The removal
 * is the Annex II time of effect when the provider states one, else the resolve time (CaseService.act chooses). Started
 * once: an order whose removal is already recorded keeps it. The start is recorded (tco.preservation-start).
 */
export async function startPreservation(work: UnitOfWork, caseId: string, removedAt: Date): Promise<void> {
  const order = await work.tx.tcoOrder.findUnique({ where: { caseId } });
  if (!order || order.removedAt) return;
  const found = await work.tx.case.findUnique({ where: { id: caseId }, select: { reference: true, recipientOrgId: true } });
  const provider = found ? await work.tx.organisation.findUnique({ where: { id: found.recipientOrgId }, select: { timeZone: true } }) : null;
  const endsAt = endOfMonthsPeriod(removedAt, PRESERVATION_MONTHS, provider?.timeZone ?? "UTC");
  const times = { ...order, removedAt, preservationEndsAt: endsAt };
  await work.tx.tcoOrder.update({ where: { caseId }, data: { removedAt, preservationEndsAt: endsAt, nextReminderAt: nextTcoReminderAt(times, work.clock.now()), updatedAt: work.clock.now() } });
  work.record({ actorId: null, actor: "system", via: "liaison", action: "tco.preservation-start", subjectType: "case", subjectId: found?.reference ?? caseId, caseId, result: "ok", detail: { removedAt, preservationEndsAt: endsAt } });
}

/** Finding orders, telling the parties and recording; shared by the actions. */
export class TcoOrders {
  constructor(private readonly work: UnitOfWork) {}

  /** Finds a removal order by reference and says what the actor is to it; outsiders are refused. */
  async locate(actor: Actor, reference: string | undefined): Promise<Result<LocatedTcoOrder>> {
    const contact = actor.contact;
    if (!contact) return fail("not-linked", "Only linked contacts act on removal orders.");
    if (!reference) return fail("bad-arguments", "Which removal order? Give its reference, e.g. R-2026-0042.");
    const row = await this.work.tx.case.findUnique({ where: { reference: reference.toUpperCase() }, select: { id: true, reference: true, tlp: true, state: true, receivedAt: true, openerOrgId: true, recipientOrgId: true } });
    const order = row ? await this.work.tx.tcoOrder.findUnique({ where: { caseId: row.id } }) : null;
    if (!row || !order) return fail("not-found", `There is no removal order ${reference.toUpperCase()}.`);
    const roles: TcoRole[] = [];
    if (contact.organisationId === row.openerOrgId) roles.push("issuer");
    if (contact.organisationId === row.recipientOrgId) roles.push("provider");
    if (order.copyOrgId === contact.organisationId) roles.push("host");
    else if (order.hostMemberState !== order.issuerMemberState) {
      const own = await this.work.tx.organisation.findUnique({ where: { id: contact.organisationId }, select: { designations: true } });
      if (hasDesignation(splitList(own?.designations ?? ""), "tco-competent-authority", order.hostMemberState)) roles.push("host");
    }
    if (contact.coordinator) roles.push("coordinator");
    if (roles.length === 0) return fail("not-allowed", `${row.reference} is between other organisations; only its parties, the host Member State's authority and coordinators act on it.`);
    const provider = await this.work.tx.organisation.findUnique({ where: { id: row.recipientOrgId }, select: { timeZone: true } });
    return ok({ caseId: row.id, reference: row.reference, tlp: row.tlp, state: row.state, receivedAt: row.receivedAt, openerOrgId: row.openerOrgId, recipientOrgId: row.recipientOrgId, providerTimeZone: provider?.timeZone ?? "UTC", order, roles });
  }

  /** Stores changed columns (and the next reminder), tells every party's thread, and records it. */
  async changed(actor: Actor, located: LocatedTcoOrder, columns: Partial<TcoOrderRow>, update: TcoUpdate, action: string, extra: OutboxItem[] = []): Promise<Result<TcoActed>> {
    const at = this.work.clock.now();
    const next = { ...located.order, ...columns };
    await this.work.tx.tcoOrder.update({ where: { caseId: located.caseId }, data: { ...columns, nextReminderAt: nextTcoReminderAt(next, at), updatedAt: at } });
    const threads = await this.work.tx.caseThread.findMany({ where: { caseId: located.caseId } });
    const message = renderTcoUpdate(located.reference, update, located.tlp, located.providerTimeZone);
    this.work.send([...threads.map((thread) => ({ streamKey: threadStream(thread.id), destination: { type: "case-thread" as const, caseThreadId: thread.id }, message })), ...extra]);
    this.work.record({ ...auditActor(actor), action: `tco.${action}`, subjectType: "case", subjectId: located.reference, caseId: located.caseId, result: "ok", detail: { ...update } });
    return ok({ reference: located.reference, update, tlp: located.tlp, timeZone: located.providerTimeZone });
  }

  /** Records a refused TCO action and returns the refusal. */
  refused(actor: Actor, subject: string | undefined, action: string, failure: Failure, caseId?: string): Failure {
    this.work.record({ ...auditActor(actor), action: `tco.${action}`, subjectType: "case", subjectId: subject ?? "(none)", caseId: caseId ?? null, result: `refused:${failure.code}`, detail: { reason: failure.message } });
    return failure;
  }
}
