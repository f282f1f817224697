// Where a mail or feed source hands its reports: the intake core commits the raw bytes they were read from and every
// report from them in one transaction (routing, grouping, de-confliction, the record), through the same
// acceptIntakeReport as the intake API. A source marks a message as handled only after the batch was committed.
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

/** The reports of one raw message (or feed file), handed over together with its bytes. */
export interface IntakeBatch {
  reports: IntakeReport[];
  origin: IntakeOrigin;
  /** The raw bytes (kept under origin.rawSha256, once, in the same transaction as the reports). */
  raw: Buffer;
}

/** What the core answers for an accepted report. */
export interface IntakeAcceptance {
  /** The intake id of the report (its entry on the item's timeline). */
  intakeId: string;
  /** The item's reference, e.g. I-2026-000042, when the core gives one. */
  reference?: string;
  /** True when this report had been accepted before (same source report id or same origin): nothing new was stored. */
  duplicate: boolean;
}

/** The intake core, as the mail and feed sources see it. */
export interface IntakeSink {
  /**
   * Commits the raw bytes and every report of a batch, all or none; resolves only after the commit, with one
   * acceptance per report in order. Rejects on a fault (the source tries again later; nothing was written).
   */
  acceptBatch(batch: IntakeBatch): Promise<IntakeAcceptance[]>;
}
