// `liaison intake import <file.eml | file.mbox>`: mails taken in offline, through the same path as the mailbox
// (takeInMail, then the store's intake sink and acceptIntakeReport). The file is read as a stream and split into mails
// (src/intake/mail/mbox.ts); each mail is all or nothing on its own: a mail that is too long, is no mail, or holds no
// report Liaison can take is refused with its place in the file and the reason, and the others go on. A mail's line
// endings are made CRLF first, as it was sent, so the same mail read from an LF mbox, a CRLF .eml or the mailbox is
// the same bytes, the same SHA-256 and (without a Message-ID) the same report. Importing a file again adds nothing:
// each report is claimed by its own id, the mail's Message-ID, or the SHA-256 of the mail.
import type { FeedProblem } from "../feed/csv.js";
import { MAIL_MAX_BYTES, MAIL_MAX_HEADER_BYTES } from "./limits.js";
import { takeInMail, type MailIntakeDeps } from "./intake.js";
import { mailsOfFile, withCrlf, type FileMail } from "./mbox.js";
import type { FieldProblem } from "./problems.js";

/** Most refused mails listed one by one in a summary (the rest are counted). */
export const MAIL_FILE_MAX_LISTED = 100;

/** A mail of the file that was not taken in. */
export interface MailFileRefusal {
  /** Its place in the file (1 for the first mail) and the line it starts on. */
  position: number;
  line: number;
  code: string;
  message: string;
  problems: (FieldProblem | FeedProblem)[];
}

/** What importing a mail file did. */
export interface MailFileSummary {
  /** Mails found in the file. */
  mails: number;
  /** Mails taken in (each committed with all its reports). */
  accepted: number;
  /** Reports new to Liaison, and reports it had already (the same mail or report imported or read before). */
  newReports: number;
  duplicateReports: number;
  /** Intake items the new reports are in. */
  items: number;
  /** Mails refused: how many, and the first MAIL_FILE_MAX_LISTED of them. */
  refusedCount: number;
  refused: MailFileRefusal[];
}

/** A fault (the database) stopped the import at a mail; the mails before it were committed. */
export class MailFileImportFault extends Error {
  constructor(readonly position: number, readonly line: number, readonly summary: MailFileSummary, readonly fault: unknown) {
    super(`mail ${position} (line ${line}) could not be committed: ${fault instanceof Error ? fault.message : String(fault)}`);
  }
}

const FIELD_LINE = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;
const FROM_FIELD = /^from[ \t]*:/i;

/**
 * Why bytes are not a mail, or undefined: a mail starts with a header field, holds no NUL byte in its header, and
 * names its author (RFC 5322 §3.6: a From field is required). Only the header block is looked at, at most
 * MAIL_MAX_HEADER_BYTES of it.
 */
export function notAMailReason(raw: Buffer): string | undefined {
  if (raw.length === 0) return "it is empty";
  const scanned = raw.subarray(0, MAIL_MAX_HEADER_BYTES);
  const blankAt = scanned.indexOf("\r\n\r\n");
  const header = (blankAt === -1 ? scanned : scanned.subarray(0, blankAt)).toString("latin1");
  if (header.includes("\0")) return "its header holds NUL bytes (a binary file?)";
  const lines = header.split("\r\n");
  if (!FIELD_LINE.test(lines[0] ?? "")) return "it does not start with a header field (\"Name: value\")";
  if (!lines.some((line) => FROM_FIELD.test(line))) return "its header has no From field";
  return undefined;
}

/** Imports the mails of a file read as `chunks`, into the sink of `deps`, as mailbox `file:<fileName>`. */
export async function importMailFile(chunks: AsyncIterable<Buffer | string>, fileName: string, deps: MailIntakeDeps): Promise<MailFileSummary> {
  const mailbox = `file:${fileName.slice(0, 200)}`;
  const summary: MailFileSummary = { mails: 0, accepted: 0, newReports: 0, duplicateReports: 0, items: 0, refusedCount: 0, refused: [] };
  const references = new Set<string>();
  const refuse = (mail: FileMail, code: string, message: string, problems: MailFileRefusal["problems"] = []) => {
    summary.refusedCount += 1;
    if (summary.refused.length < MAIL_FILE_MAX_LISTED) summary.refused.push({ position: mail.position, line: mail.line, code, message, problems: problems.slice(0, 20) });
  };
  for await (const mail of mailsOfFile(chunks, MAIL_MAX_BYTES)) {
    summary.mails += 1;
    if (mail.oversize) {
      refuse(mail, "too-large", `the mail has ${mail.sizeBytes} bytes; at most ${MAIL_MAX_BYTES} are read`);
      continue;
    }
    const raw = withCrlf(mail.bytes);
    const notAMail = notAMailReason(raw);
    if (notAMail) {
      refuse(mail, "not-a-mail", `this is not a mail: ${notAMail}`);
      continue;
    }
    let outcome;
    try {
      outcome = await takeInMail(raw, mailbox, deps);
    } catch (error) {
      summary.items = references.size;
      throw new MailFileImportFault(mail.position, mail.line, summary, error);
    }
    if (outcome.status === "refused") {
      refuse(mail, outcome.code, outcome.message, outcome.problems);
      continue;
    }
    summary.accepted += 1;
    for (const item of outcome.items) {
      if (item.duplicate) {
        summary.duplicateReports += 1;
      } else {
        summary.newReports += 1;
        if (item.reference) references.add(item.reference);
      }
    }
  }
  summary.items = references.size;
  return summary;
}
