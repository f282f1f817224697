// What the TCO timers say in the case threads, to the host Member State's authority and in command replies. People's
// text (reasons, justifications) is made inert and kept on one line; times are shown in the reader's zone and UTC.
import type { OutboundMessage, Tlp } from "../../core/message.js";
import { inertLine } from "../../core/text.js";
import { formatLocal } from "../../time/calendar.js";
import { renderCard } from "../render.js";
import type { CaseView, Disclosure } from "../view.js";
import type { TcoReminder } from "./reminders.js";

/** Something that happened to an order's TCO timers, as the parties are told it. */
export type TcoUpdate =
  | { type: "copy"; to: string; mode: "sent" | "recorded"; at: Date }
  | { type: "scrutiny-requested"; by: "provider" | "content-provider"; reasons: string; dueAt: Date; host: string }
  | { type: "scrutiny-decided"; infringes: boolean; reasons: string }
  | { type: "reinstated"; at: Date }
  | { type: "preservation-extended"; until: Date; reason: string }
  | { type: "nondisclosure"; endsAt: Date; reason: string }
  | { type: "nondisclosure-extended"; endsAt: Date; reason: string };

/** Most characters of a person's text shown in a line (the record keeps it whole). */
const SHOWN_CHARS = 500;

/** A person's text as one inert line, cut at SHOWN_CHARS. */
export function shown(text: string): string {
  const line = inertLine(text);
  return line.length > SHOWN_CHARS ? `${line.slice(0, SHOWN_CHARS - 1)}…` : line;
}

/** An instant in a zone and in UTC. */
export function when(at: Date, timeZone: string): string {
  return `${formatLocal(at, timeZone)} (${at.toISOString()})`;
}

/** The line each party's thread gets. */
export function renderTcoUpdate(reference: string, update: TcoUpdate, tlp: string, timeZone: string): OutboundMessage {
  const text = ((): string => {
    switch (update.type) {
      case "copy":
        return update.mode === "sent"
          ? `${reference}: a copy of the removal order was sent to ${update.to}, the competent authority of the host Member State (TCO Art. 4(1)).`
          : `${reference}: the issuer recorded that a copy went to ${update.to} at ${when(update.at, timeZone)} (TCO Art. 4(1)).`;
      case "scrutiny-requested":
        return `${reference}: the ${update.by === "provider" ? "hosting service provider" : "content provider"} requested scrutiny of the removal order by ${update.host} (TCO Art. 4): ${shown(update.reasons)}. A decision is due by ${when(update.dueAt, timeZone)}.`;
      case "scrutiny-decided":
        return update.infringes
          ? `${reference}: the host Member State's authority found that the removal order infringes the Regulation or fundamental rights (TCO Art. 4): ${shown(update.reasons)}. The order ceases to have legal effects; the provider reinstates the content or access to it (Art. 4(7)) and records it: /tco reinstated ${reference}.`
          : `${reference}: the host Member State's authority found no infringement (TCO Art. 4): ${shown(update.reasons)}. The removal order stands.`;
      case "reinstated":
        return `${reference}: the provider reinstated the content or access to it at ${when(update.at, timeZone)} (TCO Art. 4(7)).`;
      case "preservation-extended":
        return `${reference}: the removed content and related data are to be preserved until ${when(update.until, timeZone)} at the competent authority's request (TCO Art. 6(2)): ${shown(update.reason)}.`;
      case "nondisclosure":
        return `${reference}: the issuing authority decided there is to be no disclosure to the content provider (TCO Art. 11(3)) until ${when(update.endsAt, timeZone)}: ${shown(update.reason)}. The provider does not inform the content provider of the removal until then.`;
      case "nondisclosure-extended":
        return `${reference}: the issuing authority extended the non-disclosure once by six weeks (TCO Art. 11(3)), until ${when(update.endsAt, timeZone)}: ${shown(update.reason)}.`;
    }
  })();
  return { text, tlp: tlp as Tlp };
}

