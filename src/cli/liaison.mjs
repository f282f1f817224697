#!/usr/bin/env node
// The `liaison` command. It runs the JavaScript that the install compiled into dist/ (scripts/build.mjs, run by
// `npm ci` and `npm run build`) with plain Node: no TypeScript loader at run time. Before that it checks the build
// stamp: if the sources changed since the build (a `git pull`, a branch switch, an edit), it says so and stops
// rather than run stale code. Development runs from the TypeScript sources instead: scripts/liaison-dev.mjs.
import { fileURLToPath } from "node:url";
import { buildProblem } from "../../scripts/build-stamp.mjs";

const problem = buildProblem(fileURLToPath(new URL("../..", import.meta.url)));
if (problem !== undefined) {
  process.stderr.write(`liaison: ${problem}\n`);
  process.exit(1);
}
const { main } = await import("../../dist/src/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
