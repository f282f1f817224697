// Which kind of report a mail is, and the IntakeReports it holds: an ARF feedback report (RFC 5965), an X-ARF report
// (v4 JSON, v3 JSON or YAML, in a part of its own), CSV feed files from a configured sender, or a plain mail from a
// person (its URLs and addresses are the targets). A mail that is none of these, or a broken one, is refused with
// the reason, and a person looks at it.
import { parse as parseYaml } from "yaml";
import { inertText } from "../../core/text.js";
import { INTAKE_EVIDENCE_MAX_ITEMS, INTAKE_TEXT_MAX_CHARS, intakeReportSchema, type IntakeEvidence, type IntakeReport } from "../report.js";
import { feedFor, readFeed, type FeedProblem } from "../feed/csv.js";
import type { IntakeSettings } from "../settings.js";
import { fromArf, isArf } from "./arf.js";
import { MAIL_MAX_REPORT_PART_BYTES, MAIL_MAX_TARGETS } from "./limits.js";
import { sha256Hex, type MailPart, type ReadMail } from "./mime.js";
import { targetsInText } from "./targets.js";
import { parseXarfValue, xarfVersionOf } from "../xarf/parse.js";
import type { FieldProblem } from "./problems.js";

/** Why a mail holds no report Liaison can take. */
export type MailRefusalCode = "arf-invalid" | "xarf-invalid" | "feed-invalid" | "no-target";

/** The reports of a mail, or why there are none. */
export type MailReports =
  | { ok: true; format: IntakeReport["format"]; reports: IntakeReport[] }
  | { ok: false; code: MailRefusalCode; message: string; problems: (FieldProblem | FeedProblem)[] };

const REPORT_PART_TYPES = new Set(["application/json", "text/json", "application/x-yaml", "application/yaml", "text/yaml", "text/x-yaml", "application/xarf+json"]);

/** Whether a part may hold a machine-readable X-ARF report. */
function mayBeXarf(part: MailPart): boolean {
  if (REPORT_PART_TYPES.has(part.contentType)) return true;
  return part.contentType === "text/plain" && /\.(json|ya?ml|txt)$/i.test(part.filename ?? "");
}

