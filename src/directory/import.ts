import { appendAudit } from "../audit/log.js";
import type { RecordKeys } from "../audit/keys.js";
import { ACTIVE_STATES } from "../cases/lifecycle.js";
import type { Clock } from "../core/clock.js";
import type { FailureCode } from "../core/result.js";
import { lockForWriting, type Db } from "../store/db.js";
import type { Tx } from "../store/types.js";
import { organisationInputSchema, type OrganisationInput } from "./model.js";
import { readDirectoryText, type DirectoryFormat, type FileProblem } from "./file-format.js";
import { DirectoryQueries } from "./queries.js";
import { organisationToInput } from "./service.js";
import { writeContact, writeOrganisation } from "./store.js";
import { writeDirectoryText } from "./file-format.js";

/** A contact an import moved from one organisation to another. */
export interface ImportMove {
  handle: string;
  fromSlug: string;
  toSlug: string;
}

/** What an import did: counts of what it wrote, the removed entries it brought back, and the contacts it moved. */
export interface ImportSummary {
  ok: true;
  organisations: { created: number; updated: number };
  contacts: { created: number; updated: number };
  /** Slugs and handles of removed entries brought back (only with restoreRemoved). */
  restored: { organisations: string[]; contacts: string[] };
  moved: ImportMove[];
}

/**
 * The result of an import: what was written, or every problem (and then nothing was written) with a code:
 * invalid-input for a file that is bad, conflict for a file the directory's state refuses (an identity linked to
 * someone else, a removed entry brought back without restoreRemoved, a contact moved while named on an open case).
 */
export type ImportResult = ImportSummary | { ok: false; code: FailureCode; problems: FileProblem[] };

/** How an import treats entries the directory has removed. */
export interface ImportOptions {
  /** Bring back organisations and contacts that were removed; without it an import that names one is refused. */
  restoreRemoved?: boolean;
}

/** Validates every record of a directory file; returns the organisations or every problem found. */
export function validateDirectoryText(text: string, format: DirectoryFormat): { ok: true; organisations: OrganisationInput[] } | { ok: false; problems: FileProblem[] } {
  const read = readDirectoryText(text, format);
  if ("problems" in read) return { ok: false, problems: read.problems };
  const problems: FileProblem[] = [];
  const organisations: OrganisationInput[] = [];
  const slugs = new Map<string, number>();
  const handles = new Map<string, number>();
  const identities = new Map<string, string>();
  for (const record of read.records) {
    const where = { record: record.record, ...(record.line !== undefined ? { line: record.line } : {}) };
    const parsed = organisationInputSchema.safeParse(record.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.join(".");
        const slug = typeof record.value === "object" && record.value !== null ? String((record.value as { slug?: unknown }).slug ?? "") : "";
        const contactIndex = issue.path[0] === "contacts" && typeof issue.path[1] === "number" ? issue.path[1] : undefined;
        const contactLine = contactIndex !== undefined ? record.contactLines?.[contactIndex] : undefined;
        problems.push({ ...where, ...(contactLine !== undefined ? { line: contactLine } : {}), message: `${slug ? `${slug}: ` : ""}${path ? `${path}: ` : ""}${issue.message}` });
      }
      continue;
    }
    const organisation = parsed.data;
    const firstSlug = slugs.get(organisation.slug);
    if (firstSlug !== undefined) problems.push({ ...where, message: `${organisation.slug}: the same slug is already used by record ${firstSlug}` });
    slugs.set(organisation.slug, record.record);
    for (const contact of organisation.contacts) {
      const firstHandle = handles.get(contact.handle);
      if (firstHandle !== undefined) problems.push({ ...where, message: `${organisation.slug}: contact ${contact.handle} appears twice (also in record ${firstHandle})` });
      handles.set(contact.handle, record.record);
      for (const identity of contact.identities) {
        const key = `${identity.platform}:${identity.workspace}:${identity.user}`;
        const owner = identities.get(key);
        if (owner !== undefined && owner !== contact.handle) problems.push({ ...where, message: `${organisation.slug}: identity ${key} is given to both ${owner} and ${contact.handle}` });
        identities.set(key, contact.handle);
      }
    }
    organisations.push(organisation);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, organisations };
}

/** An import that writes more organisations and contacts than this is followed by analyzeDirectory. */
export const ANALYZE_AFTER_RECORDS = 100;

