// CSV feeds, one event per row (the Shadowserver style: timestamp, ip, port, asn, ... per row), mapped to reports by
// the feed's configuration (src/intake/settings.ts). A file is taken whole or not at all: every bad row is listed
// with its line and column, and then no row of it is handed on.
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { inertText } from "../../core/text.js";
import { INTAKE_TEXT_MAX_CHARS, intakeReportSchema, type IntakeReport, type IntakeTarget } from "../report.js";
import { globMatches, type FeedSettings } from "../settings.js";
import { targetOf, urlTarget } from "../mail/targets.js";

/** Largest feed file read (bytes). */
export const FEED_MAX_BYTES = 50 * 1024 * 1024;

/** Most rows taken from one file. */
export const FEED_MAX_ROWS = 200_000;

/** Longest field of a row (characters). */
export const FEED_MAX_FIELD_CHARS = 4096;

/** Most problems listed for one file (the count says how many more there were). */
export const FEED_MAX_PROBLEMS = 100;

/** A bad row, or a bad file (line 0). */
export interface FeedProblem {
  /** The line of the file (1 is the header line). */
  line: number;
  /** The column, when one is to blame. */
  column?: string;
  message: string;
}

/** The outcome of reading a feed file. */
export type FeedResult = { ok: true; reports: IntakeReport[] } | { ok: false; problems: FeedProblem[]; problemCount: number };

/** The feed a file belongs to, by its sender (when known) and file name; the first that matches. */
export function feedFor(feeds: readonly FeedSettings[], fileName: string, sender: string | undefined): FeedSettings | undefined {
  return feeds.find(
    (feed) => feed.fileNames.some((pattern) => globMatches(pattern, fileName)) && (feed.senders.length === 0 || (sender !== undefined && feed.senders.some((pattern) => globMatches(pattern, sender)))),
  );
}

