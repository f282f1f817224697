import type { Logger } from "pino";
import { createConsoleAdapter } from "../../adapters/console/index.js";
import { createCore, seedDemoDirectory } from "../app/app.js";
import { INTERNAL_ERROR_REPLY } from "../app/inbound.js";
import type { LoadedConfig } from "../config/load.js";
import type { InboundHandler } from "../core/adapter.js";
import { systemClock } from "../core/clock.js";
import { describeTarget } from "../store/db.js";
import { prepareStore } from "./main.js";

/** Wraps the core's handler so that a fault inside Liaison is logged and answered, never crashing the adapter. */
function guarded(handler: InboundHandler, logger: Logger): InboundHandler {
  return async (event) => {
    try {
      return await handler(event);
    } catch (error) {
      logger.error({ err: error, eventId: event.eventId, platform: event.identity.platform }, "handling an inbound event failed");
      return INTERNAL_ERROR_REPLY;
    }
  };
}

/** `liaison start`: prepares the store, starts the configured platforms or the console, and runs until stopped. */
export async function runStart(loaded: LoadedConfig, logger: Logger, argv: string[]): Promise<number> {
  const startedAtMs = performance.now();
  const store = await prepareStore(loaded);
  const clock = systemClock;
  logger.info({ database: describeTarget(store.target) }, "store ready");
  logger.info(await seedDemoDirectory(store, clock, loaded));
  const core = createCore({ store, clock, logger, loaded });
  const platformsEnabled = Object.values(loaded.config.platforms).some((settings) => settings.enabled);
  const consoleSetting = loaded.config.console.enabled;
  const runConsole = argv.includes("--no-console") ? false : argv.includes("--console") || consoleSetting === true || (consoleSetting === "auto" && !platformsEnabled);
  if (platformsEnabled) {
    logger.error("chat platforms are configured, but this build starts only the console; see the README");
  }
  if (!runConsole) {
    logger.warn("nothing to run: no platform enabled and the console is off");
    await store.close();
    return 1;
  }
  const interactive = Boolean(process.stdin.isTTY);
  const consoleAdapter = createConsoleAdapter({
    input: process.stdin,
    output: process.stdout,
    interactive,
    actAs: loaded.config.console.actAs,
    // Scripted sessions show each line's consequences (cards, relayed messages) before the next line runs.
    afterLine: () => core.outbox.drain(),
  });
  const handler = guarded(core.attach(consoleAdapter), logger);
  if (interactive) {
    process.stdout.write(`Liaison: acting as ${loaded.config.console.actAs}. Type /help for commands, "handle: /command" to act as someone else, exit to leave.\n`);
  }
  await consoleAdapter.start(handler);
  if (interactive) core.outbox.start(loaded.config.outbox.pollIntervalMs);
  logger.debug({ startMs: Math.round(performance.now() - startedAtMs) }, "console ready");
  try {
    await consoleAdapter.finished;
  } catch (error) {
    logger.error({ err: error }, "the console input could not be read");
    await core.outbox.stop();
    await store.close();
    return 2;
  }
  await core.outbox.stop();
  await core.outbox.drain();
  await store.close();
  return 0;
}
