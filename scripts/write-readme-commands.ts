// Regenerates the command reference in README.md from the command declarations (`npm run docs`).
import { readFileSync, writeFileSync } from "node:fs";
import { commandCatalog } from "../src/commands/catalog.js";
import { withCommandReference } from "../src/commands/reference.js";

const path = new URL("../README.md", import.meta.url);
writeFileSync(path, withCommandReference(readFileSync(path, "utf8"), commandCatalog));
console.log("README.md: command reference regenerated.");