/** A time field as a Date: ISO 8601 or "YYYY-MM-DD HH:MM:SS" (UTC when no offset is written), or Unix seconds. */
function parseTime(text: string, format: FeedSettings["timeFormat"]): Date | undefined {
  const value = text.trim();
  if (format === "unix") return /^\d{1,12}(\.\d{1,6})?$/.test(value) ? new Date(Number(value) * 1000) : undefined;
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i.exec(value);
  if (!match) return undefined;
  const zone = !match[3] || /^(z|utc)$/i.test(match[3]) ? "Z" : match[3];
  const date = new Date(`${match[1]}T${match[2]}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A row as a target, from the mapped columns; the first problem otherwise. */
function rowTarget(row: Record<string, string>, columns: FeedSettings["columns"]): { target: IntakeTarget } | { column: string; message: string } {
  const target: IntakeTarget = {};
  const cell = (name: string | undefined) => (name === undefined ? "" : (row[name] ?? "").trim());
  if (cell(columns.ip)) {
    const found = targetOf(cell(columns.ip));
    if (!found?.ip) return { column: columns.ip ?? "", message: "not an IP address" };
    target.ip = found.ip;
  }
  if (cell(columns.port)) {
    const port = Number(cell(columns.port));
    if (!/^\d{1,5}$/.test(cell(columns.port)) || port > 65_535) return { column: columns.port ?? "", message: "not a port (0 to 65535)" };
    target.port = port;
  }
  if (cell(columns.asn)) {
    const asn = Number(cell(columns.asn).replace(/^AS/i, ""));
    if (!/^(AS)?\d{1,10}$/i.test(cell(columns.asn)) || asn > 4_294_967_295) return { column: columns.asn ?? "", message: "not an AS number" };
    target.asn = asn;
  }
  if (cell(columns.domain)) {
    const found = targetOf(cell(columns.domain));
    if (!found?.domain || found.url || found.emailAddress) return { column: columns.domain ?? "", message: "not a domain name" };
    target.domain = found.domain;
  }
  if (cell(columns.url)) {
    const found = urlTarget(cell(columns.url));
    if (!found) return { column: columns.url ?? "", message: "not an http or https URL" };
    target.url = found.url;
    target.domain ??= found.domain;
  }
  if (cell(columns.emailAddress)) {
    const found = targetOf(cell(columns.emailAddress));
    if (!found?.emailAddress) return { column: columns.emailAddress ?? "", message: "not an e-mail address" };
    target.emailAddress = found.emailAddress;
  }
  if (!target.ip && !target.domain && !target.url && !target.asn && !target.emailAddress) return { column: columns.ip ?? columns.domain ?? columns.url ?? "", message: "the row names no address, domain, URL, AS number or e-mail address" };
  return { target };
}

/** Reads a feed file: every row a report, or every problem and no report. */
export function readFeed(feed: FeedSettings, bytes: Buffer, file: { name: string; sha256: string }): FeedResult {
  const problems: FeedProblem[] = [];
  let problemCount = 0;
  const problem = (entry: FeedProblem) => {
    problemCount += 1;
    if (problems.length < FEED_MAX_PROBLEMS) problems.push(entry);
  };
  if (bytes.length > FEED_MAX_BYTES) return { ok: false, problems: [{ line: 0, message: `the file has ${bytes.length} bytes; at most ${FEED_MAX_BYTES} are read` }], problemCount: 1 };
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(bytes, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true, max_record_size: FEED_MAX_FIELD_CHARS * 64, to_line: FEED_MAX_ROWS + 2 }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return { ok: false, problems: [{ line, message: `not CSV: ${(error as Error).message.slice(0, 300)}` }], problemCount: 1 };
  }
  // The line a record starts on. The parser counts the line a record ends on, and counts a CR LF inside a quoted
  // cell as two lines: that excess is taken off, and then the record's own quoted line breaks.
  let excess = 0;
  const startLines = parsed.map(({ record, info }) => {
    const cells = record.join("");
    excess += cells.match(/\r\n/g)?.length ?? 0;
    return info.lines - excess - (cells.match(/\r\n|\r|\n/g)?.length ?? 0);
  });
  const [header, ...rows] = parsed.map(({ record }) => record);
  if (!header) return { ok: false, problems: [{ line: 1, message: "the file is empty" }], problemCount: 1 };
  if (rows.length > FEED_MAX_ROWS) return { ok: false, problems: [{ line: FEED_MAX_ROWS + 2, message: `more than ${FEED_MAX_ROWS} rows` }], problemCount: 1 };
  const names = header.map((cell) => cell.trim());
  const columns = feed.columns;
  for (const [key, column] of Object.entries(columns)) {
    if (column !== undefined && !names.includes(column)) problem({ line: 1, column, message: `the header has no column "${column}" (mapped as ${key})` });
  }
  if (problemCount > 0) return { ok: false, problems, problemCount };
  const reports: IntakeReport[] = [];
  rows.forEach((cells, index) => {
    const line = startLines[index + 1] ?? index + 2;
    if (cells.length !== names.length) return problem({ line, message: `${cells.length} fields where the header has ${names.length}` });
    const long = cells.findIndex((cell) => cell.length > FEED_MAX_FIELD_CHARS);
    if (long >= 0) return problem({ line, column: names[long], message: `longer than ${FEED_MAX_FIELD_CHARS} characters` });
    const row = Object.fromEntries(names.map((name, at) => [name, cells[at] ?? ""]));
    const occurredAt = parseTime(row[columns.time] ?? "", feed.timeFormat);
    if (!occurredAt) return problem({ line, column: columns.time, message: feed.timeFormat === "unix" ? "not a Unix time in seconds" : "not a time such as 2026-12-01 10:00:00 or 2026-12-01T10:00:00Z" });
    const found = rowTarget(row, columns);
    if ("message" in found) return problem({ line, column: found.column, message: found.message });
    const rowType = columns.type ? (row[columns.type] ?? "").trim().toLowerCase().replace(/[^a-z0-9_-]+/g, "_").slice(0, 64) : "";
    const summary = feed.summaryColumns.map((name) => `${name}: ${row[name] ?? ""}`).join("; ");
    const rowId = createHash("sha256").update(JSON.stringify(cells)).digest("hex").slice(0, 32);
    const parsed = intakeReportSchema.safeParse({
      source: "feed",
      format: "csv-feed",
      sourceReportId: `feed:${feed.name}:${rowId}`,
      category: feed.category,
      type: rowType || feed.type,
      target: found.target,
      occurredAt,
      reporter: { organisation: feed.name },
      summary: inertText(summary || `${feed.name} row ${line}`).slice(0, INTAKE_TEXT_MAX_CHARS),
      evidence: [{ contentType: "text/csv", description: inertText(`${file.name.slice(0, 200)}, line ${line}`), sha256: file.sha256, sizeBytes: bytes.length }],
      ...(feed.tlp ? { tlp: feed.tlp } : {}),
    });
    if (!parsed.success) return problem({ line, message: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") });
    reports.push(parsed.data);
  });
  return problemCount > 0 ? { ok: false, problems, problemCount } : { ok: true, reports };
}
