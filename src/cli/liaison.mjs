#!/usr/bin/env node
// The `liaison` command. It runs the JavaScript that the install compiled into dist/ (scripts/build.mjs, run by
// `npm ci` and `npm run build`) with plain Node: no TypeScript loader at run time. Before that it checks the build
// stamp: if the sources changed since the build (a `git pull`, a branch switch, an edit), it says so and stops
// rather than run stale code. Development runs from the TypeScript sources instead: scripts/liaison-dev.mjs.
import v8 from "node:v8";
import { fileURLToPath } from "node:url";
import { buildProblem } from "../../scripts/build-stamp.mjs";

// Prisma's query compiler is a 3 MB WebAssembly module. With V8's default tiering budget most of it is recompiled
// by the optimising compiler within a second of the first queries: some 50 MB of machine code that stays resident.
// A budget 50 times larger keeps all but really hot functions on the baseline compiler: idle RSS falls by about
// that much, query times do not measurably change (bench/idle-rss.ts). It must be set before the first query.
v8.setFlagsFromString("--wasm-tiering-budget=100000000");
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
