// X-ARF reports carried by mail: v4 (JSON, https://xarf.org, docs/specification.md of the X-ARF project) and v3
// (JSON or YAML). Validated with zod from the specification's core schema: the fields every report must have, their
// formats and bounds; per-type fields are kept as the reporter gave them. Each becomes one IntakeReport.
import { z } from "zod";
import { TLP_LABELS } from "../../core/message.js";
import { inertText } from "../../core/text.js";
import { INTAKE_EVIDENCE_MAX_ITEMS, INTAKE_TEXT_MAX_CHARS, type IntakeEvidence, type IntakeReport, type IntakeTarget } from "../report.js";
import { sha256Hex } from "./mime.js";
import { targetOf, urlTarget } from "./targets.js";

/** The seven X-ARF v4 categories. */
export const XARF_CATEGORIES = ["messaging", "content", "copyright", "connection", "vulnerability", "infrastructure", "reputation"] as const;

const hostname = z.string().max(253).regex(/^(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, "a host name");
const email = z.string().max(320).regex(/^[^\s@]{1,64}@[^\s@]{1,253}$/, "an e-mail address");
const dateTime = z.string().max(64).regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i, "an RFC 3339 date-time").refine((text) => !Number.isNaN(Date.parse(text)), "a real date");

/** X-ARF v4 contact_info: who reports, and who sends on their behalf. */
const contactInfo = z.strictObject({ org: z.string().min(1).max(200), contact: email, domain: hostname });

/** X-ARF v4 evidence_item: a MIME type and a base64 payload, at most 5 MB. */
const evidenceItem = z.strictObject({
  content_type: z.string().min(1).max(255),
  payload: z.string().max(Math.ceil((5 * 1024 * 1024 * 4) / 3) + 4).regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, "base64"),
  description: z.string().max(500).optional(),
  hash: z.string().max(200).regex(/^(md5|sha1|sha256|sha512):[a-fA-F0-9]+$/, "algorithm:hexvalue").optional(),
  size: z.number().int().min(0).max(5 * 1024 * 1024).optional(),
});

/** The X-ARF v4 core report (xarf-core.json); category-specific fields pass through. */
export const xarfV4Schema = z.looseObject({
  xarf_version: z.string().regex(/^4\.[0-9]+\.[0-9]+$/, "4.x.y"),
  report_id: z.uuid(),
  timestamp: dateTime,
  reporter: contactInfo,
  sender: contactInfo,
  source_identifier: z.string().min(1).max(4096),
  source_port: z.number().int().min(1).max(65_535).optional(),
  category: z.enum(XARF_CATEGORIES),
  type: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/, "a type name (lower case)"),
  evidence_source: z.string().max(64).optional(),
  evidence: z.array(evidenceItem).max(100).optional(),
  tags: z.array(z.string().max(200)).max(100).optional(),
  confidence: z.number().min(0).max(1).optional(),
  description: z.string().max(1000).optional(),
  legacy_version: z.literal("3").optional(),
  url: z.string().max(4096).optional(),
});

/** An X-ARF v3 report (the legacy structure: ReporterInfo and Report). */
export const xarfV3Schema = z.looseObject({
  Version: z.string().regex(/^3(\.0){0,2}$/, '"3", "3.0" or "3.0.0"'),
  ReporterInfo: z.looseObject({
    ReporterOrg: z.string().min(1).max(200),
    ReporterOrgEmail: email,
    ReporterOrgDomain: hostname.optional(),
    ReporterContactEmail: email.optional(),
    ReporterContactName: z.string().max(200).optional(),
    ReporterContactPhone: z.string().max(64).optional(),
  }),
  Report: z.looseObject({
    ReportClass: z.string().min(1).max(64),
    ReportType: z.string().min(1).max(64),
    Date: dateTime,
    SourceIp: z.string().max(64).optional(),
    SourcePort: z.number().int().min(1).max(65_535).optional(),
    Source: z.looseObject({ IP: z.string().max(64).optional(), Port: z.number().int().min(1).max(65_535).optional(), Url: z.string().max(4096).optional(), URL: z.string().max(4096).optional(), Domain: z.string().max(253).optional() }).optional(),
    Url: z.string().max(4096).optional(),
    SmtpMailFromAddress: email.optional(),
    AttackDescription: z.string().max(1000).optional(),
    Samples: z.array(z.looseObject({ ContentType: z.string().max(255), Payload: z.string(), Description: z.string().max(500).optional() })).max(100).optional(),
    Attachment: z.array(z.looseObject({ ContentType: z.string().max(255), Data: z.string(), Description: z.string().max(500).optional() })).max(100).optional(),
  }),
});

