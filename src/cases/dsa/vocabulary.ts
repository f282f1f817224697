// The words the Digital Services Act (Regulation (EU) 2022/2065) and the Dutch rules on child sexual abuse material
// use for orders, notices and their outcomes, declared once: forms, commands, cards and the report read them here.
// This file imports nothing of the case model, so that kinds.ts can build its forms from it.
import { z } from "zod";

/** The Member States of the European Union, by ISO 3166-1 alpha-2 code (Greece as EL, as EU texts write it; GR accepted). */
export const MEMBER_STATES = [
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT",
  "NL", "PL", "PT", "RO", "SE", "SI", "SK",
] as const;

/** A Member State code. */
export type MemberState = (typeof MEMBER_STATES)[number];

/** A Member State code as typed: two letters, any case; GR is read as EL. */
export const memberStateSchema = z
  .string()
  .trim()
  .max(2, "a two-letter Member State code such as NL or DE")
  .transform((text) => (text.toUpperCase() === "GR" ? "EL" : text.toUpperCase()))
  .pipe(z.enum(MEMBER_STATES, { error: `a Member State code: ${MEMBER_STATES.join(", ")}` }));

/**
 * Types of illegal content, for DSA Art. 15(1)(a) and (b) ("categorised by the type of illegal content concerned").
 * The Regulation lists no categories; these follow the statement categories of the DSA Transparency Database, which
 * the Commission's templates for transparency reports use as well.
 */
export const CONTENT_TYPES = [
  "animal-welfare", "data-protection", "illegal-speech", "intellectual-property", "civic-discourse", "non-consensual-behaviour",
  "online-bullying", "pornography", "protection-of-minors", "child-sexual-abuse", "public-security", "terrorist-content",
  "scams-and-fraud", "self-harm", "unsafe-products", "violence", "other",
] as const;

/** A type of illegal content. */
export type ContentType = (typeof CONTENT_TYPES)[number];

/**
 * The restrictions DSA Art. 17(1) names, for the statement of reasons: "(a) any restrictions of the visibility of
 * specific items of information provided by the recipient of the service, including removal of content, disabling
 * access to content, or demoting content; (b) suspension, termination or other restriction of monetary payments;
 * (c) suspension or termination of the provision of the service in whole or in part; (d) suspension or termination
 * of the recipient of the service's account."
 */
export const RESTRICTIONS = [
  "removal", "access-disabled", "demotion", "visibility-restricted", "monetary-restricted", "service-suspended",
  "service-terminated", "account-suspended", "account-terminated", "none",
] as const;

/** A restriction applied (Art. 17(1)), or none. */
export type Restriction = (typeof RESTRICTIONS)[number];

/**
 * The ground a decision on a notice rests on. DSA Art. 17(3)(d): "where the decision concerns allegedly illegal
 * content, a reference to the legal ground relied on and explanations as to why the information is considered to be
 * illegal content on that ground"; Art. 17(3)(e): "where the decision is based on the alleged incompatibility of the
 * information with the terms and conditions of the provider of hosting services, a reference to the contractual
 * ground relied on and explanations as to why the information is considered to be incompatible with that ground".
 * Art. 15(1)(b) asks the figures to differentiate "whether the action was taken on the basis of the law or the terms
 * and conditions of the provider".
 */
export const GROUNDS = ["law", "terms"] as const;

/** The ground of a decision: the law, or the provider's terms and conditions. */
export type Ground = (typeof GROUNDS)[number];

/** Which rule an Art. 18 / TCO Art. 14(5) report is made under (they differ when the Member State is unknown). */
export const THREAT_REGIMES = ["dsa-art-18", "tco-art-14-5"] as const;

/** The longest term the ATKM may set in a binding order for child sexual abuse material: twelve hours. */
export const ATKM_MAX_TERM_MS = 12 * 60 * 60_000;

/** A term such as "1h", "90m" or "12h", in milliseconds. */
export const termSchema = z
  .string()
  .trim()
  .max(10)
  .regex(/^\d{1,4}(m|h)$/, "a term in minutes or hours, e.g. 1h, 90m or 12h")
  .transform((text) => Number(text.slice(0, -1)) * (text.endsWith("h") ? 3_600_000 : 60_000));
