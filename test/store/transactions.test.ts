// Store transactions across processes sharing one SQLite file: a transaction that reads before it writes waits for
// another connection's write transaction instead of failing (each transaction takes the write lock first), and
// everything a transaction wrote is rolled back when its work throws.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.js";
import { applyMigrations } from "../../src/store/migrate.js";
import { tempDir } from "../support/core.js";

describe("store transactions on one SQLite file shared by two connections", () => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  async function twoConnections(): Promise<[Store, Store]> {
    const target = { provider: "sqlite" as const, url: join(tempDir("liaison-tx-"), "liaison.db") };
    await applyMigrations(target);
    const first = await openStore(target);
    const second = await openStore(target);
    stores.push(first, second);
    return [first, second];
  }

  it("a transaction that reads first, then writes, while another process writes: both commit", async () => {
    const [first] = await twoConnections();
    const file = first.target.url;
    let child: Promise<number> | undefined;
    await first.transaction(async (tx) => {
      await tx.counter.findMany();
      // Another process writes now. Without the write lock taken at the start, it would commit at once, and this
      // transaction's write below would fail (its snapshot is stale); with it, the other process waits.
      child = runWriter(file);
      // Until it has written, or (when it must wait for this transaction) for 3 s.
      await Promise.race([child, new Promise((resolve) => setTimeout(resolve, 3000))]);
      await tx.counter.create({ data: { name: "first", value: 1 } });
    });
    expect(await child).toBe(0);
    const names = (await first.db.counter.findMany({ orderBy: { name: "asc" } })).map((row) => row.name);
    expect(names).toEqual(["first", "second"]);
  });

  it("work that throws leaves nothing it wrote", async () => {
    const [first] = await twoConnections();
    await expect(
      first.transaction(async (tx) => {
        await tx.counter.create({ data: { name: "lost", value: 1 } });
        throw new Error("fault");
      }),
    ).rejects.toThrow("fault");
    expect(await first.db.counter.count()).toBe(0);
  });
});

/** Another process that inserts one row into the file (waiting up to 10 s for the lock); resolves to its exit code. */
function runWriter(file: string): Promise<number> {
  const script = `const Database = require("better-sqlite3"); const db = new Database(${JSON.stringify(file)}, { timeout: 10000 }); db.prepare('INSERT INTO "Counter" ("name", "value") VALUES (?, ?)').run("second", 2);`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "inherit", "inherit"] });
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
}