/** One field of a report that is wrong, and why. */
export interface FieldProblem {
  /** The field's path, e.g. "reporter.contact" or "evidence.0.payload". */
  field: string;
  message: string;
}

/** An X-ARF report turned into an IntakeReport, or the fields that are wrong. */
export type XarfResult = { ok: true; report: IntakeReport } | { ok: false; version: "4" | "3" | "unknown"; problems: FieldProblem[] };

function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.slice(0, 50).map((issue) => ({ field: issue.path.map(String).join(".") || "(report)", message: issue.message }));
}

/** Which X-ARF version a parsed object claims to be, if any. */
export function xarfVersionOf(value: unknown): "4" | "3" | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  if ("xarf_version" in value) return "4";
  if ("Version" in value && "Report" in value) return "3";
  return undefined;
}

/** Evidence from base64 payloads: fingerprinted (the bytes stay in the mail that carried them). */
function payloadEvidence(items: { contentType: string; payload: string; description?: string }[]): IntakeEvidence[] {
  return items.slice(0, INTAKE_EVIDENCE_MAX_ITEMS).map((item) => {
    const bytes = Buffer.from(item.payload.replace(/\s+/g, ""), "base64");
    return { contentType: item.contentType.toLowerCase(), description: inertText(item.description ?? "").slice(0, INTAKE_TEXT_MAX_CHARS), sha256: sha256Hex(bytes), sizeBytes: bytes.length };
  });
}

/** The TLP label of an X-ARF tag "tlp:amber", when a tag is one. */
function tlpOfTags(tags: readonly string[] | undefined): IntakeReport["tlp"] {
  for (const tag of tags ?? []) {
    const label = /^tlp:(.+)$/i.exec(tag.trim())?.[1]?.toUpperCase();
    const known = TLP_LABELS.find((candidate) => candidate === label);
    if (known) return known;
  }
  return undefined;
}

/** The X-ARF v4 report as an IntakeReport, or its problems. */
export function fromXarfV4(value: unknown, source: IntakeReport["source"]): XarfResult {
  const parsed = xarfV4Schema.safeParse(value);
  if (!parsed.success) return { ok: false, version: "4", problems: problemsOf(parsed.error) };
  const report = parsed.data;
  const identified = targetOf(report.source_identifier);
  if (!identified) return { ok: false, version: "4", problems: [{ field: "source_identifier", message: "an IP address, domain, URL, e-mail address or AS number" }] };
  const fromUrl = report.url ? urlTarget(report.url) : undefined;
  if (report.url && !fromUrl) return { ok: false, version: "4", problems: [{ field: "url", message: "an http or https URL" }] };
  const target: IntakeTarget = { ...fromUrl, ...identified, ...(fromUrl?.url ? { url: fromUrl.url } : {}), ...(report.source_port ? { port: report.source_port } : {}) };
  const summary = report.description ?? `${report.category}/${report.type} about ${report.source_identifier}`;
  return {
    ok: true,
    report: {
      source,
      format: "xarf-v4",
      sourceReportId: report.report_id,
      category: report.category,
      type: report.type,
      target,
      occurredAt: new Date(report.timestamp),
      reporter: { organisation: report.reporter.org, contactEmail: report.reporter.contact },
      summary: inertText(summary).slice(0, INTAKE_TEXT_MAX_CHARS),
      evidence: payloadEvidence((report.evidence ?? []).map((item) => ({ contentType: item.content_type, payload: item.payload, description: item.description }))),
      tlp: tlpOfTags(report.tags),
    },
  };
}

