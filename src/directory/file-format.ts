import { parse as parseCsv } from "csv-parse/sync";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { spreadsheetCellValue, spreadsheetSafeCell } from "../core/csv-cells.js";
import { isMap, isSeq, LineCounter, parseDocument, stringify as stringifyYaml } from "yaml";
import type { z } from "zod";
import type { organisationInputSchema } from "./model.js";

/** Formats a directory file can be written in. */
export type DirectoryFormat = "yaml" | "json" | "csv";

/** One organisation record read from a file, not yet validated, with where it starts. */
export interface RawRecord {
  /** 1-based position of the record in the file (the organisation's index). */
  record: number;
  /** 1-based line where the record starts, when the format has lines that mean something. */
  line?: number;
  value: unknown;
  /** For CSV: the line of each contact row, in order, so problems can name the row. */
  contactLines?: number[];
}

/** A problem found while reading or validating a file. */
export interface FileProblem {
  record?: number;
  line?: number;
  message: string;
}

/** Guesses the format from a file name. */
export function formatFromName(name: string): DirectoryFormat | undefined {
  if (/\.ya?ml$/i.test(name)) return "yaml";
  if (/\.json$/i.test(name)) return "json";
  if (/\.csv$/i.test(name)) return "csv";
  return undefined;
}

/** Reads a directory file's organisations as raw records (or says why the file cannot be read at all). */
export function readDirectoryText(withMark: string, format: DirectoryFormat): { records: RawRecord[] } | { problems: FileProblem[] } {
  // A UTF-8 byte-order mark, as Windows editors and spreadsheets write it, is not part of the text.
  const text = withMark.startsWith("\uFEFF") ? withMark.slice(1) : withMark;
  if (format === "csv") return readCsv(text);
  if (format === "json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { problems: [{ message: `not valid JSON: ${(error as Error).message}` }] };
    }
    const versionProblem = unknownVersion(parsed);
    if (versionProblem) return { problems: [versionProblem] };
    const list = topLevelList(parsed);
    if (!list) return { problems: [{ message: 'expected an object with an "organisations" list (or a list of organisations)' }] };
    return { records: list.map((value, index) => ({ record: index + 1, value })) };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    return { problems: doc.errors.map((error) => ({ ...(error.linePos ? { line: error.linePos[0].line } : {}), message: `not valid YAML: ${error.message.split("\n")[0]}` })) };
  }
  const root = doc.contents;
  const versionProblem = unknownVersion(doc.toJS());
  if (versionProblem) {
    const versionNode = isMap(root) ? root.items.find((pair) => (pair.key as { value?: unknown } | null)?.value === "version") : undefined;
    const range = (versionNode?.key as { range?: [number, number, number] } | null | undefined)?.range;
    return { problems: [{ ...(range ? { line: lines.linePos(range[0]).line } : {}), ...versionProblem }] };
  }
  const list = topLevelList(doc.toJS());
  if (!list) return { problems: [{ message: 'expected a mapping with an "organisations" list (or a list of organisations)' }] };
  const seq = isMap(root) ? root.get("organisations", true) : root;
  const items = isSeq(seq) ? seq.items : [];
  return {
    records: list.map((value, index) => {
      const node = items[index] as { range?: [number, number, number] } | undefined;
      const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
      // Each contact's own line, so that a problem in a contact points at it.
      const contacts = isMap(node) ? node.get("contacts", true) : undefined;
      const contactLines = isSeq(contacts)
        ? contacts.items.map((item) => {
            const range = (item as { range?: [number, number, number] } | null)?.range;
            return range ? lines.linePos(range[0]).line : (line ?? 1);
          })
        : undefined;
      return { record: index + 1, ...(line !== undefined ? { line } : {}), ...(contactLines ? { contactLines } : {}), value };
    }),
  };
}

/** The version of the file format this Liaison writes and reads. */
export const DIRECTORY_FILE_VERSION = 1;

/** A file that names a version other than the one this Liaison reads (a file without one is read as version 1). */
function unknownVersion(parsed: unknown): FileProblem | undefined {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !("version" in parsed)) return undefined;
  const version = (parsed as { version: unknown }).version;
  if (version === DIRECTORY_FILE_VERSION) return undefined;
  const shown = typeof version === "number" ? String(version) : JSON.stringify(version) ?? String(version);
  return {
    message: `version: this file says version ${shown.slice(0, 40)}, and this Liaison reads version ${DIRECTORY_FILE_VERSION} only: export the directory again with this Liaison, or write "version: ${DIRECTORY_FILE_VERSION}"`,
  };
}

