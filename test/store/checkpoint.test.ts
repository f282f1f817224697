// Checkpoints of the embedded database on a background thread (src/store/checkpoint.ts): commits no longer
// checkpoint while it runs, it moves the log into the database file, and SQLite's own checkpoints come back when it
// stops or fails.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startBackgroundCheckpoints } from "../../src/store/checkpoint.js";
import { openStore, SQLITE_BUSY_TIMEOUT_MS, type Store } from "../../src/store/db.js";
import { applyMigrations } from "../../src/store/migrate.js";
import { tempDir } from "../support/core.js";

async function autocheckpointPages(store: Store): Promise<number> {
  const rows = await store.db.$queryRawUnsafe<{ wal_autocheckpoint: bigint | number }[]>("PRAGMA wal_autocheckpoint");
  return Number(rows[0]?.wal_autocheckpoint);
}

async function writeEvents(store: Store, count: number, prefix: string): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await store.db.inboundEvent.create({ data: { key: `${prefix}-${index}-${"x".repeat(200)}`, receivedAt: new Date() } });
  }
}

describe("background checkpoints", () => {
  const open = async (checkpointIntervalMs: number, problems: string[] = []) => {
    const target = { provider: "sqlite" as const, url: join(tempDir("liaison-checkpoint-"), "liaison.db") };
    await applyMigrations(target);
    return openStore(target, { checkpointIntervalMs, onProblem: (message) => problems.push(message) });
  };

  it("turns off checkpoints during commits, checkpoints on the thread, and turns them back on when stopped", async () => {
    // An hour between timed checkpoints: only the ones asked for happen during the test.
    const store = await open(3_600_000);
    try {
      const checkpoints = store.checkpoints;
      if (!checkpoints) throw new Error("no background checkpoints");
      expect(await autocheckpointPages(store)).toBe(0);
      await writeEvents(store, 50, "a");
      const first = await checkpoints.checkpointNow();
      expect(first.logFrames).toBeGreaterThan(0);
      expect(first).toMatchObject({ busy: false, checkpointedFrames: first.logFrames });
      // Everything written is in the database file now: a second checkpoint has nothing more to copy.
      const second = await checkpoints.checkpointNow();
      expect(second.checkpointedFrames).toBe(second.logFrames);
      await checkpoints.stop();
      expect(await autocheckpointPages(store)).toBe(1000);
      await expect(checkpoints.checkpointNow()).rejects.toThrow("not running");
    } finally {
      await store.close();
    }
  });

  it("checkpoints on its timer", async () => {
    const store = await open(20);
    try {
      await writeEvents(store, 20, "b");
      // Wait until a timed checkpoint has copied the log: an asked-for checkpoint then finds nothing new to copy.
      const deadline = Date.now() + 5000;
      let settled = false;
      while (!settled && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        // NOOP reports the log without copying anything (only the thread's checkpoints copy).
        const frames = await store.db.$queryRawUnsafe<{ log: bigint | number; checkpointed: bigint | number }[]>("PRAGMA wal_checkpoint(NOOP)");
        const row = frames[0];
        if (!row) throw new Error("wal_checkpoint returned no row");
        settled = Number(row.log) > 0 && Number(row.checkpointed) === Number(row.log);
      }
      expect(settled).toBe(true);
      expect(await store.db.inboundEvent.count()).toBe(20);
    } finally {
      await store.close();
    }
  });

  it("leaves checkpoints to SQLite, saying why, when the thread cannot start", async () => {
    const problems: string[] = [];
    const store = await open(1000, problems);
    try {
      await store.checkpoints?.stop();
      // A thread that cannot open its database does not start; the connection keeps SQLite's own checkpoints.
      const missing = join(tempDir("liaison-checkpoint-missing-"), "no-such.db");
      await expect(
        startBackgroundCheckpoints(store.db, { path: missing, intervalMs: 1000, busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS, onProblem: (message) => problems.push(message) }),
      ).rejects.toThrow(/the checkpoint thread could not start: .*(unable to open|does not exist|no such)/i);
      expect(await autocheckpointPages(store)).toBe(1000);
      expect(problems).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
