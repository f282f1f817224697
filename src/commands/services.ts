import type { CommandCatalog } from "../core/catalog.js";
import type { Clock } from "../core/clock.js";
import type { CaseQueries } from "../cases/queries.js";
import type { CaseService } from "../cases/service.js";
import type { CaseDecisions } from "../cases/dsa/decisions.js";
import type { EvidenceActions } from "../cases/eevidence/actions.js";
import type { EvidenceService } from "../cases/eevidence/service.js";
import type { TcoActions } from "../cases/tco/actions.js";
import type { DirectoryService } from "../directory/service.js";
import type { DigestService } from "../digests/service.js";
import type { RateLimiter } from "../limits/limiter.js";
import type { IntakeDecisions } from "../intake/decisions.js";

/** Settings commands read. */
export interface CommandSettings {
  /** Whether people not linked to a contact may read the directory. */
  unlinkedMayRead: boolean;
  /** Most organisations /contacts find lists. */
  findLimit: number;
}

/** Everything a command may ask for in `uses`; each command gets only what it declares. */
export interface Services {
  directory: DirectoryService;
  cases: CaseService;
  /** Decisions with the facts their outcome needs (DSA Art. 9/10/17, the EOKM addendum), in the same unit of work. */
  decisions: CaseDecisions;
  caseQueries: CaseQueries;
  /** Reminder digests on demand, and subscriptions to them. */
  digests: DigestService;
  clock: Clock;
  catalog: CommandCatalog;
  settings: CommandSettings;
  /** Rate limits, counted in the unit of work. */
  limits: RateLimiter;
  /** Decisions on intake items. */
  intake: IntakeDecisions;
  /** European Production and Preservation Orders (Regulation (EU) 2023/1543): issue, clarification, production. */
  eevidence: EvidenceService;
  /** The later steps of European orders: validation, the enforcing authority, Annex III, preservation. */
  eevidenceActions: EvidenceActions;
  /** The TCO Regulation's timers around removal orders: Art. 3(2), 4, 6 and 11. */
  tco: TcoActions;
}
