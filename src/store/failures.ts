// Failures to use the database that an operator can fix (a wrong path, a file that is not a database, a damaged file,
// missing permissions, a PostgreSQL server that is down or refuses), told in one line: what is wrong and what to do.
// The CLI prints that line and exits non-zero; anything not recognised here stays an ordinary error.
import { accessSync, constants, statSync } from "node:fs";
import { dirname } from "node:path";
import type { StoreTarget } from "./db.js";

/** The database cannot be used, for a reason the operator can fix; the message is one line saying what and what to do. */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
}

/** The error to throw for a failure while `doing` something with the database: a StoreUnavailableError when recognised. */
export function storeFailure(target: StoreTarget, error: unknown, doing: string): Error {
  if (error instanceof StoreUnavailableError) return error;
  const explained = explainStoreFailure(target, error);
  if (explained) return new StoreUnavailableError(explained, { cause: error });
  return new Error(`${doing} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/** One line saying why the database cannot be used and what to do, or undefined when the failure is not recognised. */
export function explainStoreFailure(target: StoreTarget, error: unknown): string | undefined {
  const found = factsOf(error);
  return target.provider === "sqlite" ? explainSqlite(target.url, found) : explainPostgres(target.url, found);
}

interface Facts {
  codes: Set<string>;
  /** Every message in the error and its causes, joined by newlines. */
  text: string;
}

/** Codes and messages from an error, its causes, and the driver errors Prisma wraps (meta.driverAdapterError). */
function factsOf(error: unknown): Facts {
  const codes = new Set<string>();
  const texts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8 || value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    const fields = value as Record<string, unknown>;
    for (const key of ["code", "originalCode", "kind", "extendedCode"]) {
      const code = fields[key];
      if (typeof code === "string" || typeof code === "number") codes.add(String(code));
    }
    for (const key of ["message", "originalMessage"]) if (typeof fields[key] === "string") texts.push(fields[key]);
    for (const key of ["cause", "meta", "driverAdapterError"]) visit(fields[key], depth + 1);
    // node-postgres reports a refused connection to every address of a host as an AggregateError.
    if (Array.isArray(fields.errors)) for (const inner of fields.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  if (typeof error === "string") texts.push(error);
  return { codes, text: texts.join("\n") };
}

function has(found: Facts, codes: RegExp, text?: RegExp): boolean {
  return [...found.codes].some((code) => codes.test(code)) || (text !== undefined && text.test(found.text));
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}

/** The part of the messages matching `pattern` (e.g. SQLite's own wording), for the parenthesis of a message. */
function quoted(found: Facts, pattern: RegExp, fallback: string): string {
  return pattern.exec(found.text)?.[0] ?? fallback;
}

function explainSqlite(path: string, found: Facts): string | undefined {
  const where = path === ":memory:" ? "The in-memory SQLite database" : `The SQLite database ${path}`;
  if (has(found, /^SQLITE_NOTADB$/, /file is not a database/i)) {
    return (
      `${path} is not a SQLite database (it holds something else): set database.sqlitePath (or DATABASE_URL=file:<path>) ` +
      "to Liaison's database file, or move this file away and start again to create a new database there."
    );
  }
  if (has(found, /^SQLITE_CORRUPT/, /database disk image is malformed|database corruption/i)) {
    return (
      `${where} is damaged (SQLite: ${quoted(found, /database disk image is malformed|database corruption[^\n]*/i, "corrupt")}): ` +
      "stop every Liaison process using it, then restore the file from a backup, or move it away and start again with an empty database."
    );
  }
  if (has(found, /^(SQLITE_FULL|ENOSPC)$/, /database or disk is full|no space left/i)) {
    return `There is no space left on the disk of ${path}: free some space, then start again.`;
  }
  if (has(found, /^EISDIR$/) || isDirectory(path)) {
    return `${path} is a directory, not a database file: set database.sqlitePath to a file, e.g. ${path.replace(/\/$/, "")}/liaison.db.`;
  }
  if (has(found, /^ENOTDIR$/)) {
    return `A part of the path ${path} is a file, not a directory: set database.sqlitePath to a path in a directory.`;
  }
  const readOnly = /readonly database|read-only file system|permission denied|operation not permitted/i;
  if (has(found, /^(SQLITE_READONLY.*|SQLITE_PERM|SQLITE_AUTH|EACCES|EPERM|EROFS)$/, readOnly) || has(found, /^SQLITE_CANTOPEN/, /unable to open database file/i)) {
    const reason = writeProblem(path) ?? quoted(found, new RegExp(`${readOnly.source}|unable to open database file`, "i"), "cannot be opened");
    return (
      `${where} cannot be opened for writing (${reason}): Liaison needs to write that file and to create files beside it ` +
      "(-wal, -shm, .lock). Fix the permissions or the mount, or set database.sqlitePath to a writable place."
    );
  }
  if (has(found, /^SQLITE_BUSY/, /database is locked/i)) {
    return `${where} stayed locked by another process: retry once it is idle, or stop it.`;
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return path !== ":memory:" && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Why `path` (or, when it does not exist yet, its directory) cannot be written, asked of the system; else undefined. */
function writeProblem(path: string): string | undefined {
  if (path === ":memory:") return undefined;
  for (const candidate of [path, dirname(path)]) {
    try {
      statSync(candidate);
    } catch {
      continue;
    }
    try {
      accessSync(candidate, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "EROFS" ? "read-only file system" : code === "EPERM" ? "operation not permitted" : "permission denied";
      return `${candidate === path ? path : `its directory ${candidate}`}: ${why}`;
    }
  }
  return undefined;
}

function explainPostgres(url: string, found: Facts): string | undefined {
  let server = "the PostgreSQL server";
  let database = "";
  let user = "";
  try {
    const parsed = new URL(url);
    server = `PostgreSQL at ${parsed.hostname || "localhost"}:${parsed.port || "5432"}`;
    database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
    user = decodeURIComponent(parsed.username);
  } catch {
    // An unparsable URL: the driver's own message says so.
  }
  const serverMessage = firstLine(quoted(found, /^.*(does not exist|authentication failed|permission denied|too many|starting up|shutting down|no pg_hba\.conf entry)[^\n]*/im, ""));
  if (has(found, /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|DatabaseNotReachable|SocketTimeout)$/, /timeout expired|can't reach database server|connection terminated/i)) {
    const reason = has(found, /^ECONNREFUSED$/)
      ? "connection refused"
      : has(found, /^(ENOTFOUND|EAI_AGAIN)$/)
        ? "host not found"
        : has(found, /^(ETIMEDOUT|SocketTimeout)$/, /timeout expired/i)
          ? "no answer in time"
          : "unreachable";
    return `Cannot reach ${server} (${reason}): check that the server is running and that DATABASE_URL names the right host and port.`;
  }
  if (has(found, /^(3D000|DatabaseDoesNotExist)$/)) {
    const name = database || "(none given)";
    return `${server} has no database "${name}": create it (e.g. createdb ${name}) or correct the database name in DATABASE_URL.`;
  }
  if (has(found, /^(28000|28P01|DatabaseAccessDenied|AuthenticationFailed)$/)) {
    const detail = serverMessage || (user ? `user "${user}"` : "authentication");
    return `${server} refused the connection (${detail}): check the user and password in DATABASE_URL, and the server's access rules.`;
  }
  if (has(found, /^42501$/)) {
    return `${server} refused a change (${serverMessage || "permission denied"}): the user in DATABASE_URL needs to own the database, or be allowed to create and change tables in it.`;
  }
  if (has(found, /^(53300|57P01|57P02|57P03)$/)) {
    return `${server} refused the connection (${serverMessage || "not accepting connections now"}): try again shortly, or ask its administrator.`;
  }
  return undefined;
}
