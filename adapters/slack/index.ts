import type { ChatAdapter } from "../../src/core/adapter.js";
import { SlackChatAdapter, type SlackAdapter, type SlackAdapterOptions } from "./adapter.js";

export type { SlackAdapter, SlackAdapterOptions } from "./adapter.js";
export { SLACK_CAPABILITIES } from "./adapter.js";
export { slackConfigSchema, missingSlackSecrets, type SlackConfig, type SlackSecrets } from "./config.js";
export { slackManifest, slackManifestYaml, BOT_SCOPES, BOT_EVENTS, type SlackManifestOptions } from "./manifest.js";

/** Creates the Slack adapter (Bolt app, HTTP receiver or Socket Mode, one workspace or OAuth); nothing runs until start(). */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter & ChatAdapter {
  return new SlackChatAdapter(options);
}
