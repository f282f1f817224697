// A database that cannot be used, through the real CLI: a file that is not a database, a directory, a damaged
// (truncated) file, a read-only file or directory, a PostgreSQL server that is unreachable or refuses. Each ends with
// exit code 1 and one line on stderr saying what is wrong and what to do: no stack trace, no claim that anything
// worked, and the file left as it was.
import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../src/store/migrate.js";
import { runLiaison, type CliRun } from "../support/cli.js";
import { tempDir } from "../support/core.js";
import { describeOnPostgres, postgresUrl } from "../support/postgres.js";

/** Runs `liaison <args>` on the SQLite file `dbFile` (through LIAISON_CONFIG), or on DATABASE_URL when given. */
function liaisonOn(dbFile: string, args: string[], databaseUrl?: string): Promise<CliRun> {
  const config = join(tempDir("liaison-failures-config-"), "liaison.yaml");
  writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(dbFile)}\nlog:\n  level: info\n`);
  return runLiaison(args, { LIAISON_CONFIG: config, DATABASE_URL: databaseUrl }, "", 90_000);
}

/** The run failed with exactly one line on stderr matching `line`, and printed nothing that pretends otherwise. */
function expectOneClearLine(run: CliRun, line: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(line);
  expect(run.stderr).not.toMatch(/^\s+at |Error:|\{"level"/m);
  expect(run.stderr + run.stdout).not.toMatch(/nothing (was|is) lost|store ready|demo directory loaded/i);
  expect(run.stdout).toBe("");
}

/** A migrated SQLite database file, to damage or protect. */
async function migratedFile(dir: string): Promise<string> {
  const file = join(dir, "liaison.db");
  await applyMigrations({ provider: "sqlite", url: file });
  return file;
}

// Making something read-only: chmod does not stop root, an immutable attribute (chattr +i) does. Undone afterwards.
const protectedPaths: string[] = [];
afterAll(() => {
  for (const path of protectedPaths.splice(0).reverse()) {
    if (process.getuid?.() === 0) execFileSync("chattr", ["-i", path]);
    else chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
  }
});

/** Makes `path` read-only for this process; returns why that is impossible here, or undefined when it worked. */
function makeReadOnly(path: string): string | undefined {
  const directory = statSync(path).isDirectory();
  try {
    if (process.getuid?.() === 0) execFileSync("chattr", ["+i", path], { stdio: "ignore" });
    else chmodSync(path, directory ? 0o555 : 0o444);
  } catch (error) {
    return `cannot make ${path} read-only (${(error as Error).message.split("\n")[0]})`;
  }
  protectedPaths.push(path);
  try {
    if (directory) writeFileSync(join(path, "probe"), "");
    else appendFileSync(path, "");
    return `${path} is still writable after chattr/chmod`;
  } catch {
    return undefined;
  }
}

describe("a SQLite database that cannot be used", () => {
  it("not a database, a directory, a damaged file: one line each, for start and for other commands, files untouched", async () => {
    const dir = tempDir("liaison-failures-");
    const text = join(dir, "notes.txt");
    writeFileSync(text, "these are my notes, not a database\n");
    const directory = join(dir, "a-directory");
    mkdirSync(directory);
    const damaged = await migratedFile(join(dir, "damaged"));
    truncateSync(damaged, Math.floor(statSync(damaged).size / 2));
    const damagedBytes = readFileSync(damaged);

    const [onText, exportText, onDirectory, onDamaged, verifyDamaged] = await Promise.all([
      liaisonOn(text, ["start"]),
      liaisonOn(text, ["directory", "export"]),
      liaisonOn(directory, ["start"]),
      liaisonOn(damaged, ["start"]),
      liaisonOn(damaged, ["audit", "verify"]),
    ]);
    const notADatabase = new RegExp(`^${escape(text)} is not a SQLite database .*: set database\\.sqlitePath .* or move this file away`);
    expectOneClearLine(onText, notADatabase);
    expectOneClearLine(exportText, notADatabase);
    expectOneClearLine(onDirectory, new RegExp(`^${escape(directory)} is a directory, not a database file: set database\\.sqlitePath to a file`));
    const isDamaged = new RegExp(`^The SQLite database ${escape(damaged)} is damaged \\(SQLite: database disk image is malformed\\): .*restore the file from a backup`);
    expectOneClearLine(onDamaged, isDamaged);
    expectOneClearLine(verifyDamaged, isDamaged);
    expect(readFileSync(text, "utf8")).toBe("these are my notes, not a database\n");
    expect(readFileSync(damaged).equals(damagedBytes)).toBe(true);
  }, 120_000);

  it("a read-only file and a read-only directory: one line naming what cannot be written", async (context) => {
    const dir = tempDir("liaison-failures-");
    const file = await migratedFile(join(dir, "file"));
    const readOnlyDir = join(dir, "read-only");
    mkdirSync(readOnlyDir);
    const existingInReadOnlyDir = await migratedFile(join(dir, "existing"));
    const lockedDir = join(dir, "existing");
    const copy = join(dir, "copy.db");
    copyFileSync(file, copy);
    const problems = [makeReadOnly(file), makeReadOnly(readOnlyDir), makeReadOnly(lockedDir)].filter((problem) => problem !== undefined);
    if (problems.length > 0) {
      console.warn(`skipping the read-only cases: ${problems.join("; ")}`);
      context.skip();
    }
    const fileBytes = readFileSync(file);

    const [onFile, inDirectory, existing] = await Promise.all([
      liaisonOn(file, ["start"]),
      liaisonOn(join(readOnlyDir, "liaison.db"), ["start"]),
      liaisonOn(existingInReadOnlyDir, ["reminders", "run"]),
    ]);
    const advice = "Liaison needs to write that file and to create files beside it .* or set database\\.sqlitePath to a writable place";
    expectOneClearLine(onFile, new RegExp(`^The SQLite database ${escape(file)} cannot be opened for writing \\(${escape(file)}: (operation not permitted|permission denied)\\): ${advice}`));
    expectOneClearLine(
      inDirectory,
      new RegExp(`^The SQLite database ${escape(join(readOnlyDir, "liaison.db"))} cannot be opened for writing \\(its directory ${escape(readOnlyDir)}: (operation not permitted|permission denied)\\): ${advice}`),
    );
    expectOneClearLine(existing, new RegExp(`^The SQLite database ${escape(existingInReadOnlyDir)} cannot be opened for writing \\(its directory ${escape(lockedDir)}: .*\\): ${advice}`));
    expect(readFileSync(file).equals(fileBytes)).toBe(true);
  }, 120_000);
});

describeOnPostgres("a PostgreSQL server that cannot be used", (test) => {
  test("unreachable, no such database, unknown user: one line each naming the server and what to check", async () => {
    const server = new URL(postgresUrl() as string);
    const at = (change: (url: URL) => void) => {
      const url = new URL(server);
      change(url);
      return url.toString();
    };
    const unused = join(tempDir("liaison-failures-"), "unused.db");
    const [unreachable, noDatabase, unknownUser, unreachableReport] = await Promise.all([
      liaisonOn(unused, ["start"], "postgres://liaison:s3cret@127.0.0.1:1/liaison"),
      liaisonOn(unused, ["start"], at((url) => (url.pathname = "/liaison_no_such_database"))),
      liaisonOn(unused, ["migrate"], at((url) => (url.username = "liaison_no_such_user"))),
      liaisonOn(unused, ["report", "--from", "2026-01-01", "--to", "2026-02-01"], "postgres://127.0.0.1:1/liaison"),
    ]);
    const host = `${server.hostname}:${server.port || "5432"}`;
    const cannotReach = /^Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(connection refused\): check that the server is running and that DATABASE_URL names the right host and port\.$/;
    expectOneClearLine(unreachable, cannotReach);
    expect(unreachable.stderr).not.toContain("s3cret");
    expectOneClearLine(unreachableReport, cannotReach);
    expectOneClearLine(noDatabase, new RegExp(`^PostgreSQL at ${escape(host)} has no database "liaison_no_such_database": create it .* or correct the database name in DATABASE_URL\\.$`));
    expectOneClearLine(unknownUser, new RegExp(`^PostgreSQL at ${escape(host)} refused the connection \\(.*liaison_no_such_user.*\\): check the user and password in DATABASE_URL`));
  }, 120_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
