// What opening a case needs besides the service itself: the checks made before anything is written, its reference,
// its one-line summary, the recipient's responsible contact and each party's thread.
import type { Actor, ActorContact } from "../core/actor.js";
import type { Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import type { Tlp } from "../core/message.js";
import { hasDesignation, type Topic } from "../directory/model.js";
import { splitList } from "../directory/views.js";
import { nextCounterValue } from "../outbox/counter.js";
import type { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";
import { fail, ok, type Failure, type Outcome } from "../core/result.js";
import { checkOrderOpening } from "./dsa/opening.js";
import { DUPLICATE_RULES, duplicateRefusal, openDuplicates, ownDuplicates, type OpenDuplicate, type OpenDuplicates } from "./duplicates.js";
import { europeanOrderRefusal, type ISSUED_AS_EUROPEAN_ORDER } from "./eevidence/issued.js";
import { KIND_INFO, kindInSentence, parseCaseFields, type CaseFields, type CaseKind, type Priority } from "./kinds.js";
import { mayNotOpen, type CasePolicy } from "./policy.js";
import { ORGANISATION_FIELDS, type CasePersonRow } from "./repository.js";
import { advanceInformationRefusal } from "./tco/advance.js";

/** A request to open a case. */
export interface OpenCaseRequest {
  kind: CaseKind;
  recipientSlug: string;
  priority?: Priority;
  tlp?: Tlp;
  /** The kind's form, not yet validated. */
  fields: Record<string, unknown>;
  /** Set only by /eevidence order after its checks (eevidence/issued.ts). */
  issuedAs?: typeof ISSUED_AS_EUROPEAN_ORDER;
  /** A removal order issued without TCO Art. 3(2) advance information: the duly justified emergency. */
  emergencyJustification?: string;
  /**
   * Look for the URLs in open cases to the recipient before opening (/notice, /order): "check" refuses the kinds
   * whose rule is "refuse" (duplicates.ts) when the opener's organisation has such a case; "again" opens anyway,
   * deliberately, and records it. Left out, nothing is looked up (intake's cards de-conflict on their own).
   */
  duplicates?: "check" | "again";
}

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

/** The columns read of the recipient and of the opener's organisation when a case is opened (the card shows both). */
const OPENING_ORGANISATION = { ...ORGANISATION_FIELDS, removedAt: true, designations: true, legalPointOfContact: true } as const;

/** The recipient or the opener's organisation, as read when a case is opened. */
export type OpeningOrganisation = Prisma.OrganisationGetPayload<{ select: typeof OPENING_ORGANISATION }>;

/** What opening a case goes on with once every check passed: the parties, the validated form and the repeats found. */
export interface CheckedOpening {
  contact: ActorContact;
  recipient: OpeningOrganisation;
  opener: OpeningOrganisation;
  openerDesignations: string[];
  /** The kind's form, validated (and, for orders, completed by their checks). */
  fields: CaseFields;
  /** The notice claims trusted flagger status (and the opener is designated one). */
  trusted: boolean;
  /** The URLs already in open cases to the recipient, when the request asked to look. */
  repeats: OpenDuplicates | undefined;
  /** Those of the repeats opened by the opener's own organisation. */
  ownRepeats: OpenDuplicate[];
}

/** The URLs of a kind's validated form (none for the kinds without `urls`). */
function urlsOf(fields: CaseFields): string[] {
  const urls = (fields as { urls?: unknown }).urls;
  return Array.isArray(urls) ? urls.filter((url): url is string => typeof url === "string") : [];
}

/**
 * The checks made before a case is opened, in order, reading but never writing: the recipient and the opener, the
 * refusals by kind, TCO advance information, the form, trusted flagger status, and the refused repeat. Returns the
 * refusal, or what opening goes on with.
 */
export async function checkOpening(context: { db: Tx; clock: Clock; policy: CasePolicy }, actor: Actor, request: OpenCaseRequest): Promise<Outcome<CheckedOpening>> {
  const { db, clock, policy } = context;
  const contact = actor.contact;
  if (!contact) return fail("not-linked", "Only a linked contact can open a case.");
  // The recipient and the opener's own organisation in one query (the card shows both).
  const slug = request.recipientSlug.toLowerCase();
  const organisations = await db.organisation.findMany({ where: { OR: [{ slug, removedAt: null }, { id: contact.organisationId }] }, select: OPENING_ORGANISATION });
  const recipient = organisations.find((organisation) => organisation.slug === slug && organisation.removedAt === null);
  const opener = organisations.find((organisation) => organisation.id === contact.organisationId);
  const openerDesignations = splitList(opener?.designations ?? "");
  const refused = europeanOrderRefusal(request) ?? openingRefusal(policy, request.kind, { kind: contact.organisationKind, slug: contact.organisationSlug, designations: openerDesignations });
  if (refused) return refused;
  if (!recipient || !opener) return fail("not-found", `There is no organisation "${request.recipientSlug}".`, "Find it with /contacts find <name, domain or IP>.");
  if (recipient.id === contact.organisationId) return fail("bad-arguments", "A case goes to another organisation, not your own.");
  if (request.emergencyJustification !== undefined && request.kind !== "removal-order") return fail("bad-arguments", "--emergency-justification is for removal orders (TCO Art. 3(2)).");
  const notInformed = request.kind === "removal-order" ? await advanceInformationRefusal(db, { issuerOrgId: opener.id, issuerSlug: opener.slug, issuerTimeZone: opener.timeZone, providerOrgId: recipient.id, providerSlug: recipient.slug }, clock.now(), request.emergencyJustification) : undefined;
  if (notInformed) return notInformed;
  const parsed = parseCaseFields(request.kind, request.fields);
  if (!parsed.ok) return fail("bad-arguments", `The ${kindInSentence(request.kind)} is incomplete:\n${parsed.problems.join("\n")}`);
  const checked = checkOrderOpening(request.kind, parsed.fields, { ...opener, designations: openerDesignations }, { recipient, now: clock.now() });
  if (!checked.ok) return checked;
  const fields = checked.value;
  const trusted = (fields as { trustedFlagger?: boolean }).trustedFlagger === true;
  // DSA Art. 22(2): the status is awarded by a Digital Services Coordinator, so it is a designation, not a claim;
  // Art. 22(1): only providers of online platforms give trusted flaggers' notices priority.
  if (trusted && !hasDesignation(openerDesignations, "dsa-trusted-flagger")) {
    return fail("not-allowed", `${contact.organisationSlug} is not designated a trusted flagger (DSA Art. 22: the status is awarded by a Digital Services Coordinator).`, "Leave out --trusted-flagger, or ask a coordinator to record the designation: --designate dsa-trusted-flagger:<area>.");
  }
  // Before anything is written or counted: a refused repeat leaves no case, no message and only the command's record.
  const repeats = request.duplicates ? await openDuplicates(db, contact, recipient.id, urlsOf(fields)) : undefined;
  const ownRepeats = ownDuplicates(contact, repeats);
  if (ownRepeats.length > 0 && request.duplicates === "check" && DUPLICATE_RULES[request.kind] === "refuse") {
    // The openers of those cases, and the asker's own time zone (else the organisation's), in one query.
    const people = await db.contact.findMany({ where: { id: { in: [...new Set([contact.id, ...ownRepeats.map((duplicate) => duplicate.openerContactId)])] } }, select: { id: true, name: true, handle: true, timeZone: true } });
    const zone = people.find((person) => person.id === contact.id)?.timeZone || opener.timeZone;
    return duplicateRefusal(request.kind, recipient, ownRepeats, new Map(people.map((person) => [person.id, person])), zone);
  }
  return ok({ contact, recipient, opener, openerDesignations, fields, trusted, repeats, ownRepeats });
}
