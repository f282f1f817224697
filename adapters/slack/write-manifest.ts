/**
 * Writes adapters/slack/manifest.yaml from the command catalog, or prints a manifest for your installation:
 *   node --import tsx adapters/slack/write-manifest.ts                       (regenerate the checked-in file)
 *   node --import tsx adapters/slack/write-manifest.ts --print --request-url https://liaison.example.org/slack/events
 *        [--app-name Liaison] [--prefix liaison-] [--redirect-url https://…/slack/oauth_redirect] [--socket]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { commandCatalog } from "../../src/commands/catalog.js";
import { CHECKED_IN_MANIFEST_OPTIONS, slackManifestYaml, type SlackManifestOptions } from "./manifest.js";

const { values } = parseArgs({
  options: {
    print: { type: "boolean", default: false },
    "request-url": { type: "string" },
    "app-name": { type: "string" },
    prefix: { type: "string" },
    "redirect-url": { type: "string" },
    socket: { type: "boolean", default: false },
  },
});

if (values.print) {
  const options: SlackManifestOptions = {
    appName: values["app-name"] ?? CHECKED_IN_MANIFEST_OPTIONS.appName,
    requestUrl: values["request-url"] ?? CHECKED_IN_MANIFEST_OPTIONS.requestUrl,
    ...(values.prefix ? { commandPrefix: values.prefix } : {}),
    ...(values["redirect-url"] ? { redirectUrl: values["redirect-url"] } : {}),
    ...(values.socket ? { socketMode: true } : {}),
  };
  process.stdout.write(slackManifestYaml(commandCatalog, options));
} else {
  const target = new URL("./manifest.yaml", import.meta.url);
  writeFileSync(target, slackManifestYaml(commandCatalog, CHECKED_IN_MANIFEST_OPTIONS));
  process.stdout.write(`wrote ${target.pathname}\n`);
}