function topLevelList(parsed: unknown): unknown[] | undefined {
  if (Array.isArray(parsed)) return parsed;
  if (typeof parsed === "object" && parsed !== null && "organisations" in parsed) {
    const list = (parsed as { organisations: unknown }).organisations;
    return Array.isArray(list) ? list : undefined;
  }
  return undefined;
}

/** CSV columns: one row per contact, organisation fields repeated (an organisation without contacts has one row). */
export const CSV_COLUMNS = [
  "org_slug", "org_name", "org_kind", "org_country", "org_jurisdictions", "org_designations", "org_languages", "org_time_zone",
  "org_working_hours", "org_emergency_24x7", "org_holidays", "org_public_holidays", "org_abuse_contact", "org_legal_point_of_contact", "org_domains",
  "org_ip_ranges", "org_asns", "org_channels", "contact_handle", "contact_name", "contact_email", "contact_phone",
  "contact_languages", "contact_time_zone", "contact_roles", "contact_coordinator", "contact_org_admin",
  "contact_identities", "contact_last_verified_at",
] as const;

const ORG_COLUMNS = CSV_COLUMNS.filter((column) => column.startsWith("org_"));

const split = (cell: string | undefined) => (cell ?? "").split(";").map((item) => item.trim()).filter(Boolean);
const bool = (cell: string | undefined) => (/^(true|yes|1)$/i.test(cell ?? "") ? true : /^(false|no|0|)$/i.test(cell ?? "") ? false : cell);

/** "platform:workspace:user" (the user part may itself contain colons, as Matrix ids do). */
function parseIdentity(text: string): unknown {
  const [platform, workspace, ...user] = text.split(":");
  return { platform, workspace: workspace ?? "", user: user.join(":") };
}

/** "topic=platform:workspace:channel". */
function parseChannel(text: string): unknown {
  const [topic, rest] = text.includes("=") ? text.split("=", 2) : ["*", text];
  const [platform, workspace, ...channel] = (rest ?? "").split(":");
  return { topic, platform, workspace: workspace ?? "", channel: channel.join(":") };
}

function readCsv(text: string): { records: RawRecord[] } | { problems: FileProblem[] } {
  let rows: Record<string, string>[];
  let lines: number[];
  try {
    // Line endings are made "\n" so that csv-parse counts lines right; a row's first line is its last line minus the
    // line breaks inside its quoted cells (rows may span lines, and blank lines are skipped).
    const parsed = parseCsv(text.replace(/\r\n?/g, "\n"), { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true }) as {
      record: Record<string, string>;
      info: { lines: number };
    }[];
    rows = parsed.map((row) => Object.fromEntries(Object.entries(row.record).map(([column, cell]) => [column, spreadsheetCellValue(cell)])));
    lines = parsed.map((row) => row.info.lines - Object.values(row.record).reduce((count, cell) => count + (cell.match(/\n/g)?.length ?? 0), 0));
  } catch (error) {
    return { problems: [{ message: `not valid CSV: ${(error as Error).message}` }] };
  }
  const header = Object.keys(rows[0] ?? {});
  const unknown = header.filter((column) => !(CSV_COLUMNS as readonly string[]).includes(column));
  const missing = ["org_slug", "org_name", "org_kind", "org_country", "org_time_zone"].filter((column) => rows.length > 0 && !header.includes(column));
  if (unknown.length > 0 || missing.length > 0) {
    return {
      problems: [
        ...unknown.map((column) => ({ line: 1, message: `unknown column "${column}" (columns: ${CSV_COLUMNS.join(", ")})` })),
        ...missing.map((column) => ({ line: 1, message: `missing column "${column}"` })),
      ],
    };
  }
  const records: RawRecord[] = [];
  const bySlug = new Map<string, { record: RawRecord; orgKey: string; contacts: unknown[] }>();
  const problems: FileProblem[] = [];
  rows.forEach((row, index) => {
    const line = lines[index] ?? index + 2;
    const slug = (row.org_slug ?? "").toLowerCase();
    const orgKey = ORG_COLUMNS.map((column) => row[column] ?? "").join("\u0000");
    let entry = bySlug.get(slug);
    if (!entry) {
      const value = {
        slug: row.org_slug,
        name: row.org_name,
        kind: row.org_kind,
        country: row.org_country,
        jurisdictions: split(row.org_jurisdictions),
        designations: split(row.org_designations),
        languages: split(row.org_languages),
        timeZone: row.org_time_zone,
        ...(row.org_working_hours ? { workingHours: row.org_working_hours } : {}),
        emergency24x7: bool(row.org_emergency_24x7),
        holidays: split(row.org_holidays),
        ...(row.org_public_holidays ? { publicHolidays: bool(row.org_public_holidays) } : {}),
        ...(row.org_abuse_contact ? { abuseContact: row.org_abuse_contact } : {}),
        ...(row.org_legal_point_of_contact ? { legalPointOfContact: row.org_legal_point_of_contact } : {}),
        responsibilities: { domains: split(row.org_domains), ipRanges: split(row.org_ip_ranges), asns: split(row.org_asns) },
        channels: split(row.org_channels).map(parseChannel),
        contacts: [] as unknown[],
      };
      entry = { record: { record: records.length + 1, line, value, contactLines: [] }, orgKey, contacts: value.contacts };
      bySlug.set(slug, entry);
      records.push(entry.record);
    } else if (entry.orgKey !== orgKey) {
      problems.push({ record: entry.record.record, line, message: `organisation ${slug}: its columns differ from its first row (line ${entry.record.line ?? "?"}); repeat them identically on every row` });
    }
    if (row.contact_handle) {
      entry.record.contactLines?.push(line);
      entry.contacts.push({
        handle: row.contact_handle,
        name: row.contact_name,
        ...(row.contact_email ? { email: row.contact_email } : {}),
        ...(row.contact_phone ? { phone: row.contact_phone } : {}),
        languages: split(row.contact_languages),
        ...(row.contact_time_zone ? { timeZone: row.contact_time_zone } : {}),
        roles: Object.fromEntries(split(row.contact_roles).map((pair) => pair.split(":").map((part) => part.trim()))),
        coordinator: bool(row.contact_coordinator),
        orgAdmin: bool(row.contact_org_admin),
        identities: split(row.contact_identities).map(parseIdentity),
        ...(row.contact_last_verified_at ? { lastVerifiedAt: row.contact_last_verified_at } : {}),
      });
    }
  });
  return problems.length > 0 ? { problems } : { records };
}

