// The texts of reminders and escalations, per audience. What each audience sees of the case is decided by the one
// disclosure rule (../disclosure.ts): people not named on a TLP:RED case (backup and escalation contacts,
// coordinators) and people outside its parties on a TLP:AMBER+STRICT case (coordinators of other organisations) see
// its reference and deadline only, never what it is about.
import { disclosureOf, withTlpFloor } from "../disclosure.js";
import { KIND_INFO, type CaseKind } from "../kinds.js";
import type { MessageAction, OutboundMessage, Tlp } from "../../core/message.js";
import { formatDuration, formatLocal } from "../../time/calendar.js";
import type { StepAudience } from "./policy.js";
import type { StepInstance } from "./plan.js";

/** What a reminder says about its case. */
export interface NudgeCase {
  reference: string;
  kind: CaseKind;
  state: string;
  tlp: Tlp;
  topic: string;
  summary: string;
  opener: { slug: string; name: string };
  recipient: { slug: string; name: string; timeZone: string };
  responsible: { handle: string; name: string } | null;
}

const VERB = { acknowledge: "acknowledged", resolve: "resolved" } as const;

/** Deadline texts already made, per step placed in time (a step is told to several audiences at once). */
const deadlineTexts = new WeakMap<StepInstance, { at: number; zone: string; text: string }>();

/** "resolve by 2026-11-23 21:09 CET (in 25 min)" or "was to be resolved by ... (overdue by 1 h)". */
function deadlineText(subject: NudgeCase, step: StepInstance, now: Date, timeZone: string): string {
  const known = deadlineTexts.get(step);
  if (known?.at === now.getTime() && known.zone === timeZone) return known.text;
  const text = makeDeadlineText(step, now, timeZone);
  deadlineTexts.set(step, { at: now.getTime(), zone: timeZone, text });
  return text;
}

/** Local times already formatted, by time zone and minute: a sweep formats many deadlines that fall in the same minute. */
const localTimes = new Map<string, string>();

/** formatLocal, remembered per time zone and minute. */
function localTime(at: Date, timeZone: string): string {
  const key = `${timeZone} ${Math.floor(at.getTime() / 60_000)}`;
  let text = localTimes.get(key);
  if (text === undefined) {
    if (localTimes.size > 5000) localTimes.clear();
    localTimes.set(key, (text = formatLocal(at, timeZone)));
  }
  return text;
}

function makeDeadlineText(step: StepInstance, now: Date, timeZone: string): string {
  if (step.of === "clarification") {
    return `waits for the clarification asked ${formatDuration(now.getTime() - step.deadline.getTime())} ago (at ${localTime(step.deadline, timeZone)}); its clock is stopped until it is given`;
  }
  const remainingMs = step.deadline.getTime() - now.getTime();
  const local = localTime(step.deadline, timeZone);
  return remainingMs > 0
    ? `must be ${VERB[step.of]} by ${local} (in ${formatDuration(remainingMs)})`
    : `was to be ${VERB[step.of]} by ${local}: OVERDUE${remainingMs < 0 ? ` by ${formatDuration(-remainingMs)}` : ""}`;
}

/** The buttons of a reminder to the people who can act: acknowledge (while open) and resolve. */
function actionsFor(subject: NudgeCase): MessageAction[] {
  const actions: MessageAction[] = [];
  if (subject.state === "open") actions.push({ id: "ack", label: "Acknowledge", style: "primary", command: `/case ack ${subject.reference}`, reaction: "✅" });
  actions.push({ id: "status", label: "Status", command: `/case status ${subject.reference}` });
  return actions;
}

/** Where an audience stands on the case: named on it, and within its parties (coordinators may be of any organisation). */
function standingOf(audience: StepAudience): { named: boolean; ofAParty: boolean } {
  const named = audience === "responsible" || audience === "opener" || audience === "threads" || audience === "recipient-thread";
  return { named, ofAParty: audience !== "coordinators" };
}

/** A catch-up: when the first of the steps due at once was to be sent, and their names, oldest first. */
export interface Lateness {
  since: Date;
  steps: readonly string[];
  /** Whether the late steps included reminding the recipient (then "has been reminded" would not be true). */
  reachedResponsible?: boolean;
}

