// X-ARF v4 reports (JSON), validated from the specification's core schema (xarf-core.json) and each type's required
// fields (types.ts), then turned into the normalised IntakeReport. Every problem names its field as a JSON pointer, so
// the API's problem document can list them all at once.
import { createHash } from "node:crypto";
import { z } from "zod";
import { parseIp } from "../../directory/model.js";
import { INTAKE_EVIDENCE_MAX_ITEMS, INTAKE_TEXT_MAX_CHARS, INTAKE_URL_MAX_CHARS, type IntakeEvidence, type IntakeReport } from "../report.js";
import { TLP_LABELS, type Tlp } from "../../core/message.js";
import { XARF_CATEGORIES, XARF_PROTOCOLS, XARF_TYPES, type XarfCategory } from "./types.js";

/** One thing wrong with a report: the field (a JSON pointer, RFC 6901) and what is wrong with it. */
export interface FieldProblem {
  pointer: string;
  detail: string;
}

/** A parse's answer: the normalised report, or every problem found. */
export type XarfParse = { ok: true; report: IntakeReport } | { ok: false; problems: FieldProblem[] };

/** Longest evidence payload accepted: 5 MiB of bytes (the specification's per-item ceiling), base64-encoded. */
export const XARF_PAYLOAD_MAX_CHARS = Math.ceil((5_242_880 * 4) / 3) + 4;

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const contactInfo = z.strictObject({
  org: z.string().min(1).max(200),
  contact: z.email().max(320),
  domain: z.string().max(253).regex(HOSTNAME, "a host name"),
});

const evidenceItem = z.strictObject({
  content_type: z.string().min(1).max(255),
  description: z.string().max(500).optional(),
  payload: z.string().max(XARF_PAYLOAD_MAX_CHARS).regex(/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/, "base64 text"),
  hash: z.string().max(200).regex(/^(md5|sha1|sha256|sha512):[a-fA-F0-9]+$/, '"algorithm:hex", e.g. "sha256:e3b0..."').optional(),
  size: z.number().int().min(0).max(5_242_880).optional(),
});

/** The core fields every X-ARF v4 report has (xarf-core.json); other fields are allowed and kept as they are. */
const coreSchema = z.looseObject({
  xarf_version: z.string().max(32).regex(/^4\.[0-9]+\.[0-9]+$/, 'a version "4.x.y"'),
  report_id: z.uuid(),
  timestamp: z.iso.datetime({ offset: true }),
  reporter: contactInfo,
  sender: contactInfo,
  source_identifier: z.string().min(1).max(INTAKE_URL_MAX_CHARS),
  source_port: z.number().int().min(1).max(65_535).optional(),
  category: z.enum(XARF_CATEGORIES),
  type: z.string().min(1).max(64),
  evidence_source: z.string().max(64).optional(),
  evidence: z.array(evidenceItem).max(50).optional(),
  tags: z.array(z.string().max(128).regex(/^[a-z0-9][a-z0-9_+-]*:[a-z0-9][a-z0-9_+-]*$/, '"namespace:predicate"')).max(20).optional(),
  confidence: z.number().min(0).max(1).optional(),
  description: z.string().max(1000).optional(),
  legacy_version: z.literal("3").optional(),
  url: z.string().max(INTAKE_URL_MAX_CHARS).optional(),
  infringing_url: z.string().max(INTAKE_URL_MAX_CHARS).optional(),
  protocol: z.string().max(32).optional(),
});

type XarfCore = z.infer<typeof coreSchema>;

/** A JSON pointer for a path of keys and indexes. */
export function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** The problems of a zod failure, one per issue, with the field's pointer. */
export function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ pointer: pointerOf(issue.path), detail: issueDetail(issue) }));
}

function issueDetail(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.input === undefined) return "required";
  if (issue.code === "unrecognized_keys") return `not allowed here: ${issue.keys.slice(0, 10).join(", ")}`;
  return issue.message;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

function isAbsoluteUrl(text: string): boolean {
  try {
    return /^[a-z][a-z0-9+.-]*:/i.test(text) && new URL(text).protocol !== "";
  } catch {
    return false;
  }
}

