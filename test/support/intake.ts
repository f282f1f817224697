// The set-up the intake tests share: a store on one database, emptied and seeded with the demo directory before each
// test, with the test clock at TEST_START; and an intake API token for a reporting organisation.
import { ManualClock } from "../../src/core/clock.js";
import { createIntakeToken } from "../../src/intake/tokens.js";
import type { Provider, Store } from "../../src/store/db.js";
import { inUnitOfWork } from "../../src/work/unit-of-work.js";
import { lazyStore, seedDemo, TEST_START } from "./core.js";
import { TEST_KEYS } from "./keys.js";

/** A freshly reset, seeded store and its clock. */
export interface IntakeStore {
  store: Store;
  clock: ManualClock;
}

/**
 * Opens a store on `provider` once for the enclosing describe block (closed after it); each call of the answered
 * function empties it, seeds the demo directory and answers it with a new clock at TEST_START. Call it in beforeEach.
 */
export function freshIntakeStore(provider: Provider): () => Promise<IntakeStore> {
  const db = lazyStore(provider);
  return async () => {
    const opened = await db.get();
    await opened.reset();
    const clock = new ManualClock(TEST_START);
    await seedDemo(opened.store, clock);
    return { store: opened.store, clock };
  };
}

/** Creates an intake API token for the organisation `slug` as the operator would; answers its id and text. */
export async function intakeToken(store: Store, clock: ManualClock, slug = "de-cert", label = "test feed"): Promise<{ id: string; text: string }> {
  const created = await inUnitOfWork(store, clock, TEST_KEYS, (work) => createIntakeToken(work, { actor: "operator", via: "cli" }, slug, label));
  if (!created.ok) throw new Error(created.message);
  return { id: created.value.id, text: created.value.text };
}
