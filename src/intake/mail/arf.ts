// ARF, the Abuse Reporting Format (RFC 5965): a multipart/report; report-type=feedback-report whose second part,
// message/feedback-report, holds header-like fields about the reported message, and whose third part is that
// message (message/rfc822) or its headers (text/rfc822-headers), kept as evidence.
import { inertText } from "../../core/text.js";
import { INTAKE_TEXT_MAX_CHARS, type IntakeEvidence, type IntakeReport, type IntakeTarget } from "../report.js";
import { MAIL_MAX_REPORT_PART_BYTES } from "./limits.js";
import type { MailPart, ReadMail } from "./mime.js";
import { sha256Hex } from "./mime.js";
import { hostnameOf, targetOf, urlTarget } from "./targets.js";
import type { FieldProblem } from "./problems.js";

/** RFC 5965 §7.3 feedback types, and the X-ARF v4 category and type each is filed under. */
const FEEDBACK_TYPES: Record<string, [string, string]> = {
  abuse: ["messaging", "spam"],
  fraud: ["content", "fraud"],
  virus: ["content", "malware"],
  other: ["messaging", "other"],
  "not-spam": ["messaging", "not_spam"],
  "auth-failure": ["messaging", "auth_failure"],
};

/** The fields of a message/feedback-report part, lower-case names, values in order (unfolded). */
export function feedbackFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    if (/^[ \t]/.test(line) && last && last.length > 0) {
      last[last.length - 1] = `${last[last.length - 1] ?? ""} ${line.trim()}`;
      continue;
    }
    const match = /^([A-Za-z0-9-]{1,76}):[ \t]*(.*)$/.exec(line);
    if (!match) continue;
    const name = (match[1] ?? "").toLowerCase();
    last = fields.get(name) ?? [];
    last.push((match[2] ?? "").trim());
    fields.set(name, last);
  }
  return fields;
}

/** Whether a read mail is an ARF report. */
export function isArf(mail: ReadMail): boolean {
  return mail.contentType === "multipart/report" && mail.reportType === "feedback-report" && mail.parts.some((part) => part.contentType === "message/feedback-report");
}

/** An address in angle brackets or bare, lower case. */
function bareAddress(text: string | undefined): string | undefined {
  const address = text?.replace(/^.*<([^>]*)>.*$/, "$1").trim().toLowerCase();
  return address && /^[^\s@]{1,64}@[^\s@]{1,253}$/.test(address) ? address : undefined;
}

/** The header block of a message (up to its first empty line), for the original's subject. */
function originalSubject(part: MailPart | undefined): string | undefined {
  if (!part) return undefined;
  const head = part.content.subarray(0, 64 * 1024).toString("utf8").replace(/\r\n/g, "\n").split("\n\n")[0] ?? "";
  const match = /^subject:[ \t]*(.*(?:\n[ \t].*)*)/im.exec(head);
  return match?.[1]?.replace(/\n[ \t]+/g, " ").trim().slice(0, 500);
}

/** The ARF mail as one IntakeReport, or the fields that are wrong. */
export function fromArf(mail: ReadMail, received: { at: Date }): { ok: true; report: IntakeReport } | { ok: false; problems: FieldProblem[] } {
  const part = mail.parts.find((candidate) => candidate.contentType === "message/feedback-report");
  if (!part) return { ok: false, problems: [{ field: "message/feedback-report", message: "the feedback report part is missing" }] };
  if (part.content.length > MAIL_MAX_REPORT_PART_BYTES) return { ok: false, problems: [{ field: "message/feedback-report", message: `longer than ${MAIL_MAX_REPORT_PART_BYTES} bytes` }] };
  const fields = feedbackFields(part.content.toString("utf8"));
  const one = (name: string) => fields.get(name)?.[0];
  const problems: FieldProblem[] = [];
  // RFC 5965 §3.1: "Feedback-Type", "User-Agent" and "Version" MUST appear once; Version is 1.
  const feedbackType = one("feedback-type")?.toLowerCase();
  if (!feedbackType) problems.push({ field: "Feedback-Type", message: "required (RFC 5965 §3.1)" });
  const mapped = feedbackType ? (FEEDBACK_TYPES[feedbackType] ?? ["messaging", "other"]) : undefined;
  if (one("version") !== undefined && one("version") !== "1") problems.push({ field: "Version", message: "must be 1" });
  const sourceIp = one("source-ip");
  const ipTarget = sourceIp ? targetOf(sourceIp.replace(/^\[|\]$/g, "")) : undefined;
  if (sourceIp && !ipTarget?.ip) problems.push({ field: "Source-IP", message: "an IPv4 or IPv6 address" });
  const domain = fields.get("reported-domain")?.map(hostnameOf).find(Boolean);
  const url = fields.get("reported-uri")?.map((uri) => urlTarget(uri.replace(/^<|>$/g, ""))).find(Boolean);
  const mailFrom = bareAddress(one("original-mail-from"));
  const target: IntakeTarget = { ...(domain ? { domain } : {}), ...url, ...(ipTarget?.ip ? { ip: ipTarget.ip } : {}), ...(mailFrom ? { emailAddress: mailFrom } : {}) };
  if (!target.ip && !target.url && !target.domain && !target.emailAddress) problems.push({ field: "Source-IP", message: "the report names no source: no Source-IP, Reported-Domain, Reported-URI or Original-Mail-From" });
  const arrival = one("arrival-date") ?? one("received-date");
  const arrivedAt = arrival ? new Date(arrival) : undefined;
  if (arrival && Number.isNaN(arrivedAt?.getTime())) problems.push({ field: "Arrival-Date", message: "an RFC 5322 date" });
  if (problems.length > 0 || !mapped) return { ok: false, problems };
  const original = mail.parts.find((candidate) => candidate.contentType === "message/rfc822" || candidate.contentType === "text/rfc822-headers");
  const evidence: IntakeEvidence[] = [{ contentType: "message/rfc822", description: "the report as received", sha256: mail.sha256, sizeBytes: mail.sizeBytes }];
  if (original) evidence.push({ contentType: original.contentType, description: "the reported message", sha256: sha256Hex(original.content), sizeBytes: original.content.length });
  const subject = originalSubject(original);
  const summary = [
    `${feedbackType} report${one("user-agent") ? ` (${one("user-agent")})` : ""}`,
    target.ip ? `source ${target.ip}` : "",
    domain ? `domain ${domain}` : "",
    mailFrom ? `from ${mailFrom}` : "",
    subject ? `subject "${subject}"` : "",
    fields.get("incidents")?.[0] ? `${fields.get("incidents")?.[0]} incidents` : "",
  ].filter(Boolean).join("; ");
  return {
    ok: true,
    report: {
      source: "mail",
      format: "arf",
      ...(mail.messageId ? { sourceReportId: `mail:${mail.messageId}` } : {}),
      category: mapped[0],
      type: mapped[1],
      target,
      occurredAt: arrivedAt ?? mail.date ?? received.at,
      reporter: { ...(mail.fromName ? { name: mail.fromName.slice(0, 256) } : {}), ...(mail.fromAddress ? { contactEmail: mail.fromAddress } : {}) },
      summary: inertText(summary).slice(0, INTAKE_TEXT_MAX_CHARS),
      evidence,
    },
  };
}
