// The certificates of Regulation (EU) 2023/1543 (e-Evidence): the EPOC (Annex I) for a European Production Order and
// the EPOC-PR (Annex II) for a European Preservation Order. Every field has a length cap before anything reads it.
import { z } from "zod";

/**
 * Data categories, Art. 3(9)-(12): subscriber data, "data requested for the sole purpose of identifying the user"
 * (Art. 3(10)), traffic data and content data. The category decides who may issue (Art. 4) and whether the enforcing
 * authority is notified (Art. 8).
 */
export const DATA_CATEGORIES = ["subscriber", "identification", "traffic", "content"] as const;

/** A data category. */
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** The two orders: production (EPOC, Annex I) and preservation (EPOC-PR, Annex II). */
export const ORDER_TYPES = ["production", "preservation"] as const;

/** An order type. */
export type OrderType = (typeof ORDER_TYPES)[number];

/** Categories for which Art. 4(2) and Art. 8(1) apply: traffic data other than identification data, and content data. */
export function isTrafficOrContent(category: DataCategory): boolean {
  return category === "traffic" || category === "content";
}

const line = (what: string, max: number) => z.string().trim().min(2, `${what}, in a few characters at least`).max(max, `${what}: at most ${max} characters`);
const fileNumber = line("the file number", 100);
const instant = z.iso.datetime({ offset: true, error: "an instant with its offset, e.g. 2026-11-02T09:00:00+01:00" }).transform((text) => new Date(text));

/**
 * The fields both certificates share (Annex I and II, Sections A to H as they apply): issuing and validating authority
 * with their file numbers, the addressee, the data category, the user or identifier, the time range, the offence and
 * provision, and an emergency with its justification.
 */
const common = {
  /** Section A: the issuing authority's file number. */
  issuerFile: fileNumber,
  /** Section A: the validating authority (an organisation's slug) where Art. 4(1)(b), 4(2)(b) or 4(3)(b) applies. */
  validator: z.string().trim().toLowerCase().max(64).regex(/^[a-z0-9][a-z0-9-]*$/, "an organisation's slug, e.g. nl-om-rotterdam").optional(),
  /** Section A: the validating authority's file number. */
  validatorFile: fileNumber.optional(),
  /** Section D/E: the data category. */
  category: z.enum(DATA_CATEGORIES),
  /** Section D: the user, account or identifier whose data is sought. */
  target: line("the user or identifier concerned", 1000),
  /** Section D: the start of the period the data concern (required for traffic and content data). */
  from: instant.optional(),
  /** Section D: the end of that period. */
  to: instant.optional(),
  /** Section F: the nature and legal classification of the offence. */
  offence: line("the offence", 2000),
  /** Section F: the applicable statutory provision of the issuing State. */
  provision: line("the statutory provision", 500),
  /** Section B: the justification of an emergency (Art. 3(18)); given only for emergencies. */
  emergency: line("why this is an emergency (Art. 3(18): an imminent threat to life, physical integrity or safety, or to critical infrastructure)", 2000).optional(),
};

/** Annex I, the EPOC. */
export const epocSchema = z.strictObject({
  ...common,
  /** Section G: where the data is to be sent (the issuing authority or the law enforcement authority named). */
  deliverTo: line("where the data is to be sent", 500),
  /** Art. 8(2): the issuer's grounds to believe the offence is in the issuing State and the person resides there. */
  residentInIssuingState: z.boolean().default(false),
  /** Art. 8: the enforcing authority notified (an organisation's slug), when notification applies. */
  enforcing: z.string().trim().toLowerCase().max(64).regex(/^[a-z0-9][a-z0-9-]*$/, "an organisation's slug").optional(),
});

/** Annex II, the EPOC-PR. */
export const epocPrSchema = z.strictObject(common);

/** A validated EPOC. */
export type Epoc = z.output<typeof epocSchema>;

/** A validated EPOC-PR. */
export type EpocPr = z.output<typeof epocPrSchema>;

/** Either certificate, tagged. */
export type Certificate = ({ type: "production" } & Epoc) | ({ type: "preservation" } & EpocPr);

/**
 * Art. 8(1) and 8(2) (paraphrase: the English wording is not checked against EUR-Lex; the substance is checked against
 * the German text: the issuing authority notifies the enforcing authority, "zur gleichen Zeit wie dem Adressaten", and
 * the exception needs both (a) and (b); --resident-in-issuing-state asserts both).
 * Art. 8(1): "Where a European Production Order is issued to obtain traffic data, except for data requested for the
 * sole purpose of identifying the user as defined in Article 3, point (10), or to obtain content data, the issuing
 * authority shall notify the enforcing authority by transmitting the EPOC to that authority at the same time as it
 * transmits the EPOC to the addressee". Art. 8(2): "Paragraph 1 shall not apply if, at the time of issuing the order,
 * the issuing authority has reasonable grounds to believe that: (a) the offence has been committed, is being committed
 * or is likely to be committed in the issuing State; and (b) the person whose data are sought resides in the issuing
 * State."
 */
export function notificationRequired(certificate: Certificate): boolean {
  if (certificate.type !== "production") return false;
  return isTrafficOrContent(certificate.category) && !certificate.residentInIssuingState;
}

/** Validates a certificate; each problem names the flag to give. */
export function parseCertificate(type: OrderType, raw: Record<string, unknown>): { ok: true; certificate: Certificate } | { ok: false; problems: string[] } {
  const result = (type === "production" ? epocSchema : epocPrSchema).safeParse(raw);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => {
        const flag = `--${String(issue.path[0] ?? "").replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
        if (issue.code === "unrecognized_keys") return `${type === "production" ? "an EPOC" : "an EPOC-PR"} does not take ${issue.keys.map((key) => `--${key}`).join(", ")}`;
        return `${flag}: ${issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message}`;
      }),
    };
  }
  const certificate = { type, ...result.data } as Certificate;
  const problems: string[] = [];
  if (certificate.from && certificate.to && certificate.from.getTime() >= certificate.to.getTime()) problems.push("--from: the period starts before it ends (--to)");
  // Annex I Section D asks for the time range of the data requested "if applicable"; for traffic and content data an
  // order without one cannot be executed (Annex III: "it does not contain sufficient information").
  if (isTrafficOrContent(certificate.category) && (!certificate.from || !certificate.to)) problems.push("--from and --to: traffic and content data need the period they concern");
  if (Boolean(certificate.validator) !== Boolean(certificate.validatorFile)) problems.push("--validator and --validator-file go together: the validating authority and its file number");
  if (certificate.type === "production" && notificationRequired(certificate) && !certificate.enforcing) {
    problems.push("--enforcing: traffic and content data are notified to the enforcing authority of the addressee's Member State (Art. 8(1)); name it, or give --resident-in-issuing-state when Art. 8(2) applies");
  }
  if (certificate.type === "production" && !notificationRequired(certificate) && certificate.enforcing) {
    problems.push("--enforcing: no notification applies to this order (Art. 8(1) covers traffic and content data only, and Art. 8(2) excepts it)");
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, certificate };
}

/** The one line naming what an order asks, for the case's summary and cards. */
export function certificateSummary(certificate: Certificate): string {
  const what = certificate.type === "production" ? "EPOC" : "EPOC-PR";
  return `${what}: ${certificate.category} data of ${certificate.target}`.slice(0, 300);
}
