// The scheduled jobs together: sweep (cases, TCO and e-Evidence orders), digests, revalidation and retention, each run under its lease in the database
// so that of several Liaison processes only one runs it at a time. Used by the scheduler (`liaison start`) and by
// `liaison reminders run`.
import type { RepeatOffenderSettings } from "../digests/content.js";
import type { Logger } from "pino";
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import type { Db, Provider } from "../store/db.js";
import type { EscalationPolicy } from "../cases/reminders/policy.js";
import type { RemindersConfig } from "./settings.js";
import { DigestJob } from "../digests/service.js";
import { acquireLease, newLeaseHolder, releaseLease } from "../store/lease.js";
import { JOB_NAMES, mergeReports, type DomainSweep, type JobName, type JobReport } from "../core/job-report.js";
import { RevalidationService } from "../directory/revalidation.js";
import type { ScheduledJob } from "./scheduler.js";
import { ReminderSweep } from "../cases/reminders/sweep.js";
import { TcoSweep } from "../cases/tco/sweep.js";
import { RetentionJob } from "./retention.js";
import { EvidenceReminderSweep } from "../cases/eevidence/sweep.js";

/** What the jobs are built from. */
export interface ReminderJobsOptions {
  db: Db;
  /** Which database db is (the case sweep's claim locks differently on each: src/cases/reminders/sweep.ts). */
  provider: Provider;
  /** The time the jobs act as of (a ManualClock for `reminders run --now`). */
  clock: Clock;
  /** The record's keys, for the jobs' record entries. */
  keys: RecordKeys;
  /** The real clock, for leases: whether a holder is alive is a matter of real time. */
  leaseClock: Clock;
  logger: Logger;
  config: RemindersConfig;
  policy: EscalationPolicy;
  /** Intake's repeat-offender window and default threshold, for the coordinators' digests. */
  repeatOffenders?: RepeatOffenderSettings;
}

/** Runs the named jobs under their leases. */
export class ReminderJobs {
  /** This process's (this core's) name as a lease holder. */
  readonly holder = newLeaseHolder();
  private readonly runners: Record<JobName, () => Promise<JobReport>>;

  constructor(private readonly options: ReminderJobsOptions) {
    const { db, provider, clock, keys, config, policy } = options;
    // The sweep job's parts, each beside its domain, run in turn under the one lease; their reports make the job's one.
    // The case steps first, then the TCO timers (Art. 4, 6, 11), then the e-Evidence orders.
    const sweeps: readonly DomainSweep[] = [
      new ReminderSweep(db, provider, clock, keys, policy, config.sweep.batchSize),
      new TcoSweep(db, clock, keys, config.sweep.batchSize),
      new EvidenceReminderSweep(db, clock, keys),
    ];
    const revalidation = new RevalidationService(db, clock, keys, config.revalidation, policy.quietHours);
    const digests = new DigestJob(db, clock, keys, config.digests, options.repeatOffenders);
    const retention = new RetentionJob(db, clock, config.retention);
    const sweepAll = async (): Promise<JobReport> => {
      const reports: JobReport[] = [];
      for (const sweep of sweeps) reports.push(await sweep.run());
      return mergeReports("sweep", reports);
    };
    this.runners = { sweep: sweepAll, digests: () => digests.run(), revalidation: () => revalidation.run(), retention: () => retention.run() };
  }

  /** Runs one job unless it is switched off or another process holds its lease. */
  async run(job: JobName): Promise<JobReport> {
    const { db, leaseClock, config } = this.options;
    if ((job === "digests" || job === "revalidation" || job === "retention") && !config[job].enabled) {
      return { job, handled: 0, queued: [], notes: [], skipped: `reminders.${job}.enabled is false` };
    }
    const lease = `job:${job}`;
    const taken = await acquireLease(db, leaseClock, lease, this.holder, config.scheduler.leaseMs);
    if (!taken.acquired) {
      return { job, handled: 0, queued: [], notes: [], skipped: `another Liaison process is running it (${taken.taken.holder}, lease until ${taken.taken.expiresAt.toISOString()})` };
    }
    if (taken.fromDeadHolder) this.options.logger.info({ job, holder: taken.fromDeadHolder }, "job lease of a dead process taken over");
    try {
      return await this.runners[job]();
    } finally {
      await releaseLease(db, lease, this.holder);
    }
  }

  /** Runs every job once, in order: sweep, digests, revalidation, retention. */
  async runAll(only?: readonly JobName[]): Promise<JobReport[]> {
    const reports: JobReport[] = [];
    for (const job of JOB_NAMES) if (!only || only.includes(job)) reports.push(await this.run(job));
    return reports;
  }

  /** The jobs for the scheduler, with their schedules from the configuration; each logs what it queued. */
  scheduled(): ScheduledJob[] {
    const { config, logger } = this.options;
    return JOB_NAMES.map((job) => ({
      name: job,
      schedule: config.scheduler[job],
      run: async () => {
        const report = await this.run(job);
        if (report.skipped) logger.debug({ job, reason: report.skipped }, "job skipped");
        else if (report.queued.length > 0 || report.handled > 0) logger.info({ job, handled: report.handled, queued: report.queued.length, notes: report.notes }, "job ran");
      },
    }));
  }
}
