// Adapters' key-value state in the database (src/store/adapter-state.ts), on both databases: values are kept per
// namespace, overwritten, removed, and stamped with the clock's time.
import { expect } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { adapterStateStore } from "../../src/store/adapter-state.js";
import { describeOnProviders, lazyStore } from "../support/core.js";

describeOnProviders("adapter state", (provider, test) => {
  const database = lazyStore(provider);

  test("keeps values per namespace, overwrites, deletes", async () => {
    const { store, reset } = await database.get();
    await reset();
    const clock = new ManualClock("2026-11-23T10:00:00Z");
    const matrix = adapterStateStore(store.db, clock, "matrix");
    const slack = adapterStateStore(store.db, clock, "slack");
    expect(await matrix.get("sync.token")).toBeUndefined();
    await matrix.set("sync.token", "s1");
    await slack.set("sync.token", "other");
    clock.advance(60_000);
    await matrix.set("sync.token", "s2 with 'quotes' and ? marks");
    expect(await matrix.get("sync.token")).toBe("s2 with 'quotes' and ? marks");
    expect(await slack.get("sync.token")).toBe("other");
    const row = await store.db.adapterState.findUniqueOrThrow({ where: { namespace_key: { namespace: "matrix", key: "sync.token" } } });
    expect(row.updatedAt).toEqual(new Date("2026-11-23T10:01:00Z"));
    await matrix.delete("sync.token");
    await matrix.delete("never.set");
    expect(await matrix.get("sync.token")).toBeUndefined();
    expect(await slack.get("sync.token")).toBe("other");
  });
});
