// Changes an organisation's admin asked for that wait for a coordinator (broad or overlapping responsibilities,
// working hours under the floor): stored as pending, shown as pending, never used for routing or clocks until a
// coordinator approves them. Each request and each decision is recorded and told to the coordinators.
import { auditActor, type Actor } from "../core/actor.js";
import { newId } from "../core/ids.js";
import { fail, ok, type Outcome } from "../core/result.js";
import { inertLine } from "../core/text.js";
import type { UnitOfWork } from "../work/unit-of-work.js";
import type { PendingItem } from "./designations.js";
import { contactStream } from "../outbox/outbox.js";
import { toCoordinators } from "./notify.js";
import { responsibilityKeys } from "./store.js";

/** A change waiting for a coordinator, as shown. */
export interface PendingApprovalView extends PendingItem {
  requestedBy: string;
  requestedAt: Date;
}

/** What approve and reject answer. */
export interface ApprovalDecision {
  slug: string;
  item: PendingApprovalView;
  decision: "approved" | "rejected";
}

/** Longest item text echoed back in an answer. */
const ECHO_CHARS = 80;

/** The way to name a pending item in /contacts approve and /contacts reject: its value, or "hours". */
export function itemName(item: Pick<PendingItem, "type" | "value">): string {
  return item.type === "hours" ? "hours" : item.value;
}

/** Pending changes of organisations. */
export class PendingApprovals {
  constructor(private readonly work: UnitOfWork) {}

  /** The changes of an organisation that wait for a coordinator. */
  async pendingFor(organisationId: string): Promise<PendingApprovalView[]> {
    const rows = await this.work.tx.pendingApproval.findMany({ where: { organisationId }, orderBy: [{ type: "asc" }, { value: "asc" }] });
    return rows.map((row) => ({ type: row.type as PendingItem["type"], value: row.value, reason: row.reason, requestedBy: row.requestedBy, requestedAt: row.requestedAt }));
  }

  /** Stores an admin's changes as pending (a newer request for hours replaces an older one), records and tells them. */
  async request(actor: Actor, organisation: { id: string; slug: string }, items: readonly PendingItem[]): Promise<void> {
    if (items.length === 0) return;
    const tx = this.work.tx;
    const now = this.work.clock.now();
    const by = auditActor(actor).actor;
    if (items.some((item) => item.type === "hours")) await tx.pendingApproval.deleteMany({ where: { organisationId: organisation.id, type: "hours" } });
    for (const item of items) {
      await tx.pendingApproval.deleteMany({ where: { organisationId: organisation.id, type: item.type, value: item.value } });
      await tx.pendingApproval.create({ data: { id: newId(), organisationId: organisation.id, type: item.type, value: item.value, reason: item.reason, requestedBy: by, requestedAt: now } });
    }
    this.work.record({ ...auditActor(actor), action: "organisation.approval-requested", subjectType: "organisation", subjectId: organisation.slug, result: "ok", detail: { items: items.map((item) => ({ ...item })) } });
    const lines = items.map((item) => `• ${describe(item)} — ${inertLine(item.reason)}\n  /contacts approve ${organisation.slug} ${quoted(itemName(item))}  ·  /contacts reject ${organisation.slug} ${quoted(itemName(item))} --reason "..."`);
    const first = items[0] as PendingItem;
    this.work.send(
      await toCoordinators(
        tx,
        {
          title: `${organisation.slug}: waiting for your approval`,
          text: [`${inertLine(by)} asked to change ${organisation.slug}; this waits for a coordinator and is not used until approved:`, ...lines].join("\n"),
          tone: "warning",
          actions: items.length === 1 ? [{ id: "approve", label: "Approve", style: "primary", command: `/contacts approve ${organisation.slug} ${quoted(itemName(first))}` }] : [],
        },
        actor.contact?.id,
      ),
    );
  }

  /** Drops pending requests that a coordinator's own edit has now made (or made moot). */
  async settledBy(organisationId: string, responsibilities: { domains: readonly string[]; ipRanges: readonly string[]; asns: readonly string[] }): Promise<void> {
    const values = [
      ...responsibilities.domains.map((value) => ({ type: "domain", value })),
      ...responsibilities.ipRanges.map((value) => ({ type: "ip", value })),
      ...responsibilities.asns.map((value) => ({ type: "asn", value })),
    ];
    for (const { type, value } of values) await this.work.tx.pendingApproval.deleteMany({ where: { organisationId, type, value } });
  }