/** The tables an import writes (besides its one audit entry). */
const DIRECTORY_TABLES = ["Organisation", "Responsibility", "CaseChannel", "Contact", "ContactRole", "ChatIdentity", "SearchToken"] as const;

/**
 * Brings the query planner's statistics of the directory's tables up to date: `ANALYZE "<table>"` for each, the same
 * statement on SQLite and PostgreSQL (SQLite takes one table per statement), outside any transaction.
 */
export async function analyzeDirectory(db: Db): Promise<void> {
  for (const table of DIRECTORY_TABLES) await db.$executeRawUnsafe(`ANALYZE "${table}"`);
}

/**
 * Imports a directory file: validates every record first and writes nothing if any is bad; otherwise upserts
 * organisations by slug and contacts by handle, in one transaction, recorded in the audit log. After a large import
 * (more than ANALYZE_AFTER_RECORDS records written) the planner's statistics are brought up to date, so that the
 * next directory queries are planned for the new sizes.
 */
export async function importDirectory(
  db: Db,
  clock: Clock,
  keys: RecordKeys,
  text: string,
  format: DirectoryFormat,
  actor: { actor: string; via: string },
  options: ImportOptions = {},
): Promise<ImportResult> {
  const validated = validateDirectoryText(text, format);
  if (!validated.ok) return { ok: false, code: "invalid-input", problems: validated.problems };
  const existingIdentities = await db.chatIdentity.findMany({ include: { contact: { select: { handle: true } } } });
  const problems: FileProblem[] = [];
  const fileHandles = new Set(validated.organisations.flatMap((organisation) => organisation.contacts.map((contact) => contact.handle)));
  for (const [index, organisation] of validated.organisations.entries()) {
    for (const contact of organisation.contacts) {
      for (const identity of contact.identities) {
        const taken = existingIdentities.find((row) => row.platform === identity.platform && row.workspace === identity.workspace && row.userId === identity.user);
        if (taken && taken.contact.handle !== contact.handle && !fileHandles.has(taken.contact.handle)) {
          problems.push({ record: index + 1, message: `${organisation.slug}: identity ${identity.platform}:${identity.workspace}:${identity.user} of ${contact.handle} is already linked to ${taken.contact.handle}` });
        }
      }
    }
  }
  if (problems.length > 0) return { ok: false, code: "conflict", problems };
  const counts = { organisations: { created: 0, updated: 0 }, contacts: { created: 0, updated: 0 } };
  let checked: DirectoryCheck | undefined;
  await db.$transaction(
    async (tx) => {
      await lockForWriting(tx);
      // Checked under the write lock, so that no removal or case opened meanwhile slips past; refused, nothing is written.
      checked = await checkAgainstDirectory(tx, validated.organisations, options);
      if (checked.problems.length > 0) return;
      const at = clock.now();
      for (const organisation of validated.organisations) {
        const existed = await tx.organisation.findUnique({ where: { slug: organisation.slug }, select: { id: true } });
        const id = await writeOrganisation(tx, organisation, at);
        counts.organisations[existed ? "updated" : "created"] += 1;
        for (const contact of organisation.contacts) {
          const contactExisted = await tx.contact.findUnique({ where: { handle: contact.handle }, select: { id: true } });
          await writeContact(tx, id, contact, at);
          counts.contacts[contactExisted ? "updated" : "created"] += 1;
        }
      }
      const detail = { ...counts, restored: checked.restored, moved: checked.moved };
      await appendAudit(tx, clock, keys, { actorId: null, ...actor, action: "directory.import", subjectType: "directory", subjectId: "import", result: "ok", detail });
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
  if (!checked) throw new Error("the import's transaction ended without checking the directory");
  if (checked.problems.length > 0) return { ok: false, code: "conflict", problems: checked.problems };
  const written = counts.organisations.created + counts.organisations.updated + counts.contacts.created + counts.contacts.updated;
  if (written > ANALYZE_AFTER_RECORDS) {
    // The import is committed either way; statistics that could not be updated now are updated by the next ANALYZE.
    await analyzeDirectory(db).catch(() => undefined);
  }
  return { ok: true, ...counts, restored: checked.restored, moved: checked.moved };
}

/** What the directory's state says of a valid file: what it refuses, and what it would restore and move. */
interface DirectoryCheck {
  problems: FileProblem[];
  restored: { organisations: string[]; contacts: string[] };
  moved: ImportMove[];
}

/**
 * Compares a valid file with the directory: a removed organisation or contact named in it is refused unless
 * restoreRemoved is given (then it is listed as restored); a contact moved to another organisation is refused while
 * it is named on an active case (as its opener or responsible contact, or in a direct thread), each case listed.
 */
async function checkAgainstDirectory(tx: Tx, organisations: OrganisationInput[], options: ImportOptions): Promise<DirectoryCheck> {
  const check: DirectoryCheck = { problems: [], restored: { organisations: [], contacts: [] }, moved: [] };
  const slugs = organisations.map((organisation) => organisation.slug);
  const handles = organisations.flatMap((organisation) => organisation.contacts.map((contact) => contact.handle));
  const existingOrganisations = await tx.organisation.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true, removedAt: true } });
  const existingContacts = await tx.contact.findMany({
    where: { handle: { in: handles } },
    select: { id: true, handle: true, removedAt: true, organisation: { select: { id: true, slug: true } } },
  });
  const organisationBySlug = new Map(existingOrganisations.map((organisation) => [organisation.slug, organisation]));
  const contactByHandle = new Map(existingContacts.map((contact) => [contact.handle, contact]));
  const day = (at: Date) => at.toISOString().slice(0, 10);
  const RESTORE_HINT = "give restore-removed (liaison directory import --restore-removed) to bring it back";
  const moves: { record: number; contactId: string; move: ImportMove }[] = [];
  for (const [index, organisation] of organisations.entries()) {
    const record = index + 1;
    const existing = organisationBySlug.get(organisation.slug);
    if (existing?.removedAt) {
      if (options.restoreRemoved) check.restored.organisations.push(organisation.slug);
      else check.problems.push({ record, message: `${organisation.slug}: this organisation was removed on ${day(existing.removedAt)}; ${RESTORE_HINT}` });
    }
    for (const contact of organisation.contacts) {
      const row = contactByHandle.get(contact.handle);
      if (!row) continue;
      if (row.removedAt) {
        if (options.restoreRemoved) check.restored.contacts.push(contact.handle);
        else check.problems.push({ record, message: `${organisation.slug}: contact ${contact.handle} was removed on ${day(row.removedAt)}; ${RESTORE_HINT}` });
      }
      if (row.organisation.slug !== organisation.slug) moves.push({ record, contactId: row.id, move: { handle: contact.handle, fromSlug: row.organisation.slug, toSlug: organisation.slug } });
    }
  }
  if (moves.length > 0) {
    const ids = moves.map((entry) => entry.contactId);
    const cases = await tx.case.findMany({
      where: {
        state: { in: [...ACTIVE_STATES] },
        OR: [{ openerContactId: { in: ids } }, { responsibleContactId: { in: ids } }, { threads: { some: { kind: "direct", contactId: { in: ids } } } }],
      },
      select: { reference: true, openerContactId: true, responsibleContactId: true, threads: { where: { kind: "direct" }, select: { contactId: true } } },
      orderBy: { reference: "asc" },
    });
    for (const { record, contactId, move } of moves) {
      const named = cases.filter(
        (row) => row.openerContactId === contactId || row.responsibleContactId === contactId || row.threads.some((thread) => thread.contactId === contactId),
      );
      if (named.length === 0) {
        check.moved.push(move);
        continue;
      }
      const references = named.map((row) => row.reference).join(", ");
      check.problems.push({
        record,
        message: `${move.toSlug}: contact ${move.handle} cannot move from ${move.fromSlug} while named on open case(s) ${references}; close them or hand them to someone else first`,
      });
    }
  }
  return check;
}

/** Exports the whole directory (removed entries excluded) in a format import reads back. */
export async function exportDirectory(db: Db, format: DirectoryFormat): Promise<string> {
  const organisations = await new DirectoryQueries(db).all();
  return writeDirectoryText(organisations.map(organisationToInput), format);
}

/** One line per problem: "record 3 (line 41): acme: contacts.0.email: Invalid email address". */
export function formatFileProblem(problem: FileProblem): string {
  const where = [problem.record !== undefined ? `record ${problem.record}` : "", problem.line !== undefined ? `line ${problem.line}` : ""].filter(Boolean);
  return `${where.length > 0 ? `${where.join(", ")}: ` : ""}${problem.message}`;
}
