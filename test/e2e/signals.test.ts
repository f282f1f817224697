// `liaison start` stops on SIGTERM and SIGINT whatever is running: the console with its input still open, and the
// console beside a chat platform (here Discord, against the fake Discord), which used to run on for minutes; and a
// platform that cannot start ends the start in one sentence.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeDiscord, IDS } from "../fakes/discord/server.js";
import { ROOT_DIR, tempDir } from "../support/core.js";
import { SOURCE_LAUNCHER } from "../support/cli.js";
import { TEST_RECORD_KEY } from "../support/keys.js";

/** A LIAISON_CONFIG in a temporary directory, with `extra` YAML appended. */
function installation(extra = ""): Record<string, string> {
  const dir = tempDir("liaison-signals-");
  const config = join(dir, "liaison.yaml");
  writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(join(dir, "data", "liaison.db"))}\nlog:\n  level: info\n${extra}`);
  return { LIAISON_CONFIG: config };
}

/** A running `liaison start`, its output so far, and how it ended. */
interface Running {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
}

function start(args: string[], env: Record<string, string>): Running {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, LIAISON_AUDIT_KEY: TEST_RECORD_KEY };
  delete childEnv.DATABASE_URL;
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, [SOURCE_LAUNCHER, ...args], { cwd: ROOT_DIR, env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let signalledAt = 0;
  const kill = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number) => {
    signalledAt = performance.now();
    return kill(signal);
  };
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, afterMs: performance.now() - signalledAt })),
  );
  return { child, output: () => output, ended };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("liaison start stops on a signal", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("the console alone, its input still open: SIGTERM ends it in order, exit code 0", { timeout: 90_000 }, async () => {
    const running = start(["start", "--console"], installation());
    cleanups.push(() => void running.child.kill("SIGKILL"));
    running.child.stdin.write("/contacts find acme\n");
    await until(() => running.output().includes("ACME"), 60_000, "the answer to the first line");
    running.child.kill("SIGTERM");
    const ended = await running.ended;
    expect(ended).toMatchObject({ code: 0, signal: null });
    expect(ended.afterMs).toBeLessThan(10_000);
  });

  it("the console beside Discord: SIGTERM ends both while stdin stays open", { timeout: 90_000 }, async () => {
    const fake = await new FakeDiscord().listen();
    cleanups.push(() => fake.close());
    const env = installation(`platforms:\n  discord:\n    enabled: true\n    applicationId: "${IDS.application}"\n    guildIds: ["${IDS.guild}"]\n    apiBaseUrl: "${fake.apiBaseUrl}"\n`);
    const running = start(["start", "--console"], { ...env, DISCORD_TOKEN: fake.token });
    cleanups.push(() => void running.child.kill("SIGKILL"));
    await until(() => running.output().includes('"platform":"discord"') && running.output().includes("platform started"), 60_000, "Discord to start");
    expect(fake.gateway.connected).toBe(true);
    running.child.kill("SIGTERM");
    const ended = await running.ended;
    expect(ended).toMatchObject({ code: 0, signal: null });
    expect(ended.afterMs).toBeLessThan(10_000);
  });

  it("a token Discord refuses ends the start in one sentence, without a stack trace", { timeout: 90_000 }, async () => {
    const fake = await new FakeDiscord().listen();
    cleanups.push(() => fake.close());
    const env = installation(`platforms:\n  discord:\n    enabled: true\n    applicationId: "${IDS.application}"\n    apiBaseUrl: "${fake.apiBaseUrl}"\n`);
    const running = start(["start", "--no-console"], { ...env, DISCORD_TOKEN: "a-wrong-token" });
    cleanups.push(() => void running.child.kill("SIGKILL"));
    const ended = await running.ended;
    expect(ended.code).toBe(1);
    expect(running.output()).toContain("discord could not start: Discord refused the bot token (DISCORD_TOKEN)");
    expect(running.output()).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
