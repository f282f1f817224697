import { pino, type Logger } from "pino";

/** Keys whose values are never written to the log, wherever they appear. */
const REDACTED_PATHS = [
  "token", "*.token", "secret", "*.secret", "password", "*.password", "authorization", "*.authorization",
  "headers.authorization", "*.headers.authorization", "accessToken", "*.accessToken", "botToken", "*.botToken",
  "signingSecret", "*.signingSecret", "clientSecret", "*.clientSecret", "DATABASE_URL", "*.DATABASE_URL",
  "databaseUrl", "*.databaseUrl", "url", "*.url", "LIAISON_SECRET_KEY", "*.LIAISON_SECRET_KEY",
  "LIAISON_SECRET_KEY_PREVIOUS", "*.LIAISON_SECRET_KEY_PREVIOUS",
];

/**
 * Errors whose messages Liaison composes itself from codes, statuses and ids (never from what people wrote): their
 * messages are logged. Every other error's message may hold case text (a database error quoting its arguments, a
 * parse error quoting its input), so it is withheld; its type, codes and stack frames are logged.
 */
const ERRORS_WITH_SAFE_MESSAGES = new Set(["DeliveryError", "StoreUnavailableError", "SecretKeyError", "PlatformSetupError", "ConfigError"]);

/** What a withheld message is replaced with. */
export const WITHHELD = "[withheld: may hold case text]";

const TOKEN = /^[\w.:/-]{1,80}$/;

/** The codes an error carries that name what went wrong without content: its code, Matrix errcode, HTTP status. */
function errorCodes(error: Record<string, unknown>): Record<string, unknown> {
  const codes: Record<string, unknown> = {};
  for (const field of ["code", "errcode", "status", "statusCode", "retryAfterMs", "permanent", "route", "method"]) {
    const value = error[field];
    if (typeof value === "number" || typeof value === "boolean" || (typeof value === "string" && TOKEN.test(value))) codes[field] = value;
  }
  // Slack's platform errors ("invalid_auth"), Prisma's driver error codes (SQLITE_BUSY).
  for (const holder of ["data", "meta", "body"]) {
    const nested = error[holder];
    if (typeof nested !== "object" || nested === null) continue;
    for (const field of ["error", "code", "errcode"]) {
      const value = (nested as Record<string, unknown>)[field];
      if (typeof value === "string" && TOKEN.test(value)) codes[`${holder}.${field}`] = value;
    }
  }
  return codes;
}

/**
 * An error as the log shows it: its type, codes, stack frames (where, not what) and cause; its message only when
 * Liaison composed it (ERRORS_WITH_SAFE_MESSAGES). Never its other fields (request bodies, responses, inputs).
 */
export function safeError(error: unknown, depth = 0): Record<string, unknown> {
  if (typeof error !== "object" || error === null) return { type: typeof error, message: WITHHELD };
  const record = error as Record<string, unknown>;
  // An error already reduced to a plain record by an adapter names its type in a field.
  const type = error instanceof Error ? error.name : typeof record.type === "string" ? record.type : (record.constructor?.name ?? "object");
  const safeMessage = ERRORS_WITH_SAFE_MESSAGES.has(type) && typeof record.message === "string";
  const frames = typeof record.stack === "string" ? record.stack.split("\n").filter((line) => /^\s+at /.test(line)).map((line) => line.trim()) : [];
  return {
    type,
    message: safeMessage ? String(record.message).slice(0, 500) : WITHHELD,
    ...errorCodes(record),
    ...(frames.length > 0 ? { stack: frames.slice(0, 12) } : {}),
    ...(record.cause !== undefined && depth < 3 ? { cause: safeError(record.cause, depth + 1) } : {}),
  };
}

/**
 * The text of a chat SDK's log call without its payloads: strings are kept up to the first JSON-looking part (the
 * SDKs log request bodies and results as "http request body: {...}"), errors are shown by safeError, other values
 * are withheld.
 */
export function sdkLogText(parts: readonly unknown[]): string {
  return parts
    .map((part) => {
      if (typeof part === "string") {
        const payload = part.search(/[{[]/);
        return payload === -1 ? part : `${part.slice(0, payload)}${WITHHELD}`;
      }
      if (part instanceof Error || (typeof part === "object" && part !== null && "stack" in part)) return JSON.stringify(safeError(part));
      return typeof part === "number" || typeof part === "boolean" ? String(part) : WITHHELD;
    })
    .join(" ");
}

/** Creates the process logger: JSON lines on stderr (stdout belongs to the console adapter); readable lines on a TTY. */
export function createLogger(level: string, destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Logger {
  const options = {
    level,
    base: { service: "liaison" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // Errors are logged by type, codes and stack frames; their messages only when Liaison wrote them (safeError).
    serializers: { err: safeError, error: safeError },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (destination.isTTY) {
    // Readable single lines for people at a terminal, without a second logging library.
    return pino(options, {
      write(line: string) {
        const record = JSON.parse(line) as Record<string, unknown>;
        const { level: lvl, time, msg, service: _service, pid: _pid, hostname: _hostname, ...rest } = record;
        const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
        destination.write(`${new Date(Number(time)).toISOString().slice(11, 19)} ${String(lvl)} ${String(msg ?? "")}${extra}\n`);
      },
    });
  }
  return pino(options, destination === process.stderr ? pino.destination({ dest: 2, sync: true }) : destination);
}

/** A logger that writes nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
