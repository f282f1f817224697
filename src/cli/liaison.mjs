#!/usr/bin/env node
// The `liaison` command. It runs the JavaScript that the install compiled into dist/ (scripts/build.mjs, run by
// `npm ci` and `npm run build`) with plain Node: no TypeScript loader at run time. Before that it checks the build
// stamp: if the sources changed since the build (a `git pull`, a branch switch, an edit), it says so and stops
// rather than run stale code. Development runs from the TypeScript sources instead: scripts/liaison-dev.mjs.
import { fileURLToPath } from "node:url";
import { buildProblem } from "../../scripts/build-stamp.mjs";
import { applyV8Settings } from "./v8-settings.mjs";

// WebAssembly tiering and the young generation's size, before anything is loaded (src/cli/v8-settings.mjs).
applyV8Settings();
const problem = buildProblem(fileURLToPath(new URL("../..", import.meta.url)));
if (problem !== undefined) {
  process.stderr.write(`liaison: ${problem}\n`);
  process.exit(1);
}
const { main } = await import("../../dist/src/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
// Everything Liaison started is stopped by now. A platform library may leave a connection attempt running (discord.js
// can reconnect a shard that was still identifying when it was destroyed): the process ends regardless, soon.
setTimeout(() => process.exit(), 2000).unref();
