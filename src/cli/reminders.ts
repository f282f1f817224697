// `liaison reminders run [--now <ISO time>] [--only <jobs>]`: one run of every scheduled job (reminder sweep, digests,
// revalidation, retention) as of a time, printing what each queued or did. For operations without a long-running process (a cron entry), and for tests.
import { parseArgs } from "node:util";
import type { Logger } from "pino";
import { createConsoleAdapter } from "../../adapters/console/index.js";
import { sealOnceIfFree } from "../audit/sealer.js";
import { createCore } from "../app/app.js";
import { generatedKeyMessage, openRecordKey } from "../audit/key-source.js";
import type { LoadedConfig } from "../config/load.js";
import { ManualClock, systemClock, type Clock } from "../core/clock.js";
import type { Store } from "../store/db.js";
import { formatReport, JOB_NAMES, type JobName } from "../core/job-report.js";

/** Whether the console is this installation's chat platform (as `liaison start` decides without flags). */
function consoleDelivers(loaded: LoadedConfig): boolean {
  const setting = loaded.config.console.enabled;
  const platforms = Object.values(loaded.config.platforms).some((platform) => platform.enabled);
  return setting === true || (setting === "auto" && !platforms);
}

/** Runs `liaison reminders <args>`; resolves to the exit code. */
export async function runRemindersCommand(
  loaded: LoadedConfig,
  logger: Logger,
  argv: string[],
  openStore: (loaded: LoadedConfig) => Promise<Store>,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { now: { type: "string" }, only: { type: "string" } } });
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== "run" || positionals.length > 1) {
    err(`Usage: liaison reminders run [--now <ISO time>] [--only ${JOB_NAMES.join(",")}]`);
    return 2;
  }
  let clock: Clock = systemClock;
  if (values.now !== undefined) {
    const at = new Date(values.now);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values.now) || Number.isNaN(at.getTime())) {
      err(`--now must be an ISO time such as 2026-11-23T09:00:00Z, not "${values.now}".`);
      return 2;
    }
    clock = new ManualClock(at);
  }
  const only = values.only?.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const unknown = only?.filter((name) => !(JOB_NAMES as readonly string[]).includes(name)) ?? [];
  if (unknown.length > 0) {
    err(`--only takes ${JOB_NAMES.join(", ")}; not ${unknown.join(", ")}.`);
    return 2;
  }
  const store = await openStore(loaded);
  try {
    // Leases are about which process is alive: they follow the real clock even when --now sets another time.
    const { keys, generated } = await openRecordKey(loaded, store.target, store.db, { generate: true, checkLastEntry: true });
    if (generated) err(generatedKeyMessage(generated));
    const core = createCore({ store, clock, keys, logger, loaded, leaseClock: systemClock });
    out(`Reminders as of ${clock.now().toISOString()}`);
    for (const report of await core.reminders.runAll(only as JobName[] | undefined)) for (const line of formatReport(report)) out(line);
    if (consoleDelivers(loaded)) {
      // Where the console is the chat platform, show the messages now, addressed as the console shows them.
      core.attach(createConsoleAdapter({ input: process.stdin, output: process.stdout, interactive: false, actAs: loaded.config.console.actAs }));
      await core.outbox.drain();
    }
    // What the jobs recorded is sealed now, unless a running `liaison start` holds the sealer's lease and seals it.
    await sealOnceIfFree(store, keys, systemClock);
    return 0;
  } finally {
    await store.close();
  }
}
