// Helpers for the reminder tests: open cases through the commands, run the reminder jobs on the harness's clock, and
// read what they queued (the outbox) as "to: text" lines that read like the console.
import { runLiaison, type CliRun } from "./cli.js";
import { ROOT, type CaseHarness } from "./cases.js";
import type { JobName, JobReport } from "../../src/core/job-report.js";

/** Minutes and hours in milliseconds. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The removal order of the user story, from nl-iru to acme-hosting, as sanne.devries; returns its reference. */
export async function openRemovalOrder(h: CaseHarness, extra = ""): Promise<string> {
  const text = await h.ok("sanne.devries", `/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"${extra}`);
  const reference = /\b(R-\d{4}-\d{4})\b/.exec(text)?.[1];
  if (!reference) throw new Error(`no reference in: ${text}`);
  return reference;
}

/** Runs one reminder job on the harness's core (as the scheduler would, under its lease). */
export function runJob(h: CaseHarness, job: JobName): Promise<JobReport> {
  return h.core.reminders.run(job);
}

/** What a job queued, as "[to] step" lines, e.g. "[DM → jan.jansen] half-time". */
export function queuedLines(report: JobReport): string[] {
  return report.queued.map((message) => `[${message.to}] ${message.step}`);
}

/** Every reminder message in the outbox as "[to] step", in order of creation. */
export async function reminderOutbox(h: CaseHarness): Promise<string[]> {
  const rows = await h.db.outboxMessage.findMany({ where: { onceKey: { startsWith: "reminder:" } }, orderBy: { seq: "asc" } });
  const lines: string[] = [];
  for (const row of rows) {
    const key = row.onceKey ?? "";
    const step = key.split(":").slice(-3, -2)[0] ?? "?";
    const destination = JSON.parse(row.destination) as { type: string; contactId?: string; caseThreadId?: string };
    if (destination.type === "contact") {
      const contact = await h.db.contact.findUniqueOrThrow({ where: { id: destination.contactId ?? "" } });
      lines.push(`[DM → ${contact.handle}] ${step}`);
    } else {
      const thread = await h.db.caseThread.findUniqueOrThrow({ where: { id: destination.caseThreadId ?? "" } });
      lines.push(`[${thread.title}] ${step}`);
    }
  }
  return lines;
}

/** Spawns the `liaison` command from the sources (scripts/liaison-dev.mjs) in the project directory with the given environment and stdin. */
export function spawnLiaison(args: string[], env: Record<string, string>, input = ""): Promise<CliRun> {
  return runLiaison(args, env, input);
}

/** The "queued" lines `liaison reminders run` printed: "[to] REF step". */
export function printedQueued(stdout: string): string[] {
  return stdout.split("\n").filter((line) => line.startsWith("  [")).map((line) => line.trim().replace(/: .*$/, ""));
}
