// What opening a case needs besides the service itself: its reference, its one-line summary, the recipient's
// responsible contact and each party's thread.
import { newId } from "../core/ids.js";
import type { Topic } from "../directory/model.js";
import { nextCounterValue } from "../outbox/counter.js";
import type { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";
import { fail, type Failure } from "../core/result.js";
import { KIND_INFO, kindInSentence, type CaseFields, type CaseKind } from "./kinds.js";
import { mayNotOpen, type CasePolicy } from "./policy.js";
import type { CasePersonRow } from "./repository.js";

/** The order in which a topic's roles are asked to take a case. */
const ROLE_ORDER = ["primary", "backup", "escalation"];

/** A short text of what a case asks, for lists (never shown for TLP:RED to people who are not named). */
export function summarise(kind: CaseKind, fields: CaseFields): string {
  const values = fields as Record<string, unknown>;
  const urls = Array.isArray(values.urls) ? (values.urls as string[]) : [];
  if (urls.length > 0) return urls.length === 1 ? (urls[0] ?? "") : `${urls[0]} and ${urls.length - 1} more`;
  const target = typeof values.target === "string" ? values.target : typeof values.reason === "string" ? values.reason : KIND_INFO[kind].label;
  return target.length > 120 ? `${target.slice(0, 117)}...` : target;
}

/** The reference of a case: prefix, year and a number, e.g. N-2026-0042. */
export async function nextReference(tx: Tx, kind: CaseKind, at: Date): Promise<string> {
  const prefix = KIND_INFO[kind].prefix;
  const year = at.getUTCFullYear();
  const number = await nextCounterValue(tx, `case:${prefix}-${year}`);
  return `${prefix}-${year}-${String(number).padStart(4, "0")}`;
}

/** A party of a new thread: its organisation, and the named people who get direct threads where needed. */
export interface ThreadParty {
  organisationId: string;
  slug: string;
  people: { id: string; handle: string }[];
}

/**
 * Each party's thread: in its case channel for the topic; by direct message to the named people when the case is
 * TLP:RED or the organisation has no case channel (the platform is chosen when it is first delivered).
 */
export async function threadRows(db: Tx, caseId: string, reference: string, tlp: string, topic: string, parties: ThreadParty[]): Promise<Prisma.CaseThreadCreateManyInput[]> {
  const rows: Prisma.CaseThreadCreateManyInput[] = [];
  const allChannels = tlp === "RED" ? [] : await db.caseChannel.findMany({ where: { organisationId: { in: parties.map((party) => party.organisationId) }, topic: { in: [topic, "*"] } } });
  for (const party of parties) {
    const channels = allChannels.filter((candidate) => candidate.organisationId === party.organisationId);
    const channel = channels.find((candidate) => candidate.topic === topic) ?? channels[0];
    if (tlp !== "RED" && channel) {
      rows.push({ id: newId(), caseId, organisationId: party.organisationId, kind: "channel", platform: channel.platform, workspace: channel.workspace, channelId: channel.channelId, title: `${reference} @ ${party.slug}` });
      continue;
    }
    for (const person of party.people) {
      rows.push({ id: newId(), caseId, organisationId: party.organisationId, kind: "direct", contactId: person.id, platform: "", channelId: "", title: `${reference} → ${person.handle}` });
    }
  }
  return rows;
}

/** The recipient's point of contact for the topic: primary before backup before escalation, verified first. */
export async function responsibleFor(db: Tx, organisationId: string, topic: Topic): Promise<CasePersonRow | undefined> {
  const roles = await db.contactRole.findMany({
    where: { topic, contact: { organisationId, removedAt: null } },
    include: { contact: { select: { id: true, handle: true, name: true, verification: true } } },
  });
  roles.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || Number(b.contact.verification === "verified") - Number(a.contact.verification === "verified"));
  if (roles[0]) return { id: roles[0].contact.id, handle: roles[0].contact.handle, name: roles[0].contact.name };
  const admin = await db.contact.findFirst({ where: { organisationId, removedAt: null, orgAdmin: true }, select: { id: true, handle: true, name: true } });
  return admin ?? undefined;
}

/**
 * Why the opener's organisation may not open a case of this kind, as the answer to give, or undefined when it may:
 * the policy's openers by organisation kind, then the designation the law asks for (TCO Art. 12(1)(a): removal orders
 * are issued by the competent authority each Member State designated; e-Evidence Art. 4: orders are issued by the
 * issuing authorities it names). A coordinator records designations.
 */
export function openingRefusal(policy: CasePolicy, kind: CaseKind, opener: { kind: string; slug: string; designations: readonly string[] }): Failure | undefined {
  const refused = mayNotOpen(policy, kind, opener);
  if (!refused) return undefined;
  if ("kind" in refused) {
    const openers = policy.kinds[kind].openers;
    return fail("not-allowed", `A ${opener.kind} organisation cannot issue ${kindInSentence(kind, "a")}.`, `Issued by: ${Array.isArray(openers) ? openers.join(", ") : "anyone"} (case policy).`);
  }
  return fail("not-allowed", `${opener.slug} is not designated ${refused.designation}: only a designated authority issues ${kindInSentence(kind, "a")}.`, `A coordinator records the designation: /contacts edit-org ${opener.slug} --designate ${refused.designation}:<Member State>.`);
}
