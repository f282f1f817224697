// The README's examples run as a test: "A first session" as a scripted console session of the real `liaison start`
// with the demo directory, and every example of the command reference (each command's `examples`, from which
// `npm run docs` writes it) through the dispatcher. An answer that is an error, or a line not understood, fails.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { commandCatalog } from "../../src/commands/catalog.js";
import { describeOnBothDatabases } from "../support/cases.js";
import { runLiaison } from "../support/cli.js";
import { tempDir } from "../support/core.js";
import { createTempDatabase } from "../support/postgres.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The lines typed in "A first session" (after the `liaison> ` prompt), in order. */
function firstSessionLines(): string[] {
  const section = README.slice(README.indexOf("### A first session"));
  const block = /```text\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block.split("\n").filter((line) => line.startsWith("liaison> ")).map((line) => line.slice("liaison> ".length));
}

/** What the console prints for a refusal or a line it could not use. */
const NOT_UNDERSTOOD = /✗|not understood|Unknown option|There is no command|has no subcommand|Nothing was sent/;

/** Refusals that depend on what the directory and the cases hold (an example names N-2026-0042), not on wording. */
const STATE_DEPENDENT = new Set(["not-found", "conflict", "not-allowed"]);

/** Who tries an example the coordinator may not run: an issuing authority, a police officer, an admin. */
const OTHERS = ["sanne.devries", "ahmed.elamrani", "jan.jansen"];

describeOnBothDatabases("README examples", (harness, test) => {
  test("A first session runs in the console as the README shows it: every line answered, none refused", async () => {
    const h = harness();
    const lines = firstSessionLines();
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const dir = tempDir("liaison-readme-");
    const config = join(dir, "liaison.yaml");
    writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(join(dir, "liaison.db"))}\nlog:\n  level: warn\n`);
    const env: Record<string, string> = { LIAISON_CONFIG: config };
    let drop: (() => Promise<void>) | undefined;
    if (h.provider === "postgresql") {
      const database = await createTempDatabase();
      env.DATABASE_URL = database.url;
      drop = database.drop;
    }
    try {
      const run = await runLiaison(["start"], env, `${lines.join("\n")}\n`, 90_000);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).not.toMatch(NOT_UNDERSTOOD);
      expect(run.stdout).not.toContain("No organisation matches");
      expect(run.stdout).toContain("[R-2026-0001 @ nl-iru] Jan Jansen (ACME Hosting B.V.): Which part of the video?");
      expect(run.stdout).toMatch(/History of R-2026-0001/);
    } finally {
      await drop?.();
    }
  }, 120_000);

  test("every example of the command reference is understood, and answered unless it names what the demo does not hold", async () => {
    const h = harness();
    const refused: string[] = [];
    let examples = 0;
    for (const command of commandCatalog) {
      for (const example of command.examples) {
        examples += 1;
        let answer = await h.run("demo.coordinator", example);
        for (const other of OTHERS) {
          if (answer.failure !== "not-allowed") break;
          h.clock.advance(5_000);
          answer = await h.run(other, example);
        }
        h.clock.advance(5_000);
        await h.drain();
        if (answer.failure) refused.push(`${answer.failure} | ${example} | ${answer.message.text.split("\n")[0]}`);
      }
    }
    expect(examples).toBeGreaterThan(commandCatalog.length);
    // What this test calls "not understood" is what Liaison answers to a typo.
    expect((await h.run("demo.coordinator", "/contacts fnd acme")).message.text).toMatch(NOT_UNDERSTOOD);
    expect((await h.run("demo.coordinator", "/contacts find acme --contry NL")).failure).toBe("bad-arguments");
    // Never "not understood": no unknown command, option or value in any example.
    expect(refused.filter((line) => !STATE_DEPENDENT.has(line.split(" | ")[0] ?? ""))).toEqual([]);
  }, 120_000);
});
