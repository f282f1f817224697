// What a job run did, for `liaison reminders run`, the log and tests.

/** The named jobs. */
export const JOB_NAMES = ["sweep", "digests", "revalidation", "retention"] as const;

/** A job's name. */
export type JobName = (typeof JOB_NAMES)[number];

/** One message a job queued. */
export interface QueuedMessage {
  /** The case reference or contact handle it is about. */
  subject: string;
  /** The step: a reminder step's name, "digest", "ask", "remind", "unverified". */
  step: string;
  /** Where it goes, as the console shows it: "DM → handle" or "N-2026-0001 @ acme-hosting". */
  to: string;
  text: string;
}

/** What one run of a job did. */
export interface JobReport {
  job: JobName;
  /** Cases or contacts handled. */
  handled: number;
  queued: QueuedMessage[];
  /** Things worth knowing (a step with nobody to send to, a job switched off). */
  notes: string[];
  /** Set when the job did not run here: switched off, or another process holds its lease. */
  skipped?: string;
}

/** One domain's part of a job (the case, TCO and e-Evidence sweeps), run in turn under the job's lease. */
export interface DomainSweep {
  /** Runs once as of the sweep's clock; says what it queued and handled. */
  run(): Promise<JobReport>;
}

/** The reports of a job's parts as the job's one report: counts added, messages and notes in the parts' order. */
export function mergeReports(job: JobName, reports: readonly JobReport[]): JobReport {
  const merged: JobReport = { job, handled: 0, queued: [], notes: [] };
  for (const report of reports) {
    merged.handled += report.handled;
    merged.queued.push(...report.queued);
    merged.notes.push(...report.notes);
    if (report.skipped) merged.notes.push(`${report.job}: skipped (${report.skipped})`);
  }
  return merged;
}

/** How a case thread is addressed in reports: its title, or "DM → handle" for a direct thread. */
export function labelOf(thread: { kind: string; title: string }): string {
  if (thread.kind !== "direct") return thread.title;
  const handle = thread.title.split(" → ")[1];
  return `DM → ${handle ?? thread.title}`;
}

/** A report as lines: a heading per job, then one line per queued message ("[to] first line of the text"). */
export function formatReport(report: JobReport): string[] {
  if (report.skipped) return [`${report.job}: skipped (${report.skipped})`];
  const lines = [`${report.job}: ${report.queued.length} message(s) queued${report.handled > 0 ? `, ${report.handled} handled` : ""}`];
  for (const message of report.queued) lines.push(`  [${message.to}] ${message.subject} ${message.step}: ${message.text.split("\n")[0] ?? ""}`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines;
}
