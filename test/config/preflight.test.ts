// `liaison config check` and `liaison start` check the policy files and each enabled platform's secrets before the
// database is touched: every problem is one line naming the key and what is expected.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { ROOT_DIR, tempDir } from "../support/core.js";
import { TEST_RECORD_KEY } from "../support/keys.js";

const SECRET_NAMES = ["DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "MATRIX_ACCESS_TOKEN", "MATRIX_PASSWORD", "DISCORD_TOKEN", "LIAISON_SECRET_KEY", "LIAISON_SECRET_KEY_PREVIOUS", "LIAISON_AUDIT_KEY_FILE"];
let saved: NodeJS.ProcessEnv;

beforeEach(() => {
  saved = { ...process.env };
  for (const name of SECRET_NAMES) delete process.env[name];
  process.env.LIAISON_AUDIT_KEY = TEST_RECORD_KEY;
});
afterEach(() => {
  process.env = saved;
});

/** An installation in a temporary directory: its own copies of the policy files, edited by `edit`. */
function installation(options: { extra?: string; policy?: (text: string) => string; escalation?: (text: string) => string } = {}) {
  const dir = tempDir("liaison-preflight-");
  const policyFile = join(dir, "policy.yaml");
  const escalationFile = join(dir, "escalation.yaml");
  writeFileSync(policyFile, (options.policy ?? ((text) => text))(readFileSync(join(ROOT_DIR, "config/policy.yaml"), "utf8")));
  writeFileSync(escalationFile, (options.escalation ?? ((text) => text))(readFileSync(join(ROOT_DIR, "config/escalation.yaml"), "utf8")));
  const dbFile = join(dir, "data", "liaison.db");
  const config = join(dir, "liaison.yaml");
  writeFileSync(
    config,
    [
      `database:\n  sqlitePath: ${JSON.stringify(dbFile)}`,
      "log:\n  level: silent",
      `cases:\n  policyFile: ${JSON.stringify(policyFile)}`,
      `reminders:\n  policyFile: ${JSON.stringify(escalationFile)}`,
      options.extra ?? "",
    ].join("\n"),
  );
  process.env.LIAISON_CONFIG = config;
  return { dir, dbFile, config, policyFile, escalationFile };
}

/** Runs the CLI in this process; what it printed on each stream, and its exit code. */
async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (text) => out.push(...text.split("\n")), (text) => err.push(...text.split("\n")));
  return { code, out, err };
}

