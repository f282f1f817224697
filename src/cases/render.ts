import { decideForm, dsaFieldsShown } from "./dsa/render.js";
import { removalFieldsShown, removalResolveFields } from "./removal/render.js";
import type { MessageAction, MessageField, OutboundMessage } from "../core/message.js";
import { formatDuration, formatLocal } from "../time/calendar.js";
import type { CaseEvent, CaseEventAuthor } from "./events.js";
import { KIND_INFO, OUTCOMES_NEEDING_REASON } from "./kinds.js";
import type { CaseView, Disclosure } from "./view.js";

/** "due 2026-11-23 15:05 CET (in 55 min)" or "overdue by 5 min". */
export function dueText(dueAt: Date, now: Date, timeZone: string): string {
  const remainingMs = dueAt.getTime() - now.getTime();
  const local = formatLocal(dueAt, timeZone);
  return remainingMs >= 0 ? `${local} (in ${formatDuration(remainingMs)})` : `${local} (OVERDUE by ${formatDuration(-remainingMs)})`;
}

/** What the clock does while a clarification is pending, as the policy says (restart: the whole period again). */
function clarificationClock(view: CaseView): string {
  const period = view.resolveDurationMs !== null ? formatDuration(view.resolveDurationMs + view.extendedMs) : "the period";
  if (view.clarification === "restart") {
    // TCO Art. 3(8): "the deadline set out in paragraph 3 shall start to run as soon as the hosting service provider has received the clarification".
    return `stopped until the clarification is given; then the full ${period} starts again${view.kind === "removal-order" ? " (TCO Art. 3(8))" : ""}`;
  }
  return "paused until the clarification is given; then it runs on from where it stopped";
}

/** The deadlines of a case as fields, in the given time zone (by default the recipient's). */
export function deadlineFields(view: CaseView, now: Date, zone: string = view.recipient.timeZone): MessageField[] {
  const fields: MessageField[] = [];
  if (view.ackDueAt) fields.push({ label: "Acknowledge by", value: dueText(view.ackDueAt, now, zone) });
  if (view.resolveDueAt) fields.push({ label: "Resolve by", value: dueText(view.resolveDueAt, now, zone) });
  if (!view.resolveDueAt && view.state === "clarification-requested") fields.push({ label: "Clock", value: clarificationClock(view) });
  if (view.state === "suspended") fields.push({ label: "Clock", value: "suspended until the grounds cease (TCO Art. 3(7)); then the full period runs again" });
  if (view.resolveDurationMs === null && ["open", "acknowledged"].includes(view.state)) fields.push({ label: "Resolve by", value: "no fixed deadline (as agreed)" });
  return fields;
}

function whatIsAsked(view: CaseView): MessageField[] {
  const fields = view.fields as Record<string, unknown>;
  const out: MessageField[] = [];
  const urls = Array.isArray(fields.urls) ? (fields.urls as string[]) : [];
  if (urls.length > 0) out.push({ label: urls.length === 1 ? "URL" : `URLs (${urls.length})`, value: urls.join("\n") });
  const labels: Record<string, string> = { target: "Target", data: "Data", basis: "Legal basis", reason: "Reason", location: "Where" };
  for (const [key, label] of Object.entries(labels)) {
    const value = fields[key];
    if (typeof value === "string" && value !== "") out.push({ label, value });
  }
  if (fields.trustedFlagger === true) out.push({ label: "Notifier", value: "trusted flagger (DSA Art. 22)" });
  if (fields.goodFaith === true) out.push({ label: "Good-faith statement", value: "the notifier states that the information is accurate and complete (DSA Art. 16(2)(d))" });
  else if (fields.goodFaith === false) out.push({ label: "Good-faith statement", value: "not made" });
  out.push(...removalFieldsShown(view.kind, fields), ...dsaFieldsShown(view.kind, fields));
  return out;
}

