/** Codes of expected failures: answers to the user, not exceptions. */
export type FailureCode =
  | "bad-arguments"
  | "unknown-command"
  | "not-linked"
  | "not-allowed"
  | "not-found"
  | "conflict"
  | "invalid-transition"
  | "invalid-input"
  | "rate-limited"
  /** The case would repeat an open case of the opener's organisation (cases/duplicates.ts). */
  | "duplicate";

/** An expected failure: what went wrong, how to do it right, and a stable code. */
export interface Failure {
  ok: false;
  code: FailureCode;
  message: string;
  /** How to do it right (usage, a suggestion). */
  hint?: string;
}

/** A success carrying a value. */
export interface Success<T> {
  ok: true;
  value: T;
}

/** The outcome of an operation that can fail in an expected way. */
export type Outcome<T> = Success<T> | Failure;

/** Wraps a value as a success. */
export function ok<T>(value: T): Success<T> {
  return { ok: true, value };
}

/** Builds an expected failure. */
export function fail(code: FailureCode, message: string, hint?: string): Failure {
  return hint === undefined ? { ok: false, code, message } : { ok: false, code, message, hint };
}
