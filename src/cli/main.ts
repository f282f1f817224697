import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, formatProblem, loadConfig, type ConfigProblem, type LoadedConfig } from "../config/load.js";
import { preflight } from "../app/preflight.js";
import { systemClock } from "../core/clock.js";
import { createLogger } from "../log.js";
import { describeTarget, openStore, storeTarget, type Store, type StoreTarget } from "../store/db.js";
import { StoreUnavailableError } from "../store/failures.js";
import { parseSecretKey, SecretKeyError } from "../store/secret-box.js";
import { applyMigrations, createMigration } from "../store/migrate.js";
import { describeRecordKeySetting, generatedKeyMessage, openRecordKey, RecordKeyError } from "../audit/key-source.js";
import { AUDIT_HELP, runAuditCommand } from "./audit.js";
import { formatFromName, type DirectoryFormat } from "../directory/file-format.js";
import { exportDirectory, formatFileProblem, importDirectory } from "../directory/import.js";
import { runReport } from "./report.js";
import { sealOnceIfFree } from "../audit/sealer.js";
import { runRemindersCommand } from "./reminders.js";
import { runStart } from "./start.js";
import { INTAKE_TOKEN_HELP, runIntakeImportCommand, runIntakeTokenCommand } from "./intake.js";

/** Help for each subcommand, shown by `liaison <subcommand> --help`. */
export const CLI_HELP: Record<string, string> = {
  "": `liaison: chat-ops for cross-organisation points of contact

Usage: liaison <command> [options]

Commands:
  start                      Run Liaison (the default): chat platforms from the configuration, or the console
  migrate                    Apply database migrations
  directory import <file>    Import organisations and contacts (YAML, JSON or CSV); nothing is written if any record is bad
  directory export           Print the directory (--format yaml|json|csv, --output <file>)
  config check               Validate the configuration and environment, and say what would run
  audit verify               Check that no entry of the record was altered or deleted (--full, --against <checkpoint>)
  audit checkpoint           Print a signed checkpoint of the record, to keep elsewhere
  report --from <date> --to <date>  Transparency figures: counts by kind and outcome, times to acknowledge and resolve
  intake token create|revoke|list  Tokens of reporting organisations for the intake API
  intake import <file> --feed <name>  Import a CSV feed file; nothing is imported if any row is bad
  intake import <file.eml | file.mbox>  Import mails (one, or an mbox); each mail all or nothing
  reminders run [--now <time>]  Run the reminder sweep, digests, directory revalidation and retention once, and print what they did
  dev migration-create <name>  Create a migration after editing prisma/schema.prisma (developers)

Configuration: config/default.yaml, overridden by the file in LIAISON_CONFIG; secrets from the environment or .env.
Each command takes --help.`,
  start: `Usage: liaison start [--console] [--no-console]

Runs Liaison: migrations are applied, the demo directory is loaded into an empty database (when enabled), then the
configured chat platforms start. With no platform configured, the console runs: interactive at a terminal, scripted
when input is piped (one command per line; "handle: /command" acts as that contact).
  --console      run the console too, even when platforms are configured
  --no-console   never run the console`,
  migrate: `Usage: liaison migrate

Applies the checked-in migrations (prisma/migrations/<sqlite|postgresql>) to the configured database. Every command
that uses the database does the same first while database.migrateOnStart is true. Processes that do it at once wait
for each other (a lock file <database>.lock beside a SQLite file, an advisory lock on PostgreSQL); each migration is
applied once.`,
  directory: `Usage: liaison directory import <file> [--format yaml|json|csv] [--restore-removed]
       liaison directory export [--format yaml|json|csv] [--output <file>]

Import upserts organisations by slug and contacts by handle. Every record is validated first; if any is bad, every
problem is listed with its record and line, and nothing is imported. An import that names a removed organisation or
contact is refused unless --restore-removed is given; one that moves a contact named on an open case to another
organisation is refused, with the cases. Export writes what import reads back.`,
  config: `Usage: liaison config check

Loads config/default.yaml and LIAISON_CONFIG, checks every key and the environment, and prints a summary.`,
  audit: AUDIT_HELP,
  intake: INTAKE_TOKEN_HELP,
  report: `Usage: liaison report --from <date> --to <date> [--org <slug>] [--format table|csv|json] [--dsa | --tco]

Figures for a transparency report (TCO Art. 7, DSA Art. 15/24) over cases opened in the period: counts by kind and
outcome, median and 90th-percentile time to acknowledge and to resolve, overdue counts, per organisation. It holds
no case content, so it can be published. With --dsa: the DSA Art. 15(1)(a) orders by type of content and issuing
Member State (median time to inform of receipt and to give effect), and the Art. 15(1)(b) notices by type, from
trusted flaggers, acted on under the law or the terms and conditions, and decided by automated means. With --tco:
the TCO Art. 7(3) removal-order figures per hosting service provider and Art. 8(1) per competent authority: orders
by type of terrorist content and issuing Member State, items (URLs) removed or disabled, orders not executed by
Annex III ground, reinstatements, median and p90 time from receipt to effect, and orders late against the legal hour.
With --eevidence: the e-Evidence Art. 28(2) figures of the European orders issued in the period, by type of data,
addressee and emergency: issued, without prior validation, fulfilled and not, notified and refused (by the Art. 12(1)
ground raised), average and median time to the data, and for preservation orders the time to the subsequent request.`,
  reminders: `Usage: liaison reminders run [--now <ISO time>] [--only sweep,digests,revalidation,retention]

Runs each reminder job once, as \`liaison start\` does on its schedules (config/default.yaml, reminders), and prints the
messages it queued: reminders and escalations of cases (config/escalation.yaml), coordinators' digests, and the
directory revalidation (asking contacts to confirm, reminding, marking unverified); the retention job deletes old
inbound-event claims and delivered messages (reminders.retention). Each message is sent once, even
when runs overlap or repeat. Where the console is the chat platform, they are delivered (printed) at once;
else the outbox of the running \`liaison start\` delivers them.
  --now <time>   act as of this time instead of now, e.g. 2026-11-23T09:00:00Z (for operations and tests)
  --only <jobs>  only these jobs, comma-separated`,
  dev: `Usage: liaison dev migration-create <name>

Compares prisma/schema.prisma with the migrations and writes a new migration for SQLite and PostgreSQL.`,
};

