// The scheduler: the one module that imports node-cron. Named jobs (sweep, digests, revalidation, retention) run on the cron
// schedules from the configuration; each run takes the job's lease in the database first (see jobs.ts), so of several
// Liaison processes only one runs a job at a time. Runs of one job never overlap within a process either.
import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "pino";

/** Whether a text is a cron expression node-cron accepts ("* * * * *", with an optional seconds field). */
export function isValidCronExpression(expression: string): boolean {
  return cron.validate(expression);
}

/** One named job and when it runs. */
export interface ScheduledJob {
  name: string;
  /** A cron expression, evaluated in UTC. */
  schedule: string;
  run(): Promise<unknown>;
}

/** Runs named jobs on their cron schedules until stopped. */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly logger: Logger,
  ) {}

  /** Starts every job's schedule. */
  start(): void {
    for (const job of this.jobs) {
      const task = cron.schedule(job.schedule, () => this.runJob(job), { name: job.name, timezone: "UTC", noOverlap: true });
      this.tasks.push(task);
      this.logger.info({ job: job.name, schedule: job.schedule }, "scheduled job");
    }
  }

  /** Runs a job now unless it is running in this process; failures are logged, never thrown. */
  async runJob(job: ScheduledJob): Promise<void> {
    if (this.running.has(job.name)) return;
    const run = job.run().catch((error: unknown) => this.logger.error({ err: error, job: job.name }, "scheduled job failed"));
    this.running.set(job.name, run);
    try {
      await run;
    } finally {
      this.running.delete(job.name);
    }
  }

  /** Stops the schedules and waits for the runs in progress. */
  async stop(): Promise<void> {
    for (const task of this.tasks.splice(0)) await task.destroy();
    await Promise.all(this.running.values());
  }
}
