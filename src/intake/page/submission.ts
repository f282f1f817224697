// What a visitor sends from the report page, checked field by field in their language, and turned into one intake
// report per web address. Floods are held off without a third-party CAPTCHA: each form carries a signed token with
// the time it was served (a form sent back sooner than a person can fill it in, or after an hour, is refused), a field
// hidden from people that robots fill in, and a count per connection in the database (the caller's).
import { createHmac, timingSafeEqual } from "node:crypto";
import { forbiddenNameCharacter, hasUnsafeCharacters } from "../../core/text.js";
import { INTAKE_TEXT_MAX_CHARS, INTAKE_URL_MAX_CHARS, type IntakeReport } from "../report.js";
import type { PageKind, PageLanguage, PageTexts } from "./texts.js";

/** Most web addresses in one report from the page. */
export const PAGE_MAX_URLS = 20;

/** Longest description a visitor may give. */
export const PAGE_WHAT_MAX_CHARS = 2000;

/** Longest name a visitor may give. */
export const PAGE_NAME_MAX_CHARS = 200;

/** Longest form field read at all (the whole address list included); longer fields are cut before parsing. */
const FIELD_READ_MAX_CHARS = PAGE_MAX_URLS * (INTAKE_URL_MAX_CHARS + 2);

/** A form sent back sooner than this after it was served is refused (people take longer). */
export const FORM_MIN_FILL_MS = 2000;

/** A form older than this is refused (a token cannot be collected once and used for a flood later). */
export const FORM_MAX_AGE_MS = 3_600_000;

/** The name of the field hidden from people; robots fill it in. */
export const HONEYPOT_FIELD = "website";

/** The token a served form carries: when it was served, for which page, signed. */
export function formToken(secret: Buffer, page: string, servedAtMs: number): string {
  const body = `${page}.${servedAtMs}`;
  return `${servedAtMs}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

/** Why a token is refused, or undefined when it is good. */
export function tokenProblem(secret: Buffer, page: string, token: unknown, nowMs: number): "too-fast" | "expired" | "invalid" | undefined {
  if (typeof token !== "string" || token.length > 100) return "invalid";
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return "invalid";
  const servedAtMs = Number(match[1]);
  const expected = Buffer.from(formToken(secret, page, servedAtMs));
  const given = Buffer.from(token);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "invalid";
  if (nowMs - servedAtMs < FORM_MIN_FILL_MS) return "too-fast";
  if (nowMs - servedAtMs > FORM_MAX_AGE_MS || servedAtMs > nowMs + 60_000) return "expired";
  return undefined;
}

/** The form's fields as sent (strings, cut to a bound before anything else reads them). */
export interface PageFields {
  urls: string;
  what: string;
  name: string;
  email: string;
}

/** Reads the submitted body (any shape) into bounded strings. */
export function readFields(body: unknown): PageFields & { honeypot: string; token: unknown } {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const text = (key: string) => {
    const value = record[key];
    return typeof value === "string" ? value.slice(0, FIELD_READ_MAX_CHARS) : "";
  };
  return { urls: text("urls"), what: text("what"), name: text("name"), email: text("email"), honeypot: text(HONEYPOT_FIELD), token: record.token };
}

/** A problem with one field, in the visitor's language. */
export interface FieldError {
  field: keyof PageFields;
  message: string;
}

/** The checked submission: its web addresses and what the visitor added, or the problems. */
export type CheckedSubmission = { ok: true; urls: string[]; what: string; name: string; email: string } | { ok: false; errors: FieldError[] };

/** A web address as the page accepts it: http(s), a host, no credentials, no spaces. */
function acceptedUrl(line: string): boolean {
  if (!/^https?:\/\/\S+$/i.test(line)) return false;
  try {
    const url = new URL(line);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "" && url.username === "" && url.password === "";
  } catch {
    return false;
  }
}

/** Checks the fields; every problem is named, in the visitor's language. Duplicate addresses are given once. */
export function checkSubmission(fields: PageFields, texts: PageTexts): CheckedSubmission {
  const errors: FieldError[] = [];
  const lines = fields.urls.split(/\r?\n/).map((line) => line.trim());
  const urls: string[] = [];
  lines.forEach((line, index) => {
    if (line === "") return;
    if (line.length > INTAKE_URL_MAX_CHARS) errors.push({ field: "urls", message: texts.errors.urlTooLong(index + 1, INTAKE_URL_MAX_CHARS) });
    else if (hasUnsafeCharacters(line) || !acceptedUrl(line)) errors.push({ field: "urls", message: texts.errors.urlInvalid(index + 1) });
    else if (!urls.includes(line)) urls.push(line);
  });
  if (urls.length === 0 && errors.length === 0) errors.push({ field: "urls", message: texts.errors.urlsMissing });
  if (urls.length > PAGE_MAX_URLS) errors.push({ field: "urls", message: texts.errors.urlsTooMany(PAGE_MAX_URLS) });
  const what = fields.what.trim();
  if (what.length > PAGE_WHAT_MAX_CHARS) errors.push({ field: "what", message: texts.errors.whatTooLong(PAGE_WHAT_MAX_CHARS) });
  else if (forbiddenNameCharacter(what, "allowed")) errors.push({ field: "what", message: texts.errors.forbiddenCharacter(texts.whatLabel) });
  const name = fields.name.trim();
  if (name.length > PAGE_NAME_MAX_CHARS) errors.push({ field: "name", message: texts.errors.nameTooLong(PAGE_NAME_MAX_CHARS) });
  else if (forbiddenNameCharacter(name)) errors.push({ field: "name", message: texts.errors.forbiddenCharacter(texts.nameLabel) });
  const email = fields.email.trim();
  if (email !== "" && (email.length > 254 || !/^[^\s@<>"]{1,64}@[^\s@<>"]{1,189}\.[A-Za-z]{2,63}$/.test(email))) errors.push({ field: "email", message: texts.errors.emailInvalid });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, urls, what, name, email };
}

/** The intake type of each page kind (X-ARF v4 has "csam"; terrorist content, TCO Art. 2(7), is Liaison's own). */
const TYPE_OF: Record<PageKind, string> = { "terrorist-content": "terrorist-content", csam: "csam" };

/**
 * One intake report per address. Public reports are TLP:AMBER (the receiving unit and those it must tell); the
 * visitor's contact details travel in `reporter`, which only the receiving unit's card shows.
 */
export function reportsOf(submission: Extract<CheckedSubmission, { ok: true }>, kind: PageKind, language: PageLanguage, at: Date): IntakeReport[] {
  return submission.urls.map((url) => ({
    source: "page" as const,
    format: "page" as const,
    category: "content",
    type: TYPE_OF[kind],
    target: { url },
    occurredAt: at,
    reporter: {
      ...(submission.name ? { name: submission.name } : {}),
      ...(submission.email ? { contactEmail: submission.email } : {}),
    },
    summary: submission.what.slice(0, INTAKE_TEXT_MAX_CHARS),
    evidence: [],
    tlp: "AMBER" as const,
    language,
  }));
}
