import type { Clock } from "../core/clock.js";
import type { AdapterStateStore } from "../core/platform.js";
import type { Db } from "./db.js";
import { executeStatement, selectRows } from "./raw.js";

// Adapters read their state on the path of replies (a Matrix direct room, a Slack installation): single statements,
// run directly on the embedded database (raw.ts).
const GET = `SELECT "value" FROM "AdapterState" WHERE "namespace" = ? AND "key" = ?`;
const SET = `INSERT INTO "AdapterState" ("namespace", "key", "value", "updatedAt") VALUES (?, ?, ?, ?)
  ON CONFLICT ("namespace", "key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`;
const DELETE = `DELETE FROM "AdapterState" WHERE "namespace" = ? AND "key" = ?`;

/** An adapter's key-value state, kept in the AdapterState table under the adapter's namespace. */
export function adapterStateStore(db: Db, clock: Clock, namespace: string): AdapterStateStore {
  return {
    async get(key) {
      const rows = await selectRows<{ value: string }>(db, GET, [namespace, key]);
      return rows[0]?.value;
    },
    async set(key, value) {
      await executeStatement(db, SET, [namespace, key, value, clock.now()]);
    },
    async delete(key) {
      await executeStatement(db, DELETE, [namespace, key]);
    },
  };
}
