import type { Platform } from "../core/adapter.js";
import type { Role, Topic } from "./model.js";

/** A contact as shown and exported. */
export interface ContactView {
  id: string;
  handle: string;
  name: string;
  organisationSlug: string;
  organisationName: string;
  email: string | null;
  phone: string | null;
  languages: string[];
  timeZone: string | null;
  roles: Partial<Record<Topic, Role>>;
  coordinator: boolean;
  orgAdmin: boolean;
  identities: { platform: Platform; workspace: string; user: string }[];
  lastVerifiedAt: Date | null;
  /** verified | pending | unverified */
  verification: string;
  removedAt: Date | null;
}

/** An organisation as shown and exported, with its contacts. */
export interface OrganisationView {
  id: string;
  slug: string;
  name: string;
  kind: string;
  country: string;
  jurisdictions: string[];
  /** Legal designations a coordinator granted (model.ts DESIGNATION_TYPES), e.g. "tco-competent-authority:NL". */
  designations: string[];
  languages: string[];
  timeZone: string;
  workingHours: string;
  emergency24x7: boolean;
  /** Its own closed days ("YYYY-MM-DD"), besides its country's public holidays when `publicHolidays`. */
  holidays: string[];
  publicHolidays: boolean;
  abuseContact: string | null;
  legalPointOfContact: string | null;
  responsibilities: { domains: string[]; ipRanges: string[]; asns: string[] };
  channels: { topic: string; platform: Platform; workspace: string; channel: string }[];
  contacts: ContactView[];
  removedAt: Date | null;
}

/** Splits a stored comma-separated list. */
export function splitList(text: string): string[] {
  return text === "" ? [] : text.split(",");
}

/** Joins a list for storage. */
export function joinList(items: readonly string[]): string {
  return [...new Set(items)].join(",");
}

const VERIFICATION_ORDER: Record<string, number> = { verified: 0, pending: 1, unverified: 2 };
const ROLE_ORDER: Record<string, number> = { primary: 0, backup: 1, escalation: 2 };

/** Orders contacts for display: by role for the topic (when given), verified first, then most recently verified. */
export function compareContacts(topic: Topic | undefined) {
  return (a: Pick<ContactView, "roles" | "verification" | "lastVerifiedAt" | "name">, b: Pick<ContactView, "roles" | "verification" | "lastVerifiedAt" | "name">): number => {
    if (topic) {
      const byRole = (ROLE_ORDER[a.roles[topic] ?? ""] ?? 9) - (ROLE_ORDER[b.roles[topic] ?? ""] ?? 9);
      if (byRole !== 0) return byRole;
    }
    const byState = (VERIFICATION_ORDER[a.verification] ?? 9) - (VERIFICATION_ORDER[b.verification] ?? 9);
    if (byState !== 0) return byState;
    const byDate = (b.lastVerifiedAt?.getTime() ?? 0) - (a.lastVerifiedAt?.getTime() ?? 0);
    if (byDate !== 0) return byDate;
    return a.name.localeCompare(b.name);
  };
}
