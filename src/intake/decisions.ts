// Decisions on an intake item, taken by a person (Liaison never decides): open it as a notice (the item's URLs,
// summary and evidence filled in), add it to an existing case, dismiss it with a reason, or forward it to another
// organisation's intake. Who may decide: a contact of the organisation whose intake holds the item, or a coordinator;
// anyone else is told there is no such item (an item is TLP:AMBER by default: its recipient's organisation only).
import type { Actor } from "../core/actor.js";
import { auditActor } from "../core/actor.js";
import type { Tlp } from "../core/message.js";
import { fail, ok, type Outcome } from "../core/result.js";
import { takesPart, type CaseChanged, type CaseService } from "../cases/service.js";
import type { UnitOfWork } from "../work/unit-of-work.js";
import { intakeCard } from "./card-render.js";
import { intakeReportSchema, type IntakeReport } from "./report.js";
import { intakeChannel } from "./matching.js";

/** The audit action of a decision on an item. */
export const INTAKE_DECIDED = "intake.decided";

/** Longest reason kept with a decision. */
export const DECISION_REASON_MAX_CHARS = 2_000;

/** An item after a decision: its reference, the decision, and where it went. */
export interface IntakeDecided {
  reference: string;
  decision: "opened" | "added" | "dismissed" | "forwarded";
  /** The case it was opened as or added to. */
  caseReference?: string;
  /** The organisation it was forwarded to. */
  forwardedTo?: string;
  reportCount: number;
}

type ItemRow = NonNullable<Awaited<ReturnType<UnitOfWork["tx"]["intakeItem"]["findFirst"]>>>;

/** Takes decisions on intake items inside one unit of work. */
export class IntakeDecisions {
  constructor(
    private readonly work: UnitOfWork,
    private readonly cases: CaseService,
  ) {}

  /** The open item, when the actor may decide it; "not-found" otherwise, also when they may not see it. */
  private async decidable(actor: Actor, reference: string): Promise<Outcome<ItemRow>> {
    const contact = actor.contact;
    if (!contact) return fail("not-linked", "Only a linked contact can decide intake items.");
    const item = await this.work.tx.intakeItem.findFirst({ where: { reference: reference.toUpperCase() } });
    const mayDecide = item !== null && (contact.coordinator || (item.routedToId !== null && item.routedToId === contact.organisationId));
    if (!item || !mayDecide) return fail("not-found", `No intake item ${reference} in your organisation's intake.`);
    if (item.state !== "open") return fail("invalid-transition", `${item.reference} was already decided (${item.state}${item.decidedAt ? ` on ${item.decidedAt.toISOString().slice(0, 10)}` : ""}).`);
    return ok(item);
  }

  private async decided(actor: Actor, item: ItemRow, state: IntakeDecided["decision"], change: { reason?: string; caseId?: string; routedToId?: string; routeReason?: string }): Promise<void> {
    const now = this.work.clock.now();
    const reason = change.reason?.slice(0, DECISION_REASON_MAX_CHARS);
    await this.work.tx.intakeItem.update({
      where: { id: item.id },
      data: {
        state: state === "forwarded" ? "open" : state, updatedAt: now,
        ...(state === "forwarded" ? { routedToId: change.routedToId ?? null, routeReason: change.routeReason ?? item.routeReason } : { decidedAt: now, decidedBy: actor.contact?.handle ?? null, decisionReason: reason ?? null }),
        ...(change.caseId !== undefined ? { caseId: change.caseId } : {}),
      },
    });
    const decidedAfterMs = now.getTime() - item.createdAt.getTime();
    this.work.record({
      ...auditActor(actor), action: INTAKE_DECIDED, subjectType: "intake-item", subjectId: item.id, result: "ok",
      detail: { reference: item.reference, decision: state, reason: reason ?? null, caseId: change.caseId ?? null, forwardedTo: change.routedToId ?? null, decidedAfterMs, reportCount: item.reportCount },
    });
  }

  /** The item's first report, as accepted. */
  private async firstReport(item: ItemRow): Promise<IntakeReport> {
    const entry = await this.work.tx.intakeReportEntry.findFirstOrThrow({ where: { itemId: item.id }, orderBy: { receivedAt: "asc" } });
    return intakeReportSchema.parse({ ...(JSON.parse(entry.report) as Record<string, unknown>), occurredAt: entry.occurredAt });
  }

