// The case aggregate: a case with its two parties, its two named people and its threads, loaded once per unit of
// work (one statement for a case by id, by reference or by one of its threads, three queries for a list), and the
// writes of a case. Everything
// here runs in the caller's transaction.
import type { EventLocation, ThreadAddress } from "../core/adapter.js";
import { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";
import type { KnownCaseTlps } from "../audit/sealed.js";
import { normaliseUrl } from "../intake/routing.js";
import type { ReminderState } from "./reminders/plan.js";

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
  /**
   * Reminder steps due at or before this instant have been handled (CaseReminder.remindedUntil; null when none was):
   * what the reminders planned after a change of the case start from (reminders/plan.ts).
   */
  remindedUntil: Date | null;
}

const PERSON = { id: true, handle: true, name: true } as const;

/** The kinds of case that are European orders, whose enforcing authority is a party (Art. 8). */
const ORDER_KINDS = ["production-order", "preservation-order"] as const;

/** Column aliases of the aggregate statement: a prefix per joined row, so that no two columns share a name. */
const CASE_COLUMNS = Object.values(Prisma.CaseScalarFieldEnum);
const THREAD_COLUMNS = Object.values(Prisma.CaseThreadScalarFieldEnum);
const ORGANISATION_COLUMNS = Object.keys(ORGANISATION_FIELDS) as (keyof OrganisationRow)[];
const PERSON_COLUMNS = Object.keys(PERSON) as (keyof CasePersonRow)[];

/** `alias."column" AS "prefix_column", ...` for a joined table (names from the schema, never from input). */
function selectList(alias: string, prefix: string, columns: readonly string[]): string {
  return columns.map((column) => `${alias}."${column}" AS "${prefix}${column}"`).join(", ");
}

/** The columns of the aggregate statement: the case, its parties and people, one thread per row, and the other parties. */
const AGGREGATE_COLUMNS =
  `SELECT ${selectList("c", "c_", CASE_COLUMNS)}, ${selectList("op", "op_", ORGANISATION_COLUMNS)}, ${selectList("rc", "rc_", ORGANISATION_COLUMNS)}, ` +
  `${selectList("oc", "oc_", PERSON_COLUMNS)}, ${selectList("rp", "rp_", PERSON_COLUMNS)}, ${selectList("t", "t_", THREAD_COLUMNS)}, ` +
  // The other parties as subqueries of the case (each table has one row per case at most), not as joins: every join
  // adds to what PostgreSQL weighs when it plans the statement, which it does at each execution (7 joins: 4.3 ms of
  // planning on the benchmark's host; 5 joins and these two subqueries: 2.3 ms).
  `(SELECT e."enforcingOrgId" FROM "EvidenceOrder" e WHERE e."caseId" = c."id" AND e."enforcingOrgId" IS NOT NULL AND c."kind" IN (${ORDER_KINDS.map((kind) => `'${kind}'`).join(", ")})) AS "e_enforcingOrgId", ` +
  // TCO Art. 4(1): the authority a removal order's copy was sent to through Liaison reads the case.
  `(SELECT x."copyOrgId" FROM "TcoOrder" x WHERE x."caseId" = c."id" AND x."copyOrgId" IS NOT NULL AND c."kind" = 'removal-order') AS "x_copyOrgId", ` +
  // The case's reminder state (one row per case), for the change that plans its reminders anew.
  `(SELECT r."remindedUntil" FROM "CaseReminder" r WHERE r."caseId" = c."id") AS "r_remindedUntil" `;
/** The joins of the aggregate statement, after its case (`c`). */
const AGGREGATE_JOINS =
  `LEFT JOIN "Organisation" op ON op."id" = c."openerOrgId" ` +
  `LEFT JOIN "Organisation" rc ON rc."id" = c."recipientOrgId" ` +
  `LEFT JOIN "Contact" oc ON oc."id" = c."openerContactId" ` +
  `LEFT JOIN "Contact" rp ON rp."id" = c."responsibleContactId" ` +
  `LEFT JOIN "CaseThread" t ON t."caseId" = c."id" `;
/**
 * One statement for a case, its parties, its people, its threads, an order's enforcing authority and a removal order's
 * copy recipient: one row per thread (one with null thread columns when it has none). Portable SQL (SQLite and
 * PostgreSQL); the threads come in the order of their unique index, as a lookup by case returns them. Column types
 * come from the tables, so dates, booleans and integers arrive as the client's model queries return them.
 */