type OrganisationFileEntry = z.input<typeof organisationInputSchema>;

/** Writes organisations (in import form) in a format that import reads back to the same directory. */
export function writeDirectoryText(organisations: OrganisationFileEntry[], format: DirectoryFormat): string {
  const plain = JSON.parse(JSON.stringify({ version: DIRECTORY_FILE_VERSION, organisations })) as { version: number; organisations: OrganisationFileEntry[] };
  if (format === "json") return `${JSON.stringify(plain, null, 2)}\n`;
  if (format === "yaml") return stringifyYaml(plain, { lineWidth: 0 });
  const rows: string[][] = [];
  for (const organisation of plain.organisations) {
    const list = (items: unknown) => (Array.isArray(items) ? items.map(String).join(";") : String(items ?? ""));
    const orgCells = [
      organisation.slug, organisation.name, organisation.kind, organisation.country, list(organisation.jurisdictions), list(organisation.designations),
      list(organisation.languages), organisation.timeZone, organisation.workingHours ?? "", String(organisation.emergency24x7 ?? false),
      list(organisation.holidays), String(organisation.publicHolidays ?? true),
      organisation.abuseContact ?? "", organisation.legalPointOfContact ?? "", list(organisation.responsibilities?.domains),
      list(organisation.responsibilities?.ipRanges), list(organisation.responsibilities?.asns),
      (organisation.channels ?? []).map((channel) => `${channel.topic ?? "*"}=${channel.platform}:${channel.workspace ?? ""}:${channel.channel}`).join(";"),
    ].map(String);
    const contacts = organisation.contacts ?? [];
    if (contacts.length === 0) rows.push([...orgCells, ...Array<string>(11).fill("")]);
    for (const contact of contacts) {
      rows.push([
        ...orgCells,
        contact.handle, contact.name, contact.email ?? "", contact.phone ?? "", list(contact.languages), contact.timeZone ?? "",
        Object.entries(contact.roles ?? {}).map(([topic, role]) => `${topic}:${String(role)}`).join(";"),
        String(contact.coordinator ?? false), String(contact.orgAdmin ?? false),
        (contact.identities ?? []).map((identity) => `${identity.platform}:${identity.workspace ?? ""}:${identity.user}`).join(";"),
        contact.lastVerifiedAt ? new Date(contact.lastVerifiedAt as string).toISOString() : "",
      ]);
    }
  }
  return stringifyCsv([[...CSV_COLUMNS], ...rows.map((row) => row.map(spreadsheetSafeCell))]);
}
