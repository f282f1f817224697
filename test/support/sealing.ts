// Sealing for tests: commands append pending record entries and the sealer (src/audit/sealer.ts) chains them a
// moment later in `liaison start`. Tests read the sealed record (db.auditEntry) right after an action, so a test store
// seals synchronously after every transaction that commits (sealOnCommit), in its own untouched transactions; tests of
// the pending state itself open their store without it.
import { sealPending, type SealOutcome } from "../../src/audit/sealer.js";
import { lockForWriting, TRANSACTION_OPTIONS, type Store } from "../../src/store/db.js";
import type { Tx } from "../../src/store/types.js";
import { TEST_KEYS } from "./keys.js";

const patched = new WeakSet<object>();

/** The store as the sealer sees it: transactions through the client's own $transaction (not the patched one). */
function sealingStore(store: Store, transact: Store["db"]["$transaction"]): Store {
  const transaction = ((work: (tx: Tx) => Promise<unknown>) =>
    transact(async (tx: Tx) => {
      if (store.provider === "sqlite") await lockForWriting(tx);
      return work(tx);
    }, TRANSACTION_OPTIONS)) as Store["transaction"];
  return { ...store, transaction };
}

/** Seals what is pending now, with the test key (one pass; transactions of its own). */
export function sealNow(store: Store): Promise<SealOutcome> {
  return sealPending(store, TEST_KEYS);
}

/** Makes every committed transaction of `store` (store.transaction and db.$transaction alike) seal what it appended. */
export function sealOnCommit(store: Store): Store {
  const db = store.db as unknown as { $transaction: Store["db"]["$transaction"] };
  if (patched.has(db)) return store;
  patched.add(db);
  const original = db.$transaction.bind(db) as Store["db"]["$transaction"];
  const sealer = sealingStore(store, original);
  let queue: Promise<unknown> = Promise.resolve();
  db.$transaction = (async (...args: Parameters<Store["db"]["$transaction"]>) => {
    const result = await (original as (...a: unknown[]) => Promise<unknown>)(...args);
    const sealing = queue.then(() => sealPending(sealer, TEST_KEYS));
    queue = sealing.catch(() => undefined);
    await sealing;
    return result;
  }) as Store["db"]["$transaction"];
  return store;
}
