// A wrong field of a mail's report (ARF or X-ARF), as the mailbox logs it and `liaison intake import` lists it.

/** One field of a report that is wrong, and why. */
export interface FieldProblem {
  /** The field's path, e.g. "Feedback-Type", "reporter.contact" or "evidence.0.payload". */
  field: string;
  message: string;
}
