// Who a case's due reminder steps reach, and with which message: pure (the sweep reads the people and threads, and
// writes what this returns). Three rules:
// - catching up: when several steps fell due at once (Liaison was down, or the sweep did not run), everyone any of
//   them would have reached is reached, once, with the latest step that addresses them, and the message says that it
//   is late and which reminders it stands for;
// - once per person: a person holding several roles on the case (responsible and backup, say, or a coordinator who
//   is also the opener) gets one message per sweep of the case, the most escalated;
// - never to nobody: a step whose audience has nobody (no responsible contact, no backup) goes to the next people
//   who can act: backup, then escalation, then the coordinators; with nobody at all it is noted in the job report.
import type { OutboundMessage } from "../../core/message.js";
import { contactStream, threadStream, type OutboxItem } from "../../outbox/outbox.js";
import { labelOf } from "../../core/job-report.js";
import type { StepAudience } from "./policy.js";
import type { StepInstance } from "./plan.js";
import { nudgeMessage, type Lateness, type NudgeCase } from "./messages.js";

/** A person a reminder may reach. */
export interface ReminderPerson {
  id: string;
  handle: string;
  name: string;
  organisationId: string;
  /** The person's own time zone, else their organisation's (the sweep fills it in). */
  timeZone: string;
  /** Not before this instant (out of the person's quiet hours), where the case's clock counts working hours. */
  notBefore?: Date;
}

/** A case thread a reminder may be posted in. */
export interface ReminderThread {
  id: string;
  organisationId: string;
  kind: string;
  title: string;
}

/** The people and threads of one due case. */
export interface CaseAudience {
  caseId: string;
  recipientOrgId: string;
  responsible: ReminderPerson | undefined;
  opener: ReminderPerson | undefined;
  backup: readonly ReminderPerson[];
  escalation: readonly ReminderPerson[];
  coordinators: readonly ReminderPerson[];
  threads: readonly ReminderThread[];
}

/** What to write for one due case. */
export interface CaseDeliveries {
  items: OutboxItem[];
  /** How each item is shown in the job report and the record ("DM → jan.jansen", a thread's title). */
  labels: Map<OutboxItem, string>;
  /** The step each item is the message of. */
  steps: Map<OutboxItem, string>;
  notes: string[];
}

/** Who takes a step's audience over when it has nobody. */
const FALLBACK: Partial<Record<StepAudience, StepAudience>> = { responsible: "backup", backup: "escalation", escalation: "coordinators", opener: "coordinators" };

function peopleOf(audience: StepAudience, who: CaseAudience): readonly ReminderPerson[] {
  switch (audience) {
    case "responsible":
      return who.responsible ? [who.responsible] : [];
    case "opener":
      return who.opener ? [who.opener] : [];
    case "backup":
      return who.backup;
    case "escalation":
      return who.escalation;
    case "coordinators":
      return who.coordinators;
    default:
      return [];
  }
}

/**
 * The messages of a case's due steps (oldest first; the last is the current one): one per person and per thread,
 * each with the latest step that addresses them, told that it is late when earlier steps were not sent in time.
 */
export function deliveriesOf(subject: NudgeCase, due: readonly StepInstance[], who: CaseAudience, now: Date): CaseDeliveries {
  const result: CaseDeliveries = { items: [], labels: new Map(), steps: new Map(), notes: [] };
  const first = due[0];
  const toRecipient = (step: StepInstance) => step.rule.to.some((audience) => audience === "responsible" || audience === "recipient-thread" || audience === "threads");
  const late: Lateness | undefined = due.length > 1 && first ? { since: first.sendAt, steps: due.map((step) => step.rule.step), reachedResponsible: due.some(toRecipient) } : undefined;
  const reached = new Set<string>();
  const messages = new Map<string, OutboundMessage>();
  const messageFor = (step: StepInstance, audience: StepAudience, timeZone: string, standsFor?: StepAudience): OutboundMessage => {
    const key = `${step.key} ${audience} ${standsFor ?? ""} ${timeZone}`;
    let message = messages.get(key);
    if (!message) messages.set(key, (message = nudgeMessage(subject, step, audience, now, { timeZone, ...(late ? { late } : {}), ...(standsFor ? { standsFor } : {}) })));
    return message;
  };
  const dm = (person: ReminderPerson, step: StepInstance, audience: StepAudience, standsFor?: StepAudience) => {
    if (reached.has(`contact:${person.id}`)) return;
    reached.add(`contact:${person.id}`);
    const item: OutboxItem = {
      streamKey: contactStream(person.id), destination: { type: "contact", contactId: person.id }, message: messageFor(step, audience, person.timeZone, standsFor),
      onceKey: `reminder:${who.caseId}:${step.key}:contact:${person.id}`, ...(person.notBefore && person.notBefore > now ? { notBefore: person.notBefore } : {}),
    };
    result.items.push(item);
    result.labels.set(item, `DM → ${person.handle}`);
    result.steps.set(item, step.rule.step);
  };
  const reach = (step: StepInstance, audience: StepAudience) => {
    if (audience === "threads" || audience === "recipient-thread") {
      for (const thread of who.threads) {
        if (audience === "recipient-thread" && thread.organisationId !== who.recipientOrgId) continue;
        if (reached.has(`thread:${thread.id}`)) continue;
        reached.add(`thread:${thread.id}`);
        const item: OutboxItem = { streamKey: threadStream(thread.id), destination: { type: "case-thread", caseThreadId: thread.id }, message: messageFor(step, audience, subject.recipient.timeZone), onceKey: `reminder:${who.caseId}:${step.key}:thread:${thread.id}` };
        result.items.push(item);
        result.labels.set(item, labelOf(thread));
        result.steps.set(item, step.rule.step);
      }
      return;
    }
    // Never a reminder to nobody: the next people who can act take the step over, told why.
    let target: StepAudience | undefined = audience;
    let people = peopleOf(target, who);
    while (people.length === 0 && target && FALLBACK[target]) {
      result.notes.push(`${subject.reference}: no ${target === "responsible" ? "responsible" : target} contact${target === "responsible" || target === "opener" ? "" : ` at ${subject.recipient.slug} for ${subject.topic}`}; ${step.rule.step} goes to the ${FALLBACK[target]} instead`);
      target = FALLBACK[target];
      people = target ? peopleOf(target, who) : [];
    }
    if (people.length === 0 || !target) {
      result.notes.push(`${subject.reference}: nobody to tell of ${step.rule.step} (${audience})`);
      return;
    }
    for (const person of people) dm(person, step, target, target === audience ? undefined : audience);
  };
  // The latest step first: a person reached by several steps gets the most escalated message, once.
  for (const step of [...due].reverse()) for (const audience of step.rule.to) reach(step, audience);
  return result;
}
