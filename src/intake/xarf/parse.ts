// The one X-ARF validator's entry point for an already-parsed value, whatever carried it (the intake API's JSON
// body, a mail's JSON or YAML part): v3 when it has "Version" and no "xarf_version", v4 otherwise; the report is
// marked with the source it came from.
import type { IntakeReport } from "../report.js";
import { looksLikeXarfV3, parseXarfV3 } from "./v3.js";
import { parseXarfV4, type XarfParse } from "./v4.js";

/** Which X-ARF version a parsed value claims to be, if any (v4: xarf_version; v3: Version and Report). */
export function xarfVersionOf(value: unknown): "4" | "3" | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  if ("xarf_version" in value) return "4";
  if ("Version" in value && "Report" in value) return "3";
  return undefined;
}

/**
 * Validates a parsed X-ARF value (v3 or v4) and normalises it. `idText` is the text a v3 report's id is derived
 * from (v3 has no report id of its own): the body as received, or a canonical form of the value.
 */
export function parseXarfValue(raw: unknown, source: IntakeReport["source"], idText: string): XarfParse {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { ok: false, problems: [{ pointer: "", detail: "an X-ARF report is a JSON object" }] };
  const parsed = looksLikeXarfV3(raw) ? parseXarfV3(raw, idText) : parseXarfV4(raw);
  return parsed.ok ? { ok: true, report: { ...parsed.report, source } } : parsed;
}