type Print = (text: string) => void;

/** Opens the configured store (without migrating it). */
export async function openConfiguredStore(loaded: LoadedConfig): Promise<Store> {
  return openStore(configuredTarget(loaded));
}

/**
 * Runs the CLI; resolves to the exit code. A database that cannot be used (StoreUnavailableError), or a secret key
 * that is missing, malformed or wrong (SecretKeyError), is one line on `err` saying what is wrong and what to do, and
 * exit code 1.
 */
export async function main(argv: string[], out: Print = (text) => process.stdout.write(`${text}\n`), err: Print = (text) => process.stderr.write(`${text}\n`)): Promise<number> {
  try {
    return await runCommand(argv, out, err);
  } catch (error) {
    if (!(error instanceof StoreUnavailableError) && !(error instanceof SecretKeyError) && !(error instanceof RecordKeyError)) throw error;
    err(error.message);
    return 1;
  }
}

async function runCommand(argv: string[], out: Print, err: Print): Promise<number> {
  const [first, second] = argv;
  const command = first === undefined || first.startsWith("-") ? "start" : first;
  const wantsHelp = argv.includes("--help") || argv.includes("-h");
  if (wantsHelp) {
    const help = first === undefined || first.startsWith("-") ? CLI_HELP[""] : CLI_HELP[command];
    if (help === undefined) {
      err(`Unknown command "${command}".\n\n${CLI_HELP[""]}`);
      return 2;
    }
    out(help);
    return 0;
  }
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      err(problemLines("Configuration problems:", error.problems));
      return 1;
    }
    throw error;
  }
  const logger = createLogger(loaded.config.log.level);
  switch (command) {
    case "start": {
      // The policies and the platforms' secrets are checked before the database is created or the demo loaded.
      const checked = preflight(loaded);
      if (checked.problems.length > 0) {
        err(problemLines(`Liaison cannot start: the configuration has ${checked.problems.length} problem(s):`, checked.problems));
        return 1;
      }
      return runStart(loaded, logger, argv.slice(first === "start" ? 1 : 0));
    }
    case "config":
      if (second !== "check") return usage(err, "config");
      {
        const checked = preflight(loaded);
        if (checked.problems.length > 0) {
          err(problemLines(`The configuration has ${checked.problems.length} problem(s):`, checked.problems));
          return 1;
        }
        out(`Configuration OK (${loaded.files.join(", ")}).`);
        if (checked.casePolicy) out(`Case policy: ${checked.casePolicy.file} (${checked.casePolicy.kinds} kinds)`);
        if (checked.escalationPolicy) out(`Escalation policy: ${checked.escalationPolicy.file}`);
      }
      out(`Database: ${describeTarget(storeTarget(loaded.secrets.DATABASE_URL, loaded.config.database.sqlitePath, loaded.rootDir))}`);
      for (const [platform, settings] of Object.entries(loaded.config.platforms)) out(`${platform}: ${settings.enabled ? "enabled" : "off"}`);
      out(`Console: ${String(loaded.config.console.enabled)} (acting as ${loaded.config.console.actAs})`);
      {
        // A malformed key is a SecretKeyError: one line, exit code 1.
        const secretKey = parseSecretKey(loaded.secrets.LIAISON_SECRET_KEY, loaded.secrets.LIAISON_SECRET_KEY_PREVIOUS);
        const previous = secretKey?.previous ? `; the previous key ${secretKey.previous.id} still opens, and is replaced at start` : "";
        out(`Stored platform tokens: ${secretKey ? `encrypted (LIAISON_SECRET_KEY, key ${secretKey.id}${previous})` : "not encrypted (LIAISON_SECRET_KEY is not set)"}`);
      }
      out(`Record key: ${describeRecordKeySetting(loaded)}`);
      return 0;
    case "migrate": {
      const target = configuredTarget(loaded);
      const result = await applyMigrations(target);
      out(result.applied.length === 0 ? `Database is up to date (${describeTarget(target)}).` : `Applied ${result.applied.length} migration(s) to ${describeTarget(target)}:\n${result.applied.map((name) => `  ${name}`).join("\n")}`);
      return 0;
    }
    case "directory":
      return directoryCommand(loaded, argv.slice(1), out, err);
    case "audit":
      return runAuditCommand(loaded, argv.slice(1), prepareStore, out, err);
    case "report": {
      const store = await prepareStore(loaded);
      try {
        // With the record key, what commands appended is sealed first and counted.
        const keys = await openRecordKey(loaded, store.target, store.db, { generate: false, checkLastEntry: false }).then((opened) => opened.keys, () => undefined);
        if (keys) await sealOnceIfFree(store, keys, systemClock);
        return await runReport(store, argv.slice(1), out, err, keys);
      } finally {
        await store.close();
      }
    }
    case "intake":
      if (second === "import") return runIntakeImportCommand(loaded, argv.slice(2), prepareStore, out, err);
      if (second !== "token") return usage(err, "intake");
      return runIntakeTokenCommand(loaded, argv.slice(2), prepareStore, out, err);
    case "reminders":
      return runRemindersCommand(loaded, logger, argv.slice(1), prepareStore, out, err);
    case "dev": {
      const name = argv[2];
      if (second !== "migration-create" || !name || !/^[a-z0-9_]+$/.test(name)) {
        err("Usage: liaison dev migration-create <name>   (name: lower case letters, digits, underscores)");
        return 2;
      }
      const created = await createMigration(name);
      out(created.length === 0 ? "The schema matches the migrations; nothing to create." : `Created:\n${created.map((path) => `  ${path}`).join("\n")}`);
      return 0;
    }
    default:
      err(`Unknown command "${command}".\n\n${CLI_HELP[""]}`);
      return 2;
  }
}

