import { MatrixAuth } from "matrix-bot-sdk";
import type { Logger } from "pino";
import type { AdapterStateStore } from "../../src/core/platform.js";
import type { Clock } from "../../src/core/clock.js";
import { SyncingMatrixClient } from "./client.js";
import type { MatrixConfig } from "./config.js";
import { matrixErrorInfo } from "./errors.js";
import { stateKeys, type StateStorageProvider } from "./storage.js";

/** What logging in needs. */
export interface SessionInput {
  config: MatrixConfig;
  secrets: { MATRIX_ACCESS_TOKEN?: string; MATRIX_PASSWORD?: string };
  state: AdapterStateStore;
  /** The homeserver URL to use (the configured one, or a test's). */
  homeserverUrl: string;
  logger: Logger;
}

/**
 * Logs in with the access token, a token saved earlier, or the password once (the token is then saved); resolves to
 * the client, the bot's user id and its device id.
 */
export async function authenticate(input: SessionInput, storage: StateStorageProvider): Promise<{ client: SyncingMatrixClient; userId: string; deviceId?: string }> {
  const { config, secrets, state, logger } = input;
  const connect = async (url: string, token: string) => {
    const client = new SyncingMatrixClient(url, token, storage);
    const whoami = await client.getWhoAmI();
    // The device the access token belongs to (encryption keys are per device); homeservers name it since spec v1.1.
    return { client, userId: whoami.user_id, ...(typeof whoami.device_id === "string" && whoami.device_id !== "" ? { deviceId: whoami.device_id } : {}) };
  };
  if (secrets.MATRIX_ACCESS_TOKEN) return connect(input.homeserverUrl, secrets.MATRIX_ACCESS_TOKEN);
  const savedToken = await state.get(stateKeys.accessToken);
  if (savedToken) {
    try {
      return await connect((await state.get(stateKeys.authHomeserverUrl)) ?? input.homeserverUrl, savedToken);
    } catch (error) {
      const { errcode } = matrixErrorInfo(error);
      if (errcode !== "M_UNKNOWN_TOKEN" || !secrets.MATRIX_PASSWORD) throw error;
      logger.warn("matrix: the saved access token was rejected, logging in with the password again");
    }
  }
  if (!secrets.MATRIX_PASSWORD) throw new Error("Matrix: set MATRIX_ACCESS_TOKEN, or MATRIX_PASSWORD together with platforms.matrix.userId");
  if (!config.userId) throw new Error("Matrix: password login needs platforms.matrix.userId");
  const loggedIn = await new MatrixAuth(input.homeserverUrl).passwordLogin(config.userId, secrets.MATRIX_PASSWORD, config.deviceName);
  await state.set(stateKeys.accessToken, loggedIn.accessToken);
  await state.set(stateKeys.authHomeserverUrl, loggedIn.homeserverUrl);
  logger.info("matrix: logged in with the password; the access token is saved, the password is no longer needed");
  return connect(loggedIn.homeserverUrl, loggedIn.accessToken);
}

/**
 * The installation's start, saved the first time it starts (no sync token yet). A homeserver may hand a new
 * installation sync batches cached for an earlier one on the same account (Synapse keeps them two minutes): events
 * older than the installation are history, whatever batch they come in. An installation that synced before this was
 * saved keeps handling everything after its sync token (its start is 1).
 */
export async function installationStart(state: AdapterStateStore, storage: StateStorageProvider, clock: Clock): Promise<number> {
  const saved = Number(await state.get(stateKeys.installedAtMs));
  if (Number.isFinite(saved) && saved > 0) return saved;
  const startedMs = (await storage.getSyncToken()) === null ? clock.now().getTime() : 1;
  await state.set(stateKeys.installedAtMs, String(startedMs));
  return startedMs;
}

/** Sets the bot's display name when it differs (people see it beside every answer); a failure is only logged. */
export async function ensureDisplayName(client: SyncingMatrixClient, userId: string, wanted: string, logger: Logger): Promise<void> {
  try {
    const profile = (await client.getUserProfile(userId)) as { displayname?: unknown };
    if (profile.displayname !== wanted) await client.setDisplayName(wanted);
  } catch (error) {
    logger.warn({ err: error }, "matrix: could not set the display name");
  }
}
