// The one shape every intake source turns a report into before it is routed and grouped: the intake API (X-ARF v4
// and v3 over HTTP), the abuse mailbox (ARF, X-ARF and plain mail), feed files (CSV, one event per row) and the public
// report page. Sources parse and validate their own wire format, then build an IntakeReport; nothing after this point
// knows where a report came from except through `source` and `format`.
import { z } from "zod";
import { TLP_LABELS } from "../core/message.js";
import { canonicalIpText } from "../directory/ip-text.js";

/** Where a report entered Liaison. */
export const INTAKE_SOURCES = ["api", "mail", "feed", "page"] as const;

/** The wire format the report arrived in. */
export const INTAKE_FORMATS = ["xarf-v4", "xarf-v3", "arf", "plain-mail", "csv-feed", "page"] as const;

/** Longest free text kept from a report (summary, description of evidence). */
export const INTAKE_TEXT_MAX_CHARS = 4_000;

/** Longest URL kept from a report. */
export const INTAKE_URL_MAX_CHARS = 4_096;

/** Most evidence items kept per report. */
export const INTAKE_EVIDENCE_MAX_ITEMS = 20;

/** One piece of evidence: described and fingerprinted; its bytes are kept by the source that received it. */
export const intakeEvidenceSchema = z.object({
  /** MIME type as given, e.g. "message/rfc822", "image/png". */
  contentType: z.string().max(255),
  /** What it is, in the reporter's words (plain text). */
  description: z.string().max(INTAKE_TEXT_MAX_CHARS).default(""),
  /** Lower-case hex SHA-256 of the evidence's bytes, when the bytes were received. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** Size of the evidence's bytes. */
  sizeBytes: z.number().int().nonnegative().optional(),
});

/** What a report is about: at least one of these is given; routing uses them in this order of precision. */
export const intakeTargetSchema = z
  .object({
    /** A URL, as reported (normalised later for matching). */
    url: z.string().max(INTAKE_URL_MAX_CHARS).optional(),
    /** A domain name (host), without a trailing dot. */
    domain: z.string().max(253).optional(),
    /** An IPv4 or IPv6 address, in its canonical text (IPv6 by RFC 5952: src/directory/ip-text.ts). */
    ip: z.string().max(64).transform((text) => canonicalIpText(text) ?? text).optional(),
    /** An IP port, when the report names one. */
    port: z.number().int().min(0).max(65_535).optional(),
    /** An autonomous system number. */
    asn: z.number().int().min(0).max(4_294_967_295).optional(),
    /** An e-mail address (spam source, phishing sender). */
    emailAddress: z.string().max(320).optional(),
  })
  .refine((target) => Boolean(target.url ?? target.domain ?? target.ip ?? target.asn ?? target.emailAddress), {
    message: "a report needs at least one of url, domain, ip, asn or emailAddress",
  });

/** A report from any source, validated and normalised, ready for routing and grouping. */
export const intakeReportSchema = z.object({
  source: z.enum(INTAKE_SOURCES),
  format: z.enum(INTAKE_FORMATS),
  /** The reporter's own id for this report (X-ARF report id, mail Message-ID, feed row key): a resend is idempotent. */
  sourceReportId: z.string().min(1).max(256).optional(),
  /** The report's category, X-ARF v4 vocabulary ("content", "connection", "messaging", ...). */
  category: z.string().min(1).max(64),
  /** The report's type within its category, X-ARF v4 vocabulary ("phishing", "ddos", "spam", "csam", ...). */
  type: z.string().min(1).max(64),
  target: intakeTargetSchema,
  /** When the abuse was observed (the report's own time), not when Liaison received it. */
  occurredAt: z.date(),
  /** Who reported, as they said (never trusted for permissions: the token or mailbox says which organisation sent it). */
  reporter: z
    .object({
      name: z.string().max(256).optional(),
      organisation: z.string().max(256).optional(),
      contactEmail: z.string().max(320).optional(),
      contactPhone: z.string().max(64).optional(),
    })
    .default({}),
  /** A plain-text summary for the card. */
  summary: z.string().max(INTAKE_TEXT_MAX_CHARS).default(""),
  evidence: z.array(intakeEvidenceSchema).max(INTAKE_EVIDENCE_MAX_ITEMS).default([]),
  /** The reporter's TLP label, when the format carries one (public reports default to AMBER). */
  tlp: z.enum(TLP_LABELS).optional(),
  /** The report's language (ISO 639-1), for the page. */
  language: z.string().regex(/^[a-z]{2}$/).optional(),
});

/** A report from any source, validated and normalised. */
export type IntakeReport = z.infer<typeof intakeReportSchema>;

/** One piece of a report's evidence. */
export type IntakeEvidence = z.infer<typeof intakeEvidenceSchema>;

/** What a report is about. */
export type IntakeTarget = z.infer<typeof intakeTargetSchema>;
