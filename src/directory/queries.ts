import { canonicalIdentity, type PlatformIdentity } from "../core/adapter.js";
import type { Db } from "../store/db.js";
import type { Tx } from "../store/types.js";
import type { ActorContact } from "../core/actor.js";
import { Prisma } from "../store/generated/sqlite/client.ts";
import { parseCidr, parseIp, type Topic } from "./model.js";
import { compareContacts, splitList, type ContactView, type OrganisationView } from "./views.js";

const contactInclude = {
  roles: { orderBy: { topic: "asc" } },
  identities: { orderBy: [{ platform: "asc" }, { workspace: "asc" }, { userId: "asc" }] },
  organisation: { select: { slug: true, name: true } },
} satisfies Prisma.ContactInclude;
const organisationInclude = {
  responsibilities: { orderBy: [{ type: "asc" }, { value: "asc" }] },
  channels: { orderBy: { topic: "asc" } },
  // The contacts' organisation is the one being read: not fetched again.
  contacts: { where: { removedAt: null }, include: { roles: contactInclude.roles, identities: contactInclude.identities } },
} satisfies Prisma.OrganisationInclude;

const ACTOR_COLUMNS = Prisma.raw(`SELECT c."id", c."handle", c."name", c."organisationId", o."slug" AS "organisationSlug", o."name" AS "organisationName",
  o."kind" AS "organisationKind", c."coordinator", c."orgAdmin" FROM "Contact" c JOIN "Organisation" o ON o."id" = c."organisationId"`);

type ContactRow = NonNullable<Awaited<ReturnType<Db["contact"]["findFirst"]>>> & {
  roles: { topic: string; role: string }[];
  identities: { platform: string; workspace: string; userId: string }[];
  organisation: { slug: string; name: string };
};

type OrganisationRow = NonNullable<Awaited<ReturnType<Db["organisation"]["findFirst"]>>> & {
  responsibilities: { type: string; value: string }[];
  channels: { topic: string; platform: string; workspace: string; channelId: string }[];
  contacts: Omit<ContactRow, "organisation">[];
};

/** Maps a stored contact to its view. */
export function contactView(row: ContactRow): ContactView {
  return {
    ...contactEntry(row),
    identities: row.identities.map((identity) => ({
      platform: identity.platform as ContactView["identities"][number]["platform"],
      workspace: identity.workspace,
      user: identity.userId,
    })),
  };
}

/** A stored contact with its roles, without its chat identities. */
function contactEntry(row: Omit<ContactRow, "identities">): FoundContact {
  return {
    id: row.id,
    handle: row.handle,
    name: row.name,
    organisationSlug: row.organisation.slug,
    organisationName: row.organisation.name,
    email: row.email,
    phone: row.phone,
    languages: splitList(row.languages),
    timeZone: row.timeZone,
    roles: Object.fromEntries(row.roles.map((role) => [role.topic, role.role])) as ContactView["roles"],
    coordinator: row.coordinator,
    orgAdmin: row.orgAdmin,
    lastVerifiedAt: row.lastVerifiedAt,
    verification: row.verification,
    removedAt: row.removedAt,
  };
}

/** Maps a stored organisation (with contacts) to its view. */
export function organisationView(row: OrganisationRow, topic?: Topic): OrganisationView {
  const byType = (type: string) => row.responsibilities.filter((item) => item.type === type).map((item) => item.value);
  return {
    ...organisationEntry(row),
    responsibilities: { domains: byType("domain"), ipRanges: byType("ip"), asns: byType("asn") },
    channels: row.channels.map((channel) => ({
      topic: channel.topic,
      platform: channel.platform as OrganisationView["channels"][number]["platform"],
      workspace: channel.workspace,
      channel: channel.channelId,
    })),
    contacts: row.contacts
      .map((contact) => contactView({ ...contact, organisation: { slug: row.slug, name: row.name } }))
      .sort(compareContacts(topic)),
  };
}

/** A stored organisation's own entry, without its responsibilities, channels and contacts. */
function organisationEntry(row: Omit<OrganisationRow, "responsibilities" | "channels" | "contacts">): Omit<FoundOrganisation, "contacts"> {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    kind: row.kind,
    country: row.country,
    jurisdictions: splitList(row.jurisdictions),
    designations: splitList(row.designations),
    languages: splitList(row.languages),
    timeZone: row.timeZone,
    workingHours: row.workingHours,
    emergency24x7: row.emergency24x7,
    holidays: splitList(row.holidays),
    publicHolidays: row.publicHolidays,
    abuseContact: row.abuseContact,
    legalPointOfContact: row.legalPointOfContact,
    removedAt: row.removedAt,
  };
}

