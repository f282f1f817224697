// Repeated URLs: within one notice they are merged; across cases, a URL already in an open case to the same
// recipient is found before the new case opens, through the case URL index (CaseUrl, by normalised URL and recipient)
// and, for what the index leaves out, a scan of the TLP:RED cases the asker is named on (as /case find reads them).
// What is found is shown only as the one disclosure rule allows (disclosure.ts). URLs compare in the form intake
// groups reports by (src/intake/routing.ts, normaliseUrl).
import type { ActorContact } from "../core/actor.js";
import { fail, type Failure } from "../core/result.js";
import { inertLine } from "../core/text.js";
import type { Tx } from "../store/types.js";
import { normaliseUrl } from "../intake/routing.js";
import { formatLocal } from "../time/calendar.js";
import { disclosureFor } from "./disclosure.js";
import { kindInSentence, type CaseKind } from "./kinds.js";
import { ACTIVE_STATES } from "./lifecycle.js";
import { caseUrlKeys, type CaseRow } from "./repository.js";

/** The URLs with repeats left out (the first as written is kept), and how many were left out. Linear in the list. */
export function mergeUrls(urls: readonly string[]): { urls: string[]; merged: number } {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const url of urls) {
    const key = normaliseUrl(url) ?? url;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(url);
  }
  return { urls: kept, merged: urls.length - kept.length };
}

/** What a URL already in an open case to the same recipient does to a new case: refuse it (unless --again), or warn. */
export type DuplicateRule = "refuse" | "warn";

/**
 * The rule per kind. A notice (DSA Art. 16) or an EOKM CSAM notice asks the recipient for an assessment; a second one
 * from the same organisation about a URL it already notified, still open, asks for the same assessment again: plain
 * duplication, refused unless the opener repeats the command with --again (recorded). A notice from another
 * organisation is not refused: each notifier is owed its own decision (DSA Art. 16(5): the provider "shall notify
 * that individual or entity of its decision without undue delay"), so the reply only warns.
 *
 * Legal orders and urgent kinds are never blocked: they open and the reply warns, because the law's clock runs from
 * the order, not from a click (TCO Art. 3(3): removal "as soon as possible and, in any event, within one hour of
 * receipt"; DSA Art. 9(1) and 10(1): "without undue delay"; ATKM order: a term of at most twelve hours; e-Evidence
 * Art. 10(2): ten days, eight hours in an emergency; a threat to life (DSA Art. 18(1)): "promptly").
 */
export const DUPLICATE_RULES: Record<CaseKind, DuplicateRule> = {
  notice: "refuse",
  "csam-notice": "refuse",
  "removal-order": "warn",
  "dsa-act-order": "warn",
  "dsa-info-order": "warn",
  "atkm-order": "warn",
  "production-order": "warn",
  "preservation-order": "warn",
  "investigation-request": "warn",
  "threat-to-life": "warn",
};

/** An open case holding some of a new case's URLs, which the asker may see in full. */
export interface OpenDuplicate {
  reference: string;
  tlp: string;
  openedAt: Date;
  openerOrgId: string;
  openerContactId: string;
  /** How many of the new case's URLs it holds, and the first of them (normalised). */
  urlCount: number;
  firstUrl: string;
}

/** Open cases to the same recipient that already hold some of a new case's URLs. */
export interface OpenDuplicates {
  /** How many of the new case's URLs are in another open case. */
  urlCount: number;
  /** Those cases the actor may see in full, oldest first. */
  visible: OpenDuplicate[];
  /** How many of those cases the actor may see only in part (no reference is shown). */
  hidden: number;
}

/** Cases read per query while looking for repeated URLs. */
const PAGE_ROWS = 500;

/** The columns the duplicate check reads of a case (its form for the URLs, and what the disclosure rule needs). */
const DUPLICATE_FIELDS = { id: true, reference: true, kind: true, tlp: true, state: true, fields: true, openedAt: true, openerOrgId: true, openerContactId: true, responsibleContactId: true, recipientOrgId: true } as const;

type DuplicateRow = Pick<CaseRow, keyof typeof DUPLICATE_FIELDS>;

/**
 * The open cases to `recipientOrgId` that hold any of `urls`, as `contact` may see them; undefined when there are none.
 * The case URL index is read by URL and recipient, so only cases holding one of the URLs are read (a recipient with
 * thousands of open cases costs no more). TLP:RED cases are not in the index (repository.ts): those the contact is
 * named on are read as /case find reads them; the others are never read, so nothing says they exist.
 */
