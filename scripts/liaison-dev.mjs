#!/usr/bin/env node
// Development: the `liaison` command straight from the TypeScript sources, through tsx, with no build step (and no
// build stamp check). The tests spawn it; `npm run dev -- <command>` runs it. The product runs the compiled build
// through src/cli/liaison.mjs.
import { register } from "tsx/esm/api";
import { applyV8Settings } from "../src/cli/v8-settings.mjs";

// The same V8 settings as the product (src/cli/v8-settings.mjs).
applyV8Settings();
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
// Everything Liaison started is stopped by now. A platform library may leave a connection attempt running (discord.js
// can reconnect a shard that was still identifying when it was destroyed): the process ends regardless, soon.
setTimeout(() => process.exit(), 2000).unref();
