import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "pino";
import { sdkLogText } from "../../src/log.js";

const PINO_TO_BOLT: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/** Wraps Liaison's pino logger in the Logger interface Bolt and the Slack SDK log through. */
export function boltLogger(logger: Logger): BoltLogger {
  let child = logger.child({ component: "slack-sdk" });
  // The SDK logs request bodies and results ("http request body: {...}"): those parts are withheld.
  const text = (messages: unknown[]): string => sdkLogText(messages);
  return {
    debug: (...messages: unknown[]) => child.debug(text(messages)),
    info: (...messages: unknown[]) => child.info(text(messages)),
    warn: (...messages: unknown[]) => child.warn(text(messages)),
    error: (...messages: unknown[]) => child.error(text(messages)),
    setLevel: () => undefined,
    getLevel: () => PINO_TO_BOLT[logger.level] ?? LogLevel.INFO,
    setName: (name: string) => {
      child = logger.child({ component: name });
    },
  };
}
