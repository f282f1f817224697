import type { Logger } from "pino";
import { createConsoleAdapter } from "../../adapters/console/index.js";
import { adapterStateStore } from "../store/adapter-state.js";
import { commandCatalog } from "../commands/catalog.js";
import { createCore, seedDemoDirectory } from "../app/app.js";
import { INTERNAL_ERROR_REPLY } from "../app/inbound.js";
import { createPlatformAdapters, PlatformSetupError } from "../app/platforms.js";
import { secureStoredSecrets } from "../app/secrets-at-rest.js";
import type { LoadedConfig } from "../config/load.js";
import type { ChatAdapter, InboundHandler } from "../core/adapter.js";
import { systemClock } from "../core/clock.js";
import { generatedKeyMessage, openRecordKey } from "../audit/key-source.js";
import type { RecordKeys } from "../audit/keys.js";
import { describeTarget, looseSqlitePaths, tightenSqliteModes } from "../store/db.js";
import { withStartupLock } from "../store/startup-lock.js";
import { backfillCaseUrls } from "../cases/url-index.js";
import { Scheduler } from "../jobs/scheduler.js";
import { configuredTarget, prepareStore } from "./main.js";
import { mailIntakeProblem, startMailIntake } from "../intake/mail/service.js";

/** Wraps the core's handler so that a fault inside Liaison is logged and answered, never crashing the adapter. */
export function guarded(handler: InboundHandler, logger: Logger): InboundHandler {
  return async (event) => {
    try {
      return await handler(event);
    } catch (error) {
      logger.error({ err: error, eventId: event.eventId, platform: event.identity.platform }, "handling an inbound event failed");
      return INTERNAL_ERROR_REPLY;
    }
  };
}

/** Resolves on SIGINT or SIGTERM. */
function untilSignalled(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "stopping");
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}

/**
 * `liaison start`: migrates and opens the store, loads the demo directory into an empty one, starts the configured
 * platforms or the console, and runs until stopped.
 */
