// Secrets at rest: which adapter state values are platform tokens, and what happens at start. With LIAISON_SECRET_KEY
// every stored token is sealed (those written before the key are sealed now) and every sealed one must open with the
// key. Without it: the embedded SQLite database (owner-only files on the bot's own host) keeps working with a warning;
// a PostgreSQL database (another host, its backups, its administrators) that holds or will hold tokens is refused.
import type { Logger } from "pino";
import { isMatrixSecretStateKey } from "../../adapters/matrix/storage.js";
import { isSlackSecretStateKey } from "../../adapters/slack/installation-store.js";
import type { LoadedConfig } from "../config/load.js";
import type { Clock } from "../core/clock.js";
import { stateRowName, type StateSecrets } from "../store/adapter-state.js";
import type { Store } from "../store/db.js";
import { open, parseSecretKey, seal, SecretKeyError, type SecretKey } from "../store/secret-box.js";

/** Per adapter state namespace, the keys whose values are secrets: Slack installations, the saved Matrix access token. */
export const SECRET_STATE_KEYS: Readonly<Record<string, (key: string) => boolean>> = {
  slack: isSlackSecretStateKey,
  matrix: isMatrixSecretStateKey,
};

/** The secret key of the installation (LIAISON_SECRET_KEY), or undefined; a malformed one throws a SecretKeyError. */
export function installationSecretKey(loaded: LoadedConfig): SecretKey | undefined {
  return parseSecretKey(loaded.secrets.LIAISON_SECRET_KEY, loaded.secrets.LIAISON_SECRET_KEY_PREVIOUS);
}

/** What the state store of a namespace seals. */
export function stateSecretsFor(namespace: string, key: SecretKey | undefined): StateSecrets {
  return { isSecret: SECRET_STATE_KEYS[namespace] ?? (() => false), key };
}

/** Whether the enabled platforms will store a token in the database (Slack "Add to Slack", Matrix password login). */
function platformsStoreTokens(loaded: LoadedConfig): string[] {
  const { slack, matrix } = loaded.config.platforms;
  const storing: string[] = [];
  if (slack.enabled && slack.installation === "oauth") storing.push("Slack installations (installation: oauth)");
  if (matrix.enabled && !loaded.secrets.MATRIX_ACCESS_TOKEN && loaded.secrets.MATRIX_PASSWORD) storing.push("the Matrix access token (password login)");
  return storing;
}

/** What the start check found and did. */
export interface SecretsAtRest {
  /** Stored tokens sealed now (written before there was a key, or sealed with LIAISON_SECRET_KEY_PREVIOUS). */
  sealedNow: number;
  /** Stored tokens kept in clear text (no key, embedded database). */
  clear: number;
}

/**
 * At start, before any adapter: seals the stored tokens written before there was a key, checks that every sealed one
 * opens with the key, and applies the rule for an installation without a key. Throws a SecretKeyError (one line
 * saying what to do) when the key is malformed or wrong, or a PostgreSQL installation would keep tokens unencrypted.
 */
export async function secureStoredSecrets(store: Store, clock: Clock, loaded: LoadedConfig, logger: Logger): Promise<SecretsAtRest> {
  const key = installationSecretKey(loaded);
  const result = await store.transaction(async (tx) => {
    const rows = await tx.adapterState.findMany({ where: { namespace: { in: Object.keys(SECRET_STATE_KEYS) } }, select: { namespace: true, key: true, value: true } });
    const secrets = rows.filter((row) => SECRET_STATE_KEYS[row.namespace]?.(row.key) === true);
    let sealedNow = 0;
    let clear = 0;
    for (const row of secrets) {
      const name = stateRowName(row.namespace, row.key);
      const opened = open(key, name, row.value);
      if (opened.sealed && !opened.stale) continue;
      if (!key) {
        clear += 1;
        continue;
      }
      await tx.adapterState.update({ where: { namespace_key: { namespace: row.namespace, key: row.key } }, data: { value: seal(key, name, opened.value), updatedAt: clock.now() } });
      sealedNow += 1;
    }
    return { sealedNow, clear };
  });
  if (result.sealedNow > 0) logger.info({ count: result.sealedNow, keyId: key?.id }, "stored platform tokens are now encrypted with LIAISON_SECRET_KEY (they were in clear text, or under the previous key)");
  if (key) return result;
  const storing = [...(result.clear > 0 ? [`${result.clear} stored platform token(s)`] : []), ...platformsStoreTokens(loaded)];
  if (storing.length === 0) return result;
  if (store.provider === "postgresql") {
    throw new SecretKeyError(
      `LIAISON_SECRET_KEY is not set, and Liaison keeps platform tokens in the PostgreSQL database (${storing.join("; ")}): set it so that they are encrypted (generate one with: openssl rand -base64 32), and keep it apart from the database and its backups.`,
    );
  }
  logger.warn({ tokens: storing }, "LIAISON_SECRET_KEY is not set: platform tokens are kept unencrypted in the embedded database (its files are owner only); set it to encrypt them");
  return result;
}
