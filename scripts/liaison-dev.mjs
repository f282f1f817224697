#!/usr/bin/env node
// Development: the `liaison` command straight from the TypeScript sources, through tsx, with no build step (and no
// build stamp check). The tests spawn it; `npm run dev -- <command>` runs it. The product runs the compiled build
// through src/cli/liaison.mjs.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
