import { parseArgs } from "node:util";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { spreadsheetSafeCell } from "../core/csv-cells.js";
import { buildReport, type Report } from "../cases/report.js";
import { buildDsaFigures } from "../cases/dsa/report.js";
import { dsaCsv, dsaTable } from "./report-dsa.js";
import { buildTcoFigures } from "../cases/removal/report.js";
import { tcoCsv, tcoTable } from "./report-tco.js";
import { buildEevidenceFigures } from "../cases/eevidence/report.js";
import { eevidenceCsv, eevidenceTable } from "./report-eevidence.js";
import { systemClock } from "../core/clock.js";
import type { RecordKeys } from "../audit/keys.js";
import type { Store } from "../store/db.js";
import { formatDuration } from "../time/calendar.js";
import { buildIntakeFigures, type IntakeFigures } from "../intake/figures.js";
import { epochDayOf } from "../time/zoned.js";

const minutes = (ms: number | null) => (ms === null ? "" : (ms / 60_000).toFixed(1));
const readable = (ms: number | null) => (ms === null ? "—" : formatDuration(ms));

/** The report as an aligned text table. */
export function reportTable(report: Report): string {
  const header = ["organisation", "kind", "received", "outcomes", "ack median", "ack p90", "resolve median", "resolve p90", "ack late", "resolve late"];
  const rows = report.rows.map((row) => [
    row.organisation, row.kind, String(row.received),
    Object.entries(row.outcomes).map(([name, count]) => `${name} ${count}`).join(", "),
    readable(row.acknowledgeMedianMs), readable(row.acknowledgeP90Ms), readable(row.resolveMedianMs), readable(row.resolveP90Ms),
    String(row.acknowledgedLate), String(row.resolvedLate),
  ]);
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join("  ").trimEnd();
  const period = `Cases opened ${report.from.toISOString().slice(0, 10)} to ${report.to.toISOString().slice(0, 10)} (exclusive), by recipient`;
  return [period, line(header), ...rows.map(line), rows.length === 0 ? "(no cases in this period)" : ""].join("\n").trimEnd();
}

/** The intake figures as a text table: reports received by source and type, items decided, time to decision. */
export function intakeTable(figures: IntakeFigures): string {
  if (figures.rows.length === 0) return "Intake: no reports received or decided in this period.";
  const lines = ["Intake: reports received and items decided, by receiving organisation"];
  for (const row of figures.rows) {
    const received = Object.entries(row.received).sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => `${key} ${count}`).join(", ") || "none";
    const decided = Object.entries(row.decided).sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => `${key} ${count}`).join(", ") || "none";
    lines.push(`${row.organisation}: received ${row.receivedTotal} (${received}); decided: ${decided}; median time to decision ${readable(row.decisionMedianMs)}`);
  }
  return lines.join("\n");
}

/** The report as CSV: one row per organisation and kind, durations in minutes, one column per outcome. */
export function reportCsv(report: Report): string {
  const outcomes = [...new Set(report.rows.flatMap((row) => Object.keys(row.outcomes)))].sort();
  const header = ["organisation", "kind", "received", ...outcomes.map((name) => `outcome_${name}`), "ack_median_min", "ack_p90_min", "resolve_median_min", "resolve_p90_min", "ack_late", "resolve_late"];
  const safe = (cell: string | number) => (typeof cell === "string" ? spreadsheetSafeCell(cell) : cell);
  return stringifyCsv([
    header,
    ...report.rows.map((row) => [
      row.organisation, row.kind, row.received, ...outcomes.map((name) => row.outcomes[name] ?? 0),
      minutes(row.acknowledgeMedianMs), minutes(row.acknowledgeP90Ms), minutes(row.resolveMedianMs), minutes(row.resolveP90Ms), row.acknowledgedLate, row.resolvedLate,
    ].map(safe)),
  ]);
}

/**
 * A period's edge as written: a date (YYYY-MM-DD, from midnight UTC) or a time with its offset from UTC; undefined
 * when it is neither, or names a day the calendar does not have (2026-02-30 is refused, never read as 2 March).
 */