/** The type-specific problems: the category's types, the fields the type requires, and its conditional requirements. */
function typeProblems(core: XarfCore): FieldProblem[] {
  const rules = XARF_TYPES[core.category as XarfCategory];
  const rule = rules[core.type];
  if (!rule) return [{ pointer: "/type", detail: `not a type of category "${core.category}": one of ${Object.keys(rules).join(", ")}` }];
  const fields = core as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const require = (names: readonly string[], why: string): void => {
    for (const name of names) if (!isPresent(fields[name])) problems.push({ pointer: `/${name}`, detail: `required${why}` });
  };
  require(rule.required, ` for ${core.category}/${core.type}`);
  if (rule.requiredForIpSource && parseIp(core.source_identifier)) require(rule.requiredForIpSource, " when source_identifier is an IP address");
  if (rule.requiredForSmtp && core.protocol === "smtp") require(rule.requiredForSmtp, ' when protocol is "smtp"');
  if (core.protocol !== undefined && !(XARF_PROTOCOLS as readonly string[]).includes(core.protocol)) {
    problems.push({ pointer: "/protocol", detail: `one of ${XARF_PROTOCOLS.join(", ")}` });
  }
  if (rule.oneOfPaths && isPresent(fields[rule.oneOfPaths[0]?.[0] ?? ""])) {
    const found = rule.oneOfPaths.some((path) => isPresent(path.reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), fields)));
    if (!found) problems.push({ pointer: `/${rule.oneOfPaths[0]?.[0]}`, detail: `needs one of ${rule.oneOfPaths.map((path) => path.join(".")).join(", ")}` });
  }
  for (const name of ["url", "infringing_url"] as const) {
    const value = core[name];
    if (value !== undefined && !isAbsoluteUrl(value)) problems.push({ pointer: `/${name}`, detail: "an absolute URL" });
  }
  return problems;
}

/** The TLP label a report's tags give ("tlp:amber", "tlp:amber+strict"), if any. */
function tlpOfTags(tags: readonly string[] | undefined): Tlp | undefined {
  for (const tag of tags ?? []) {
    const match = /^tlp:(.+)$/.exec(tag);
    const label = match?.[1]?.toUpperCase();
    if (label && (TLP_LABELS as readonly string[]).includes(label)) return label as Tlp;
  }
  return undefined;
}

/**
 * An evidence item as the normalised report keeps it: described and fingerprinted from its own bytes (a declared
 * hash is the reporter's word; the payload's SHA-256 is what the bytes are). The bytes are not kept here.
 */
export function evidenceOf(item: { content_type: string; description?: string | undefined; hash?: string | undefined; size?: number | undefined; payload: string }): IntakeEvidence {
  const declared = item.hash?.toLowerCase().startsWith("sha256:") ? item.hash.slice(7).toLowerCase() : undefined;
  const bytes = Buffer.from(item.payload.replace(/\s+/g, ""), "base64");
  const sha256 = bytes.length > 0 ? createHash("sha256").update(bytes).digest("hex") : declared;
  return {
    contentType: item.content_type,
    description: (item.description ?? "").slice(0, INTAKE_TEXT_MAX_CHARS),
    ...(sha256 && /^[0-9a-f]{64}$/.test(sha256) ? { sha256 } : {}),
    sizeBytes: bytes.length > 0 ? bytes.length : (item.size ?? 0),
  };
}

/** What a source identifier names: an IP address, or else a host name. */
export function sourceTarget(identifier: string): { ip: string } | { domain: string } | Record<string, never> {
  const text = identifier.trim();
  if (parseIp(text)) return { ip: text };
  const host = text.replace(/\.$/, "").toLowerCase();
  return HOSTNAME.test(host) ? { domain: host } : {};
}

/** Validates an X-ARF v4 report and normalises it; `raw` is the parsed JSON body, anything at all. */
export function parseXarfV4(raw: unknown): XarfParse {
  const parsed = coreSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const core = parsed.data;
  const problems = typeProblems(core);
  if (problems.length > 0) return { ok: false, problems };
  const url = core.url ?? core.infringing_url;
  const fields = core as Record<string, unknown>;
  const emailAddress = typeof fields.smtp_from === "string" && fields.smtp_from.length <= 320 ? fields.smtp_from : undefined;
  const tlp = tlpOfTags(core.tags);
  const report: IntakeReport = {
    source: "api",
    format: core.legacy_version === "3" ? "xarf-v3" : "xarf-v4",
    sourceReportId: core.report_id.toLowerCase(),
    category: core.category,
    type: core.type,
    target: {
      ...sourceTarget(core.source_identifier),
      ...(url !== undefined ? { url } : {}),
      ...(core.source_port !== undefined ? { port: core.source_port } : {}),
      ...(emailAddress !== undefined ? { emailAddress } : {}),
    },
    occurredAt: new Date(core.timestamp),
    reporter: { name: core.reporter.org, organisation: core.reporter.org, contactEmail: core.reporter.contact },
    summary: (core.description ?? `${core.category}/${core.type} from ${core.source_identifier}`).slice(0, INTAKE_TEXT_MAX_CHARS),
    evidence: (core.evidence ?? []).slice(0, INTAKE_EVIDENCE_MAX_ITEMS).map(evidenceOf),
    ...(tlp !== undefined ? { tlp } : {}),
  };
  if (!report.target.url && !report.target.ip && !report.target.domain && !report.target.emailAddress) {
    return { ok: false, problems: [{ pointer: "/source_identifier", detail: "an IP address or a host name" }] };
  }
  return { ok: true, report };
}
