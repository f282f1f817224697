// Repeated URLs: within one notice they are merged; across cases, a URL already in an open case to the same
// recipient is pointed out in the reply (named only to someone who may see that case). URLs compare in the form
// intake groups reports by (src/intake/routing.ts, normaliseUrl).
import type { Actor } from "../core/actor.js";
import type { Tx } from "../store/types.js";
import { normaliseUrl } from "../intake/routing.js";
import { disclosureFor } from "./disclosure.js";
import { ACTIVE_STATES } from "./lifecycle.js";

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

/** Open cases to the same recipient that already hold some of a new case's URLs. */
export interface OpenDuplicates {
  /** How many of the new case's URLs are in another open case. */
  urlCount: number;
  /** References of those cases the actor may see in full. */
  visible: string[];
  /** How many of those cases the actor may not see. */
  hidden: number;
}

/** Cases read per query while looking for repeated URLs. */
const PAGE_ROWS = 500;

/** The other open cases to `recipientOrgId` that hold any of `urls`; undefined when there are none. */
export async function openDuplicates(db: Tx, actor: Actor, recipientOrgId: string, urls: readonly string[], exceptCaseId: string): Promise<OpenDuplicates | undefined> {
  const contact = actor.contact;
  const wanted = new Set(urls.flatMap((url) => normaliseUrl(url) ?? []));
  if (!contact || wanted.size === 0) return undefined;
  const found = new Set<string>();
  const visible: string[] = [];
  let hidden = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await db.case.findMany({
      where: { recipientOrgId, state: { in: [...ACTIVE_STATES] }, id: { not: exceptCaseId } },
      orderBy: { id: "asc" },
      take: PAGE_ROWS,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of page) {
      const fields = JSON.parse(row.fields) as { urls?: unknown };
      const held = Array.isArray(fields.urls) ? fields.urls.flatMap((url) => (typeof url === "string" ? (normaliseUrl(url) ?? []) : [])) : [];
      const shared = held.filter((url) => wanted.has(url));
      if (shared.length === 0) continue;
      for (const url of shared) found.add(url);
      if (disclosureFor(contact, row) === "full") visible.push(row.reference);
      else hidden += 1;
    }
    if (page.length < PAGE_ROWS) break;
    cursor = page[page.length - 1]?.id;
  }
  return found.size === 0 ? undefined : { urlCount: found.size, visible: visible.sort(), hidden };
}

/** The reply's lines about merged and already-open URLs; `what` names the case as the reply does ("notice", "order"). */
export function duplicateLines(recipientSlug: string, merged: number, kept: number, open: OpenDuplicates | undefined, what = "notice"): string[] {
  const lines: string[] = [];
  if (merged > 0) lines.push(`${merged} repeated URL${merged === 1 ? " was" : "s were"} merged: the ${what} holds ${kept} URL${kept === 1 ? "" : "s"}.`);
  if (open) {
    const which = `${open.urlCount} of these URLs ${open.urlCount === 1 ? "is" : "are"} already in an open case to ${recipientSlug}`;
    if (open.visible.length > 0) lines.push(`⚠ ${which}: ${open.visible.join(", ")}${open.hidden > 0 ? `, and ${open.hidden} you may not see` : ""}.`);
    else lines.push(`⚠ ${which} that you may not see; its parties will see both.`);
  }
  return lines;
}