export function periodEdge(text: string): Date | undefined {
  const trimmed = text.trim();
  const day = /^(\d{4}-\d{2}-\d{2})(?:$|T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$)/.exec(trimmed);
  if (!day?.[1] || epochDayOf(day[1]) === undefined) return undefined;
  const at = new Date(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed);
  if (Number.isNaN(at.getTime())) return undefined;
  const [hours, minutes] = [Number(trimmed.slice(11, 13) || 0), Number(trimmed.slice(14, 16) || 0)];
  return hours > 23 || minutes > 59 ? undefined : at;
}

/** `liaison report --from --to [--org] [--format csv|json|table] [--dsa | --tco]`. */
export async function runReport(store: Store, argv: string[], out: (text: string) => void, err: (text: string) => void, keys?: RecordKeys): Promise<number> {
  let values: { from?: string; to?: string; org?: string; format?: string; dsa?: boolean; tco?: boolean; eevidence?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { from: { type: "string" }, to: { type: "string" }, org: { type: "string" }, format: { type: "string" }, dsa: { type: "boolean" }, tco: { type: "boolean" }, eevidence: { type: "boolean" } } }));
  } catch (error) {
    err(`${(error as Error).message}\nUsage: liaison report --from 2026-01-01 --to 2027-01-01 [--org <slug>] [--format table|csv|json] [--dsa | --tco | --eevidence]`);
    return 2;
  }
  for (const [flag, text] of [["from", values.from], ["to", values.to]] as const) {
    if (text !== undefined && periodEdge(text) === undefined) {
      err(`--${flag} ${JSON.stringify(text.slice(0, 40))} is not a date in the calendar: write it as YYYY-MM-DD, e.g. --${flag} 2026-03-01 (or a time with its offset, 2026-03-01T00:00+01:00).`);
      return 2;
    }
  }
  const from = values.from === undefined ? undefined : periodEdge(values.from);
  const to = values.to === undefined ? undefined : periodEdge(values.to);
  if (!from || !to || from >= to) {
    err("Give the period as dates, --from before --to: liaison report --from 2026-01-01 --to 2027-01-01");
    return 2;
  }
  const format = values.format ?? "table";
  if (!["table", "csv", "json"].includes(format)) {
    err(`--format must be table, csv or json, not "${format}".`);
    return 2;
  }
  if ([values.dsa, values.tco, values.eevidence].filter(Boolean).length > 1) {
    err("Give one of --dsa, --tco and --eevidence: they are separate reports.");
    return 2;
  }
  if (values.tco) {
    // TCO Art. 7(3) and 8(1): removal orders per provider and per authority (src/cases/removal/report.ts).
    const figures = await buildTcoFigures(store.db, from, to, systemClock.now(), values.org?.toLowerCase(), keys);
    if (format === "json") out(JSON.stringify(figures, null, 2));
    else if (format === "csv") out(tcoCsv(figures).trimEnd());
    else out(tcoTable(figures));
    return 0;
  }
  if (values.dsa) {
    // DSA Art. 15(1)(a)/(b): orders by type of content and issuing Member State; notices by type, trusted flaggers,
    // law or terms, automated means (src/cases/dsa/report.ts).
    const figures = await buildDsaFigures(store.db, from, to, values.org?.toLowerCase());
    if (format === "json") out(JSON.stringify(figures, null, 2));
    else if (format === "csv") out(dsaCsv(figures).trimEnd());
    else out(dsaTable(figures));
    return 0;
  }
  if (values.eevidence) {
    // e-Evidence Art. 28(2): orders by type of data, addressee and situation; fulfilled or not; time to the data.
    const figures = await buildEevidenceFigures(store.db, from, to, values.org?.toLowerCase());
    if (format === "json") out(JSON.stringify(figures, null, 2));
    else if (format === "csv") out(eevidenceCsv(figures).trimEnd());
    else out(eevidenceTable(figures));
    return 0;
  }
  const report = await buildReport(store.db, from, to, systemClock.now(), values.org?.toLowerCase(), keys);
  const intake = await buildIntakeFigures(store.db, from, to, values.org?.toLowerCase());
  if (format === "json") out(JSON.stringify({ ...report, intake }, null, 2));
  else if (format === "csv") out(reportCsv(report).trimEnd());
  else out(`${reportTable(report)}\n\n${intakeTable(intake)}`);
  return 0;
}
