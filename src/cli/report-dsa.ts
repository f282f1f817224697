import { stringify as stringifyCsv } from "csv-stringify/sync";
import { spreadsheetSafeCell } from "../core/csv-cells.js";
import type { DsaFigures } from "../cases/dsa/report.js";
import { formatDuration } from "../time/calendar.js";

const minutes = (ms: number | null) => (ms === null ? "" : (ms / 60_000).toFixed(1));
const readable = (ms: number | null) => (ms === null ? "—" : formatDuration(ms));

const ORDER_HEADER = ["organisation", "kind", "content type", "member state", "received", "items", "effect given", "inform median", "effect median"];
const NOTICE_HEADER = ["organisation", "content type", "received", "trusted flaggers", "on law", "on terms", "ground not stated", "automated", "action median"];

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The DSA figures as two aligned text tables: orders (Art. 15(1)(a)) and notices (Art. 15(1)(b)). */
export function dsaTable(figures: DsaFigures): string {
  const period = `${figures.from.toISOString().slice(0, 10)} to ${figures.to.toISOString().slice(0, 10)} (exclusive), by recipient`;
  const orders = figures.orders.map((row) => [row.organisation, row.kind, row.contentType, row.memberState, String(row.received), String(row.items), String(row.effectGiven), readable(row.informReceiptMedianMs), readable(row.effectMedianMs)]);
  const notices = figures.notices.map((row) => [row.organisation, row.contentType, String(row.received), String(row.fromTrustedFlaggers), String(row.actedOnLaw), String(row.actedOnTerms), String(row.actedGroundNotStated), String(row.automated), readable(row.actionMedianMs)]);
  return [
    `Orders received (DSA Art. 15(1)(a)), cases opened ${period}`, ...(orders.length > 0 ? table(ORDER_HEADER, orders) : ["(no orders in this period)"]), "",
    `Notices received (DSA Art. 15(1)(b)), cases opened ${period}`, ...(notices.length > 0 ? table(NOTICE_HEADER, notices) : ["(no notices in this period)"]),
  ].join("\n");
}

/** The DSA figures as CSV: one row per group, the section in the first column, durations in minutes. */
export function dsaCsv(figures: DsaFigures): string {
  const safe = (cell: string | number) => (typeof cell === "string" ? spreadsheetSafeCell(cell) : cell);
  return stringifyCsv([
    ["section", "organisation", "kind", "content_type", "member_state", "received", "items", "effect_given", "inform_median_min", "effect_median_min", "trusted_flaggers", "acted_on_law", "acted_on_terms", "acted_ground_not_stated", "automated", "action_median_min"],
    ...figures.orders.map((row) => ["orders", row.organisation, row.kind, row.contentType, row.memberState, row.received, row.items, row.effectGiven, minutes(row.informReceiptMedianMs), minutes(row.effectMedianMs), "", "", "", "", "", ""].map(safe)),
    ...figures.notices.map((row) => ["notices", row.organisation, "", row.contentType, "", row.received, "", "", "", "", row.fromTrustedFlaggers, row.actedOnLaw, row.actedOnTerms, row.actedGroundNotStated, row.automated, minutes(row.actionMedianMs)].map(safe)),
  ]);
}
