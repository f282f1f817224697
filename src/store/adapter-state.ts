import type { Clock } from "../core/clock.js";
import type { AdapterStateStore } from "../core/platform.js";
import type { Db } from "./db.js";
import { open, seal, type SecretKey } from "./secret-box.js";

/** Which of an adapter's state values are secrets (tokens), and the key that seals them. */
export interface StateSecrets {
  /** True for the keys whose values are secrets; they are sealed when `key` is given. */
  isSecret(key: string): boolean;
  /** The key from LIAISON_SECRET_KEY; without it secrets are kept as they are (the embedded default warns at start). */
  key: SecretKey | undefined;
}

/** The row a value is bound to when sealed: a sealed value copied to another row does not open. */
export function stateRowName(namespace: string, key: string): string {
  return `${namespace}/${key}`;
}

/**
 * An adapter's key-value state, kept in the AdapterState table under the adapter's namespace. Values that are
 * secrets are sealed with the secret key (src/store/secret-box.ts); one stored before there was a key is read as it
 * is and sealed when read with a key (and at start, see src/app/secrets-at-rest.ts).
 */
export function adapterStateStore(db: Db, clock: Clock, namespace: string, secrets?: StateSecrets): AdapterStateStore {
  const write = async (key: string, value: string) => {
    const at = clock.now();
    await db.$executeRaw`INSERT INTO "AdapterState" ("namespace", "key", "value", "updatedAt") VALUES (${namespace}, ${key}, ${value}, ${at})
      ON CONFLICT ("namespace", "key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`;
  };
  const secretKeyFor = (key: string) => (secrets?.isSecret(key) ? secrets : undefined);
  return {
    async get(key) {
      const rows = await db.$queryRaw<{ value: string }[]>`SELECT "value" FROM "AdapterState" WHERE "namespace" = ${namespace} AND "key" = ${key}`;
      const stored = rows[0]?.value;
      const secret = secretKeyFor(key);
      if (stored === undefined || !secret) return stored;
      const opened = open(secret.key, stateRowName(namespace, key), stored);
      if ((!opened.sealed || opened.stale) && secret.key) await write(key, seal(secret.key, stateRowName(namespace, key), opened.value));
      return opened.value;
    },
    async set(key, value) {
      const secret = secretKeyFor(key);
      await write(key, secret?.key ? seal(secret.key, stateRowName(namespace, key), value) : value);
    },
    async delete(key) {
      await db.$executeRaw`DELETE FROM "AdapterState" WHERE "namespace" = ${namespace} AND "key" = ${key}`;
    },
  };
}