export async function openDuplicates(db: Tx, contact: Pick<ActorContact, "id" | "organisationId">, recipientOrgId: string, urls: readonly string[]): Promise<OpenDuplicates | undefined> {
  const wanted = new Set(urls.flatMap((url) => normaliseUrl(url) ?? []));
  if (wanted.size === 0) return undefined;
  const active = { recipientOrgId, state: { in: [...ACTIVE_STATES] } };
  const rows: DuplicateRow[] = [];
  const indexed = await db.caseUrl.findMany({ where: { urlKey: { in: [...wanted] }, recipientOrgId }, select: { caseId: true } });
  const ids = [...new Set(indexed.map((entry) => entry.caseId))];
  for (let start = 0; start < ids.length; start += PAGE_ROWS) {
    rows.push(...(await db.case.findMany({ where: { ...active, id: { in: ids.slice(start, start + PAGE_ROWS) } }, select: DUPLICATE_FIELDS })));
  }
  let cursor: string | undefined;
  for (;;) {
    const page = await db.case.findMany({
      where: { ...active, tlp: "RED", OR: [{ openerContactId: contact.id }, { responsibleContactId: contact.id }] },
      orderBy: { id: "asc" },
      take: PAGE_ROWS,
      select: DUPLICATE_FIELDS,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    rows.push(...page);
    if (page.length < PAGE_ROWS) break;
    cursor = page[page.length - 1]?.id;
  }
  const found = new Set<string>();
  const visible: OpenDuplicate[] = [];
  const seen = new Set<string>();
  let hidden = 0;
  for (const row of rows) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    const shared = caseUrlKeys(row.fields).filter((key) => wanted.has(key));
    if (shared.length === 0) continue;
    // The one disclosure rule: a RED case reaches here only when the contact is named on it.
    if (disclosureFor(contact, row) !== "full") {
      hidden += 1;
      for (const key of shared) found.add(key);
      continue;
    }
    for (const key of shared) found.add(key);
    visible.push({ reference: row.reference, tlp: row.tlp, openedAt: row.openedAt, openerOrgId: row.openerOrgId, openerContactId: row.openerContactId, urlCount: shared.length, firstUrl: shared[0] ?? "" });
  }
  if (found.size === 0) return undefined;
  visible.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || a.reference.localeCompare(b.reference));
  return { urlCount: found.size, visible, hidden };
}

/** The duplicates opened by the contact's own organisation: those that refuse a new case whose kind's rule is "refuse". */
export function ownDuplicates(contact: Pick<ActorContact, "organisationId">, open: OpenDuplicates | undefined): OpenDuplicate[] {
  return open ? open.visible.filter((duplicate) => duplicate.openerOrgId === contact.organisationId) : [];
}

/** Longest URL quoted in a refusal, in characters (the rest is cut with an ellipsis). */
const QUOTED_URL_CHARS = 200;

/** Most cases named in a refusal. */
const NAMED_CASES_MAX = 5;

/**
 * The answer refusing a new case whose URLs are already in open cases of the opener's organisation: which cases
 * (reference, since when in the opener's time zone, by whom), and how to go on: add to the case, or --again.
 */
export function duplicateRefusal(
  kind: CaseKind,
  recipient: { slug: string; name: string },
  refusing: readonly OpenDuplicate[],
  openers: ReadonlyMap<string, { name: string; handle: string }>,
  timeZone: string,
): Failure {
  const urlCount = new Set(refusing.map((duplicate) => duplicate.firstUrl)).size;
  const named = refusing.slice(0, NAMED_CASES_MAX).map((duplicate) => {
    const opener = openers.get(duplicate.openerContactId);
    const by = opener ? `${inertLine(opener.name)} (${inertLine(opener.handle)})` : "a colleague";
    const url = duplicate.firstUrl.length > QUOTED_URL_CHARS ? `${duplicate.firstUrl.slice(0, QUOTED_URL_CHARS - 1)}…` : duplicate.firstUrl;
    const more = duplicate.urlCount > 1 ? ` and ${duplicate.urlCount - 1} more of these URLs` : "";
    return `• ${duplicate.reference}, open since ${formatLocal(duplicate.openedAt, timeZone)}, opened by ${by}: holds ${url}${more}`;
  });
  const rest = refusing.length > NAMED_CASES_MAX ? [`• and ${refusing.length - NAMED_CASES_MAX} more open case${refusing.length - NAMED_CASES_MAX === 1 ? "" : "s"} of your organisation`] : [];
  const first = refusing[0]?.reference ?? "<reference>";
  const caseWord = refusing.length === 1 ? "an open case" : "open cases";
  return fail(
    "duplicate",
    [`Not opened: ${urlCount === 1 ? "a URL of this" : `${urlCount} URLs of this`} ${kindInSentence(kind)} ${urlCount === 1 ? "is" : "are"} already in ${caseWord} of your organisation to ${inertLine(recipient.name)} [${recipient.slug}]:`, ...named, ...rest].join("\n"),
    `To add to it, write in its thread: /case say ${first} <what is new>. To open a second case deliberately, repeat the command with --again added (the record says it was deliberate).`,
  );
}

/**
 * The reply's lines about merged and already-open URLs; `what` names the case as the reply does ("notice", "order").
 * `again` says the opener repeated the command with --again past cases of its own organisation.
 */
export function duplicateLines(recipientSlug: string, merged: number, kept: number, open: OpenDuplicates | undefined, what = "notice", again: readonly string[] = []): string[] {
  const lines: string[] = [];
  if (merged > 0) lines.push(`${merged} repeated URL${merged === 1 ? " was" : "s were"} merged: the ${what} holds ${kept} URL${kept === 1 ? "" : "s"}.`);
  if (again.length > 0) lines.push(`Opened deliberately beside ${again.join(", ")} (--again); the record says so.`);
  if (open) {
    const which = `${open.urlCount} of these URLs ${open.urlCount === 1 ? "is" : "are"} already in an open case to ${recipientSlug}`;
    const references = open.visible.map((duplicate) => duplicate.reference);
    if (references.length > 0) lines.push(`⚠ ${which}: ${references.join(", ")}${open.hidden > 0 ? `, and ${open.hidden} you may not see` : ""}.`);
    else lines.push(`⚠ ${which} that you may not see; its parties will see both.`);
  }
  return lines;
}