/** The buttons the recipient's thread shows: acknowledge, request clarification, resolve (with a form). */
export function recipientActions(view: CaseView): MessageAction[] {
  const outcomes = KIND_INFO[view.kind].outcomes;
  // Kinds whose outcomes state a fact (when effect was given, who hosts it) resolve through /case decide.
  const decided = decideForm(view.kind);
  // Only what the case allows now: an acknowledged case is not acknowledged again, a pending clarification not asked twice.
  const actions: MessageAction[] = [];
  if (view.state === "open") actions.push({ id: "ack", label: "Acknowledge", style: "primary", command: `/case ack ${view.reference}`, reaction: "✅" });
  if (view.state === "open" || view.state === "acknowledged") actions.push(
    {
      id: "clarify",
      label: "Request clarification",
      command: `/case clarify ${view.reference}`,
      form: { title: `Clarify ${view.reference}`, submitLabel: "Ask", fields: [{ name: "question", label: "Question", kind: "multiline", required: true, maxLength: 2000 }] },
    },
  );
  actions.push(
    {
      id: "resolve",
      label: "Resolve",
      command: `/case ${decided?.command ?? "resolve"} ${view.reference}`,
      form: {
        title: `Resolve ${view.reference}`,
        submitLabel: "Resolve",
        fields: [
          { name: "outcome", label: "Outcome", kind: "choice", required: true, choices: outcomes.map((value) => ({ value, label: value.replace(/-/g, " ") })) },
          { name: "reason", label: `Reason (required for ${OUTCOMES_NEEDING_REASON.filter((value) => outcomes.includes(value)).join(", ") || "some outcomes"})`, kind: "multiline", required: false, maxLength: 2000 },
          ...(decided?.fields ?? []),
          ...removalResolveFields(view.kind),
        ],
      },
    },
  );
  return actions;
}

/** The outcomes the recipient may choose, in words, with those that need a reason marked: for the card's text. */
export function outcomesLine(view: CaseView): string {
  // A removal order not executed names its Annex III ground too (removal/feedback.ts).
  const needs = (value: string) => (view.kind === "removal-order" && value === "cannot-comply" ? " (with --ground and --reason)" : " (with --reason)");
  const outcomes = KIND_INFO[view.kind].outcomes.map((value) => `${value}${OUTCOMES_NEEDING_REASON.includes(value) ? needs(value) : ""}`);
  return `Outcomes you may choose: ${outcomes.join(", ")}: /case resolve ${view.reference} --outcome <outcome>`;
}

/** The case card: kind, reference, parties, what is asked, deadlines, TLP label and the responsible contact. */
export function renderCard(view: CaseView, now: Date, audience: "opener" | "recipient", disclosure: Disclosure = "full", timesShown = false, readerZone?: string): OutboundMessage {
  const info = KIND_INFO[view.kind];
  const title = `${info.label} ${view.reference} · TLP:${view.tlp}`;
  // When it was issued and received (TCO Art. 3(5) asks for both), in /case status; the card itself is what arrives.
  // /case status shows times in its reader's zone, named; a card sent to a thread, in the recipient's.
  const zone = readerZone ?? view.recipient.timeZone;
  const held = ["open", "acknowledged", "clarification-requested", "suspended"].includes(view.state) ? "not yet: held until it reaches the recipient" : "not recorded";
  const times: MessageField[] = timesShown
    ? [{ label: "Issued", value: formatLocal(view.openedAt, zone) }, { label: "Received", value: view.receivedAt ? formatLocal(view.receivedAt, zone) : held }]
    : [];
  if (readerZone !== undefined) times.push({ label: "Times in", value: readerZone });
  const parties: MessageField[] = [
    { label: "From", value: `${view.opener.name} [${view.opener.slug}] · ${view.openerContact.name}` },
    { label: "To", value: `${view.recipient.name} [${view.recipient.slug}]` },
    ...times,
    { label: "Responsible", value: view.responsible ? `${view.responsible.name} (${view.responsible.handle})` : "no point of contact for this topic: coordinators, please assign one" },
    { label: "Priority", value: view.priority },
    { label: "State", value: view.state },
  ];
  const asked = disclosure === "full" ? whatIsAsked(view) : [{ label: "Content", value: "TLP:RED: shown to the named people only" }];
  const deadlines = deadlineFields(view, now, zone);
  const sections = [
    { text: info.asks },
    { heading: "Parties", fields: parties },
    { heading: "What is asked", fields: asked },
    { heading: "Deadlines", fields: deadlines.length > 0 ? deadlines : [{ label: "Clock", value: "stopped" }] },
    { text: "Liaison does not judge legality and removes nothing: the people in this thread decide. Write here to reach the other party." },
  ];
  const acting = audience === "recipient" && ["open", "acknowledged", "clarification-requested", "suspended"].includes(view.state);
  const lines = [title, info.asks, ...parties.map(fieldLine), ...asked.map(fieldLine), ...deadlines.map(fieldLine), ...(acting ? [outcomesLine(view)] : [])];
  if (acting) sections.splice(sections.length - 1, 0, { text: outcomesLine(view) });
  return {
    title,
    tlp: view.tlp,
    sections,
    text: lines.join("\n"),
    ...(acting ? { actions: recipientActions(view) } : {}),
  };
}

