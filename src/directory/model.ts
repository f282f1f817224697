import { z } from "zod";
import { canonicalIdentity, PLATFORMS } from "../core/adapter.js";
import { forbiddenNameCharacter } from "../core/text.js";
import { isoDateSchema } from "../time/calendar.js";
import { timeZoneSchema, workingHoursSchema } from "../time/calendar.js";

/** Kinds of organisation (domain.md, "The directory"). */
export const ORGANISATION_KINDS = [
  "government", "lea", "referral-unit", "hosting", "platform", "registrar", "access-provider", "ngo", "cert", "other",
] as const;

/** Topics a contact can be responsible for. */
export const TOPICS = ["notices", "removal-orders", "investigations", "data-sharing", "general"] as const;

/** Roles a contact can have for a topic. */
export const ROLES = ["primary", "backup", "escalation"] as const;

/** A topic. */
export type Topic = (typeof TOPICS)[number];

/** A role for a topic. */
export type Role = (typeof ROLES)[number];

/** A directory slug: lower-case letters, digits and hyphens. */
export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lower-case letters, digits and hyphens, 2 to 63 characters (e.g. acme-hosting)");

/** A contact handle: lower-case letters, digits, dots, hyphens, underscores. */
export const handleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, "lower-case letters, digits, '.', '-', '_', 2 to 64 characters (e.g. anna.devries)");

/** ISO 3166-1 alpha-2 country code (or EU), upper-cased. */
export const countrySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, "a two-letter ISO country code such as NL, DE or FR");

/** ISO 639-1 language code, lower-cased. */
export const languageSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2}$/, "a two-letter ISO 639-1 language code such as en, nl or de");

/**
 * Legal designations, granted by coordinators (never by the organisation itself), that decide who may issue what:
 * - `tco-competent-authority:<MS>`: a competent authority a Member State designated to issue removal orders
 *   (Regulation (EU) 2021/784 Art. 12(1)(a), paraphrase: the authority competent to issue removal orders under
 *   Article 3; checked against the German text only);
 * - `eevidence-issuing-authority:<MS>`: an issuing authority for European Production and Preservation Orders
 *   (Regulation (EU) 2023/1543 Art. 4);
 * - `dsa-trusted-flagger:<area>`: a trusted flagger, status awarded by a Digital Services Coordinator for an area of
 *   expertise (Regulation (EU) 2022/2065 Art. 22(2)); its notices get priority only at online platforms (Art. 22(1));
 * - `online-platform`: a provider of an online platform (DSA Art. 3(i));
 * - `tco-contact-point`, `dsa-point-of-contact`, `dsa-legal-representative`: TCO Art. 15, DSA Art. 11/12, Art. 13;
 * - `eevidence-judge:<MS>`, `eevidence-prosecutor:<MS>`: a judge, court or investigating judge, or a public
 *   prosecutor, of that Member State, who issues and validates orders as Regulation (EU) 2023/1543 Art. 4 allows;
 * - `eevidence-enforcing-authority:<MS>`: the enforcing authority of that Member State (Art. 3(17), Art. 8, Art. 12);
 * - `nl-atkm`: the Autoriteit Online Terroristisch en Kinderpornografisch Materiaal, the only body that gives binding
 *   orders to remove child sexual abuse material under the Wet bestuursrechtelijke aanpak online kinderpornografisch
 *   materiaal (Stb. 2024, 162), art. 6.
 */
export const DESIGNATION_TYPES = [
  "tco-competent-authority", "eevidence-issuing-authority", "dsa-trusted-flagger", "online-platform", "tco-contact-point",
  "dsa-point-of-contact", "dsa-legal-representative", "nl-atkm",
  "eevidence-judge", "eevidence-prosecutor", "eevidence-enforcing-authority",
] as const;

/** A designation type. */
export type DesignationType = (typeof DESIGNATION_TYPES)[number];

/** Which designations name a Member State, which an area of expertise, which nothing. */
const DESIGNATION_DETAIL: Record<DesignationType, "member-state" | "area" | "none"> = {
  "tco-competent-authority": "member-state", "eevidence-issuing-authority": "member-state", "dsa-trusted-flagger": "area",
  "online-platform": "none", "tco-contact-point": "none", "dsa-point-of-contact": "none", "dsa-legal-representative": "none",
  "nl-atkm": "none",
  "eevidence-judge": "member-state", "eevidence-prosecutor": "member-state", "eevidence-enforcing-authority": "member-state",
};