/** A heading and one indented line per problem. */
function problemLines(heading: string, problems: ConfigProblem[]): string {
  return `${heading}\n${problems.map((problem) => `  ${formatProblem(problem)}`).join("\n")}`;
}

/** Why a file cannot be written there, in words, or undefined when it can be tried. */
function unwritable(file: string): string | undefined {
  const path = resolve(file);
  if (existsSync(path) && statSync(path).isDirectory()) return `Cannot write ${file}: it is a directory. Name a file, e.g. ${join(file, "directory.yaml")}.`;
  const parent = dirname(path);
  if (!existsSync(parent)) return `Cannot write ${file}: the directory ${parent} does not exist. Create it first, or name another file.`;
  if (!statSync(parent).isDirectory()) return `Cannot write ${file}: ${parent} is not a directory.`;
  return undefined;
}

function usage(err: Print, command: string): number {
  err(CLI_HELP[command] ?? CLI_HELP[""] ?? "");
  return 2;
}

/**
 * Applies pending migrations when configured to (database.migrateOnStart), without any Prisma client of the app
 * open, then opens the store. Processes starting at once wait for each other; one applies, the others find it done.
 */
export async function prepareStore(loaded: LoadedConfig): Promise<Store> {
  const target = configuredTarget(loaded);
  const migrate = loaded.config.database.migrateOnStart;
  if (target.provider === "sqlite" && target.url === ":memory:") {
    // A database inside this process only: nobody else can open it, and it must be migrated through its store.
    const store = await openStore(target);
    try {
      if (migrate) await applyMigrations(store);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }
  if (migrate) await applyMigrations(target);
  return openStore(target);
}

/** The configured database: DATABASE_URL, or else database.sqlitePath. */
export function configuredTarget(loaded: LoadedConfig): StoreTarget {
  return storeTarget(loaded.secrets.DATABASE_URL, loaded.config.database.sqlitePath, loaded.rootDir);
}

async function directoryCommand(loaded: LoadedConfig, argv: string[], out: Print, err: Print): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: "string" }, output: { type: "string" }, "restore-removed": { type: "boolean" } },
  });
  const [action, file] = positionals;
  const format = values.format as DirectoryFormat | undefined;
  if (format !== undefined && !["yaml", "json", "csv"].includes(format)) {
    err(`--format must be yaml, json or csv, not "${format}".`);
    return 2;
  }
  if (action === "import") {
    if (!file) return usage(err, "directory");
    const path = resolve(file);
    const fileFormat = format ?? formatFromName(path);
    if (!fileFormat) {
      err(`Cannot tell the format of ${file}: name it .yaml, .json or .csv, or give --format.`);
      return 2;
    }
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      err(`Cannot read ${file}: ${(error as Error).message}`);
      return 1;
    }
    const store = await prepareStore(loaded);
    try {
      const { keys, generated } = await openRecordKey(loaded, store.target, store.db, { generate: true, checkLastEntry: true });
      if (generated) err(generatedKeyMessage(generated));
      const result = await importDirectory(store.db, systemClock, keys, text, fileFormat, { actor: "operator", via: "cli" }, { restoreRemoved: values["restore-removed"] === true });
      await sealOnceIfFree(store, keys, systemClock);
      if (!result.ok) {
        err(`Nothing was imported: ${result.problems.length} problem(s) in ${file}:`);
        for (const problem of result.problems) err(`  ${formatFileProblem(problem)}`);
        return 1;
      }
      out(`Imported ${file}: organisations ${result.organisations.created} new, ${result.organisations.updated} updated; contacts ${result.contacts.created} new, ${result.contacts.updated} updated.`);
      const restored = [...result.restored.organisations, ...result.restored.contacts];
      if (restored.length > 0) out(`Restored (they had been removed): ${restored.join(", ")}.`);
      if (result.moved.length > 0) out(`Moved: ${result.moved.map((move) => `${move.handle} from ${move.fromSlug} to ${move.toSlug}`).join(", ")}.`);
      return 0;
    } finally {
      await store.close();
    }
  }
  if (action === "export") {
    const output = values.output;
    // Where the file cannot go is said before the database is opened.
    const refusal = output === undefined ? undefined : unwritable(output);
    if (refusal) {
      err(refusal);
      return 1;
    }
    const store = await prepareStore(loaded);
    try {
      const text = await exportDirectory(store.db, format ?? (output ? formatFromName(output) : undefined) ?? "yaml");
      if (output) {
        try {
          writeFileSync(output, text);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          err(`Cannot write ${output}: ${code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOSPC" ? "the disk is full" : (error as Error).message}.`);
          return 1;
        }
        out(`Wrote ${output}.`);
      } else {
        process.stdout.write(text);
      }
      return 0;
    } finally {
      await store.close();
    }
  }
  return usage(err, "directory");
}
