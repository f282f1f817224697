// The case aggregate: a case with its two parties, its two named people and its threads, loaded once per unit of
// work (three queries), and the writes of a case. Everything here runs in the caller's transaction.
import type { EventLocation, ThreadAddress } from "../core/adapter.js";
import type { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";
import { normaliseUrl } from "../intake/routing.js";

/** Most URLs of one case indexed for de-confliction. */
const CASE_URLS_INDEXED_MAX = 100;

/** The normalised URLs a case's fields name ("urls", or one "url"), each once. */
export function caseUrlKeys(fieldsJson: string): string[] {
  let fields: unknown;
  try {
    fields = JSON.parse(fieldsJson);
  } catch {
    return [];
  }
  if (typeof fields !== "object" || fields === null) return [];
  const values = fields as Record<string, unknown>;
  const urls = [...(Array.isArray(values.urls) ? values.urls : []), ...(typeof values.url === "string" ? [values.url] : [])].filter((url): url is string => typeof url === "string");
  const keys = urls.map((url) => normaliseUrl(url)).filter((key): key is string => typeof key === "string" && key.length > 0);
  return [...new Set(keys)].slice(0, CASE_URLS_INDEXED_MAX);
}

/** A stored case row. */
export type CaseRow = NonNullable<Awaited<ReturnType<Tx["case"]["findUnique"]>>>;

/** A stored case thread row. */
export type CaseThreadRow = NonNullable<Awaited<ReturnType<Tx["caseThread"]["findUnique"]>>>;

/** What a case needs of an organisation: who it is, and its calendar. */
export interface OrganisationRow {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  workingHours: string;
  /** Its calendar's closed days: the country's public holidays (unless switched off) and its own. */
  country: string;
  holidays: string;
  publicHolidays: boolean;
}

/** The organisation columns a case reads (no more: every case event reads two organisations). */
export const ORGANISATION_FIELDS = { id: true, slug: true, name: true, timeZone: true, workingHours: true, country: true, holidays: true, publicHolidays: true } as const;

/** A person named on a case. */
export interface CasePersonRow {
  id: string;
  handle: string;
  name: string;
}

/** A case with everything its views, deadlines and messages need. */
export interface CaseAggregate {
  row: CaseRow;
  threads: CaseThreadRow[];
  opener: OrganisationRow;
  recipient: OrganisationRow;
  openerContact: CasePersonRow;
  responsible: CasePersonRow | null;
  /** Parties beside the opener and the recipient: a European order's enforcing authority (Art. 8). */
  otherPartyOrgIds: string[];
  /**
   * Organisations that read the case without being a party to it, and act on it only through their own commands: the
   * host Member State's competent authority that was sent the copy of a cross-border removal order (TCO Art. 4(1),
   * TcoOrder.copyOrgId). The one place such readers are decided; CaseService.visible gives them the "reader" role.
   */
  readerOrgIds: string[];
}

const PERSON = { id: true, handle: true, name: true } as const;

/** Reads and writes cases inside one transaction. */
export class CaseRepository {
  constructor(private readonly db: Tx) {}

  /** The case with this id, with its parties, people and threads. */
  async byId(id: string): Promise<CaseAggregate | undefined> {
    const row = await this.db.case.findUnique({ where: { id }, include: { threads: true } });
    return row ? this.complete(row) : undefined;
  }

  /** The case with this reference (upper case), with its parties, people and threads. */
  async byReference(reference: string): Promise<CaseAggregate | undefined> {
    const row = await this.db.case.findUnique({ where: { reference }, include: { threads: true } });
    return row ? this.complete(row) : undefined;
  }

  /** The aggregates of stored case rows (for lists): parties and people read once for all of them. */
  async complete(row: CaseRow & { threads?: CaseThreadRow[] }): Promise<CaseAggregate> {
    const [aggregate] = await this.completeAll([row]);
    if (!aggregate) throw new Error(`case ${row.reference} could not be read`);
    return aggregate;
  }

  /** The aggregates of stored case rows; parties and people read in one query each. */
  async completeAll(rows: readonly (CaseRow & { threads?: CaseThreadRow[] })[]): Promise<CaseAggregate[]> {
    if (rows.length === 0) return [];
    const organisationIds = [...new Set(rows.flatMap((row) => [row.openerOrgId, row.recipientOrgId]))];
    const personIds = [...new Set(rows.flatMap((row) => (row.responsibleContactId ? [row.openerContactId, row.responsibleContactId] : [row.openerContactId])))];
    // One query at a time: inside a transaction they share one connection (PostgreSQL's client queues concurrent ones).
    const organisations = await this.db.organisation.findMany({ where: { id: { in: organisationIds } }, select: ORGANISATION_FIELDS });
    const people = await this.db.contact.findMany({ where: { id: { in: personIds } }, select: PERSON });
    const organisationById = new Map(organisations.map((organisation) => [organisation.id, organisation]));
    const personById = new Map(people.map((person) => [person.id, person]));
    const ordered = rows.filter((row) => row.kind === "production-order" || row.kind === "preservation-order").map((row) => row.id);
    const enforcing = ordered.length === 0 ? [] : await this.db.evidenceOrder.findMany({ where: { caseId: { in: ordered }, enforcingOrgId: { not: null } }, select: { caseId: true, enforcingOrgId: true } });
    const enforcingOf = new Map(enforcing.map((order) => [order.caseId, order.enforcingOrgId as string]));
    // TCO Art. 4(1): the authority the copy was sent to through Liaison (a copy recorded as sent another way names none).
    const removals = rows.filter((row) => row.kind === "removal-order").map((row) => row.id);
    const copies = removals.length === 0 ? [] : await this.db.tcoOrder.findMany({ where: { caseId: { in: removals }, copyOrgId: { not: null } }, select: { caseId: true, copyOrgId: true } });
    const copyOf = new Map(copies.map((order) => [order.caseId, order.copyOrgId as string]));
    return rows.map((row) => {
      const { threads, ...caseRow } = row;
      const opener = organisationById.get(row.openerOrgId);
      const recipient = organisationById.get(row.recipientOrgId);
      const openerContact = personById.get(row.openerContactId);
      if (!opener || !recipient || !openerContact) throw new Error(`case ${row.reference} refers to a missing organisation or contact`);
      const responsible = row.responsibleContactId ? (personById.get(row.responsibleContactId) ?? null) : null;
      const enforcingOrgId = enforcingOf.get(row.id);
      const copyOrgId = copyOf.get(row.id);
      return { row: caseRow as CaseRow, threads: threads ?? [], opener, recipient, openerContact, responsible, otherPartyOrgIds: enforcingOrgId ? [enforcingOrgId] : [], readerOrgIds: copyOrgId ? [copyOrgId] : [] };
    });
  }

  /** The case thread at a platform location, when there is one. */
  async threadAt(location: Pick<EventLocation, "platform" | "workspace" | "channelId" | "threadId">): Promise<CaseThreadRow | undefined> {
    if (!location.threadId) return undefined;
    const threads = await this.db.caseThread.findMany({ where: { platform: location.platform, threadId: location.threadId } });
    // Thread ids are unique per channel (a Slack ts), so the channel decides.
    return threads.find((candidate) => candidate.channelId === location.channelId && candidate.workspace === location.workspace);
  }

  /**
   * The channel threads on `platform` whose case is not closed or withdrawn, oldest case first: where people may
   * have written while Liaison was down.
   */
  async threadsToCatchUp(platform: string): Promise<ThreadAddress[]> {
    const rows = await this.db.caseThread.findMany({
      where: { platform, kind: "channel", threadId: { not: "" }, case: { state: { notIn: ["closed", "withdrawn"] } } },
      select: { platform: true, workspace: true, channelId: true, threadId: true },
      orderBy: [{ caseId: "asc" }, { id: "asc" }],
    });
    return rows.map((row) => ({ platform: row.platform as ThreadAddress["platform"], workspace: row.workspace, channelId: row.channelId, threadId: row.threadId }));
  }

  /** Stores a new case, its threads, and its URLs (normalised, for intake's de-confliction). */
  async insert(data: Prisma.CaseUncheckedCreateInput, threads: Prisma.CaseThreadCreateManyInput[]): Promise<CaseRow> {
    const row = await this.db.case.create({ data });
    if (threads.length > 0) await this.db.caseThread.createMany({ data: threads });
    // A TLP:RED case's URLs stay out of the index: no card may name a case only its named people know of.
    const urlKeys = row.tlp === "RED" ? [] : caseUrlKeys(row.fields);
    if (urlKeys.length > 0) await this.db.caseUrl.createMany({ data: urlKeys.map((urlKey) => ({ urlKey, caseId: row.id, recipientOrgId: row.recipientOrgId })) });
    return row;
  }

  /** Applies a change to a case unless it changed since `seen`; returns the changed row, or undefined on a conflict. */
  async update(seen: CaseRow, data: Partial<CaseRow>): Promise<CaseRow | undefined> {
    const updated = await this.db.case.updateMany({ where: { id: seen.id, state: seen.state, updatedAt: seen.updatedAt }, data });
    return updated.count === 0 ? undefined : { ...seen, ...data };
  }

  /** Adds threads to a case. */
  async addThreads(threads: Prisma.CaseThreadCreateManyInput[]): Promise<void> {
    if (threads.length > 0) await this.db.caseThread.createMany({ data: threads });
  }

  /** Removes a named person's direct thread of a case. */
  async removeDirectThread(caseId: string, contactId: string): Promise<void> {
    await this.db.caseThread.deleteMany({ where: { caseId, kind: "direct", contactId } });
  }

  /** Stores a message a party wrote; false when this inbound event was stored before. */
  async addMessage(message: { id: string; caseId: string; fromThreadId: string; authorId: string; text: string; at: Date; inboundKey: string }): Promise<boolean> {
    const inserted = await this.db.$executeRaw`INSERT INTO "CaseMessage" ("id", "caseId", "fromThreadId", "authorId", "text", "at", "inboundKey") VALUES (${message.id}, ${message.caseId}, ${message.fromThreadId}, ${message.authorId}, ${message.text}, ${message.at}, ${message.inboundKey}) ON CONFLICT ("inboundKey") DO NOTHING`;
    return inserted > 0;
  }
}
