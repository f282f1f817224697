// Caps applied to a mail before any of it is parsed, so that no message can make parsing slow or large.

/** Largest raw message read (bytes); a larger one is refused unread. */
export const MAIL_MAX_BYTES = 25 * 1024 * 1024;

/** Largest header block of one MIME part (bytes), each header line counting for at least 64 bytes (mailsplit's rule). */
export const MAIL_MAX_HEADER_BYTES = 256 * 1024;

/** Deepest nesting of multiparts; deeper is refused. */
export const MAIL_MAX_DEPTH = 20;

/** Most MIME parts in one message. */
export const MAIL_MAX_PARTS = 500;

/** Longest text body decoded for the summary and for finding targets (characters); the rest is not read. */
export const MAIL_MAX_TEXT_CHARS = 200_000;

/** Most targets taken from one human report. */
export const MAIL_MAX_TARGETS = 50;

/** Longest machine-readable report part (ARF feedback report, X-ARF JSON or YAML) parsed (bytes). */
export const MAIL_MAX_REPORT_PART_BYTES = 1024 * 1024;
