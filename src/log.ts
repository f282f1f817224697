import { pino, type Logger } from "pino";

/** Keys whose values are never written to the log, wherever they appear. */
const REDACTED_PATHS = [
  "token", "*.token", "secret", "*.secret", "password", "*.password", "authorization", "*.authorization",
  "headers.authorization", "*.headers.authorization", "accessToken", "*.accessToken", "botToken", "*.botToken",
  "signingSecret", "*.signingSecret", "clientSecret", "*.clientSecret", "DATABASE_URL", "*.DATABASE_URL",
  "databaseUrl", "*.databaseUrl", "url", "*.url",
];

/** Creates the process logger: JSON lines on stderr (stdout belongs to the console adapter); readable lines on a TTY. */
export function createLogger(level: string, destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Logger {
  const options = {
    level,
    base: { service: "liaison" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
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
