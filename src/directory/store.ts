import { newId } from "../core/ids.js";
import type { Tx } from "../store/types.js";
import type { ContactInput, OrganisationInput } from "./model.js";
import { parseCidr } from "./model.js";
import { joinList } from "./views.js";

/** Normalised lookup keys for a responsibility (see the Responsibility model). */
export function responsibilityKeys(type: "domain" | "ip" | "asn", value: string): { rangeStart: string; rangeEnd: string } {
  if (type === "ip") {
    const range = parseCidr(value);
    if (!range) throw new Error(`not a CIDR range: ${value}`);
    return { rangeStart: range.start, rangeEnd: range.end };
  }
  const key = type === "asn" ? value.toUpperCase() : value.toLowerCase();
  return { rangeStart: key, rangeEnd: key };
}

/** The words search finds an entry by: lower-cased words of its name and slug or handle, and the slug or handle itself. */
export function searchTokens(...texts: string[]): string[] {
  const tokens = new Set<string>();
  for (const text of texts) {
    const lower = text.toLowerCase();
    tokens.add(lower);
    for (const word of lower.split(/[^\p{L}\p{N}]+/u)) if (word !== "") tokens.add(word);
  }
  return [...tokens];
}

/** Replaces the search words of an organisation (contactId "") or of one of its contacts. */
export async function writeTokens(tx: Tx, organisationId: string, contactId: string, tokens: string[]): Promise<void> {
  await tx.searchToken.deleteMany({ where: { organisationId, contactId } });
  if (tokens.length > 0) await tx.searchToken.createMany({ data: tokens.map((token) => ({ token, organisationId, contactId })) });
}

/** The organisation's own fields (everything but contacts) ready to store. */
function organisationData(input: Omit<OrganisationInput, "contacts">, at: Date) {
  return {
    slug: input.slug,
    name: input.name,
    kind: input.kind,
    country: input.country,
    jurisdictions: joinList(input.jurisdictions),
    designations: joinList(input.designations),
    languages: joinList(input.languages),
    timeZone: input.timeZone,
    workingHours: input.workingHours,
    emergency24x7: input.emergency24x7,
    holidays: joinList([...input.holidays].sort()),
    publicHolidays: input.publicHolidays,
    abuseContact: input.abuseContact ?? null,
    legalPointOfContact: input.legalPointOfContact ?? null,
    updatedAt: at,
    removedAt: null,
    removedBy: null,
  };
}

/**
 * Creates or replaces an organisation's own fields, responsibilities and case channels (not its contacts), by slug.
 * Returns the organisation id.
 */
export async function writeOrganisation(tx: Tx, input: Omit<OrganisationInput, "contacts">, at: Date): Promise<string> {
  const data = organisationData(input, at);
  const existing = await tx.organisation.findUnique({ where: { slug: input.slug }, select: { id: true } });
  const id = existing?.id ?? newId();
  if (existing) {
    await tx.organisation.update({ where: { id }, data });
    await tx.responsibility.deleteMany({ where: { organisationId: id } });
    await tx.caseChannel.deleteMany({ where: { organisationId: id } });
  } else {
    await tx.organisation.create({ data: { id, ...data, createdAt: at } });
  }
  const responsibilities = [
    ...input.responsibilities.domains.map((value) => ({ type: "domain" as const, value })),
    ...input.responsibilities.ipRanges.map((value) => ({ type: "ip" as const, value })),
    ...input.responsibilities.asns.map((value) => ({ type: "asn" as const, value })),
  ];
  const seen = new Set<string>();
  for (const { type, value } of responsibilities) {
    if (seen.has(`${type}:${value}`)) continue;
    seen.add(`${type}:${value}`);
    await tx.responsibility.create({ data: { id: newId(), organisationId: id, type, value, ...responsibilityKeys(type, value) } });
  }
  await writeTokens(tx, id, "", searchTokens(input.name, input.slug));
  const topics = new Set<string>();
  for (const channel of input.channels) {
    if (topics.has(channel.topic)) continue;
    topics.add(channel.topic);
    await tx.caseChannel.create({
      data: { id: newId(), organisationId: id, topic: channel.topic, platform: channel.platform, workspace: channel.workspace, channelId: channel.channel },
    });
  }
  return id;
}

/** Creates or replaces a contact (by handle) with its roles and chat identities. Returns the contact id. */
export async function writeContact(tx: Tx, organisationId: string, input: ContactInput, at: Date): Promise<string> {
  const existing = await tx.contact.findUnique({ where: { handle: input.handle }, select: { id: true, verification: true, lastVerifiedAt: true } });
  const id = existing?.id ?? newId();
  const lastVerifiedAt = input.lastVerifiedAt ?? existing?.lastVerifiedAt ?? null;
  const data = {
    handle: input.handle,
    organisationId,
    name: input.name,
    email: input.email ?? null,
    phone: input.phone ?? null,
    languages: joinList(input.languages),
    timeZone: input.timeZone ?? null,
    coordinator: input.coordinator,
    orgAdmin: input.orgAdmin,
    lastVerifiedAt,
    verification: input.lastVerifiedAt ? "verified" : (existing?.verification ?? "pending"),
    updatedAt: at,
    removedAt: null,
    removedBy: null,
  };
  if (existing) {
    await tx.contact.update({ where: { id }, data });
    await tx.contactRole.deleteMany({ where: { contactId: id } });
    await tx.chatIdentity.deleteMany({ where: { contactId: id } });
  } else {
    await tx.contact.create({ data: { id, ...data, createdAt: at } });
  }
  if (existing) await tx.searchToken.deleteMany({ where: { contactId: id } });
  await writeTokens(tx, organisationId, id, searchTokens(input.name, input.handle));
  for (const [topic, role] of Object.entries(input.roles)) {
    await tx.contactRole.create({ data: { id: newId(), contactId: id, topic, role } });
  }
  for (const identity of input.identities) {
    await tx.chatIdentity.deleteMany({ where: { platform: identity.platform, workspace: identity.workspace, userId: identity.user } });
    await tx.chatIdentity.create({
      data: { id: newId(), contactId: id, platform: identity.platform, workspace: identity.workspace, userId: identity.user, createdAt: at },
    });
  }
  return id;
}