/** A reminder's text. */
export function renderTcoReminder(reference: string, entry: TcoReminder, extended: boolean, tlp: string, timeZone: string): OutboundMessage {
  const deadline = when(entry.deadline, timeZone);
  const text = ((): string => {
    switch (entry.kind) {
      case "scrutiny-due-soon":
        return `${reference}: your decision on the request for scrutiny of this removal order is due by ${deadline}: within 72 hours of receiving the request (TCO Art. 4(4)). Record it: /tco scrutiny-decision ${reference} --infringes yes|no --reasons "…".`;
      case "preservation-ends-soon":
        return `${reference}: the preservation of the removed content and related data ends at ${deadline} (six months from the removal, TCO Art. 6(2)). The competent authority may ask for a further specified period, only if and as long as necessary: /tco preserve-extend ${reference} --until … --reason "…".`;
      case "preservation-ended":
        return `${reference}: the preservation period ended at ${deadline} (TCO Art. 6(2)); no further period was requested.`;
      case "nondisclosure-ends-soon":
        return extended
          ? `${reference}: the non-disclosure ends at ${deadline}; it was already extended once (TCO Art. 11(3)).`
          : `${reference}: the non-disclosure ends at ${deadline} (TCO Art. 11(3)). Where justified, it may be extended once by six weeks: /tco nondisclosure-extend ${reference} --reason "…".`;
      case "nondisclosure-ended":
        return `${reference}: the non-disclosure ended at ${deadline} (TCO Art. 11(3)). The hosting service provider may now inform the content provider of the removal (Art. 11(1)) and, on request, of the reasons (Art. 11(2)).`;
    }
  })();
  return { text, tlp: tlp as Tlp };
}

/** Who the Art. 4(1) copy goes to, and what it may show them. */
export interface TcoCopyReader {
  /** The host Member State, e.g. DE. */
  memberState: string;
  /** What the one disclosure rule (src/cases/disclosure.ts) lets the host authority see of this order. */
  disclosure: Disclosure;
  /** The host authority's zone: the times on the copy are read in it. */
  timeZone: string;
}

/**
 * The copy of a removal order to the host Member State's competent authority (TCO Art. 4(1)): the order as its card
 * shows it (the Annex I fields of src/cases/removal/render.ts, the URLs, reasons, issuer and times), read-only, with
 * what the authority may do: scrutinise (Art. 4(3)), and decide on a request for scrutiny (Art. 4(4)). A TLP:RED
 * order's card withholds the content (the disclosure rule); the copy says where the content comes from then.
 */
export function renderTcoCopy(view: CaseView, reader: TcoCopyReader, now: Date): OutboundMessage {
  const intro = `Copy of removal order ${view.reference} (TCO Art. 4(1)): you are the competent authority of ${reader.memberState}, where the hosting service provider has its main establishment or legal representative.`;
  const withheld = reader.disclosure === "full" ? [] : [`The order is TLP:RED: its content is for the people named on it only, so this copy carries its reference, state and deadlines; the issuing authority, ${view.opener.slug}, submits the content to you another way.`];
  const rights = `You may scrutinise the order (Art. 4(3)). The provider or the content provider may ask you to within 48 hours of receipt; you then decide within 72 hours of the request (Art. 4(4)): /tco scrutiny-decision ${view.reference} --infringes yes|no --reasons "…". You read the order with /case status ${view.reference} and /case history ${view.reference}; you are not a party to it.`;
  // The card as a party's thread shows it, in the reader's zone, without the recipient's buttons ("opener" audience).
  const card = renderCard(view, now, "opener", reader.disclosure, true, reader.timeZone);
  const sections = [{ text: intro }, ...withheld.map((text) => ({ text })), ...(card.sections ?? []).filter((section) => section.heading !== undefined), { text: rights }];
  return { title: `Copy: ${card.title ?? view.reference}`, tlp: view.tlp, sections, text: [intro, ...withheld, card.text, rights].join("\n") };
}

/**
 * The direct message to the host authority when the provider (for itself or the content provider) requests scrutiny
 * (TCO Art. 4(4)): who asked, their reasons where the disclosure rule shows the content, and the 72-hour deadline in
 * the reader's zone.
 */
export function renderScrutinyRequestToHost(reference: string, update: Extract<TcoUpdate, { type: "scrutiny-requested" }>, tlp: string, disclosure: Disclosure, timeZone: string): OutboundMessage {
  const who = update.by === "provider" ? "The hosting service provider" : "The content provider, through the hosting service provider,";
  const reasons = disclosure === "full" ? `: ${shown(update.reasons)}` : " (its reasons are TLP:RED, for the people named on the order only)";
  const text = `${reference}: ${who} requested your scrutiny of the removal order (TCO Art. 4(4))${reasons}. Decide within 72 hours of the request, by ${when(update.dueAt, timeZone)}: /tco scrutiny-decision ${reference} --infringes yes|no --reasons "…". Read the order with /case status ${reference}.`;
  return { text, tlp: tlp as Tlp };
}