describe("liaison config check", () => {
  it("passes a good installation, saying that the policies were read", async () => {
    installation();
    const checked = await run(["config", "check"]);
    expect(checked.err).toEqual([]);
    expect(checked.code).toBe(0);
    expect(checked.out[0]).toMatch(/^Configuration OK/);
    expect(checked.out.join("\n")).toMatch(/Case policy: .*policy\.yaml \(\d+ kinds\)/);
    expect(checked.out.join("\n")).toMatch(/Escalation policy: .*escalation\.yaml/);
  });

  it("names a misspelt clarification rule and a duration it cannot read, each on its own line with file, line and key", async () => {
    const { policyFile } = installation({
      policy: (text) => text.replace("clarification: restart", "clarification: resart").replace("resolve: { normal: 1h }", "resolve: { normal: 1hour }"),
    });
    const checked = await run(["config", "check"]);
    expect(checked.code).toBe(1);
    expect(checked.out.join("\n")).not.toContain("Configuration OK");
    const lines = checked.err.filter((line) => line.includes(policyFile));
    expect(lines).toHaveLength(2);
    const text = readFileSync(policyFile, "utf8").split("\n");
    const lineOf = (fragment: string) => text.findIndex((line) => line.includes(fragment)) + 1;
    expect(lines).toContainEqual(`  ${policyFile}:${lineOf("resart")} kinds.removal-order.clarification: expected one of "pause", "restart", "none", found "resart"`);
    expect(lines.find((line) => line.includes("kinds.removal-order.resolve.normal"))).toMatch(new RegExp(`^  ${policyFile}:${lineOf("1hour")} kinds\\.removal-order\\.resolve\\.normal: expected a duration such as "30m", "1h" or "10d", or "none", found "1hour"$`));
  });

  it("names a policy file that does not exist, and a broken escalation file, together", async () => {
    const { config } = installation({ escalation: (text) => text.replace("at: +15m, to: [backup]", "at: +15m, to: [backpu]") });
    writeFileSync(config, readFileSync(config, "utf8").replace(/policyFile: ".*policy\.yaml"/, 'policyFile: "/nonexistent/policy.yaml"'));
    const checked = await run(["config", "check"]);
    expect(checked.code).toBe(1);
    expect(checked.err).toContainEqual(expect.stringMatching(/^ {2}.*liaison\.yaml:\d+ cases\.policyFile: names \/nonexistent\/policy\.yaml, which does not exist \(expected the case policy file, e\.g\. config\/policy\.yaml\)$/));
    expect(checked.err).toContainEqual(expect.stringMatching(/escalation\.yaml:\d+ default\.3\.to\.0: expected one of "responsible", .*found "backpu"/));
  });

  it.each([
    ["Slack", "platforms:\n  slack:\n    enabled: true\n", ["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"]],
    ["Slack in Socket Mode with OAuth", "platforms:\n  slack:\n    enabled: true\n    mode: socket\n    installation: oauth\n", ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "SLACK_APP_TOKEN"]],
    ["Matrix", "platforms:\n  matrix:\n    enabled: true\n", ["MATRIX_ACCESS_TOKEN"]],
    ["Discord", "platforms:\n  discord:\n    enabled: true\n", ["DISCORD_TOKEN"]],
  ])("names each secret %s needs and does not have, one line each", async (platform, extra, variables) => {
    installation({ extra });
    const checked = await run(["config", "check"]);
    expect(checked.code).toBe(1);
    for (const variable of variables) {
      expect(checked.err).toContainEqual(expect.stringMatching(new RegExp(`^ {2}environment ${variable}: ${platform.split(" ")[0]} is enabled \\(platforms\\.${platform.split(" ")[0]?.toLowerCase()}\\.enabled\\) and needs it: expected `)));
    }
    expect(checked.err.filter((line) => line.startsWith("  environment "))).toHaveLength(variables.length);
  });

  it("accepts Slack once its secrets are in the environment", async () => {
    installation({ extra: "platforms:\n  slack:\n    enabled: true\n" });
    process.env.SLACK_BOT_TOKEN = "xoxb-test";
    process.env.SLACK_SIGNING_SECRET = "secret";
    const checked = await run(["config", "check"]);
    expect(checked.err).toEqual([]);
    expect(checked.code).toBe(0);
  });
});

describe("liaison start", () => {
  it("refuses a broken policy before the database exists: no file, no demo directory, no stack trace", async () => {
    const { dbFile, policyFile } = installation({ policy: (text) => text.replace("clarification: restart", "clarification: resart") });
    const started = await run(["start", "--no-console"]);
    expect(started.code).toBe(1);
    expect(started.err[0]).toBe("Liaison cannot start: the configuration has 1 problem(s):");
    expect(started.err).toContainEqual(expect.stringContaining(`${policyFile}:`));
    expect(started.err.join("\n")).not.toMatch(/\n\s+at /);
    expect(existsSync(dbFile)).toBe(false);
  });

  it("refuses Slack without its token before the database exists", async () => {
    const { dbFile } = installation({ extra: "platforms:\n  slack:\n    enabled: true\n" });
    process.env.SLACK_SIGNING_SECRET = "secret";
    const started = await run(["start", "--no-console"]);
    expect(started.code).toBe(1);
    expect(started.err).toContainEqual(expect.stringMatching(/^ {2}environment SLACK_BOT_TOKEN: Slack is enabled/));
    expect(existsSync(dbFile)).toBe(false);
  });
});

describe("liaison directory export --output", () => {
  it("answers in words when the directory does not exist, before opening the database", async () => {
    const { dir, dbFile } = installation();
    const target = join(dir, "missing", "x.yaml");
    const exported = await run(["directory", "export", "--output", target]);
    expect(exported.code).toBe(1);
    expect(exported.err).toEqual([`Cannot write ${target}: the directory ${join(dir, "missing")} does not exist. Create it first, or name another file.`]);
    expect(existsSync(dbFile)).toBe(false);
  });

  it("answers in words when the output is a directory", async () => {
    const { dir } = installation();
    const exported = await run(["directory", "export", "--output", dir]);
    expect(exported.code).toBe(1);
    expect(exported.err).toEqual([`Cannot write ${dir}: it is a directory. Name a file, e.g. ${join(dir, "directory.yaml")}.`]);
  });
});
