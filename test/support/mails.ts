// Mails for the intake tests: ARF (RFC 5965 §B.2's example), X-ARF mails carrying a report part, plain mails.
import { readFileSync } from "node:fs";

/** The X-ARF specification's samples, shared beside the repository. */
export const XARF_DIR = new URL("../../../shared/specs/xarf/", import.meta.url);

/** A sample's text. */
export function xarfSample(path: string): string {
  return readFileSync(new URL(`samples/${path}`, XARF_DIR), "utf8");
}

/** Lines joined with CRLF, as mail is sent. */
export const crlf = (lines: string[]) => Buffer.from(lines.join("\r\n"), "utf8");

/** An ARF report about a spam from 192.0.2.1 (RFC 5965 Appendix B.2), with changes. */
export function arfMail(options: { feedback?: string; sourceIp?: string; messageId?: string } = {}): Buffer {
  return crlf([
    "From: <abusedesk@mailbox-provider.example>",
    "Date: Thu, 8 Mar 2005 17:40:36 EDT",
    "Subject: FW: Earn money",
    "To: <abuse@hosting.example>",
    `Message-ID: <${options.messageId ?? "arf-1@mailbox-provider.example"}>`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=feedback-report; boundary="part1_13d.2e68ed54_boundary"',
    "",
    "--part1_13d.2e68ed54_boundary",
    'Content-Type: text/plain; charset="US-ASCII"',
    "",
    "This is an email abuse report for an email message received from IP 192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.",
    "",
    "--part1_13d.2e68ed54_boundary",
    "Content-Type: message/feedback-report",
    "",
    ...(options.feedback === undefined ? ["Feedback-Type: abuse"] : options.feedback ? [`Feedback-Type: ${options.feedback}`] : []),
    "User-Agent: SomeGenerator/1.0",
    "Version: 1",
    "Original-Mail-From: <somespammer@spammer.example>",
    "Original-Rcpt-To: <user@mailbox-provider.example>",
    "Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT",
    "Reporting-MTA: dns; mail.mailbox-provider.example",
    `Source-IP: ${options.sourceIp ?? "192.0.2.1"}`,
    "Authentication-Results: mail.mailbox-provider.example;",
    "               spf=fail smtp.mail=somespammer@spammer.example",
    "Reported-Domain: spammer.example",
    "Reported-Uri: http://spammer.example/earn_money.html",
    "",
    "--part1_13d.2e68ed54_boundary",
    "Content-Type: message/rfc822",
    "Content-Disposition: inline",
    "",
    "From: <somespammer@spammer.example>",
    "Received: from mailserver.spammer.example (mailserver.spammer.example [192.0.2.1]) by mailbox-provider.example with ESMTP id M63d4137594e46; Thu, 08 Mar 2005 14:00:00 -0400",
    "To: <Undisclosed Recipients>",
    "Subject: Earn money",
    "MIME-Version: 1.0",
    "Content-type: text/plain",
    "Message-ID: 8787KJKJ3K4J3K4J3K4J3.mail@spammer.example",
    "Date: Thu, 02 Sep 2004 12:31:03 -0500",
    "",
    "Spam Spam Spam",
    "--part1_13d.2e68ed54_boundary--",
    "",
  ]);
}

/** An X-ARF mail: a human part, and the report as a part of its own (JSON or YAML). */
export function xarfMail(report: string, options: { contentType?: string; filename?: string; messageId?: string; header?: boolean } = {}): Buffer {
  return crlf([
    "From: Brand Protection <takedown@brand-protect.example>",
    "To: abuse@hosting.example",
    "Subject: abuse report about 203.0.113.45",
    `Message-ID: <${options.messageId ?? "xarf-1@brand-protect.example"}>`,
    "Date: Sat, 11 Jan 2025 15:20:00 +0000",
    ...(options.header === false ? [] : ["X-ARF: YES"]),
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="xarf-boundary"',
    "",
    "--xarf-boundary",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Dear abuse team, see the attached report.",
    "--xarf-boundary",
    `Content-Type: ${options.contentType ?? "application/json"}; name="${options.filename ?? "report.json"}"`,
    `Content-Disposition: attachment; filename="${options.filename ?? "report.json"}"`,
    "Content-Transfer-Encoding: base64",
    "",
    ...(Buffer.from(report, "utf8").toString("base64").match(/.{1,76}/g) ?? []),
    "--xarf-boundary--",
    "",
  ]);
}

/** A plain mail from a person. */
export function plainMail(body: string, options: { subject?: string; charset?: string; headers?: string[]; from?: string } = {}): Buffer {
  return crlf([
    `From: ${options.from ?? "Jan Jansen <jan@reporter.example>"}`,
    "To: abuse@hosting.example",
    `Subject: ${options.subject ?? "phishing site"}`,
    "Message-ID: <plain-1@reporter.example>",
    "Date: Mon, 30 Nov 2026 09:00:00 +0100",
    ...(options.headers ?? []),
    "MIME-Version: 1.0",
    `Content-Type: text/plain; charset=${options.charset ?? "utf-8"}`,
    "",
    body,
    "",
  ]);
}

/**
 * An mboxrd file of mails, as a mail client writes it: each mail after a "From " separator line, its line endings
 * made `eol`, its body lines matching /^>*From / quoted with one more ">", and an empty line after it.
 */
export function mboxOf(mails: Buffer[], eol: "\n" | "\r\n" = "\n"): Buffer {
  const written = mails.map((mail) => {
    const lines = mail.toString("latin1").replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n");
    const quoted = lines.map((line) => (/^>*From /.test(line) ? `>${line}` : line));
    return ["From MAILER-DAEMON Thu Dec  3 10:00:00 2026", ...quoted, ""].join(eol) + eol;
  });
  return Buffer.from(written.join(""), "latin1");
}