export async function runStart(loaded: LoadedConfig, logger: Logger, argv: string[]): Promise<number> {
  // A mailbox switched on but not usable is said before anything is opened.
  const mailProblem = mailIntakeProblem(loaded.config.intake, loaded.secrets.LIAISON_IMAP_PASSWORD);
  if (mailProblem) {
    process.stderr.write(`${mailProblem}\n`);
    return 1;
  }
  // The embedded database holds platform tokens: files left readable by others are made owner only, once the store
  // is known to be one Liaison can use. Files the first start just made are tightened without a word; an existing
  // installation's loose files are named in one warning.
  const looseBefore = new Set(looseSqlitePaths(configuredTarget(loaded)));
  const store = await prepareStore(loaded);
  const tightened = tightenSqliteModes(store.target).filter((path) => looseBefore.has(path));
  if (tightened.length > 0) logger.warn({ paths: tightened }, "the data directory and database files were readable by others; made them owner only (0700/0600)");
  const clock = systemClock;
  logger.info({ database: describeTarget(store.target) }, "store ready");
  let keys: RecordKeys;
  try {
    const opened = await openRecordKey(loaded, store.target, store.db, { generate: true, checkLastEntry: true });
    keys = opened.keys;
    if (opened.generated) process.stderr.write(`${generatedKeyMessage(opened.generated)}\n`);
    logger.info({ source: opened.source, keyId: keys.keyId }, "record key ready");
  } catch (error) {
    await store.close();
    throw error;
  }
  // Of several processes starting at once on an empty database, one loads the demo directory; the others wait for
  // it under the startup lock and then find the directory not empty. The case URL index is completed the same way.
  try {
    logger.info(loaded.config.directory.demo.enabled ? await withStartupLock(store.target, () => seedDemoDirectory(store, clock, keys, loaded)) : "demo directory switched off");
    const indexed = await withStartupLock(store.target, () => backfillCaseUrls(store.db));
    if (indexed > 0) logger.info({ cases: indexed }, "older cases added to the case URL index");
  } catch (error) {
    await store.close();
    throw error;
  }
  // Stored platform tokens: sealed with LIAISON_SECRET_KEY, or the rule for an installation without one.
  try {
    await secureStoredSecrets(store, clock, loaded, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const core = createCore({ store, clock, keys, logger, loaded });
  let platformAdapters: ChatAdapter[];
  try {
    platformAdapters = await createPlatformAdapters(loaded, store, clock, logger);
  } catch (error) {
    if (!(error instanceof PlatformSetupError)) throw error;
    logger.error(error.message);
    process.stderr.write(`${error.message}\n`);
    await store.close();
    return 1;
  }
  const consoleSetting = loaded.config.console.enabled;
  const runConsole = argv.includes("--no-console")
    ? false
    : argv.includes("--console") || consoleSetting === true || (consoleSetting === "auto" && platformAdapters.length === 0);
  const httpEnabled = loaded.config.http.enabled;
  const mailEnabled = loaded.config.intake.mail.imap.enabled;
  if (!runConsole && platformAdapters.length === 0 && !httpEnabled && !mailEnabled) {
    process.stderr.write("Nothing to run: no chat platform is enabled and the console is off (see config/default.yaml).\n");
    await store.close();
    return 1;
  }
  // The HTTP listener (health, intake API) only when configured: a default installation listens on nothing, and
  // does not load fastify and the intake API's modules either (1.7 MB of live heap in the every-adapter start of
  // bench/idle-rss.ts, after a full collection).
  const http = httpEnabled
    ? await (await import("../http/server.js")).startHttpServer({ store, clock, keys, http: loaded.config.http, intake: loaded.config.intake, logger })
    : undefined;
  const started: ChatAdapter[] = [];
  for (const adapter of platformAdapters) {
    try {
      await adapter.start(guarded(core.attach(adapter), logger));
    } catch (error) {
      // A platform that cannot start (a token it refuses, say) ends the start in one sentence, not a stack trace.
      const reason = error instanceof Error ? error.message : String(error);
      logger.error({ err: error, platform: adapter.platform }, "a platform could not start");
      process.stderr.write(`${adapter.platform} could not start: ${reason}\n`);
      for (const running of started) await running.stop();
      await adapter.stop().catch(() => undefined);
      await http?.server.close();
      await store.close();
      return 1;
    }
    started.push(adapter);
    logger.info({ platform: adapter.platform }, "platform started");
  }
  const interactive = Boolean(process.stdin.isTTY);
  const scripted = runConsole && !interactive;
  if (!scripted) core.outbox.start(loaded.config.outbox.pollIntervalMs);
  // Reminders, digests and revalidation on their schedules; not in a scripted console session, which ends at once
  // (run them there with `liaison reminders run`).
  // The abuse mailbox (when configured): read until stopped, its failures logged in one line each, with backoff.
  const mail = scripted ? undefined : await startMailIntake({ store, clock, keys, intake: loaded.config.intake, password: loaded.secrets.LIAISON_IMAP_PASSWORD, logger });
  const scheduler = !scripted && loaded.config.reminders.scheduler.enabled ? new Scheduler(core.reminders.scheduled(), logger) : undefined;
  scheduler?.start();
  // The record's sealer runs in every `liaison start`, scripted sessions too (their entries are sealed at the end).
  core.sealer.start();
  let exitCode = 0;
  if (runConsole) {
    const consoleAdapter = createConsoleAdapter({
      input: process.stdin,
      output: process.stdout,
      interactive,
      actAs: loaded.config.console.actAs,
      catalog: commandCatalog,
      // The console remembers the case threads it showed, so that they can be written in after a restart.
      state: adapterStateStore(store.db, clock, "console"),
      // Scripted sessions show each line's consequences (cards, relayed messages) before the next line runs.
      afterLine: () => core.outbox.drain(),
    });
    if (interactive) {
      process.stdout.write(`Liaison: acting as ${loaded.config.console.actAs}. Type /help for commands, "handle: /command" to act as someone else, exit to leave.\n`);
    }
    await consoleAdapter.start(guarded(core.attach(consoleAdapter), logger));
    try {
      // The end of input, `exit`, or a signal: whichever comes first stops everything, the console included.
      await Promise.race([consoleAdapter.finished, untilSignalled(logger)]);
    } catch (error) {
      logger.error({ err: error }, "the console input could not be read");
      exitCode = 2;
    }
    await consoleAdapter.stop();
  } else {
    await untilSignalled(logger);
  }
  await mail?.stop();
  await http?.server.close();
  await scheduler?.stop();
  await core.outbox.stop();
  if (scripted) await core.outbox.drain();
  for (const adapter of platformAdapters) await adapter.stop();
  await core.sealer.stop();
  await store.close();
  return exitCode;
}
