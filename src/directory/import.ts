import { appendAudit } from "../audit/log.js";
import type { Clock } from "../core/clock.js";
import { lockForWriting, type Db } from "../store/db.js";
import { organisationInputSchema, type OrganisationInput } from "./model.js";
import { readDirectoryText, type DirectoryFormat, type FileProblem } from "./file-format.js";
import { DirectoryQueries } from "./queries.js";
import { organisationToInput } from "./service.js";
import { writeContact, writeOrganisation } from "./store.js";
import { writeDirectoryText } from "./file-format.js";

/** The result of an import: what was written, or every problem (and then nothing was written). */
export type ImportResult =
  | { ok: true; organisations: { created: number; updated: number }; contacts: { created: number; updated: number } }
  | { ok: false; problems: FileProblem[] };

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
export async function importDirectory(db: Db, clock: Clock, text: string, format: DirectoryFormat, actor: { actor: string; via: string }): Promise<ImportResult> {
  const validated = validateDirectoryText(text, format);
  if (!validated.ok) return validated;
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
  if (problems.length > 0) return { ok: false, problems };
  const counts = { organisations: { created: 0, updated: 0 }, contacts: { created: 0, updated: 0 } };
  await db.$transaction(
    async (tx) => {
      await lockForWriting(tx);
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
      await appendAudit(tx, clock, { actorId: null, ...actor, action: "directory.import", subjectType: "directory", subjectId: "import", result: "ok", detail: counts });
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
  const written = counts.organisations.created + counts.organisations.updated + counts.contacts.created + counts.contacts.updated;
  if (written > ANALYZE_AFTER_RECORDS) {
    // The import is committed either way; statistics that could not be updated now are updated by the next ANALYZE.
    await analyzeDirectory(db).catch(() => undefined);
  }
  return { ok: true, ...counts };
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
