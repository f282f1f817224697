import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Logger } from "pino";
import type { AdapterCapabilities, ChatAdapter, InboundHandler, Platform } from "../core/adapter.js";
import { AuditSealer } from "../audit/sealer.js";
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import type { LoadedConfig } from "../config/load.js";
import { Dispatcher } from "../commands/dispatch.js";
import { commandCatalog } from "../commands/catalog.js";
import { COMMANDS } from "../commands/registry.js";
import type { Services } from "../commands/services.js";
import { DirectoryQueries } from "../directory/queries.js";
import { DirectoryService } from "../directory/service.js";
import { formatFromName } from "../directory/file-format.js";
import { formatFileProblem, importDirectory } from "../directory/import.js";
import type { Store } from "../store/db.js";
import { CaseQueries } from "../cases/queries.js";
import { CaseDecisions } from "../cases/dsa/decisions.js";
import { EvidenceActions } from "../cases/eevidence/actions.js";
import { TcoActions } from "../cases/tco/actions.js";
import { EvidenceService } from "../cases/eevidence/service.js";
import { CaseService } from "../cases/service.js";
import { loadCasePolicy } from "../cases/policy.js";
import { OutboxWorker } from "../outbox/outbox.js";
import { caseReceiptListener } from "../cases/receipt.js";
import { loadEscalationPolicy } from "../cases/reminders/policy.js";
import { DigestService } from "../digests/service.js";
import { UnitOfWork } from "../work/unit-of-work.js";
import { ReminderJobs } from "../jobs/jobs.js";
import { PolicyReminderPlanner } from "../cases/reminders/plan.js";
import { createInboundHandler } from "./inbound.js";
import { IntakeDecisions } from "../intake/decisions.js";
import { createThreadRelay } from "./relay.js";
import { RateLimiter } from "../limits/limiter.js";

/** The running core: services, the dispatcher, and the inbound handler every adapter feeds. */
export interface Core {
  /** Seals appended record entries into the chain, under its lease (started by `liaison start`). */
  sealer: AuditSealer;
  /** The services of one unit of work (a transaction): what commands use. */
  servicesFor(work: UnitOfWork): Services;
  /** Directory reads outside any unit of work (lookups by the CLI and tests). */
  directory: DirectoryQueries;
  dispatcher: Dispatcher;
  /** Registers an adapter so its capabilities are known; returns the handler to start it with. */
  attach(adapter: ChatAdapter): InboundHandler;
  adapters: Map<Platform, ChatAdapter>;
  /** Delivers queued messages through the attached adapters. */
  outbox: OutboxWorker;
  /** The scheduled jobs (reminder sweep, digests, revalidation), for the scheduler and `liaison reminders run`. */
  reminders: ReminderJobs;
}

/** Builds the core on an open store. Nothing starts here; adapters are attached and started by the caller. */
export function createCore(options: { store: Store; clock: Clock; keys: RecordKeys; logger: Logger; loaded: LoadedConfig; leaseClock?: Clock }): Core {
  const { store, clock, keys, logger, loaded } = options;
  const policy = loadCasePolicy(resolve(loaded.rootDir, loaded.config.cases.policyFile));
  const reminderConfig = loaded.config.reminders;
  const repeatOffenders = { windowMs: loaded.config.intake.repeatOffenders.window, threshold: loaded.config.intake.repeatOffenders.threshold };
  const escalation = loadEscalationPolicy(resolve(loaded.rootDir, reminderConfig.policyFile));
  const planner = new PolicyReminderPlanner(escalation);
  const directorySettings = {
    approvals: loaded.config.directory.approvals,
    links: { codeValidForMs: loaded.config.directory.links.codeValidHours * 3_600_000, maxWrongCodes: loaded.config.directory.links.maxWrongCodes },
  };
  const settings = { unlinkedMayRead: loaded.config.directory.unlinkedMayRead, findLimit: loaded.config.directory.findLimit };
  const servicesFor = (work: UnitOfWork): Services => {
    const limits = new RateLimiter(work, loaded.config.limits);
    const cases = new CaseService(work, policy, planner, limits);
    const eevidence = new EvidenceService(work, cases);
    return {
      directory: new DirectoryService(work, directorySettings),
      cases,
      intake: new IntakeDecisions(work, cases),
      decisions: new CaseDecisions(work, cases),
      eevidence,
      eevidenceActions: new EvidenceActions(work, eevidence, cases),
      tco: new TcoActions(work),
      caseQueries: new CaseQueries(work.tx, work.clock, work.keys),
      digests: new DigestService(work, reminderConfig.digests, repeatOffenders),
      clock: work.clock,
      catalog: commandCatalog,
      settings,
      limits,
    };
  };
  const dispatcher = new Dispatcher(COMMANDS, { servicesFor, store, clock, keys, settings });
  const adapters = new Map<Platform, ChatAdapter>();
  const capabilitiesOf = (platform: Platform): AdapterCapabilities => {
    const adapter = adapters.get(platform);
    if (!adapter) throw new Error(`no adapter attached for ${platform}`);
    return adapter.capabilities;
  };
  const handler = createInboundHandler({ store, clock, keys, logger, dispatcher, servicesFor, relay: createThreadRelay(capabilitiesOf), capabilitiesOf });
  const outbox = new OutboxWorker(store.db, clock, logger, adapters, loaded.config.outbox, caseReceiptListener(store, clock, keys, planner));
  const reminders = new ReminderJobs({ db: store.db, provider: store.provider, clock, keys, leaseClock: options.leaseClock ?? clock, logger, config: reminderConfig, policy: escalation, repeatOffenders });
  const { recordSealMs, recordCheckpointMs } = reminderConfig.scheduler;
  const sealer = new AuditSealer({
    store, keys, clock, leaseClock: options.leaseClock ?? clock, logger,
    settings: { intervalMs: recordSealMs, checkpointIntervalMs: recordCheckpointMs, leaseMs: Math.max(10_000, 4 * recordSealMs) },
  });
  return {
    sealer,
    servicesFor,
    directory: new DirectoryQueries(store.db),
    dispatcher,
    adapters,
    outbox,
    reminders,
    attach(adapter) {
      adapters.set(adapter.platform, adapter);
      return handler;
    },
  };
}

/** Loads the demo directory into an empty database (when enabled); returns what it did, for the log. */
export async function seedDemoDirectory(store: Store, clock: Clock, keys: RecordKeys, loaded: LoadedConfig): Promise<string> {
  const demo = loaded.config.directory.demo;
  if (!demo.enabled) return "demo directory switched off";
  if ((await store.db.organisation.count()) > 0) return "directory not empty; demo not loaded";
  const file = resolve(loaded.rootDir, demo.file);
  const format = formatFromName(file);
  if (!format) throw new Error(`directory.demo.file must end in .yaml, .yml, .json or .csv: ${file}`);
  const result = await importDirectory(store.db, clock, keys, readFileSync(file, "utf8"), format, { actor: "system", via: "demo-seed" });
  if (!result.ok) throw new Error(`the demo directory ${file} is invalid:\n${result.problems.map(formatFileProblem).join("\n")}`);
  return `demo directory loaded: ${result.organisations.created} organisations, ${result.contacts.created} contacts`;
}
