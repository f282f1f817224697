import type { Clock } from "../core/clock.js";
import type { AdapterStateStore } from "../core/platform.js";
import type { Db } from "./db.js";

/** An adapter's key-value state, kept in the AdapterState table under the adapter's namespace. */
export function adapterStateStore(db: Db, clock: Clock, namespace: string): AdapterStateStore {
  return {
    async get(key) {
      const rows = await db.$queryRaw<{ value: string }[]>`SELECT "value" FROM "AdapterState" WHERE "namespace" = ${namespace} AND "key" = ${key}`;
      return rows[0]?.value;
    },
    async set(key, value) {
      const at = clock.now();
      await db.$executeRaw`INSERT INTO "AdapterState" ("namespace", "key", "value", "updatedAt") VALUES (${namespace}, ${key}, ${value}, ${at})
        ON CONFLICT ("namespace", "key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`;
    },
    async delete(key) {
      await db.$executeRaw`DELETE FROM "AdapterState" WHERE "namespace" = ${namespace} AND "key" = ${key}`;
    },
  };
}
