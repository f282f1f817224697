import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ConfigError, formatProblem, loadConfig, type ConfigProblem } from "../../src/config/load.js";
import { ROOT_DIR, tempDir } from "../support/core.js";

const DEFAULT_FILE = join(ROOT_DIR, "config/default.yaml");

/** The default file, parsed independently of the loader. */
function defaults(): Record<string, Record<string, unknown>> {
  return parseYaml(readFileSync(DEFAULT_FILE, "utf8")) as Record<string, Record<string, unknown>>;
}

/** A root directory holding a copy of config/default.yaml, and optionally an override file and a .env. */
function root(files: { override?: string; dotenv?: string } = {}): { dir: string; override: string } {
  const dir = tempDir("liaison-config-");
  mkdirSync(join(dir, "config"));
  copyFileSync(DEFAULT_FILE, join(dir, "config/default.yaml"));
  const override = join(dir, "local.yaml");
  if (files.override !== undefined) writeFileSync(override, files.override);
  if (files.dotenv !== undefined) writeFileSync(join(dir, ".env"), files.dotenv);
  return { dir, override };
}

/** Loads configuration that must be rejected; returns the problems and the error's text. */
function rejected(rootDir: string, env: NodeJS.ProcessEnv): { problems: ConfigProblem[]; text: string } {
  try {
    loadConfig({ rootDir, env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message).toBe(error.problems.map(formatProblem).join("\n"));
    return { problems: error.problems, text: error.message };
  }
  throw new Error("the configuration was accepted");
}

describe("loadConfig", () => {
  it("loads config/default.yaml as it is", () => {
    const loaded = loadConfig({ rootDir: ROOT_DIR, env: {} });
    const expected = defaults();
    expect(loaded.files).toEqual([DEFAULT_FILE]);
    expect(loaded.rootDir).toBe(ROOT_DIR);
    expect(loaded.config.database).toEqual(expected.database);
    expect(loaded.config.log).toEqual(expected.log);
    expect(loaded.config.directory).toEqual(expected.directory);
    expect(loaded.config.console).toEqual(expected.console);
    expect(loaded.config.outbox).toEqual(expected.outbox);
    for (const platform of ["slack", "matrix", "discord"] as const) {
      expect(loaded.config.platforms[platform].enabled).toBe((expected.platforms?.[platform] as { enabled: boolean }).enabled);
    }
    expect(loaded.secrets.DATABASE_URL).toBeUndefined();
  });

  it("merges the LIAISON_CONFIG file over the defaults, key by key", () => {
    const { dir, override } = root({ override: "directory:\n  findLimit: 25\n  demo:\n    enabled: false\nlog:\n  level: warn\n" });
    const loaded = loadConfig({ rootDir: dir, env: { LIAISON_CONFIG: override } });
    const expected = defaults();
    const directory = expected.directory as { unlinkedMayRead: boolean; demo: { file: string } };
    expect(loaded.files).toEqual([join(dir, "config/default.yaml"), override]);
    expect(loaded.config.directory.findLimit).toBe(25);
    expect(loaded.config.directory.demo.enabled).toBe(false);
    expect(loaded.config.log.level).toBe("warn");
    // Keys the override does not name keep their defaults, also next to keys it does name.
    expect(loaded.config.directory.unlinkedMayRead).toBe(directory.unlinkedMayRead);
    expect(loaded.config.directory.demo.file).toBe(directory.demo.file);
    expect(loaded.config.database).toEqual(expected.database);
  });

  it("resolves a relative LIAISON_CONFIG against the root directory", () => {
    const { dir } = root({ override: "log:\n  level: error\n" });
    expect(loadConfig({ rootDir: dir, env: { LIAISON_CONFIG: "local.yaml" } }).config.log.level).toBe("error");
  });

  it("accepts an empty override file", () => {
    const { dir, override } = root({ override: "# nothing changed\n" });
    expect(loadConfig({ rootDir: dir, env: { LIAISON_CONFIG: override } }).config).toEqual(loadConfig({ rootDir: dir, env: {} }).config);
  });

  it.each([
    ["a nested key", "log:\n  level: warn\ndirectory:\n  findLimt: 5\n", "directory.findLimt", 4, "findLimit"],
    ["a top-level key", "# a comment\nlogg:\n  level: warn\n", "logg", 2, "database, log, directory"],
    ["a deeply nested key", "directory:\n  demo:\n    enabeld: false\n", "directory.demo.enabeld", 3, "enabled, file"],
  ])("rejects a typo in %s, naming the file, the key path and the line", (_what, text, path, line, allowed) => {
    const { dir, override } = root({ override: text });
    const { problems, text: message } = rejected(dir, { LIAISON_CONFIG: override });
    expect(problems).toEqual([expect.objectContaining({ file: override, path, line })]);
    expect(problems[0]?.message).toContain("unknown key");
    expect(problems[0]?.message).toContain(allowed);
    expect(message).toContain(`${override}:${line} ${path}: unknown key`);
  });

  it("reports every problem at once", () => {
    const { dir, override } = root({ override: "logg: 1\ndirectory:\n  findLimit: ten\n  unlinkedMayRead: sometimes\n" });
    const { problems } = rejected(dir, { LIAISON_CONFIG: override });
    expect(problems.map((problem) => problem.path).sort()).toEqual(["directory.findLimit", "directory.unlinkedMayRead", "logg"]);
  });

  it.each([
    ["directory:\n  findLimit: ten\n", "directory.findLimit", 2, /expected a number, found "ten"/],
    ["directory:\n  unlinkedMayRead: \"yes\"\n", "directory.unlinkedMayRead", 2, /expected a boolean, found "yes"/],
    ["log:\n  level: loud\n", "log.level", 2, /expected one of "trace", .*"silent", found "loud"/],
    ["directory:\n  findLimit: 0\n", "directory.findLimit", 2, /expected at least 1, found number 0/],
    ["outbox:\n  maxAttempts: [1, 2]\n", "outbox.maxAttempts", 2, /expected a number, found a list/],
    ["database: on\n", "database", 1, /expected a mapping, found/],
  ])("rejects a wrong type in %j, naming what was expected and what was found", (text, path, line, message) => {
    const { dir, override } = root({ override: text });
    const { problems } = rejected(dir, { LIAISON_CONFIG: override });
    expect(problems).toEqual([expect.objectContaining({ file: override, path, line })]);
    expect(problems[0]?.message).toMatch(message);
  });

  it("reports an override file that is not valid YAML with its line", () => {
    const { dir, override } = root({ override: "log:\n  level: warn\n directory: [\n" });
    const { problems } = rejected(dir, { LIAISON_CONFIG: override });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: override });
    expect(problems[0]?.line).toBeGreaterThanOrEqual(2);
    expect(problems[0]?.message).toContain("not valid YAML");
  });

  it("reports a LIAISON_CONFIG file that does not exist", () => {
    const { dir } = root();
    const missing = join(dir, "no-such-file.yaml");
    const { problems, text } = rejected(dir, { LIAISON_CONFIG: missing });
    expect(problems).toEqual([expect.objectContaining({ file: missing })]);
    expect(text).toContain("does not exist");
  });

  it.each(["mysql://liaison:hunter2-secret@db.example/liaison", "hunter2-secret", "postgres//liaison:hunter2-secret@db.example/liaison"])(
    "rejects DATABASE_URL %j without echoing it",
    (url) => {
      const { dir } = root();
      const { problems, text } = rejected(dir, { DATABASE_URL: url });
      expect(problems).toEqual([expect.objectContaining({ file: "environment", path: "DATABASE_URL" })]);
      expect(text).toMatch(/postgres:\/\//);
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("db.example");
    },
  );

  it("does not echo a bad DATABASE_URL from .env either", () => {
    const { dir } = root({ dotenv: "DATABASE_URL=ftp://user:hunter2-secret@db.example/x\n" });
    const { text } = rejected(dir, {});
    expect(text).toContain("DATABASE_URL");
    expect(text).not.toContain("hunter2");
  });

  it("accepts postgres:// and file: DATABASE_URLs, from the environment or .env, the environment winning", () => {
    const { dir } = root({ dotenv: "DATABASE_URL=file:./data/from-dotenv.db\n" });
    expect(loadConfig({ rootDir: dir, env: {} }).secrets.DATABASE_URL).toBe("file:./data/from-dotenv.db");
    expect(loadConfig({ rootDir: dir, env: { DATABASE_URL: "postgres://liaison@127.0.0.1:5432/liaison" } }).secrets.DATABASE_URL).toBe(
      "postgres://liaison@127.0.0.1:5432/liaison",
    );
  });

  it("never takes secrets from configuration files", () => {
    const { dir, override } = root({ override: "database:\n  url: postgres://liaison:hunter2-secret@db.example/liaison\n" });
    const { problems, text } = rejected(dir, { LIAISON_CONFIG: override });
    expect(problems).toEqual([expect.objectContaining({ path: "database.url", line: 2 })]);
    expect(text).not.toContain("hunter2");
  });
});