/** What find needs of an organisation's contacts: their roles (not their chat identities). */
const findInclude = {
  contacts: { where: { removedAt: null }, include: { roles: contactInclude.roles } },
} satisfies Prisma.OrganisationInclude;

/** A contact as find lists it. */
export type FoundContact = Omit<ContactView, "identities">;

/** An organisation as find lists it: its entry and points of contact, without responsibilities and channels. */
export type FoundOrganisation = Omit<OrganisationView, "responsibilities" | "channels" | "contacts"> & { contacts: FoundContact[] };

/** What /contacts find looks for. */
export interface FindCriteria {
  /** Free text: a name or slug fragment, a domain, an IP address or an AS number. */
  query?: string;
  country?: string;
  kind?: string;
  topic?: Topic;
  language?: string;
  limit: number;
}

/** Organisations matching find criteria, with their contacts (only those with a role for the topic, when given). */
export interface FindResult {
  organisations: FoundOrganisation[];
  /** How the query was understood: "name", "domain", "ip", "asn", or "all". */
  matchedBy: string;
  /** True when more organisations matched than the limit. */
  more: boolean;
}

/** An organisation responsible for what was looked up, and the responsibility that matched. */
export interface ResponsibilityMatch {
  organisationId: string;
  type: "domain" | "ip" | "asn";
  /** The responsibility as written: example.com, 192.0.2.0/24, AS64500. */
  value: string;
}

/** Suffixes of a domain from itself to its registrable parts: a.b.example.com -> [a.b.example.com, b.example.com, example.com]. */
function domainSuffixes(domain: string): string[] {
  const labels = domain.split(".");
  const suffixes: string[] = [];
  for (let index = 0; index < labels.length - 1; index += 1) suffixes.push(labels.slice(index).join("."));
  return suffixes;
}

/** Reads the directory. All methods hide removed entries. */
export class DirectoryQueries {
  constructor(private readonly db: Tx) {}

  /** Finds organisations and points of contact; verified contacts first. */
  async find(criteria: FindCriteria): Promise<FindResult> {
    const text = criteria.query?.trim().toLowerCase() ?? "";
    const where: Record<string, unknown> = { removedAt: null };
    if (criteria.country) where.country = criteria.country;
    if (criteria.kind) where.kind = criteria.kind;
    let matchedBy = "all";
    const ids = new Set<string>();
    if (text !== "") {
      // An address, or a range (192.0.2.0/25): organisations whose ranges contain it or lie inside it.
      const range = text.includes("/") ? parseCidr(text) : undefined;
      const ip = range?.start ?? parseIp(text);
      const asn = /^(as)?\d{1,10}$/.test(text) ? `AS${text.replace(/^as/, "")}` : undefined;
      if (ip) {
        matchedBy = "ip";
        (await this.responsibleForIp(ip)).forEach((row) => ids.add(row.organisationId));
        if (range) {
          const inside = await this.db.responsibility.findMany({
            where: { type: "ip", rangeStart: { gt: ip, lte: range.end } },
            select: { organisationId: true },
            take: 500,
          });
          inside.forEach((row) => ids.add(row.organisationId));
        }
      } else {
        // One query both tells whether an AS number is anyone's and which organisations it is.
        const asnRows = asn ? await this.db.responsibility.findMany({ where: { type: "asn", rangeStart: asn }, select: { organisationId: true } }) : [];
        if (asnRows.length > 0) {
          matchedBy = "asn";
          asnRows.forEach((row) => ids.add(row.organisationId));
        } else {
          // A domain, or the host of a URL someone pasted (https://www.example.com:8443/some/page).
          // A fully qualified name's trailing dot (acme-hosting.example.) names the same domain.
          const host = (text.replace(/^https?:\/\//, "").split(/[/?#]/)[0] ?? text).replace(/:\d+$/, "").replace(/\.$/, "");
          if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host)) {
            const rows = await this.responsibleForDomain(host);
            rows.forEach((row) => ids.add(row.organisationId));
            if (rows.length > 0) matchedBy = "domain";
          }
          if (matchedBy !== "domain") {
            matchedBy = "name";
            for (const id of await this.nameMatches(text, criteria)) ids.add(id);
          }
        }
      }
      where.id = { in: [...ids] };
    }
    if (criteria.language) where.languages = { contains: criteria.language };
    if (criteria.topic) where.contacts = { some: { removedAt: null, roles: { some: { topic: criteria.topic } } } };
    const rows = await this.db.organisation.findMany({
      where,
      include: findInclude,
      orderBy: { name: "asc" },
      take: criteria.limit + 1,
    });
    const topic = criteria.topic;
    const organisations = rows.slice(0, criteria.limit).map((row): FoundOrganisation => {
      const contacts = row.contacts
        .map((contact) => contactEntry({ ...contact, organisation: { slug: row.slug, name: row.name } }))
        .filter((contact) => topic === undefined || contact.roles[topic] !== undefined)
        .sort(compareContacts(topic));
      return { ...organisationEntry(row), contacts };
    });
    organisations.sort((a, b) => Number(b.slug === text) - Number(a.slug === text));
    return { organisations, matchedBy, more: rows.length > criteria.limit };
  }