/** A part's text as JSON or YAML (YAML without aliases beyond a few), or undefined when it is neither. */
function structuredValue(part: MailPart): unknown {
  if (part.content.length > MAIL_MAX_REPORT_PART_BYTES) return undefined;
  const text = part.content.toString("utf8").replace(/^\uFEFF/, "");
  try {
    if (/^\s*[{[]/.test(text)) return JSON.parse(text) as unknown;
    return parseYaml(text, { maxAliasCount: 10, uniqueKeys: true, prettyErrors: false }) as unknown;
  } catch {
    return undefined;
  }
}

/** A JSON pointer ("/reporter/contact") as a field path ("reporter.contact"); the whole report is "(report)". */
function fieldOfPointer(pointer: string): string {
  const path = pointer.split("/").slice(1).map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
  return path.length === 0 ? "(report)" : path.join(".");
}

/** The mail itself as the first piece of evidence. */
function mailEvidence(mail: ReadMail): IntakeEvidence {
  return { contentType: "message/rfc822", description: "the report as received", sha256: mail.sha256, sizeBytes: mail.sizeBytes };
}

/** Parts that are attachments (not the message's own text), fingerprinted. */
function attachmentEvidence(mail: ReadMail): IntakeEvidence[] {
  const body = (part: MailPart) => !part.filename && (part.contentType === "text/plain" || part.contentType === "text/html");
  return mail.parts.filter((part) => !body(part)).map((part) => ({
    contentType: part.contentType.slice(0, 255),
    description: inertText(part.filename ?? "").slice(0, INTAKE_TEXT_MAX_CHARS),
    sha256: sha256Hex(part.content),
    sizeBytes: part.content.length,
  }));
}

/** The reports a read mail holds. `at` is when it was received (the time of a report that names none). */
export function reportsOfMail(mail: ReadMail, settings: IntakeSettings, at: Date, ownAddresses: ReadonlySet<string> = new Set()): MailReports {
  if (isArf(mail)) {
    const arf = fromArf(mail, { at });
    return arf.ok ? { ok: true, format: "arf", reports: [arf.report] } : { ok: false, code: "arf-invalid", message: "the ARF feedback report is not valid", problems: arf.problems };
  }
  const xarfParts = mail.parts.filter(mayBeXarf).map(structuredValue).filter((value) => xarfVersionOf(value) !== undefined);
  if (xarfParts.length > 0 || mail.xArf === "yes") {
    if (xarfParts.length === 0) return { ok: false, code: "xarf-invalid", message: "the mail says X-ARF: YES but carries no X-ARF report (a JSON or YAML part)", problems: [] };
    const reports: IntakeReport[] = [];
    const problems: FieldProblem[] = [];
    for (const value of xarfParts) {
      // The API's validator; a v3 report's id is derived from the value (the same report in JSON or YAML is one).
      const result = parseXarfValue(value, "mail", JSON.stringify(value));
      if (!result.ok) {
        problems.push(...result.problems.map((problem) => ({ field: fieldOfPointer(problem.pointer), message: problem.detail })));
        continue;
      }
      const report = { ...result.report, summary: inertText(result.report.summary).slice(0, INTAKE_TEXT_MAX_CHARS) };
      reports.push({
        ...report,
        sourceReportId: report.sourceReportId ?? (mail.messageId ? `mail:${mail.messageId}${xarfParts.length > 1 ? `#${reports.length + 1}` : ""}` : undefined),
        evidence: [mailEvidence(mail), ...report.evidence].slice(0, INTAKE_EVIDENCE_MAX_ITEMS),
      });
    }
    if (problems.length > 0) return { ok: false, code: "xarf-invalid", message: "the X-ARF report is not valid", problems };
    return { ok: true, format: reports[0]?.format ?? "xarf-v4", reports };
  }
  const feedFiles = mail.parts.flatMap((part) => {
    const feed = part.filename ? feedFor(settings.feeds, part.filename, mail.fromAddress) : undefined;
    return feed && part.filename ? [{ feed, part, name: part.filename }] : [];
  });
  if (feedFiles.length > 0) {
    const reports: IntakeReport[] = [];
    const problems: FeedProblem[] = [];
    for (const file of feedFiles) {
      const result = readFeed(file.feed, file.part.content, { name: file.name, sha256: sha256Hex(file.part.content) });
      if (result.ok) reports.push(...result.reports);
      else problems.push(...result.problems.map((problem) => ({ ...problem, message: `${file.name}: ${problem.message}` })));
    }
    if (problems.length > 0) return { ok: false, code: "feed-invalid", message: "a feed file has bad rows; none of its rows was taken", problems };
    return { ok: true, format: "csv-feed", reports };
  }
  return plainReports(mail, settings, at, ownAddresses);
}

/** A plain mail from a person: one report per URL or address it names. */
function plainReports(mail: ReadMail, settings: IntakeSettings, at: Date, ownAddresses: ReadonlySet<string>): MailReports {
  const exclude = new Set([...ownAddresses, ...(mail.fromAddress ? [mail.fromAddress] : [])]);
  const targets = targetsInText(`${mail.subject}\n${mail.text}`, MAIL_MAX_TARGETS, exclude);
  if (targets.length === 0) return { ok: false, code: "no-target", message: "the mail names no URL, IP address or e-mail address to act on", problems: [] };
  const summary = inertText(`${mail.subject}\n\n${mail.text.trim()}`.trim()).slice(0, INTAKE_TEXT_MAX_CHARS);
  const evidence = [mailEvidence(mail), ...attachmentEvidence(mail)].slice(0, INTAKE_EVIDENCE_MAX_ITEMS);
  const reports = targets.map((target, index) =>
    intakeReportSchema.parse({
      source: "mail",
      format: "plain-mail",
      ...(mail.messageId ? { sourceReportId: `mail:${mail.messageId}${targets.length > 1 ? `#${index + 1}` : ""}` } : {}),
      category: settings.mail.plainMail.category,
      type: settings.mail.plainMail.type,
      target,
      occurredAt: mail.date ?? at,
      reporter: { ...(mail.fromName ? { name: inertText(mail.fromName).slice(0, 256) } : {}), ...(mail.fromAddress && mail.fromAddress.length <= 320 ? { contactEmail: mail.fromAddress } : {}) },
      summary,
      evidence,
    }),
  );
  return { ok: true, format: "plain-mail", reports };
}