const AGGREGATE_SELECT = Prisma.raw(`${AGGREGATE_COLUMNS}FROM "Case" c ${AGGREGATE_JOINS}`);
/**
 * The aggregate statement for the case of a thread found by its place: the thread's case ids come first, as a table the
 * case is joined to. Written as `c."id" IN (SELECT ...)`, PostgreSQL joined every case to its threads and parties
 * before keeping the one asked for (485 ms at 100,000 cases, against 0.5 ms this way).
 */
function aggregateOfThreadAt(location: Pick<EventLocation, "platform" | "workspace" | "channelId" | "threadId">): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(AGGREGATE_COLUMNS)}FROM (SELECT DISTINCT "caseId" FROM "CaseThread" WHERE "platform" = ${location.platform} AND "threadId" = ${location.threadId} AND "channelId" = ${location.channelId} AND "workspace" = ${location.workspace}) hit JOIN "Case" c ON c."id" = hit."caseId" ${Prisma.raw(AGGREGATE_JOINS)}${AGGREGATE_ORDER}`;
}
const AGGREGATE_ORDER = Prisma.raw(`ORDER BY t."organisationId", t."kind", t."contactId"`);

/** The columns of one joined row of a prefix, without the prefix; undefined when the row is absent (a null id). */
function pick<T>(row: Record<string, unknown>, prefix: string, columns: readonly string[]): T | undefined {
  if (row[`${prefix}id`] === null || row[`${prefix}id`] === undefined) return undefined;
  const picked: Record<string, unknown> = {};
  for (const column of columns) picked[column] = row[`${prefix}${column}`];
  return picked as T;
}

/**
 * A date read as a subquery's column, as the model queries return it: SQLite knows no type for such a column, so its
 * driver hands the stored ISO text; PostgreSQL's is the column's own (a Date).
 */
function dateOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value as string);
}

/** Integer columns of a raw query's row as the model queries return them (a number: SQLite's driver may hand a bigint). */
export function numbers<T extends object>(row: T): T {
  for (const [key, value] of Object.entries(row)) if (typeof value === "bigint") (row as Record<string, unknown>)[key] = Number(value);
  return row;
}

/** Reads and writes cases inside one transaction. */
export class CaseRepository {
  /** The case threadAt read with its thread, until the next call (see threadAt). */
  #prefetched: CaseAggregate | undefined;

  constructor(
    private readonly db: Tx,
    /** Where the unit of work notes the TLP of each case read or made (a case's TLP never changes). */
    private readonly tlps?: KnownCaseTlps,
  ) {}

  /** The case with this id, with its parties, people and threads (one statement, or none right after threadAt). */
  async byId(id: string): Promise<CaseAggregate | undefined> {
    const prefetched = this.#prefetched;
    this.#prefetched = undefined;
    if (prefetched?.row.id === id) return prefetched;
    return this.aggregateOf(await this.db.$queryRaw<Record<string, unknown>[]>`${AGGREGATE_SELECT} WHERE c."id" = ${id} ${AGGREGATE_ORDER}`);
  }

  /** The case with this reference (upper case), with its parties, people and threads (one statement). */
  async byReference(reference: string): Promise<CaseAggregate | undefined> {
    this.#prefetched = undefined;
    return this.aggregateOf(await this.db.$queryRaw<Record<string, unknown>[]>`${AGGREGATE_SELECT} WHERE c."reference" = ${reference} ${AGGREGATE_ORDER}`);
  }

  /** The aggregate of the rows of the aggregate statement (one per thread), undefined when there are none. */
  private aggregateOf(rows: readonly Record<string, unknown>[]): CaseAggregate | undefined {
    const first = rows[0];
    if (!first) return undefined;
    const row = numbers(pick<CaseRow>(first, "c_", CASE_COLUMNS) as CaseRow);
    const opener = pick<OrganisationRow>(first, "op_", ORGANISATION_COLUMNS);
    const recipient = pick<OrganisationRow>(first, "rc_", ORGANISATION_COLUMNS);
    const openerContact = pick<CasePersonRow>(first, "oc_", PERSON_COLUMNS);
    if (!opener || !recipient || !openerContact) throw new Error(`case ${row.reference} refers to a missing organisation or contact`);
    const responsible = row.responsibleContactId ? (pick<CasePersonRow>(first, "rp_", PERSON_COLUMNS) ?? null) : null;
    const threads = rows.flatMap((joined) => {
      const thread = pick<CaseThreadRow>(joined, "t_", THREAD_COLUMNS);
      return thread ? [thread] : [];
    });
    const enforcingOrgId = first.e_enforcingOrgId;
    this.tlps?.note(row.id, row.reference, row.tlp);
    const copyOrgId = first.x_copyOrgId;
    return {
      row, threads, opener, recipient, openerContact, responsible, otherPartyOrgIds: typeof enforcingOrgId === "string" ? [enforcingOrgId] : [], readerOrgIds: typeof copyOrgId === "string" ? [copyOrgId] : [],
      remindedUntil: dateOf(first.r_remindedUntil),
    };
  }

  /** The aggregates of stored case rows (for lists): parties and people read once for all of them. */
  async complete(row: CaseRow & { threads?: CaseThreadRow[] }): Promise<CaseAggregate> {
    const [aggregate] = await this.completeAll([row]);
    if (!aggregate) throw new Error(`case ${row.reference} could not be read`);
    return aggregate;
  }

  /** The aggregates of stored case rows; parties and people read in one query each. */
  async completeAll(rows: readonly (CaseRow & { threads?: CaseThreadRow[] })[]): Promise<CaseAggregate[]> {
    this.#prefetched = undefined;
    if (rows.length === 0) return [];
    const organisationIds = [...new Set(rows.flatMap((row) => [row.openerOrgId, row.recipientOrgId]))];
    const personIds = [...new Set(rows.flatMap((row) => (row.responsibleContactId ? [row.openerContactId, row.responsibleContactId] : [row.openerContactId])))];
    // One query at a time: inside a transaction they share one connection (PostgreSQL's client queues concurrent ones).
    const organisations = await this.db.organisation.findMany({ where: { id: { in: organisationIds } }, select: ORGANISATION_FIELDS });
    const people = await this.db.contact.findMany({ where: { id: { in: personIds } }, select: PERSON });
    const organisationById = new Map(organisations.map((organisation) => [organisation.id, organisation]));
    const personById = new Map(people.map((person) => [person.id, person]));
    const ordered = rows.filter((row) => (ORDER_KINDS as readonly string[]).includes(row.kind)).map((row) => row.id);
    const enforcing = ordered.length === 0 ? [] : await this.db.evidenceOrder.findMany({ where: { caseId: { in: ordered }, enforcingOrgId: { not: null } }, select: { caseId: true, enforcingOrgId: true } });
    const enforcingOf = new Map(enforcing.map((order) => [order.caseId, order.enforcingOrgId as string]));
    // TCO Art. 4(1): the authority the copy was sent to through Liaison (a copy recorded as sent another way names none).
    const removals = rows.filter((row) => row.kind === "removal-order").map((row) => row.id);
    const copies = removals.length === 0 ? [] : await this.db.tcoOrder.findMany({ where: { caseId: { in: removals }, copyOrgId: { not: null } }, select: { caseId: true, copyOrgId: true } });
    const copyOf = new Map(copies.map((order) => [order.caseId, order.copyOrgId as string]));
    const reminders = await this.db.caseReminder.findMany({ where: { caseId: { in: rows.map((row) => row.id) } }, select: { caseId: true, remindedUntil: true } });
    const remindedUntilOf = new Map(reminders.map((reminder) => [reminder.caseId, reminder.remindedUntil]));
    return rows.map((row) => {
      const { threads, ...caseRow } = row;
      const opener = organisationById.get(row.openerOrgId);
      const recipient = organisationById.get(row.recipientOrgId);
      const openerContact = personById.get(row.openerContactId);
      if (!opener || !recipient || !openerContact) throw new Error(`case ${row.reference} refers to a missing organisation or contact`);
      const responsible = row.responsibleContactId ? (personById.get(row.responsibleContactId) ?? null) : null;
      const enforcingOrgId = enforcingOf.get(row.id);
      const copyOrgId = copyOf.get(row.id);
      this.tlps?.note(row.id, row.reference, row.tlp);
      return {
        row: caseRow as CaseRow, threads: threads ?? [], opener, recipient, openerContact, responsible, otherPartyOrgIds: enforcingOrgId ? [enforcingOrgId] : [], readerOrgIds: copyOrgId ? [copyOrgId] : [],
        remindedUntil: remindedUntilOf.get(row.id) ?? null,
      };
    });
  }

  /**
   * The case thread at a platform location, when there is one. Its case is read in the same statement, and handed to
   * the next byId of that case (a relayed message, or a command typed in a thread, reads the two one after the other);
   * any other call on this repository drops it.
   */
  async threadAt(location: Pick<EventLocation, "platform" | "workspace" | "channelId" | "threadId">): Promise<CaseThreadRow | undefined> {
    this.#prefetched = undefined;
    if (!location.threadId) return undefined;
    const rows = await this.db.$queryRaw<Record<string, unknown>[]>(aggregateOfThreadAt(location));
    const caseIds = new Set(rows.map((row) => row.c_id));
    // Thread ids are unique per channel (a Slack ts): two cases at one place would be a fault elsewhere; answer as
    // the look-up by thread always did.
    if (caseIds.size > 1) return this.threadAtByModel(location);
    const aggregate = this.aggregateOf(rows);
    const thread = aggregate?.threads.find((candidate) => candidate.platform === location.platform && candidate.threadId === location.threadId && candidate.channelId === location.channelId && candidate.workspace === location.workspace);
    if (aggregate && thread) this.#prefetched = aggregate;
    return thread;
  }

  /** The case thread at a platform location by the model query (the first of several, in the database's order). */
  private async threadAtByModel(location: Pick<EventLocation, "platform" | "workspace" | "channelId" | "threadId">): Promise<CaseThreadRow | undefined> {
    const threads = await this.db.caseThread.findMany({ where: { platform: location.platform, threadId: location.threadId } });
    return threads.find((candidate) => candidate.channelId === location.channelId && candidate.workspace === location.workspace);
  }

  /**
   * The channel threads on `platform` whose case is not closed or withdrawn, oldest case first: where people may
   * have written while Liaison was down.
   */
  async threadsToCatchUp(platform: string): Promise<ThreadAddress[]> {
    this.#prefetched = undefined;
    const rows = await this.db.caseThread.findMany({
      where: { platform, kind: "channel", threadId: { not: "" }, case: { state: { notIn: ["closed", "withdrawn"] } } },
      select: { platform: true, workspace: true, channelId: true, threadId: true },
      orderBy: [{ caseId: "asc" }, { id: "asc" }],
    });
    return rows.map((row) => ({ platform: row.platform as ThreadAddress["platform"], workspace: row.workspace, channelId: row.channelId, threadId: row.threadId }));
  }

  /** Stores a new case, its reminder state, its threads, and its URLs (normalised, for intake's de-confliction). */
  async insert(data: Prisma.CaseUncheckedCreateInput, threads: Prisma.CaseThreadCreateManyInput[], reminder: ReminderState): Promise<CaseRow> {
    this.#prefetched = undefined;
    const row = await this.db.case.create({ data });
    await this.db.caseReminder.create({ data: { caseId: row.id, ...reminder } });
    this.tlps?.note(row.id, row.reference, row.tlp);
    if (threads.length > 0) await this.db.caseThread.createMany({ data: threads });
    // A TLP:RED case's URLs stay out of the index: no card may name a case only its named people know of.
    const urlKeys = row.tlp === "RED" ? [] : caseUrlKeys(row.fields);
    if (urlKeys.length > 0) await this.db.caseUrl.createMany({ data: urlKeys.map((urlKey) => ({ urlKey, caseId: row.id, recipientOrgId: row.recipientOrgId })) });
    return row;
  }

  /**
   * Applies a change to a case unless it changed since `seen`, with its new reminder state when one is given (after
   * the case: the reminder sweep's claim locks the Case row first, then CaseReminder, so the two never wait for each
   * other in turn); returns the changed row, or undefined on a conflict.
   */
  async update(seen: CaseRow, data: Partial<CaseRow>, reminder?: ReminderState): Promise<CaseRow | undefined> {
    this.#prefetched = undefined;
    const updated = await this.db.case.updateMany({ where: { id: seen.id, state: seen.state, updatedAt: seen.updatedAt }, data });
    if (updated.count === 0) return undefined;
    if (reminder) await this.db.caseReminder.upsert({ where: { caseId: seen.id }, create: { caseId: seen.id, ...reminder }, update: reminder });
    return { ...seen, ...data };
  }

  /** Adds threads to a case. */
  async addThreads(threads: Prisma.CaseThreadCreateManyInput[]): Promise<void> {
    this.#prefetched = undefined;
    if (threads.length > 0) await this.db.caseThread.createMany({ data: threads });
  }

  /** Removes a named person's direct thread of a case. */
  async removeDirectThread(caseId: string, contactId: string): Promise<void> {
    this.#prefetched = undefined;
    await this.db.caseThread.deleteMany({ where: { caseId, kind: "direct", contactId } });
  }

  /** Stores a message a party wrote; false when this inbound event was stored before. */
  async addMessage(message: { id: string; caseId: string; fromThreadId: string; authorId: string; text: string; at: Date; inboundKey: string }): Promise<boolean> {
    this.#prefetched = undefined;
    const inserted = await this.db.$executeRaw`INSERT INTO "CaseMessage" ("id", "caseId", "fromThreadId", "authorId", "text", "at", "inboundKey") VALUES (${message.id}, ${message.caseId}, ${message.fromThreadId}, ${message.authorId}, ${message.text}, ${message.at}, ${message.inboundKey}) ON CONFLICT ("inboundKey") DO NOTHING`;
    return inserted > 0;
  }
}
