import type { RecordKeys } from "../audit/keys.js";
import { recordEntries } from "../audit/entries.js";
import { openDetails } from "../audit/sealed.js";
import type { Clock } from "../core/clock.js";
import type { Actor } from "../core/actor.js";
import type { Tx } from "../store/types.js";
import type { CaseKind } from "./kinds.js";
import { ACTIVE_STATES, CASE_STATES, type CaseState } from "./lifecycle.js";
import { CaseRepository, type CaseRow } from "./repository.js";
import { matchCaseQuery, type CaseQuery } from "./find.js";
import { disclosureFor, partyCasesWhere } from "./disclosure.js";
import { viewOf } from "./view-of.js";
import type { CaseView, Disclosure } from "./view.js";

/** Cases read per query while /case find scans. */
const FIND_PAGE_ROWS = 500;

/** Kinds whose form has a `target` (an account, identifier or URL): the URL index holds only `urls`, so these are scanned. */
const TARGET_URL_KINDS: readonly string[] = ["investigation-request", "production-order", "preservation-order", "dsa-info-order"];

/** Filters of /case list. */
export interface CaseListFilter {
  /** Only cases the actor opened or is responsible for. */
  mine: boolean;
  /** Only cases past a deadline. */
  overdue: boolean;
  /** A state, "active" (default) or "all". */
  state: CaseState | "active" | "all";
  kind?: CaseKind;
  /** Only cases with this organisation as a party. */
  organisationSlug?: string;
  limit: number;
}

/** One entry of a case's history, from the record. */
export interface HistoryEntry {
  at: Date;
  actor: string;
  via: string;
  action: string;
  result: string;
  detail: Record<string, unknown>;
  /** "destroyed" when the entry's TLP:RED text was destroyed with the case's key; "open" when it was put back. */
  sealed?: "open" | "destroyed";
}

/** Reads lists and histories of cases, limited to what the actor may see. */
export class CaseQueries {
  constructor(
    private readonly db: Tx,
    private readonly clock: Clock,
    /** Opens TLP:RED text sealed in the record. */
    private readonly keys: RecordKeys,
  ) {}

  /** Cases the actor may see, most urgent first. */
  async list(actor: Actor, filter: CaseListFilter): Promise<{ items: { view: CaseView; disclosure: Disclosure }[]; more: boolean }> {
    const contact = actor.contact;
    if (!contact) return { items: [], more: false };
    const now = this.clock.now();
    const and: Record<string, unknown>[] = [];
    if (!contact.coordinator) {
      // The parties of the one disclosure rule: the notified enforcing authority of a European order is one. The
      // host authority sent a TCO copy reads its case (repository.ts readerOrgIds), so finds it in its list too.
      const enforced = await this.db.evidenceOrder.findMany({ where: { enforcingOrgId: contact.organisationId }, select: { caseId: true } });
      const copied = await this.db.tcoOrder.findMany({ where: { copyOrgId: contact.organisationId }, select: { caseId: true } });
      and.push(partyCasesWhere(contact.organisationId, [...enforced, ...copied].map((order) => order.caseId)));
    }
    if (filter.mine) and.push({ OR: [{ openerContactId: contact.id }, { responsibleContactId: contact.id }] });
    if (filter.state === "active") and.push({ state: { in: [...ACTIVE_STATES] } });
    else if (filter.state !== "all" && (CASE_STATES as readonly string[]).includes(filter.state)) and.push({ state: filter.state });
    if (filter.overdue) and.push({ state: { in: [...ACTIVE_STATES] } }, { OR: [{ ackDueAt: { lt: now } }, { resolveDueAt: { lt: now } }] });
    if (filter.kind) and.push({ kind: filter.kind });
    if (filter.organisationSlug) {
      const organisation = await this.db.organisation.findFirst({ where: { slug: filter.organisationSlug }, select: { id: true } });
      and.push({ OR: [{ openerOrgId: organisation?.id ?? "-" }, { recipientOrgId: organisation?.id ?? "-" }] });
    }
    const rows = await this.db.case.findMany({
      where: { AND: and },
      // NULLS LAST on both databases (SQLite puts NULL first by default): cases without a deadline come last.
      orderBy: [{ resolveDueAt: { sort: "asc", nulls: "last" } }, { ackDueAt: { sort: "asc", nulls: "last" } }, { openedAt: "desc" }],
      take: filter.limit + 1,
    });
    // The parties and people of every listed case in two queries.
    const aggregates = await new CaseRepository(this.db).completeAll(rows.slice(0, filter.limit));
    const items = aggregates.map((aggregate) => ({ view: viewOf(aggregate), disclosure: disclosureFor(contact, aggregate.row, aggregate.otherPartyOrgIds, aggregate.readerOrgIds) }));
    return { items, more: rows.length > filter.limit };
  }

