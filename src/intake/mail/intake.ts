// One raw mail, taken in: read (bounded), turned into reports, and handed with its bytes to the intake sink, which
// commits them together. The caller (the mailbox reader, the import command) marks the message as handled only after
// this resolves with "accepted"; a fault (the database, the sink) rejects, and the message is tried again later.
import type { Clock } from "../../core/clock.js";
import type { IntakeSettings } from "../settings.js";
import type { FeedProblem } from "../feed/csv.js";
import { readMail, type MailReadFailureCode } from "./mime.js";
import { reportsOfMail, type MailRefusalCode } from "./reports.js";
import type { IntakeAcceptance, IntakeSink } from "./sink.js";
import type { FieldProblem } from "./problems.js";

/** What taking a mail in needs. */
export interface MailIntakeDeps {
  sink: IntakeSink;
  settings: IntakeSettings;
  clock: Clock;
  /** The mailbox's own addresses, never taken as a target of a plain mail. */
  ownAddresses?: ReadonlySet<string>;
}

/** What became of a mail. */
export type MailOutcome =
  | { status: "accepted"; format: string; sha256: string; messageId?: string; items: IntakeAcceptance[] }
  | { status: "refused"; code: MailReadFailureCode | MailRefusalCode; message: string; sha256: string; problems: (FieldProblem | FeedProblem)[] };

/** Takes one raw mail in from `mailbox`; resolves once every report in it was committed by the sink. */
export async function takeInMail(raw: Buffer, mailbox: string, deps: MailIntakeDeps): Promise<MailOutcome> {
  const read = await readMail(raw);
  if (!read.ok) return { status: "refused", code: read.code, message: read.message, sha256: read.sha256, problems: [] };
  const mail = read.mail;
  const found = reportsOfMail(mail, deps.settings, deps.clock.now(), deps.ownAddresses);
  if (!found.ok) return { status: "refused", code: found.code, message: found.message, sha256: mail.sha256, problems: found.problems };
  const origin = { mailbox, ...(mail.messageId ? { messageId: mail.messageId } : {}), rawSha256: mail.sha256 };
  const items: IntakeAcceptance[] = await deps.sink.acceptBatch({ reports: found.reports, origin, raw });
  return { status: "accepted", format: found.format, sha256: mail.sha256, ...(mail.messageId ? { messageId: mail.messageId } : {}), items };
}
