// Runs the real `liaison` CLI as a user runs it, for end-to-end tests.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect } from "vitest";
import { openStore, type Db } from "../../src/store/db.js";
import { TEST_RECORD_KEY } from "./keys.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What a CLI run printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The launchers: the product (the compiled build, src/cli/liaison.mjs) and the TypeScript sources through tsx. */
export const COMPILED_LAUNCHER = "src/cli/liaison.mjs";
export const SOURCE_LAUNCHER = "scripts/liaison-dev.mjs";

/**
 * Runs `node <launcher> <args>` in the project directory, feeding `input` on stdin: by default the sources through
 * tsx (scripts/liaison-dev.mjs), so that no build is needed; test/e2e/compiled.test.ts runs the compiled product.
 * The environment is the test's, plus `env`; DATABASE_URL, LIAISON_CONFIG, NODE_OPTIONS and the record key settings
 * are passed only when `env` sets them, and LIAISON_AUDIT_KEY is the tests' key unless `env` names a key.
 */
export function runLiaison(args: string[], env: Record<string, string | undefined> = {}, input = "", timeoutMs = 60_000, launcher = SOURCE_LAUNCHER): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ["DATABASE_URL", "LIAISON_CONFIG", "NODE_OPTIONS", "LIAISON_AUDIT_KEY", "LIAISON_AUDIT_KEY_FILE"]) if (!(name in env) || env[name] === undefined) delete childEnv[name];
  // The tests' record key, unless the test names its own key (or names none, with LIAISON_AUDIT_KEY: undefined).
  if (!("LIAISON_AUDIT_KEY" in env) && !("LIAISON_AUDIT_KEY_FILE" in env)) childEnv.LIAISON_AUDIT_KEY = TEST_RECORD_KEY;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], { cwd: ROOT, env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** A finished `liaison start` console session: what it printed, how it ended, and its installation's SQLite file. */
export interface ConsoleRun extends CliRun {
  dbFile: string;
}

/**
 * For one test file's console sessions (call it at the top of the file: it registers the clean-up). The function it
 * returns runs `liaison start` on a fresh temporary installation named after `prefix` (its own SQLite file, warnings
 * only in the log), types `lines` into the console, one a line, then ends the input, and checks that the run ended
 * cleanly: exit code 0 and no warning or error in the log. The installations are removed after the file's tests.
 */
export function consoleSessions(prefix: string): (lines: string[], timeoutMs?: number) => Promise<ConsoleRun> {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return async (lines, timeoutMs) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    const dbFile = join(dir, "data", "liaison.db");
    const config = join(dir, "liaison.yaml");
    writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(dbFile)}\nlog:\n  level: warn\n`);
    const result = await runLiaison(["start"], { LIAISON_CONFIG: config }, [...lines, ""].join("\n"), timeoutMs);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/"level":"(error|fatal|warn)"/);
    return { ...result, dbFile };
  };
}

/** Opens the SQLite file a console session left, hands its client to `use`, and closes it again. */
export async function readDatabase<T>(dbFile: string, use: (db: Db) => Promise<T>): Promise<T> {
  const store = await openStore({ provider: "sqlite", url: dbFile });
  try {
    return await use(store.db);
  } finally {
    await store.close();
  }
}
