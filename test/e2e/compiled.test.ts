// End to end: the product as users run it, the JavaScript compiled at install (dist/) started by src/cli/liaison.mjs
// with plain Node; and the launcher's check that the build matches the sources. The other CLI tests run the sources
// through tsx (scripts/liaison-dev.mjs), so that they need no build.
// The compiled-product tests need a build of the current sources (`npm run build`; `npm ci` makes one): without one
// they are skipped, saying so, except in CI (`CI=true`, after `npm ci`), where they must run.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProblem, computeStamp, STAMP_FILE } from "../../scripts/build-stamp.mjs";
import { COMPILED_LAUNCHER, runLiaison } from "../support/cli.js";
import { ROOT_DIR, tempDir } from "../support/core.js";

const stale = buildProblem(ROOT_DIR);
if (stale !== undefined && !process.env.CI) {
  console.warn(`Skipping the compiled-product tests: ${stale.split("\n")[0]}`);
}

describe.skipIf(stale !== undefined && !process.env.CI)("the compiled product (src/cli/liaison.mjs)", { timeout: 90_000 }, () => {
  it("is built from the current sources", () => {
    expect(stale).toBeUndefined();
  });

  it("starts a new installation (migrations, demo directory), answers a scripted session, and starts again", async () => {
    const dir = tempDir("liaison-compiled-");
    const config = join(dir, "liaison.yaml");
    writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(join(dir, "data", "liaison.db"))}\nlog:\n  level: warn\n`);
    const env = { LIAISON_CONFIG: config };
    const first = await runLiaison(["start"], env, "/whoami\n/contacts find acme\n", 60_000, COMPILED_LAUNCHER);
    expect(first.stderr, first.stderr).not.toMatch(/"level":"(error|fatal)"|liaison: /);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("You act as Dana Coordinator (demo.coordinator)");
    expect(first.stdout).toContain("[acme-hosting]");
    const again = await runLiaison(["migrate"], env, "", 60_000, COMPILED_LAUNCHER);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Database is up to date");
    const help = await runLiaison(["--help"], {}, "", 60_000, COMPILED_LAUNCHER);
    expect(help.stdout).toContain("Usage: liaison <command>");
  });
});

describe("the launcher's build check", () => {
  /**
   * A minimal installation: the launcher, its V8 settings, the stamp module, one source file and a "compiled" main;
   * no node_modules.
   */
  function installation(): string {
    const root = tempDir("liaison-launcher-");
    for (const file of ["src/cli/liaison.mjs", "src/cli/v8-settings.mjs", "scripts/build-stamp.mjs"]) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      cpSync(join(ROOT_DIR, file), join(root, file));
    }
    writeFileSync(join(root, "package.json"), '{ "type": "module" }\n');
    writeFileSync(join(root, "src/app.ts"), "export const answer = 42;\n");
    mkdirSync(join(root, "dist/src/cli"), { recursive: true });
    writeFileSync(join(root, "dist/src/cli/main.js"), 'export async function main(argv) { console.log(`compiled main: ${argv.join(" ")}`); return 3; }\n');
    return root;
  }
  const launch = (root: string) => spawnSync(process.execPath, [join(root, "src/cli/liaison.mjs"), "start", "--console"], { cwd: root, encoding: "utf8" });
  const stamp = (root: string) => writeFileSync(join(root, "dist", STAMP_FILE), JSON.stringify(computeStamp(root)));

  it("runs the compiled main with plain Node (no TypeScript loader installed) when the build matches the sources", () => {
    const root = installation();
    stamp(root);
    const run = launch(root);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("compiled main: start --console\n");
    expect(run.status).toBe(3);
  });

  it("refuses a build older than the sources, naming what changed and what to run", () => {
    const root = installation();
    stamp(root);
    writeFileSync(join(root, "src/app.ts"), "export const answer = 43;\n");
    const run = launch(root);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("out of date");
    expect(run.stderr).toContain("src/app.ts");
    expect(run.stderr).toContain("npm run build");
  });

  it("refuses to start when there is no build", () => {
    const root = installation();
    const run = launch(root);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Liaison is not built");
    expect(run.stderr).toContain("npm ci");
  });
});
