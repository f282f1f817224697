// `liaison intake token create <organisation> --label <text>`, `liaison intake token revoke <id> --reason <text>`,
// `liaison intake token list`: the intake API's tokens, managed by the installation's coordinators on the host. The
// text of a new token is printed once; the database keeps only its hash. Each creation and revocation is recorded.
// `liaison intake import <file.csv> --feed <name>`: a feed file taken in offline, all of it or none of it.
// `liaison intake import <file.eml | file.mbox>`: mails taken in offline, each all or nothing, with a summary.
import { createReadStream, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { sealOnceIfFree } from "../audit/sealer.js";
import { generatedKeyMessage, openRecordKey } from "../audit/key-source.js";
import type { LoadedConfig } from "../config/load.js";
import { systemClock } from "../core/clock.js";
import { createIntakeToken, listIntakeTokens, revokeIntakeToken } from "../intake/tokens.js";
import { FEED_MAX_BYTES } from "../intake/feed/csv.js";
import { importFeedFile } from "../intake/feed/import.js";
import type { MailFileSummary } from "../intake/mail/file-import.js";
import { acceptSettingsOf, storeIntakeSink } from "../intake/store-sink.js";
import type { Store } from "../store/db.js";
import { inUnitOfWork } from "../work/unit-of-work.js";
import type { RecordKeys } from "../audit/keys.js";

/** Why a file cannot be read, in a few words ("no such file", or the system's message). */
function unreadable(path: string, error: unknown): string {
  return `${path} cannot be read: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}.`;
}

/**
 * Opens the store and the record's key for an import (generating the key on first use, and saying so), runs the
 * import, and closes the store whatever happens.
 */
async function withImportStore(loaded: LoadedConfig, openStore: (loaded: LoadedConfig) => Promise<Store>, err: (text: string) => void, run: (store: Store, keys: RecordKeys) => Promise<number>): Promise<number> {
  const store = await openStore(loaded);
  try {
    const { keys, generated } = await openRecordKey(loaded, store.target, store.db, { generate: true, checkLastEntry: true });
    if (generated) err(generatedKeyMessage(generated));
    return await run(store, keys);
  } finally {
    await store.close();
  }
}

/** Help for `liaison intake`. */
export const INTAKE_TOKEN_HELP = `Usage:
  liaison intake token create <organisation> --label <text>   Make a token for a reporting organisation (printed once)
  liaison intake token revoke <token id> --reason <text>       Revoke a token: the API refuses it from then on
  liaison intake token list                                     List tokens (never their text)
  liaison intake import <file.csv> --feed <name>                Import a CSV feed file (intake.feeds): every row checked
                                                                first; one bad row and nothing is imported
  liaison intake import <file.eml | file.mbox>                  Import mails (one .eml, or an mbox of many) as the mailbox
                                                                reads them; each mail all or nothing, a file twice adds
                                                                nothing; exit 1 when a mail was refused`;

/** Runs `liaison intake token ...`; resolves to the exit code. */
export async function runIntakeTokenCommand(loaded: LoadedConfig, argv: string[], openStore: (loaded: LoadedConfig) => Promise<Store>, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { label: { type: "string" }, reason: { type: "string" } } });
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  const [action, subject] = parsed.positionals;
  const by = { actor: "operator", via: "cli" };
  if (!(action === "list" || ((action === "create" || action === "revoke") && subject))) {
    err(INTAKE_TOKEN_HELP);
    return 2;
  }
  if (action === "create" && !parsed.values.label?.trim()) {
    err("A token needs --label <text>: what it is for (\"Shadowserver feed\").");
    return 2;
  }
  if (action === "revoke" && !parsed.values.reason?.trim()) {
    err("Revoking needs --reason <text>.");
    return 2;
  }
  const store = await openStore(loaded);
  try {
    if (action === "list") {
      for (const token of await listIntakeTokens(store.db)) {
        out(`${token.id}  ${token.organisation}  ${token.label}  created ${token.createdAt.toISOString()}${token.revokedAt ? `  revoked ${token.revokedAt.toISOString()}` : ""}`);
      }
      return 0;
    }
    const { keys, generated } = await openRecordKey(loaded, store.target, store.db, { generate: true, checkLastEntry: true });
    if (generated) err(generatedKeyMessage(generated));
    const outcome = await inUnitOfWork(store, systemClock, keys, (work) =>
      action === "create" ? createIntakeToken(work, by, subject ?? "", parsed.values.label ?? "") : revokeIntakeToken(work, by, subject ?? "", parsed.values.reason ?? ""),
    );
    await sealOnceIfFree(store, keys, systemClock);
    if (!outcome.ok) {
      err(outcome.message);
      return 1;
    }
    const value = outcome.value as { id: string; text?: string; organisation?: string };
    if (value.text) {
      out(`Token ${value.id} for ${value.organisation}. Its text is shown only now; give it to the feed's operator:`);
      out(value.text);
    } else {
      out(`Token ${value.id} revoked.`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** Runs `liaison intake import <file> --feed <name>`; resolves to the exit code (1: bad rows, nothing imported). */
export async function runIntakeImportCommand(loaded: LoadedConfig, argv: string[], openStore: (loaded: LoadedConfig) => Promise<Store>, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { feed: { type: "string" } } });
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  const [path, extra] = parsed.positionals;
  const feedName = parsed.values.feed?.trim();
  if (!path || extra !== undefined || (parsed.values.feed !== undefined && !feedName)) {
    err(INTAKE_TOKEN_HELP);
    return 2;
  }
  if (!feedName) {
    if (/\.csv$/i.test(path)) {
      err(`${path} looks like a CSV feed file: say which feed it is with --feed <name>.`);
      return 2;
    }
    return runMailImport(loaded, path, openStore, out, err);
  }
  const feeds = loaded.config.intake.feeds.map((feed) => feed.name);
  if (!feeds.includes(feedName)) {
    err(feeds.length === 0 ? `No feed is configured (intake.feeds), so there is no feed "${feedName}".` : `There is no feed "${feedName}" in intake.feeds; configured: ${feeds.join(", ")}.`);
    return 2;
  }
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > FEED_MAX_BYTES) {
      err(`${path} has ${size} bytes; a feed file may have at most ${FEED_MAX_BYTES}. Nothing was imported.`);
      return 1;
    }
    bytes = readFileSync(path);
  } catch (error) {
    err(unreadable(path, error));
    return 2;
  }
  return withImportStore(loaded, openStore, err, async (store, keys) => {
    const outcome = await importFeedFile(store, systemClock, keys, loaded.config.intake, { feedName, fileName: basename(path), bytes });
    await sealOnceIfFree(store, keys, systemClock);
    if (outcome.status === "unknown-feed") {
      err(`There is no feed "${feedName}".`);
      return 2;
    }
    if (outcome.status === "refused") {
      for (const problem of outcome.problems) err(`${path}: line ${problem.line}${problem.column ? `, column "${problem.column}"` : ""}: ${problem.message}`);
      const more = outcome.problemCount - outcome.problems.length;
      err(`${outcome.problemCount} bad row${outcome.problemCount === 1 ? "" : "s"}${more > 0 ? ` (${more} not listed)` : ""}; nothing was imported.`);
      return 1;
    }
    out(`Imported ${outcome.rows} row${outcome.rows === 1 ? "" : "s"} of ${basename(path)} as feed ${feedName}: ${outcome.added} new report${outcome.added === 1 ? "" : "s"} in ${outcome.items} item${outcome.items === 1 ? "" : "s"}, ${outcome.duplicates} already imported. File sha256 ${outcome.sha256}.`);
    return 0;
  });
}