  /**
   * The cases the actor may see in full (the disclosure rule) that mention what the query names, newest first: active
   * ones, or all with `all`. A URL is looked up in the case URL index (exact normalised match), so only the cases
   * holding it are read; what the index leaves out is scanned: TLP:RED cases the actor is named on, and the kinds
   * with a `target`. A domain or an address is matched by reading each visible case's form once, in pages,
   * in linear time.
   */
  async find(actor: Actor, query: CaseQuery, options: { all: boolean; limit: number }): Promise<{ items: { view: CaseView; disclosure: Disclosure; matches: string[] }[]; more: boolean }> {
    const contact = actor.contact;
    if (!contact) return { items: [], more: false };
    const and: Record<string, unknown>[] = [];
    if (!contact.coordinator) and.push({ OR: [{ openerOrgId: contact.organisationId }, { recipientOrgId: contact.organisationId }] });
    if (!options.all) and.push({ state: { in: [...ACTIVE_STATES] } });
    const found: { row: CaseRow; matches: string[] }[] = [];
    const seen = new Set<string>();
    const consider = (page: readonly CaseRow[]) => {
      for (const row of page) {
        // The one disclosure rule, for every row whichever way it was read.
        if (seen.has(row.id) || disclosureFor(contact, row) !== "full") continue;
        seen.add(row.id);
        const matches = matchCaseQuery(JSON.parse(row.fields) as Record<string, unknown>, query);
        if (matches.length > 0) found.push({ row, matches });
      }
    };
    if (query.kind === "url") {
      const indexed = await this.db.caseUrl.findMany({ where: { urlKey: query.url }, select: { caseId: true } });
      const ids = indexed.map((entry) => entry.caseId);
      for (let start = 0; start < ids.length; start += FIND_PAGE_ROWS) {
        consider(await this.db.case.findMany({ where: { AND: [...and, { id: { in: ids.slice(start, start + FIND_PAGE_ROWS) } }] } }));
      }
      const unindexed = { OR: [{ tlp: "RED", OR: [{ openerContactId: contact.id }, { responsibleContactId: contact.id }] }, { kind: { in: [...TARGET_URL_KINDS] } }] };
      await this.scan([...and, unindexed], consider);
    } else {
      await this.scan(and, consider);
    }
    const shown = found.sort((a, b) => b.row.openedAt.getTime() - a.row.openedAt.getTime()).slice(0, options.limit);
    const aggregates = await new CaseRepository(this.db).completeAll(shown.map((item) => item.row));
    return {
      items: aggregates.map((aggregate, index) => ({ view: viewOf(aggregate), disclosure: "full" as const, matches: shown[index]?.matches ?? [] })),
      more: found.length > options.limit,
    };
  }

  /** Reads the cases matching `and` in pages of FIND_PAGE_ROWS, newest id first, handing each page on. */
  private async scan(and: Record<string, unknown>[], consider: (page: readonly CaseRow[]) => void): Promise<void> {
    let cursor: string | undefined;
    for (;;) {
      const page: CaseRow[] = await this.db.case.findMany({ where: { AND: and }, orderBy: { id: "desc" }, take: FIND_PAGE_ROWS, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}) });
      consider(page);
      if (page.length < FIND_PAGE_ROWS) break;
      cursor = page[page.length - 1]?.id;
    }
  }

  /** The recorded timeline of a case, TLP:RED text opened (who may see it is the caller's to decide). */
  async history(caseId: string): Promise<HistoryEntry[]> {
    const entries = await recordEntries(this.db, this.keys, { caseId });
    const details = await openDetails(this.db, this.keys, entries.map((entry) => entry.detail));
    return entries.map((entry, index) => {
      const opened = details[index] ?? { detail: {} };
      return {
        at: entry.at,
        actor: entry.actor,
        via: entry.via,
        action: entry.action,
        result: entry.result,
        detail: opened.detail,
        ...(opened.sealed ? { sealed: opened.sealed } : {}),
      };
    });
  }
}
