// X-ARF v3 reports (JSON), the format before v4's categories, converted to the normalised report the way the
// specification's "Backwards Compatibility" section maps them (Version -> xarf_version, ReporterInfo -> reporter,
// Report.ReportType -> category + type, Report.Date -> timestamp, the source -> source_identifier, Samples or
// Attachment -> evidence). v3 has no report id: the SHA-256 of the report's JSON stands for it, so a resend of the same
// report is recognised.
import { createHash } from "node:crypto";
import { z } from "zod";
import { INTAKE_EVIDENCE_MAX_ITEMS, INTAKE_TEXT_MAX_CHARS, INTAKE_URL_MAX_CHARS, type IntakeReport } from "../report.js";
import { evidenceOf, problemsOf, sourceTarget, XARF_PAYLOAD_MAX_CHARS, type FieldProblem, type XarfParse } from "./v4.js";

/** v3 report types and the v4 category and type each becomes. */
export const XARF_V3_TYPES: Record<string, { category: string; type: string }> = {
  spam: { category: "messaging", type: "spam" },
  "login-attack": { category: "connection", type: "login_attack" },
  "port-scan": { category: "connection", type: "port_scan" },
  ddos: { category: "connection", type: "ddos" },
  phishing: { category: "content", type: "phishing" },
  malware: { category: "content", type: "malware" },
  botnet: { category: "infrastructure", type: "botnet" },
  copyright: { category: "copyright", type: "copyright" },
};

const sample = z.strictObject({
  ContentType: z.string().min(1).max(255),
  Description: z.string().max(500).optional(),
  Payload: z.string().max(XARF_PAYLOAD_MAX_CHARS).optional(),
  Data: z.string().max(XARF_PAYLOAD_MAX_CHARS).optional(),
});

const v3Schema = z.looseObject({
  Version: z.string().max(16).regex(/^3(\.\d+){0,2}$/, 'a version "3", "3.0" or "3.0.0"'),
  ReporterInfo: z.strictObject({
    ReporterOrg: z.string().min(1).max(200),
    ReporterOrgEmail: z.email().max(320),
    ReporterOrgDomain: z.string().max(253).optional(),
    ReporterContactEmail: z.email().max(320).optional(),
    ReporterContactName: z.string().max(200).optional(),
    ReporterContactPhone: z.string().max(64).optional(),
  }),
  Disclosure: z.boolean().optional(),
  Report: z.looseObject({
    ReportClass: z.string().min(1).max(64),
    ReportType: z.string().min(1).max(64),
    Date: z.iso.datetime({ offset: true }),
    Source: z
      .looseObject({
        IP: z.string().max(64).optional(),
        URL: z.string().max(INTAKE_URL_MAX_CHARS).optional(),
        Port: z.number().int().min(1).max(65_535).optional(),
        Type: z.string().max(32).optional(),
      })
      .optional(),
    SourceIp: z.string().max(64).optional(),
    SourcePort: z.number().int().min(1).max(65_535).optional(),
    Url: z.string().max(INTAKE_URL_MAX_CHARS).optional(),
    SmtpMailFromAddress: z.string().max(320).optional(),
    AttackDescription: z.string().max(1000).optional(),
    Samples: z.array(sample).max(50).optional(),
    Attachment: z.array(sample).max(50).optional(),
  }),
});

/** True when the body looks like X-ARF v3 (it has "Version" and no "xarf_version"). */
export function looksLikeXarfV3(raw: unknown): boolean {
  return typeof raw === "object" && raw !== null && "Version" in raw && !("xarf_version" in raw);
}

/** Validates an X-ARF v3 report and converts it to the normalised report; `bodyText` is the body as received. */
export function parseXarfV3(raw: unknown, bodyText: string): XarfParse {
  const parsed = v3Schema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const { ReporterInfo: reporter, Report: body } = parsed.data;
  const problems: FieldProblem[] = [];
  const mapped = XARF_V3_TYPES[body.ReportType.toLowerCase()];
  if (!mapped) problems.push({ pointer: "/Report/ReportType", detail: `one of ${Object.keys(XARF_V3_TYPES).join(", ")}` });
  const ip = body.Source?.IP ?? body.SourceIp;
  const url = body.Source?.URL ?? body.Url;
  const target = { ...(ip !== undefined ? sourceTarget(ip) : {}), ...(url !== undefined ? { url } : {}) };
  if (ip !== undefined && !("ip" in target)) problems.push({ pointer: body.Source?.IP !== undefined ? "/Report/Source/IP" : "/Report/SourceIp", detail: "an IP address" });
  if (url !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) problems.push({ pointer: body.Source?.URL !== undefined ? "/Report/Source/URL" : "/Report/Url", detail: "an absolute URL" });
  if (ip === undefined && url === undefined) problems.push({ pointer: "/Report/Source", detail: "required: the source's IP address or URL" });
  const samples = body.Samples ?? body.Attachment ?? [];
  samples.forEach((item, index) => {
    if (item.Payload === undefined && item.Data === undefined) problems.push({ pointer: `/Report/${body.Samples ? "Samples" : "Attachment"}/${index}/Payload`, detail: "required" });
  });
  if (problems.length > 0 || !mapped) return { ok: false, problems };
  const port = body.Source?.Port ?? body.SourcePort;
  const info = (body.AdditionalInfo ?? {}) as Record<string, unknown>;
  const from = body.SmtpMailFromAddress ?? (typeof info.SMTPFrom === "string" ? info.SMTPFrom : undefined);
  const report: IntakeReport = {
    source: "api",
    format: "xarf-v3",
    sourceReportId: `v3-sha256:${createHash("sha256").update(bodyText).digest("hex")}`,
    category: mapped.category,
    type: mapped.type,
    target: { ...target, ...(port !== undefined ? { port } : {}), ...(from !== undefined && from.length <= 320 ? { emailAddress: from } : {}) },
    occurredAt: new Date(body.Date),
    reporter: {
      name: reporter.ReporterContactName ?? reporter.ReporterOrg,
      organisation: reporter.ReporterOrg,
      contactEmail: reporter.ReporterContactEmail ?? reporter.ReporterOrgEmail,
      ...(reporter.ReporterContactPhone !== undefined ? { contactPhone: reporter.ReporterContactPhone } : {}),
    },
    summary: (body.AttackDescription ?? `${mapped.category}/${mapped.type} from ${ip ?? url ?? "?"}`).slice(0, INTAKE_TEXT_MAX_CHARS),
    evidence: samples.slice(0, INTAKE_EVIDENCE_MAX_ITEMS).map((item) => evidenceOf({ content_type: item.ContentType, description: item.Description, payload: item.Payload ?? item.Data ?? "" })),
  };
  return { ok: true, report };
}
