import { stringify as stringifyCsv } from "csv-stringify/sync";
import { spreadsheetSafeCell } from "../core/csv-cells.js";
import type { TcoFigures, TcoRow } from "../cases/removal/report.js";
import { formatDuration } from "../time/calendar.js";

const minutes = (ms: number | null) => (ms === null ? "" : (ms / 60_000).toFixed(1));
const readable = (ms: number | null) => (ms === null ? "—" : formatDuration(ms));
const counts = (values: Record<string, number>) => Object.entries(values).sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => `${key} ${count}`).join(", ") || "none";

const HEADER = ["organisation", "orders", "removed (items)", "disabled (items)", "not executed", "open", "withdrawn", "reinstated", "effect median", "effect p90", "late"];

function lines(title: string, rows: TcoRow[]): string[] {
  if (rows.length === 0) return [title, "(no removal orders in this period)"];
  const cells = rows.map((row) => [
    row.organisation, String(row.orders), `${row.ordersRemoved} (${row.itemsRemoved})`, `${row.ordersDisabled} (${row.itemsDisabled})`, counts(row.notExecuted),
    String(row.open), String(row.withdrawn), String(row.reinstatements), readable(row.effectMedianMs), readable(row.effectP90Ms), String(row.late),
  ]);
  const widths = HEADER.map((title, index) => Math.max(title.length, ...cells.map((row) => (row[index] ?? "").length)));
  const line = (row: string[]) => row.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join("  ").trimEnd();
  const breakdown = rows.map((row) => `  ${row.organisation}: ${row.byTypeAndMemberState.map((entry) => `${entry.contentType} from ${entry.memberState} ${entry.orders}`).join(", ")}`);
  return [title, line(HEADER), ...cells.map(line), "By type of terrorist content (Art. 2(7)) and issuing Member State:", ...breakdown];
}

/** The TCO figures as text: recipients (Art. 7(3)) and issuers (Art. 8(1)), with the breakdown by type and Member State. */
export function tcoTable(figures: TcoFigures): string {
  const period = `cases opened ${figures.from.toISOString().slice(0, 10)} to ${figures.to.toISOString().slice(0, 10)} (exclusive)`;
  return [
    ...lines(`Removal orders received (TCO Art. 7(3)), by hosting service provider, ${period}`, figures.recipients), "",
    ...lines(`Removal orders issued (TCO Art. 8(1)), by competent authority, ${period}`, figures.issuers), "",
    `Time of effect from receipt; late: answered after the legal hour from receipt (${formatDuration(figures.legalDeadlineMs)}, Art. 3(3)), which starts again when a suspension ends (Art. 3(7)) or a clarification is received (Art. 3(8)).`,
    "Items are URLs. Reinstated: executed orders reopened afterwards (Liaison records no complaints or review proceedings).",
  ].join("\n");
}

/** The TCO figures as CSV: "totals" rows per side and organisation, then "orders" rows by type and Member State. */
export function tcoCsv(figures: TcoFigures): string {
  const safe = (cell: string | number) => (typeof cell === "string" ? spreadsheetSafeCell(cell) : cell);
  const grounds = [...new Set([...figures.recipients, ...figures.issuers].flatMap((row) => Object.keys(row.notExecuted)))].sort();
  const all = [...figures.recipients, ...figures.issuers];
  return stringifyCsv([
    ["section", "side", "organisation", "content_type", "member_state", "orders", "orders_removed", "items_removed", "orders_disabled", "items_disabled", ...grounds.map((ground) => `not_executed_${ground}`), "open", "withdrawn", "reinstated", "effect_median_min", "effect_p90_min", "late"],
    ...all.map((row) => ["totals", row.side, row.organisation, "", "", row.orders, row.ordersRemoved, row.itemsRemoved, row.ordersDisabled, row.itemsDisabled, ...grounds.map((ground) => row.notExecuted[ground] ?? 0), row.open, row.withdrawn, row.reinstatements, minutes(row.effectMedianMs), minutes(row.effectP90Ms), row.late].map(safe)),
    ...all.flatMap((row) => row.byTypeAndMemberState.map((entry) => ["orders", row.side, row.organisation, entry.contentType, entry.memberState, entry.orders, "", "", "", "", ...grounds.map(() => ""), "", "", "", "", "", ""].map(safe))),
  ]);
}
