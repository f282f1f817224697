// `liaison report --eevidence`: the Art. 28 statistics of Regulation (EU) 2023/1543 as a text table or CSV (JSON is
// the figures themselves).
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { spreadsheetSafeCell } from "../core/csv-cells.js";
import type { EevidenceFigures } from "../cases/eevidence/report.js";
import { REFUSAL_GROUNDS, REFUSAL_GROUND_NAMES } from "../cases/eevidence/refusal.js";
import { formatDuration } from "../time/calendar.js";

const minutes = (ms: number | null) => (ms === null ? "" : (ms / 60_000).toFixed(1));
const readable = (ms: number | null) => (ms === null ? "—" : formatDuration(ms));

/** Art. 28(2)(d): one column per Art. 12(1) point, e.g. "refused (d)". */
const GROUND_TITLES = REFUSAL_GROUND_NAMES.map((ground) => `refused (${REFUSAL_GROUNDS[ground].point})`);

const HEADER = ["type", "data category", "addressee", "emergency", "issued", "without prior validation", "fulfilled", "not fulfilled", "notified", "refused", ...GROUND_TITLES, "average to data", "median to data", "average to Annex V", "median to Annex V"];

/** The e-Evidence figures as an aligned text table, one row per type, data category, addressee and situation. */
export function eevidenceTable(figures: EevidenceFigures): string {
  const period = `European orders issued ${figures.from.toISOString().slice(0, 10)} to ${figures.to.toISOString().slice(0, 10)} (exclusive) (Regulation (EU) 2023/1543 Art. 28(2))`;
  if (figures.rows.length === 0) return `${period}\n(no orders in this period)`;
  const rows = figures.rows.map((row) => [row.type, row.category, row.addressee, row.emergency ? "yes" : "no", String(row.issued), String(row.exPost), String(row.fulfilled), String(row.notFulfilled), String(row.notified), String(row.refused), ...REFUSAL_GROUND_NAMES.map((ground) => String(row.refusedByGround[ground])), readable(row.averageMs), readable(row.medianMs), readable(row.averageToSubsequentRequestMs), readable(row.medianToSubsequentRequestMs)]);
  const widths = HEADER.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join("  ").trimEnd();
  const legend = `refused (a)-(d): by the ground of Art. 12(1) raised (an order refused on two grounds counts under each); to Annex V: preservation orders, issuing to the subsequent request for production (our reading of Art. 28(2)(f))`;
  return [period, line(HEADER), ...rows.map(line), legend].join("\n");
}

/** The e-Evidence figures as CSV: durations in minutes, emergency as true/false, one refusal column per Art. 12(1) ground. */
export function eevidenceCsv(figures: EevidenceFigures): string {
  const safe = (cell: string | number | boolean) => (typeof cell === "string" ? spreadsheetSafeCell(cell) : cell);
  return stringifyCsv([
    ["type", "data_category", "addressee", "emergency", "issued", "without_prior_validation", "fulfilled", "not_fulfilled", "notified", "refused_by_enforcing_authority", ...REFUSAL_GROUND_NAMES.map((ground) => `refused_${ground.replace(/-/g, "_")}`), "average_to_data_min", "median_to_data_min", "average_to_subsequent_request_min", "median_to_subsequent_request_min"],
    ...figures.rows.map((row) => [row.type, row.category, row.addressee, String(row.emergency), row.issued, row.exPost, row.fulfilled, row.notFulfilled, row.notified, row.refused, ...REFUSAL_GROUND_NAMES.map((ground) => row.refusedByGround[ground]), minutes(row.averageMs), minutes(row.medianMs), minutes(row.averageToSubsequentRequestMs), minutes(row.medianToSubsequentRequestMs)].map(safe)),
  ]);
}