/** The summary of a mail import, as printed. */
export function mailImportSummaryText(fileName: string, summary: MailFileSummary): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  return `Read ${plural(summary.mails, "mail")} from ${fileName}: ${summary.accepted} taken in (${plural(summary.newReports, "new report")} in ${plural(summary.items, "item")}, ${summary.duplicateReports} already imported), ${summary.refusedCount} refused.`;
}

/** Each refused mail of a summary, one line each (with its fields), as printed. */
export function mailImportRefusalLines(path: string, summary: MailFileSummary): string[] {
  const lines = summary.refused.flatMap((refusal) => [
    `${path}: mail ${refusal.position} (line ${refusal.line}): ${refusal.message} [${refusal.code}]`,
    ...refusal.problems.map((problem) => ("field" in problem ? `  ${problem.field}: ${problem.message}` : `  line ${problem.line}${problem.column ? `, column "${problem.column}"` : ""}: ${problem.message}`)),
  ]);
  const more = summary.refusedCount - summary.refused.length;
  return more > 0 ? [...lines, `(${more} more refused mails not listed)`] : lines;
}

async function runMailImport(loaded: LoadedConfig, path: string, openStore: (loaded: LoadedConfig) => Promise<Store>, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  try {
    if (!statSync(path).isFile()) {
      err(`${path} is not a file.`);
      return 2;
    }
  } catch (error) {
    err(unreadable(path, error));
    return 2;
  }
  // The mail parsers (mailparser, mailsplit) are loaded for a mail import only, not by every command.
  const { importMailFile, MailFileImportFault } = await import("../intake/mail/file-import.js");
  return withImportStore(loaded, openStore, err, async (store, keys) => {
    const intake = loaded.config.intake;
    const imapUser = intake.mail.imap.user.toLowerCase();
    const sink = storeIntakeSink(store, systemClock, keys, acceptSettingsOf(intake));
    const deps = { sink, settings: intake, clock: systemClock, ownAddresses: new Set(imapUser.includes("@") ? [imapUser] : []) };
    let summary: MailFileSummary;
    try {
      summary = await importMailFile(createReadStream(path, { highWaterMark: 1024 * 1024 }), basename(path), deps);
    } catch (error) {
      if (!(error instanceof MailFileImportFault)) throw error;
      await sealOnceIfFree(store, keys, systemClock);
      for (const line of mailImportRefusalLines(path, error.summary)) err(line);
      err(`${path}: ${error.message}. The mails before it were committed; importing the file again adds only what is missing.`);
      return 1;
    }
    await sealOnceIfFree(store, keys, systemClock);
    for (const line of mailImportRefusalLines(path, summary)) err(line);
    if (summary.mails === 0) {
      err(`${path} holds no mail.`);
      return 1;
    }
    out(mailImportSummaryText(basename(path), summary));
    return summary.refusedCount > 0 ? 1 : 0;
  });
}