  /** Opens the item as a notice towards `recipientSlug` (by default the organisation the item was routed to). */
  async openAsNotice(actor: Actor, reference: string, options: { recipientSlug?: string; reason?: string; basis?: string; tlp?: Tlp }): Promise<Outcome<IntakeDecided & { opened: CaseChanged }>> {
    const found = await this.decidable(actor, reference);
    if (!found.ok) return found;
    const item = found.value;
    let recipientSlug = options.recipientSlug;
    if (recipientSlug === undefined) {
      const routed = item.routedToId ? await this.work.tx.organisation.findUnique({ where: { id: item.routedToId }, select: { slug: true } }) : null;
      if (!routed || item.routedToId === actor.contact?.organisationId) return fail("bad-arguments", `Say whom the notice goes to: /intake open ${item.reference} --to <organisation>.`);
      recipientSlug = routed.slug;
    }
    const report = await this.firstReport(item);
    const urls = await this.itemUrls(item);
    const evidence = report.evidence.map((piece) => `${piece.description || piece.contentType}${piece.sha256 ? ` (sha256 ${piece.sha256})` : ""}`).join("; ");
    const reason = options.reason ?? `Reported as ${item.category}/${item.type} (${item.reportCount} report${item.reportCount === 1 ? "" : "s"} since ${item.firstReportedAt.toISOString().slice(0, 16)} UTC, intake ${item.reference}): ${report.summary}${evidence ? `. Evidence: ${evidence}` : ""}`;
    const opened = await this.cases.open(actor, {
      kind: "notice", recipientSlug,
      tlp: options.tlp ?? (item.tlp as Tlp),
      fields: { urls, reason: reason.slice(0, 4_000), ...(options.basis !== undefined ? { basis: options.basis } : {}) },
    });
    if (!opened.ok) return opened;
    await this.decided(actor, item, "opened", { caseId: opened.value.view.id, reason: `opened as ${opened.value.view.reference}` });
    return ok({ reference: item.reference, decision: "opened", caseReference: opened.value.view.reference, reportCount: item.reportCount, opened: opened.value });
  }

  /** The distinct URLs of the item's reports (at most 20). */
  private async itemUrls(item: ItemRow): Promise<string[]> {
    const target = JSON.parse(item.target) as { url?: string };
    return target.url !== undefined ? [target.url] : [];
  }

  /** Adds the item to an existing case the actor takes part in. */
  async addToCase(actor: Actor, reference: string, caseReference: string): Promise<Outcome<IntakeDecided>> {
    const found = await this.decidable(actor, reference);
    if (!found.ok) return found;
    const visible = await this.cases.find(actor, caseReference);
    if (!visible.ok) return visible;
    if (!takesPart(visible.value)) return fail("not-allowed", `${visible.value.view.reference} is not a case of ${actor.contact?.organisationSlug ?? "yours"}: it only reads it; open a notice instead.`);
    if (["closed", "withdrawn"].includes(visible.value.view.state)) return fail("invalid-transition", `${visible.value.view.reference} is ${visible.value.view.state}; open a notice instead.`);
    await this.decided(actor, found.value, "added", { caseId: visible.value.view.id, reason: `added to ${visible.value.view.reference}` });
    return ok({ reference: found.value.reference, decision: "added", caseReference: visible.value.view.reference, reportCount: found.value.reportCount });
  }

  /** Dismisses the item, with the reason (required: the record says why nothing was done). */
  async dismiss(actor: Actor, reference: string, reason: string): Promise<Outcome<IntakeDecided>> {
    if (reason.trim() === "") return fail("bad-arguments", "Say why: --reason <text>.");
    const found = await this.decidable(actor, reference);
    if (!found.ok) return found;
    await this.decided(actor, found.value, "dismissed", { reason: reason.trim() });
    return ok({ reference: found.value.reference, decision: "dismissed", reportCount: found.value.reportCount });
  }

  /** Forwards the item to another organisation's intake, where its card appears; it stays open there. */
  async forward(actor: Actor, reference: string, slug: string, reason?: string): Promise<Outcome<IntakeDecided>> {
    const found = await this.decidable(actor, reference);
    if (!found.ok) return found;
    const item = found.value;
    const to = await this.work.tx.organisation.findFirst({ where: { slug: slug.toLowerCase(), removedAt: null }, select: { id: true, slug: true, name: true } });
    if (!to) return fail("not-found", `No organisation "${slug}" in the directory.`);
    if (to.id === item.routedToId) return fail("conflict", `${item.reference} is already in ${to.name}'s intake.`);
    const routeReason = `forwarded by ${actor.contact?.organisationName ?? "?"}${reason ? `: ${reason.slice(0, 300)}` : ""}`;
    await this.decided(actor, item, "forwarded", { routedToId: to.id, routeReason, ...(reason !== undefined ? { reason } : {}) });
    const destination = await intakeChannel(this.work.tx, to.id);
    if (destination) {
      const report = await this.firstReport(item);
      const card = intakeCard({ item, report, route: { organisationId: to.id, reason: routeReason }, alreadyOpen: undefined, repeats: undefined });
      this.work.send([{ streamKey: `intake:${to.id}`, destination: { type: "address", destination }, message: card }]);
    }
    return ok({ reference: item.reference, decision: "forwarded", forwardedTo: to.slug, reportCount: item.reportCount });
  }
}