  /** The responsibilities for an address (32 hex digits): the ranges holding it, the narrowest first. */
  async responsibleForIp(ip: string): Promise<ResponsibilityMatch[]> {
    return (await this.responsibleForIps([ip])).get(ip) ?? [];
  }

  /**
   * The responsibilities for several addresses in one statement, by address: for each, of the 50 ranges starting
   * closest below it, those holding it, the narrowest first. Raw, portable SQL: intake routes every report through
   * here, and a raw statement costs a fraction of the model query.
   */
  async responsibleForIps(ips: readonly string[]): Promise<Map<string, ResponsibilityMatch[]>> {
    const distinct = [...new Set(ips)];
    const found = new Map<string, ResponsibilityMatch[]>();
    if (distinct.length === 0) return found;
    const nearest = distinct.map(
      (ip, index) => Prisma.sql`SELECT * FROM (SELECT CAST(${ip} AS TEXT) AS "ip", r."organisationId", r."value", r."rangeStart", r."rangeEnd"
        FROM "Responsibility" r JOIN "Organisation" o ON o."id" = r."organisationId"
        WHERE r."type" = 'ip' AND r."rangeStart" <= ${ip} AND o."removedAt" IS NULL ORDER BY r."rangeStart" DESC LIMIT 50) AS ${Prisma.raw(`"near${index}"`)}`,
    );
    const rows = await this.db.$queryRaw<{ ip: string; organisationId: string; value: string; rangeStart: string; rangeEnd: string }[]>`${Prisma.join(nearest, " UNION ALL ")}`;
    const width = (row: { rangeStart: string; rangeEnd: string }): bigint => BigInt(`0x${row.rangeEnd}`) - BigInt(`0x${row.rangeStart}`);
    for (const ip of distinct) {
      const holding = rows.filter((row) => row.ip === ip && row.rangeEnd >= ip).sort((a, b) => (width(a) < width(b) ? -1 : width(a) > width(b) ? 1 : 0));
      found.set(ip, holding.map((row) => ({ organisationId: row.organisationId, type: "ip", value: row.value })));
    }
    return found;
  }

  /** The responsibilities for a host name: the domain itself or one it is a subdomain of, the longest (closest) first. */
  async responsibleForDomain(host: string): Promise<ResponsibilityMatch[]> {
    return (await this.responsibleForDomains([host])).get(host) ?? [];
  }

  /** The responsibilities for several host names in one statement, by host name as given (see responsibleForDomain). */
  async responsibleForDomains(hosts: readonly string[]): Promise<Map<string, ResponsibilityMatch[]>> {
    const suffixesOf = new Map([...new Set(hosts)].map((host) => [host, domainSuffixes(host.toLowerCase().replace(/\.$/, ""))]));
    const all = [...new Set([...suffixesOf.values()].flat())];
    const rows = all.length === 0 ? [] : await this.db.$queryRaw<{ organisationId: string; value: string; rangeStart: string }[]>`
      SELECT r."organisationId", r."value", r."rangeStart" FROM "Responsibility" r JOIN "Organisation" o ON o."id" = r."organisationId"
      WHERE r."type" = 'domain' AND r."rangeStart" IN (${Prisma.join(all)}) AND o."removedAt" IS NULL`;
    const found = new Map<string, ResponsibilityMatch[]>();
    for (const [host, suffixes] of suffixesOf) {
      const wanted = new Set(suffixes);
      const matching = rows.filter((row) => wanted.has(row.rangeStart)).sort((a, b) => b.rangeStart.length - a.rangeStart.length);
      found.set(host, matching.map((row) => ({ organisationId: row.organisationId, type: "domain", value: row.value })));
    }
    return found;
  }

  /** The responsibilities for an AS number. */
  async responsibleForAsn(asn: number): Promise<ResponsibilityMatch[]> {
    return (await this.responsibleForAsns([asn])).get(asn) ?? [];
  }

