// The intake card: one per open item, in the receiving organisation's intake channel (or the coordinators' intake):
// what, where, the evidence in a line, how many reports it groups, what is already open about the same thing, repeat
// offenders, and the decisions a person can take. Every text from a report is made inert and cut short here.
import type { MessageAction, OutboundMessage, Tlp } from "../core/message.js";
import { inertLine } from "../core/text.js";
import type { IntakeReport } from "./report.js";
import type { Route } from "./routing.js";

/** What is already open about the same URL, address or content. */
export interface AlreadyOpen {
  reference: string;
  since: Date;
  /** The organisation that opened the case, or the one whose intake holds the item. */
  by: string;
}

/** What the card shows. */
export interface IntakeCardInput {
  item: { reference: string; reportCount: number; firstReportedAt: Date; tlp: string };
  report: IntakeReport;
  route: Route;
  alreadyOpen: AlreadyOpen | undefined;
  repeats: { count: number; windowMs: number; threshold: number } | undefined;
}

/** A report's text on a card: inert, one line, at most `maxChars`. */
function shown(text: string, maxChars = 200): string {
  const line = inertLine(text);
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

/** "2026-12-02 14:02 UTC". */
function when(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** What the report is about, in one line. */
export function targetLine(target: IntakeReport["target"]): string {
  const parts = [
    target.url !== undefined ? shown(target.url, 300) : undefined,
    target.domain !== undefined && target.url === undefined ? shown(target.domain) : undefined,
    target.ip !== undefined ? `${shown(target.ip, 64)}${target.port !== undefined ? ` port ${target.port}` : ""}` : undefined,
    target.asn !== undefined ? `AS${target.asn}` : undefined,
    target.emailAddress !== undefined ? shown(target.emailAddress) : undefined,
  ];
  return parts.filter((part) => part !== undefined).join(" · ");
}

/** The card's buttons: each runs an /intake command as the person who pressed it. */
export function intakeActions(reference: string, open: AlreadyOpen | undefined): MessageAction[] {
  const actions: MessageAction[] = [{ id: "open", label: "Open a notice", style: "primary", command: `/intake open ${reference}` }];
  if (open && /^[A-Z]-\d{4}-\d{4}/.test(open.reference) && !open.reference.startsWith("I-")) {
    actions.push({ id: "add", label: `Add to ${open.reference}`, command: `/intake add ${reference} ${open.reference}` });
  }
  actions.push(
    {
      id: "dismiss", label: "Dismiss", style: "danger", command: `/intake dismiss ${reference}`,
      form: { title: `Dismiss ${reference}`, submitLabel: "Dismiss", fields: [{ name: "reason", label: "Why", kind: "multiline", required: true, maxLength: 2000 }] },
    },
    {
      id: "forward", label: "Forward", command: `/intake forward ${reference}`,
      form: { title: `Forward ${reference}`, submitLabel: "Forward", fields: [{ name: "organisation", label: "To (organisation slug)", kind: "text", required: true, maxLength: 64 }, { name: "reason", label: "Why", kind: "text", required: false, maxLength: 300 }] },
    },
  );
  return actions;
}

/** The card of a new intake item. */
export function intakeCard(input: IntakeCardInput): OutboundMessage {
  const { item, report, route } = input;
  const what = `${report.category}/${report.type}`;
  const evidence = report.evidence.length === 0 ? "none attached" : report.evidence.slice(0, 3).map((piece) => shown(piece.description || piece.contentType, 80)).join("; ") + (report.evidence.length > 3 ? ` (+${report.evidence.length - 3})` : "");
  const lines = [
    `Intake ${item.reference}: ${what}`,
    `Where: ${targetLine(report.target)}`,
    `Reported by: ${shown(report.reporter.organisation ?? report.reporter.name ?? "unknown")} (${report.format}), ${when(report.occurredAt)}`,
    `Summary: ${shown(report.summary, 500)}`,
    `Evidence: ${evidence}`,
    `Reports: ${item.reportCount}, since ${when(item.firstReportedAt)}`,
    `Routed: ${shown(route.reason, 300)}`,
  ];
  if (input.alreadyOpen) lines.push(`Already open as ${input.alreadyOpen.reference} (since ${when(input.alreadyOpen.since)}, by ${shown(input.alreadyOpen.by)})`);
  if (input.repeats) lines.push(`Repeat offender: ${input.repeats.count} reports about this in ${Math.round(input.repeats.windowMs / 86_400_000)} days (threshold ${input.repeats.threshold})`);
  lines.push("A person decides: open a notice, add to a case, dismiss with a reason, or forward. Liaison does not judge.");
  return {
    text: lines.join("\n"),
    title: `Intake ${item.reference}: ${what}`,
    tone: input.alreadyOpen || input.repeats ? "warning" : "info",
    actions: intakeActions(item.reference, input.alreadyOpen),
    tlp: item.tlp as Tlp,
  };
}