/** A designation as written: "tco-competent-authority:NL", "dsa-trusted-flagger:terrorist-content", "online-platform". */
export const designationSchema = z
  .string()
  .trim()
  .max(100)
  .transform((text, context) => {
    const [type = "", detail, ...rest] = text.split(":");
    const kind = type.toLowerCase() as DesignationType;
    const needs = DESIGNATION_DETAIL[kind];
    const problem = (message: string) => {
      context.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    if (!needs) return problem(`"${type}" is not a designation; designations: ${DESIGNATION_TYPES.join(", ")}`);
    if (rest.length > 0) return problem(`"${text}" has more than one ":"`);
    if (needs === "member-state") {
      if (!detail || !/^[A-Za-z]{2}$/.test(detail)) return problem(`${kind} names the Member State that designated it, e.g. ${kind}:NL`);
      return `${kind}:${detail.toUpperCase()}`;
    }
    if (needs === "area") {
      if (!detail || !/^[a-z0-9][a-z0-9-]{1,59}$/.test(detail.toLowerCase())) return problem(`${kind} names its area of expertise in lower-case words with hyphens, e.g. ${kind}:terrorist-content`);
      return `${kind}:${detail.toLowerCase()}`;
    }
    if (detail !== undefined) return problem(`${kind} takes no detail (write it alone)`);
    return kind;
  });

/** Whether an organisation's designations include one of this type (and, when given, for this Member State). */
export function hasDesignation(designations: readonly string[], type: DesignationType, memberState?: string): boolean {
  return designations.some((designation) => {
    const [held, detail] = designation.split(":");
    return held === type && (memberState === undefined || detail === memberState);
  });
}

/** An emergency phone number in international (E.164) form. */
export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, "an international phone number in E.164 form such as +31201234567");

/**
 * A name or label (a person's or organisation's name, a mailbox; a legal contact's address may span lines): at most
 * `maxChars`, without control, direction-changing or invisible characters (they could forge an author's line).
 */
export function plainLineSchema(maxChars: number, minChars = 1, lineBreaks: "refused" | "allowed" = "refused") {
  return z
    .string()
    .trim()
    .min(minChars)
    .max(maxChars)
    .superRefine((value, context) => {
      const found = forbiddenNameCharacter(value, lineBreaks);
      if (found) {
        context.addIssue({
          code: "custom",
          message: lineBreaks === "refused"
            ? `must be plain text on one line: it holds a line break, control, direction-changing or invisible character (${found}); type it again without it`
            : `must be plain text: it holds a control, direction-changing or invisible character (${found}); type it again without it`,
        });
      }
    });
}

/** A list given either as a YAML/JSON list or as a comma-separated string. */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value: unknown) =>
      typeof value === "string" ? value.split(/[,;]/).map((part) => part.trim()).filter((part) => part !== "") : value,
    z.array(item),
  );
}

/** A domain name responsible party lookups use. */
const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, "a domain name such as example.com");

/** An IPv4 or IPv6 range in CIDR notation (a single address is a /32 or /128). */
const ipRangeSchema = z
  .string()
  .trim()
  .refine((value) => parseCidr(value) !== undefined, "an IP range in CIDR notation such as 192.0.2.0/24 or 2001:db8::/32");

/** An autonomous system number, written AS64500 or 64500. */
const asnSchema = z
  .union([z.number().int().positive(), z.string()])
  .transform((value) => String(value).trim().toUpperCase().replace(/^AS/, ""))
  .refine((value) => /^\d{1,10}$/.test(value), "an AS number such as AS64500")
  .transform((value) => `AS${value}`);

/** Working hours as written ("mon-fri 09:00-17:00", "24/7"), checked by the calendar's parser and kept as text. */
export const workingHoursTextSchema = z
  .string()
  .trim()
  .superRefine((value, context) => {
    const result = workingHoursSchema.safeParse(value);
    if (!result.success) {
      context.addIssue({ code: "custom", message: result.error.issues[0]?.message ?? 'working hours such as "mon-fri 09:00-17:00"' });
    }
  });

/** Where an organisation receives cases, per topic ("*" for every topic). */
export const caseChannelSchema = z.strictObject({
  topic: z.union([z.enum(TOPICS), z.literal("*")]).default("*"),
  platform: z.enum(PLATFORMS),
  workspace: z.string().trim().default(""),
  channel: z.string().trim().min(1, "the channel or room id"),
});

/** A chat identity as written in files and commands. */
export const identitySchema = z
  .strictObject({
    platform: z.enum(PLATFORMS),
    workspace: z.string().trim().default(""),
    user: z.string().trim().min(1, "the user id on the platform"),
  })
  .transform((identity) => ({ ...identity, workspace: canonicalIdentity({ ...identity, userId: identity.user }).workspace }));

