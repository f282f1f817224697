import type { Clock } from "../core/clock.js";
import type { AdapterStateStore } from "../core/platform.js";
import type { Db } from "./db.js";

/** An adapter's key-value state, kept in the AdapterState table under the adapter's namespace. */
export function adapterStateStore(db: Db, clock: Clock, namespace: string): AdapterStateStore {
  return {
    async get(key) {
      const row = await db.adapterState.findUnique({ where: { namespace_key: { namespace, key } } });
      return row?.value;
    },
    async set(key, value) {
      await db.adapterState.upsert({
        where: { namespace_key: { namespace, key } },
        create: { namespace, key, value, updatedAt: clock.now() },
        update: { value, updatedAt: clock.now() },
      });
    },
    async delete(key) {
      await db.adapterState.deleteMany({ where: { namespace, key } });
    },
  };
}