/** v3 report types and the v4 category and type each maps to (the specification's conversion rules). */
const V3_TYPES: Record<string, [string, string]> = {
  spam: ["messaging", "spam"],
  "login-attack": ["connection", "login_attack"],
  "port-scan": ["connection", "port_scan"],
  ddos: ["connection", "ddos"],
  phishing: ["content", "phishing"],
  malware: ["content", "malware"],
  botnet: ["infrastructure", "botnet"],
  copyright: ["copyright", "copyright"],
};

/** The X-ARF v3 report as an IntakeReport (converted as the v4 specification describes), or its problems. */
export function fromXarfV3(value: unknown, source: IntakeReport["source"]): XarfResult {
  const parsed = xarfV3Schema.safeParse(value);
  if (!parsed.success) return { ok: false, version: "3", problems: problemsOf(parsed.error) };
  const { ReporterInfo: info, Report: body } = parsed.data;
  const mapped = V3_TYPES[body.ReportType.toLowerCase()];
  if (!mapped) return { ok: false, version: "3", problems: [{ field: "Report.ReportType", message: `one of ${Object.keys(V3_TYPES).join(", ")}` }] };
  const ip = body.SourceIp ?? body.Source?.IP;
  const url = body.Url ?? body.Source?.Url ?? body.Source?.URL;
  const identified = ip ? targetOf(ip) : undefined;
  const fromUrl = url ? urlTarget(url) : undefined;
  const domain = body.Source?.Domain ? targetOf(body.Source.Domain) : undefined;
  if (ip && !identified) return { ok: false, version: "3", problems: [{ field: body.SourceIp ? "Report.SourceIp" : "Report.Source.IP", message: "an IP address" }] };
  if (url && !fromUrl) return { ok: false, version: "3", problems: [{ field: body.Url ? "Report.Url" : body.Source?.Url ? "Report.Source.Url" : "Report.Source.URL", message: "an http or https URL" }] };
  const port = body.SourcePort ?? body.Source?.Port;
  const target: IntakeTarget = { ...domain, ...fromUrl, ...identified, ...(port ? { port } : {}), ...(body.SmtpMailFromAddress ? { emailAddress: body.SmtpMailFromAddress.toLowerCase() } : {}) };
  if (!target.ip && !target.url && !target.domain && !target.emailAddress) return { ok: false, version: "3", problems: [{ field: "Report.SourceIp", message: "a report needs a source: SourceIp, Source.IP, Url or SmtpMailFromAddress" }] };
  const samples = [
    ...(body.Samples ?? []).map((item) => ({ contentType: item.ContentType, payload: item.Payload, description: item.Description })),
    ...(body.Attachment ?? []).map((item) => ({ contentType: item.ContentType, payload: item.Data, description: item.Description })),
  ];
  const summary = body.AttackDescription ?? `${mapped[0]}/${mapped[1]} about ${ip ?? url ?? body.SmtpMailFromAddress ?? ""}`;
  return {
    ok: true,
    report: {
      source,
      format: "xarf-v3",
      category: mapped[0],
      type: mapped[1],
      target,
      occurredAt: new Date(body.Date),
      reporter: { organisation: info.ReporterOrg, contactEmail: info.ReporterContactEmail ?? info.ReporterOrgEmail, name: info.ReporterContactName, contactPhone: info.ReporterContactPhone },
      summary: inertText(summary).slice(0, INTAKE_TEXT_MAX_CHARS),
      evidence: payloadEvidence(samples),
    },
  };
}

/** An X-ARF report of either version as an IntakeReport, or its problems. */
export function fromXarf(value: unknown, source: IntakeReport["source"]): XarfResult {
  const version = xarfVersionOf(value);
  if (version === "4") return fromXarfV4(value, source);
  if (version === "3") return fromXarfV3(value, source);
  return { ok: false, version: "unknown", problems: [{ field: "(report)", message: "neither X-ARF v4 (xarf_version) nor v3 (Version and Report)" }] };
}