  /** The responsibilities for several AS numbers in one statement, by number. */
  async responsibleForAsns(asns: readonly number[]): Promise<Map<number, ResponsibilityMatch[]>> {
    const distinct = [...new Set(asns)];
    const found = new Map<number, ResponsibilityMatch[]>(distinct.map((asn) => [asn, []]));
    if (distinct.length === 0) return found;
    const rows = await this.db.$queryRaw<{ organisationId: string; value: string; rangeStart: string }[]>`
      SELECT r."organisationId", r."value", r."rangeStart" FROM "Responsibility" r JOIN "Organisation" o ON o."id" = r."organisationId"
      WHERE r."type" = 'asn' AND r."rangeStart" IN (${Prisma.join(distinct.map((asn) => `AS${asn}`))}) AND o."removedAt" IS NULL`;
    for (const row of rows) found.get(Number(row.rangeStart.slice(2)))?.push({ organisationId: row.organisationId, type: "asn", value: row.value });
    return found;
  }



  /**
   * Ids of live organisations, by name, that pass the filters and of which every word of the text starts one of its
   * words or one of its contacts' words: one indexed query (the SearchToken primary key starts with the token).
   */
  private async nameMatches(text: string, criteria: FindCriteria): Promise<string[]> {
    const words = [...new Set(text.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== ""))].slice(0, 8);
    if (words.length === 0) return [];
    const conditions = [Prisma.sql`o."removedAt" IS NULL`];
    if (criteria.country) conditions.push(Prisma.sql`o."country" = ${criteria.country}`);
    if (criteria.kind) conditions.push(Prisma.sql`o."kind" = ${criteria.kind}`);
    if (criteria.language) conditions.push(Prisma.sql`o."languages" LIKE ${`%${criteria.language}%`}`);
    if (criteria.topic) {
      conditions.push(
        Prisma.sql`EXISTS (SELECT 1 FROM "Contact" c JOIN "ContactRole" r ON r."contactId" = c."id" WHERE c."organisationId" = o."id" AND c."removedAt" IS NULL AND r."topic" = ${criteria.topic})`,
      );
    }
    for (const word of words) {
      conditions.push(Prisma.sql`o."id" IN (SELECT t."organisationId" FROM "SearchToken" t WHERE t."token" >= ${word} AND t."token" < ${`${word}\uffff`})`);
    }
    const rows = await this.db.$queryRaw<{ id: string }[]>`SELECT o."id" FROM "Organisation" o WHERE ${Prisma.join(conditions, " AND ")} ORDER BY o."name" LIMIT ${criteria.limit + 1}`;
    return rows.map((row) => row.id);
  }

  /** One organisation by slug, with its contacts. */
  async organisation(slug: string): Promise<OrganisationView | undefined> {
    const row = await this.db.organisation.findFirst({ where: { slug, removedAt: null }, include: organisationInclude });
    return row ? organisationView(row) : undefined;
  }

  /** One contact by handle. */
  async contact(handle: string): Promise<ContactView | undefined> {
    const row = await this.db.contact.findFirst({ where: { handle, removedAt: null }, include: contactInclude });
    return row ? contactView(row) : undefined;
  }

  /** Every organisation (removed ones excluded), for export. */
  async all(): Promise<OrganisationView[]> {
    const rows = await this.db.organisation.findMany({ where: { removedAt: null }, include: organisationInclude, orderBy: { slug: "asc" } });
    return rows.map((row) => organisationView(row));
  }

  /** The contact linked to a chat identity, in the form permission checks use (one statement: every event asks). */
  async actorFor(raw: Pick<PlatformIdentity, "platform" | "workspace" | "userId">): Promise<ActorContact | undefined> {
    const identity = canonicalIdentity(raw);
    return this.actorWhere(Prisma.sql`${ACTOR_COLUMNS} WHERE c."id" = (SELECT i."contactId" FROM "ChatIdentity" i WHERE i."platform" = ${identity.platform} AND i."workspace" = ${identity.workspace} AND i."userId" = ${identity.userId}) AND c."removedAt" IS NULL AND o."removedAt" IS NULL`);
  }

  /** A contact in the form permission checks use, by handle. */
  actorByHandle(handle: string): Promise<ActorContact | undefined> {
    return this.actorWhere(Prisma.sql`${ACTOR_COLUMNS} WHERE c."handle" = ${handle.toLowerCase()} AND c."removedAt" IS NULL AND o."removedAt" IS NULL`);
  }

  private async actorWhere(sql: Prisma.Sql): Promise<ActorContact | undefined> {
    const rows = await this.db.$queryRaw<(Omit<ActorContact, "coordinator" | "orgAdmin"> & { coordinator: unknown; orgAdmin: unknown })[]>(sql);
    const row = rows[0];
    // SQLite has no boolean type: its rows hold 0 and 1.
    return row ? { ...row, coordinator: Boolean(row.coordinator), orgAdmin: Boolean(row.orgAdmin) } : undefined;
  }

  /** Slugs of live organisations, for suggestions. */
  async slugs(): Promise<string[]> {
    const rows = await this.db.organisation.findMany({ where: { removedAt: null }, select: { slug: true } });
    return rows.map((row) => row.slug);
  }
}
