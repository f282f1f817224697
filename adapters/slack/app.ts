import { App, type AppOptions, type webApi } from "@slack/bolt";
import type { Logger } from "pino";
import { missingSlackSecrets, type SlackConfig, type SlackSecrets } from "./config.js";
import { StateInstallationStore } from "./installation-store.js";
import { boltLogger } from "./logger.js";
import { BOT_SCOPES } from "./manifest.js";
import type { AdapterStateStore } from "../../src/core/platform.js";

/** Everything needed to build the Bolt app. */
export interface BoltAppOptions {
  config: SlackConfig;
  secrets: SlackSecrets;
  state: AdapterStateStore;
  logger: Logger;
}

/** The Bolt app and, in OAuth mode, its installation store. */
export interface BoltAppBundle {
  app: App;
  clientOptions: webApi.WebClientOptions;
  installationStore: StateInstallationStore | undefined;
}

/** Web API client options: rate limits and failures surface at once, so the outbox decides when to retry. */
export function slackClientOptions(config: SlackConfig, logger: Logger): webApi.WebClientOptions {
  return {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: config.apiTimeoutMs,
    logger: boltLogger(logger),
  };
}

/**
 * Builds the Bolt app for the configured mode: HTTP receiver (signature and timestamp verification always on) or
 * Socket Mode; one bot token or OAuth installations kept in the state store.
 */
export function buildBoltApp(options: BoltAppOptions): BoltAppBundle {
  const { config, secrets, logger } = options;
  const missing = missingSlackSecrets(config, secrets);
  if (missing.length > 0) {
    throw new Error(`Slack (mode ${config.mode}, installation ${config.installation}) needs the environment variables ${missing.join(", ")}`);
  }
  const clientOptions = slackClientOptions(config, logger);
  const common: AppOptions = {
    logger: boltLogger(logger),
    clientOptions,
    ignoreSelf: true,
    processBeforeResponse: false,
    signatureVerification: true,
    endpoints: [config.http.eventsPath],
    ...(secrets.SLACK_SIGNING_SECRET ? { signingSecret: secrets.SLACK_SIGNING_SECRET } : {}),
    ...(config.mode === "socket" ? { socketMode: true, appToken: secrets.SLACK_APP_TOKEN ?? "" } : {}),
  };
  if (config.installation === "single") {
    return { app: new App({ ...common, token: secrets.SLACK_BOT_TOKEN ?? "" }), clientOptions, installationStore: undefined };
  }
  const installationStore = new StateInstallationStore(options.state);
  const app = new App({
    ...common,
    clientId: secrets.SLACK_CLIENT_ID ?? "",
    clientSecret: secrets.SLACK_CLIENT_SECRET ?? "",
    stateSecret: secrets.SLACK_STATE_SECRET ?? "",
    scopes: [...BOT_SCOPES],
    installationStore,
    ...(config.http.redirectUri ? { redirectUri: config.http.redirectUri } : {}),
    installerOptions: {
      installPath: config.http.installPath,
      redirectUriPath: config.http.redirectPath,
      directInstall: false,
      stateVerification: true,
      ...(config.mode === "socket" ? { port: config.http.port } : {}),
    },
  });
  return { app, clientOptions, installationStore };
}
