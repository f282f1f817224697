import type { CommandCatalog } from "../core/catalog.js";
import { COMMANDS } from "./registry.js";

/** The catalog of every command, generated from the declarations (for help, Slack's manifest, Discord's registration). */
export const commandCatalog: CommandCatalog = COMMANDS.map((command) => command.catalog);