/** Roles per topic, e.g. { notices: primary, removal-orders: backup }. */
export const rolesSchema = z.partialRecord(z.enum(TOPICS), z.enum(ROLES));

/** A contact as written in an import file. */
export const contactInputSchema = z.strictObject({
  handle: handleSchema,
  name: plainLineSchema(200),
  email: z.email().optional(),
  phone: phoneSchema.optional(),
  languages: listOf(languageSchema).default([]),
  timeZone: timeZoneSchema.optional(),
  roles: rolesSchema.default({}),
  coordinator: z.boolean().default(false),
  orgAdmin: z.boolean().default(false),
  identities: z.array(identitySchema).default([]),
  lastVerifiedAt: z.coerce.date().optional(),
});

/** An organisation as written in an import file, with its contacts. */
export const organisationInputSchema = z.strictObject({
  slug: slugSchema,
  name: plainLineSchema(200),
  kind: z.enum(ORGANISATION_KINDS),
  country: countrySchema,
  jurisdictions: listOf(z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, "two-letter codes such as NL or EU")).default([]),
  designations: listOf(designationSchema).default([]),
  languages: listOf(languageSchema).default([]),
  timeZone: timeZoneSchema,
  workingHours: workingHoursTextSchema.default("mon-fri 09:00-17:00"),
  emergency24x7: z.boolean().default(false),
  /** Extra days it does not work ("YYYY-MM-DD"), besides its country's public holidays. */
  holidays: listOf(isoDateSchema).default([]),
  /** Whether its country's public holidays are closed days (default yes). */
  publicHolidays: z.boolean().default(true),
  abuseContact: plainLineSchema(320, 3).optional(),
  legalPointOfContact: plainLineSchema(1000, 1, "allowed").optional(),
  responsibilities: z
    .strictObject({
      domains: listOf(domainSchema).default([]),
      ipRanges: listOf(ipRangeSchema).default([]),
      asns: listOf(asnSchema).default([]),
    })
    .default({ domains: [], ipRanges: [], asns: [] }),
  channels: z.array(caseChannelSchema).default([]),
  contacts: z.array(contactInputSchema).default([]),
});

/** A validated organisation with contacts. */
export type OrganisationInput = z.output<typeof organisationInputSchema>;

/** A validated contact. */
export type ContactInput = z.output<typeof contactInputSchema>;

/** A whole directory file (YAML or JSON). */
export const directoryFileSchema = z.strictObject({
  version: z.literal(1).default(1),
  organisations: z.array(z.unknown()),
});

/** Parses a CIDR range (IPv4 or IPv6) into its first and last address as 32 hex digits (IPv4 mapped into IPv6). */
export function parseCidr(text: string): { start: string; end: string } | undefined {
  const [address, prefixText] = text.split("/");
  if (address === undefined) return undefined;
  const bytes = parseIp(address);
  if (!bytes) return undefined;
  const isV4 = !address.includes(":");
  const maxPrefix = isV4 ? 32 : 128;
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix || (prefixText !== undefined && !/^\d+$/.test(prefixText))) return undefined;
  const totalPrefix = isV4 ? prefix + 96 : prefix;
  const value = BigInt(`0x${bytes}`);
  const hostBits = 128n - BigInt(totalPrefix);
  const mask = ((1n << 128n) - 1n) ^ ((1n << hostBits) - 1n);
  const start = value & mask;
  const end = start | ((1n << hostBits) - 1n);
  return { start: start.toString(16).padStart(32, "0"), end: end.toString(16).padStart(32, "0") };
}

/** An IP address as 32 hex digits (IPv4 as ::ffff:a.b.c.d), or undefined when it is not one. */
export function parseIp(text: string): string | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((part) => part > 255)) return undefined;
    return "00000000000000000000ffff" + parts.map((part) => part.toString(16).padStart(2, "0")).join("");
  }
  // An IPv6 address may end in an IPv4 address (RFC 4291 §2.2, 3.: "::ffff:192.0.2.1"): it is its last two fields.
  const embedded = /^([0-9a-fA-F:]*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (embedded) {
    const v4 = parseIp(embedded[2] ?? "");
    if (v4 === undefined || (embedded[1] ?? "").endsWith(":::")) return undefined;
    const tail = `${v4.slice(24, 28)}:${v4.slice(28)}`;
    return parseIp(`${embedded[1]}${tail}`);
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || !text.includes(":")) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => group.toLowerCase().padStart(4, "0")).join("");
}