function fieldLine(field: MessageField): string {
  return `${field.label}: ${field.value.replace(/\n/g, ", ")}`;
}

/** A short status of a case: one line with state and deadlines. */
export function statusLine(view: CaseView, now: Date, disclosure: Disclosure = "full"): string {
  const deadline = view.resolveDueAt ?? view.ackDueAt;
  const due = deadline ? ` · ${view.resolveDueAt ? "resolve" : "acknowledge"} by ${dueText(deadline, now, view.recipient.timeZone)}` : "";
  const outcome = view.outcome ? ` · ${view.outcome}` : "";
  const what = disclosure === "full" ? ` · ${view.summary}` : "";
  return `${view.reference} · ${KIND_INFO[view.kind].label} · ${view.opener.slug} → ${view.recipient.slug} · ${view.state}${outcome}${due} · TLP:${view.tlp}${what}`;
}

/** The one line that tells every party what happened (the thread update of an event). */
export function eventLine(event: Exclude<CaseEvent, { type: "opened" }>, view: CaseView): string {
  const reference = view.reference;
  switch (event.type) {
    case "acknowledged":
      return `✓ ${reference} acknowledged${view.responsible ? `; ${view.responsible.name} is responsible` : ""}.`;
    case "clarification-requested":
      return `? ${reference}: clarification requested: ${event.question}`;
    case "clarification-answered":
      return `↩ ${reference}: clarification given: ${event.answer}`;
    case "resolved":
      return `■ ${reference} resolved: ${event.outcome}${event.reason ? ` (${event.reason})` : ""}.`;
    case "closed":
      return `✓ ${reference} closed.`;
    case "withdrawn":
      return `✗ ${reference} withdrawn by the opener${event.reason ? `: ${event.reason}` : ""}.`;
    case "reopened":
      return `↻ ${reference} reopened: ${event.reason}.`;
    case "extended":
      return `⏱ ${reference}: deadline extended by ${event.inWords}${view.resolveDueAt ? `, to ${formatLocal(view.resolveDueAt, view.recipient.timeZone)}` : ""}: ${event.reason}.`;
    case "reassigned":
      return `→ ${reference}: ${event.to.name} (${event.to.handle}) is now responsible.`;
    case "suspended":
      return `⏸ ${reference} cannot be complied with for now (force majeure or de facto impossibility, TCO Art. 3(7)): ${event.grounds}. The deadline is suspended until the grounds cease.`;
    case "resumed":
      return `▶ ${reference}: the grounds have ceased; the deadline runs again in full${view.resolveDueAt ? `: resolve by ${dueText(view.resolveDueAt, view.updatedAt, view.recipient.timeZone)}` : ""}.`;
  }
}

/** The thread update of an event: what happened, and who did it. */
export function renderCaseUpdate(event: Exclude<CaseEvent, { type: "opened" }>, view: CaseView, author: CaseEventAuthor | undefined): OutboundMessage {
  const by = author ? `${author.name} (${author.organisationName})` : "Liaison";
  return { text: `${eventLine(event, view)}\n— ${by}`, tone: "info", tlp: view.tlp };
}
