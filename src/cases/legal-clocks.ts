// The clocks the law sets, as opposed to the installation's policy. A policy (config/policy.yaml, or an agreement
// between two organisations under "pairs") may make these shorter, never longer, never paused by working hours, and
// no one extends them in a case: the regulation names the time, not the parties.
import type { CaseKind, Priority } from "./kinds.js";

/** The longest resolve time the law allows for a kind, per priority, with the article that sets it. */
export interface LegalClock {
  /** Longest time from receipt to resolution, per priority, in milliseconds ("normal" applies where one is missing). */
  resolveMs: { normal: number } & Partial<Record<Exclude<Priority, "normal">, number>>;
  /** The provision, quoted, for messages and the README. */
  source: string;
}

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** The kinds whose resolve time is the law's. */
export const LEGAL_CLOCKS: Partial<Record<CaseKind, LegalClock>> = {
  // Regulation (EU) 2021/784 (TCO), Art. 3(3): "Hosting service providers shall remove terrorist content or disable
  // access to terrorist content in all Member States as soon as possible and in any event within one hour of receipt
  // of the removal order." The hour runs around the clock: the Regulation knows no working hours.
  "removal-order": {
    resolveMs: { normal: HOUR_MS },
    source: 'TCO Regulation (EU) 2021/784 Art. 3(3): "within one hour of receipt of the removal order"',
  },
  // Regulation (EU) 2023/1543 (e-Evidence), Art. 10(3): the data are transmitted "at the latest within 10 days
  // following receipt of the EPOC" (Art. 10(2): "at the end of that 10-day period" where the enforcing authority is
  // notified); Art. 10(4) (paraphrase: wording not checked against EUR-Lex): "In emergency cases, the addressee shall
  // transmit the requested data without undue delay, at the latest within eight hours following the receipt of the EPOC".
  "production-order": {
    resolveMs: { normal: 10 * DAY_MS, emergency: 8 * HOUR_MS },
    source: "e-Evidence Regulation (EU) 2023/1543 Art. 10(2) and 10(4): within 10 days of receipt, 8 hours in emergencies",
  },
  // Wet bestuursrechtelijke aanpak online kinderpornografisch materiaal (Stb. 2024, 162), art. 6(4)(c): the ATKM's
  // order sets the term for removal, "met dien verstande dat die termijn ten hoogste twaalf uren bedraagt" (the term
  // is at most twelve hours). The order may set a shorter one (--term); see dsa/opening.ts.
  "atkm-order": {
    resolveMs: { normal: 12 * HOUR_MS },
    source: "Wet bestuursrechtelijke aanpak online kinderpornografisch materiaal (Stb. 2024, 162) art. 6(4)(c): a term of at most twelve hours",
  },
};

/** The law's longest resolve time for a kind at a priority, or undefined where the law sets none. */
export function legalResolveMs(kind: CaseKind, priority: Priority): number | undefined {
  const clock = LEGAL_CLOCKS[kind];
  if (!clock) return undefined;
  return clock.resolveMs[priority] ?? clock.resolveMs.normal;
}