  /** A coordinator approves or rejects a pending change of an organisation. */
  async decide(actor: Actor, slug: string, name: string, decision: "approved" | "rejected", reason?: string): Promise<Outcome<ApprovalDecision>> {
    if (!actor.contact?.coordinator) return fail("not-allowed", "Only a coordinator may approve or reject changes.");
    const tx = this.work.tx;
    const organisation = await tx.organisation.findFirst({ where: { slug, removedAt: null }, select: { id: true, slug: true } });
    if (!organisation) return fail("not-found", `There is no organisation "${echo(slug)}".`, "Find it with /contacts find <name>.");
    const pending = await this.pendingFor(organisation.id);
    const wanted = name.trim().toLowerCase();
    const item = pending.find((candidate) => itemName(candidate).toLowerCase() === wanted);
    if (!item) {
      const names = pending.map((candidate) => itemName(candidate));
      return fail("not-found", `Nothing called "${echo(name)}" waits for approval at ${organisation.slug}.`, names.length > 0 ? `Waiting: ${names.join(", ")}.` : "Nothing waits there.");
    }
    if (decision === "approved") {
      if (item.type === "hours") {
        await tx.organisation.update({ where: { id: organisation.id }, data: { workingHours: item.value, updatedAt: this.work.clock.now() } });
      } else if (!(await tx.responsibility.findFirst({ where: { organisationId: organisation.id, type: item.type, value: item.value } }))) {
        await tx.responsibility.create({ data: { id: newId(), organisationId: organisation.id, type: item.type, value: item.value, ...responsibilityKeys(item.type, item.value) } });
      }
    }
    await tx.pendingApproval.deleteMany({ where: { organisationId: organisation.id, type: item.type, value: item.value } });
    const cleanReason = reason === undefined ? undefined : inertLine(reason);
    this.work.record({
      ...auditActor(actor),
      action: decision === "approved" ? "organisation.approve" : "organisation.reject",
      subjectType: "organisation",
      subjectId: organisation.slug,
      result: "ok",
      detail: { item: { type: item.type, value: item.value, reason: item.reason }, requestedBy: item.requestedBy, ...(cleanReason ? { decisionReason: cleanReason } : {}) },
    });
    const text = `${actor.contact.handle} ${decision} for ${organisation.slug}: ${describe(item)} (asked for by ${inertLine(item.requestedBy)}: ${inertLine(item.reason)})${cleanReason ? `. Reason: ${cleanReason}` : ""}`;
    this.work.send(await toCoordinators(tx, { text, tone: "info" }, actor.contact.id));
    // The person who asked hears the decision too (unless they made it, or are no longer in the directory).
    const requester = await tx.contact.findFirst({ where: { handle: item.requestedBy, removedAt: null, coordinator: false }, select: { id: true } });
    if (requester) this.work.send([{ streamKey: contactStream(requester.id), destination: { type: "contact", contactId: requester.id }, message: { text: `Your request for ${organisation.slug} was ${decision} by ${actor.contact.handle}: ${describe(item)}${cleanReason ? `. Reason: ${cleanReason}` : ""}.`, tone: "info" } }]);
    return ok({ slug: organisation.slug, item, decision });
  }
}

/** "working hours mon 09:00-09:30", "ip range 10.0.0.0/8". */
export function describe(item: Pick<PendingItem, "type" | "value">): string {
  const label = { domain: "domain", ip: "IP range", asn: "AS number", hours: "working hours" }[item.type];
  return `${label} ${inertLine(item.value)}`;
}

/** A command argument, quoted when it has spaces. */
function quoted(text: string): string {
  return /\s/.test(text) ? `"${text}"` : text;
}

/** Typed text as echoed in an answer: inert, one line, and short. */
function echo(text: string): string {
  const line = inertLine(text);
  return line.length > ECHO_CHARS ? `${line.slice(0, ECHO_CHARS)}…` : line;
}
