#!/usr/bin/env node
// The `liaison` command. Liaison is written in TypeScript and runs through tsx's loader, so no build step is needed.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