/** How a reminder is written for its reader. */
export interface NudgeOptions {
  /** The reader's time zone (default: the recipient organisation's). */
  timeZone?: string;
  /** Set when the message catches up with several steps. */
  late?: Lateness;
  /** The audience the reader stands in for, when that audience has nobody (no responsible contact, no backup). */
  standsFor?: StepAudience;
}

/** The message of one step for one audience. */
export function nudgeMessage(subject: NudgeCase, step: StepInstance, audience: StepAudience, now: Date, options: NudgeOptions = {}): OutboundMessage {
  const label = KIND_INFO[subject.kind].label;
  const overdue = step.of !== "clarification" && step.deadline.getTime() <= now.getTime();
  const mark = overdue ? "⚠" : "⏰";
  const timeZone = options.timeZone ?? subject.recipient.timeZone;
  const head = `${subject.reference} (${label}, ${subject.opener.slug} → ${subject.recipient.slug}) ${deadlineText(subject, step, now, timeZone)}.`;
  const late = options.late;
  const lateLine = late ? `Late: Liaison sent no reminders for this case from ${localTime(late.since, timeZone)} until now (it was not running, or its reminders were held up); this one message stands for the ${late.steps.length} due meanwhile (${late.steps.join(", ")}).` : undefined;
  const remindedEarlier = !late || !late.reachedResponsible;
  const about = disclosureOf(withTlpFloor(subject.kind, subject.tlp), standingOf(audience)) === "full" ? `About: ${subject.summary}` : `TLP:${subject.tlp}: the content is not shown to you (${subject.tlp === "RED" ? "named people only" : "the two parties only"}).`;
  const responsible = subject.responsible ? `${subject.responsible.name} (${subject.responsible.handle})` : "nobody yet";
  const lines: string[] = [];
  switch (audience) {
    case "responsible":
      lines.push(`${mark} ${overdue ? "Overdue" : "Reminder"}: ${head}`, about, `Act on it: /case ${subject.state === "open" ? "ack" : "resolve"} ${subject.reference}`);
      break;
    case "opener":
      lines.push(`${mark} ${head}`, `Responsible at ${subject.recipient.name}: ${responsible}.`);
      if (step.of === "clarification") lines.push(`Answer it with /case answer ${subject.reference} --text "...", or withdraw the case (/case withdraw ${subject.reference}).`);
      break;
    case "threads":
    case "recipient-thread":
      lines.push(`${mark} ${overdue ? "Overdue: " : "Reminder: "}${head}`, `Responsible: ${responsible}.`);
      break;
    case "backup":
    case "escalation":
      lines.push(
        `${mark} Escalation: ${head}`,
        about,
        `You are a${audience === "backup" ? " backup" : "n escalation"} contact of ${subject.recipient.name} for ${subject.topic}; the responsible contact is ${responsible}.`,
        `Take it over with /case reassign ${subject.reference} --to <your handle>, or reach ${subject.responsible?.name ?? "your colleagues"}.`,
      );
      break;
    case "coordinators":
      lines.push(
        `${mark} Escalation to coordinators: ${head}`,
        about,
        subject.responsible
          ? remindedEarlier ? `${subject.recipient.name} has been reminded; responsible: ${responsible}.` : `${subject.recipient.name} is being told only now, with this catch-up; responsible: ${responsible}.`
          : `Nobody at ${subject.recipient.name} is responsible for it: assign someone with /case reassign ${subject.reference} --to <handle>.`,
      );
      break;
  }
  if (options.standsFor) lines.push(`You get this because the case has no ${options.standsFor === "responsible" ? "responsible contact" : `${options.standsFor} contact`} to tell.`);
  if (lateLine) lines.push(lateLine);
  return {
    text: lines.join("\n"),
    tone: overdue ? "warning" : "info",
    tlp: subject.tlp,
    ...(audience === "responsible" || audience === "backup" || audience === "escalation" ? { actions: actionsFor(subject) } : {}),
  };
}
