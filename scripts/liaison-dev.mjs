#!/usr/bin/env node
// Development: the `liaison` command straight from the TypeScript sources, through tsx, with no build step (and no
// build stamp check). The tests spawn it; `npm run dev -- <command>` runs it. The product runs the compiled build
// through src/cli/liaison.mjs.
import v8 from "node:v8";
import { register } from "tsx/esm/api";

// The same WebAssembly tiering as the product (see src/cli/liaison.mjs).
v8.setFlagsFromString("--wasm-tiering-budget=100000000");
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
// Everything Liaison started is stopped by now. A platform library may leave a connection attempt running (discord.js
// can reconnect a shard that was still identifying when it was destroyed): the process ends regardless, soon.
setTimeout(() => process.exit(), 2000).unref();
