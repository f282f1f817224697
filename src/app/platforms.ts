import type { Logger } from "pino";
import type { LoadedConfig } from "../config/load.js";
import type { ChatAdapter } from "../core/adapter.js";
import type { Clock } from "../core/clock.js";
import { CaseRepository } from "../cases/repository.js";
import { commandCatalog } from "../commands/catalog.js";
import { adapterRecordStore } from "../store/adapter-records.js";
import { adapterStateStore } from "../store/adapter-state.js";
import type { Store } from "../store/db.js";
import { installationSecretKey, stateSecretsFor } from "./secrets-at-rest.js";

/** A platform that is enabled but cannot start: what is missing and how to fix it. */
export class PlatformSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlatformSetupError";
  }
}

function required(value: string | undefined, variable: string, platform: string): string {
  if (!value) throw new PlatformSetupError(`${platform} is enabled but ${variable} is not set: put it in the environment or .env (see the README, "${platform}").`);
  return value;
}

/**
 * Creates the adapters of the enabled chat platforms. Each adapter module is imported only when its platform is
 * enabled, so a console-only start never loads a chat SDK.
 */
export async function createPlatformAdapters(loaded: LoadedConfig, store: Store, clock: Clock, logger: Logger): Promise<ChatAdapter[]> {
  const { platforms } = loaded.config;
  const secrets = loaded.secrets;
  const secretKey = installationSecretKey(loaded);
  const environment = (namespace: string) => ({
    catalog: commandCatalog,
    // Platform tokens among the state are sealed with LIAISON_SECRET_KEY (src/app/secrets-at-rest.ts).
    state: adapterStateStore(store.db, clock, namespace, stateSecretsFor(namespace, secretKey)),
    logger: logger.child({ platform: namespace }),
    clock,
    openCaseThreads: () => new CaseRepository(store.db).threadsToCatchUp(namespace),
    // Opaque records (the Matrix encryption keys), sealed with a key derived from LIAISON_SECRET_KEY.
    records: adapterRecordStore(store, clock, namespace, secretKey),
  });
  const adapters: ChatAdapter[] = [];
  if (platforms.slack.enabled) {
    const { createSlackAdapter } = await import("../../adapters/slack/index.js");
    const { missingSlackSecrets } = await import("../../adapters/slack/config.js");
    const missing = missingSlackSecrets(platforms.slack, secrets);
    if (missing.length > 0) required(undefined, missing.join(", "), "Slack");
    adapters.push(createSlackAdapter({ config: platforms.slack, secrets, env: environment("slack") }));
  }
  if (platforms.matrix.enabled) {
    if (!secrets.MATRIX_ACCESS_TOKEN && !secrets.MATRIX_PASSWORD) required(undefined, "MATRIX_ACCESS_TOKEN (or MATRIX_PASSWORD)", "Matrix");
    const { createMatrixAdapter } = await import("../../adapters/matrix/index.js");
    adapters.push(createMatrixAdapter({ config: platforms.matrix, secrets, env: environment("matrix") }));
  }
  if (platforms.discord.enabled) {
    const token = required(secrets.DISCORD_TOKEN, "DISCORD_TOKEN", "Discord");
    const { createDiscordAdapter } = await import("../../adapters/discord/index.js");
    adapters.push(createDiscordAdapter({ config: platforms.discord, secrets: { DISCORD_TOKEN: token }, env: environment("discord") }));
  }
  return adapters;
}
