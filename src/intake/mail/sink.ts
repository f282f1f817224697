// Where a mail or feed source hands its reports: the intake core commits each one (routing, grouping, the record)
// and answers with its item. A source marks a message as handled only after every report from it was accepted.
import type { IntakeReport } from "../report.js";

/** Where a report came from, for the record and for idempotency: the same raw bytes twice are one report. */
export interface IntakeOrigin {
  /** The mailbox or feed it was read from, e.g. "imap:abuse@example.net/INBOX" or "file:reports.mbox". */
  mailbox: string;
  /** The mail's Message-ID, without angle brackets, when it has one. */
  messageId?: string;
  /** Lower-case hex SHA-256 of the raw message (or feed file) the report was read from; its bytes are kept by sha256. */
  rawSha256: string;
}

/** What the core answers for an accepted report. */
export interface IntakeAcceptance {
  /** The intake item the report was committed to. */
  intakeId: string;
  /** True when this report had been accepted before (same source report id or same origin): nothing new was stored. */
  duplicate: boolean;
}

/** The intake core, as the mail and feed sources see it. */
export interface IntakeSink {
  /** Commits one report; resolves only after it is committed. Rejects on a fault (the source retries later). */
  accept(report: IntakeReport, origin: IntakeOrigin): Promise<IntakeAcceptance>;
}
