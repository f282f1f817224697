// Direct statements on the embedded database's connection (src/store/sqlite-direct.ts, raw.ts) and the record entries
// written through them: the same stored values as the client writes, all-or-nothing transactions, turns taken with
// the client's transactions, and one unbroken chain when both kinds of writer append at once (on PostgreSQL, where
// there is no direct path, the same calls go through the client).
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { appendAuditEntries, appendAuditNow, verifyAudit, type AuditRecord } from "../../src/audit/log.js";
import { inboundEventClaim } from "../../src/store/inbound-events.js";
import { ManualClock } from "../../src/core/clock.js";
import { openStore } from "../../src/store/db.js";
import { applyMigrations } from "../../src/store/migrate.js";
import { executeStatement, selectRows } from "../../src/store/raw.js";
import { directSqliteOf } from "../../src/store/sqlite-direct.js";
import { describeOnProviders, lazyStore, tempDir } from "../support/core.js";

const record = (subjectId: string): AuditRecord => ({ actorId: null, actor: "tester", via: "test", action: "command", subjectType: "command", subjectId, result: "ok", detail: { subjectId } });

describe("direct statements on the embedded database", () => {
  const open = async () => {
    const target = { provider: "sqlite" as const, url: join(tempDir("liaison-direct-"), "liaison.db") };
    await applyMigrations(target);
    return openStore(target);
  };

  it("is available for a connected SQLite client, and not once it is closed", async () => {
    const store = await open();
    expect(directSqliteOf(store.db)).toBeDefined();
    await store.close();
    expect(directSqliteOf(store.db)).toBeUndefined();
  });

  it("stores dates and reads them back as the client does", async () => {
    const store = await open();
    try {
      const at = new Date("2026-11-23T10:00:00.123Z");
      const claim = inboundEventClaim("matrix:command:$1", at);
      expect(await executeStatement(store.db, claim.sql, claim.params)).toBe(1);
      expect(await executeStatement(store.db, claim.sql, claim.params)).toBe(0);
      expect(await store.db.inboundEvent.findUniqueOrThrow({ where: { key: "matrix:command:$1" } })).toEqual({ key: "matrix:command:$1", receivedAt: at });
      // And what the client wrote compares equal in a direct statement.
      await store.db.inboundEvent.create({ data: { key: "written-by-client", receivedAt: at } });
      expect(await selectRows(store.db, `SELECT "key" FROM "InboundEvent" WHERE "receivedAt" = ? ORDER BY "key"`, [at])).toEqual([{ key: "matrix:command:$1" }, { key: "written-by-client" }]);
    } finally {
      await store.close();
    }
  });

  it("writes all of a transaction or none of it", async () => {
    const store = await open();
    try {
      const direct = directSqliteOf(store.db);
      if (!direct) throw new Error("no direct access");
      await expect(
        direct.transaction((statements) => {
          statements.run(`INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`, ["first", new Date()]);
          throw new Error("failed half-way");
        }),
      ).rejects.toThrow("failed half-way");
      expect(await store.db.inboundEvent.count()).toBe(0);
      await direct.transaction((statements) => statements.run(`INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`, ["second", new Date()]));
      expect(await store.db.inboundEvent.count()).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("waits while a client transaction is open, so neither runs inside the other", async () => {
    const store = await open();
    try {
      const direct = directSqliteOf(store.db);
      if (!direct) throw new Error("no direct access");
      const order: string[] = [];
      let finishClient!: () => void;
      const clientMayFinish = new Promise<void>((resolve) => {
        finishClient = resolve;
      });
      let clientStarted!: () => void;
      const started = new Promise<void>((resolve) => {
        clientStarted = resolve;
      });
      const client = store.db
        .$transaction(async (tx) => {
          await tx.inboundEvent.create({ data: { key: "client", receivedAt: new Date() } });
          clientStarted();
          await clientMayFinish;
          order.push("client done");
          throw new Error("client rolls back");
        })
        .catch((error: Error) => error.message);
      await started;
      const directWrite = direct.transaction((statements) => {
        order.push("direct runs");
        return statements.run(`INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`, ["direct", new Date()]);
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(order).toEqual([]);
      finishClient();
      expect(await client).toBe("client rolls back");
      expect(await directWrite).toBe(1);
      expect(order).toEqual(["client done", "direct runs"]);
      // The client's rollback did not take the direct write with it.
      expect((await store.db.inboundEvent.findMany()).map((row) => row.key)).toEqual(["direct"]);
    } finally {
      await store.close();
    }
  });
});

describe("direct statements after a client transaction whose COMMIT failed", () => {
  it("are committed on their own, and the client's next transaction works", async () => {
    const target = { provider: "sqlite" as const, url: join(tempDir("liaison-direct-"), "liaison.db") };
    await applyMigrations(target);
    const store = await openStore(target);
    try {
      const direct = directSqliteOf(store.db);
      if (!direct) throw new Error("no direct access");
      // A foreign key checked only at COMMIT makes the COMMIT itself fail.
      const failed = await store.db
        .$transaction(async (tx) => {
          await tx.$executeRawUnsafe("PRAGMA defer_foreign_keys = ON");
          await tx.$executeRawUnsafe(`INSERT INTO "ChatIdentity" ("id", "contactId", "platform", "workspace", "userId", "createdAt") VALUES ('i1', 'no-such-contact', 'matrix', '', '@x:y', '2026-11-23T10:00:00.000+00:00')`);
        })
        .then(
          () => "committed",
          (error: Error) => error.message,
        );
      expect(failed).toMatch(/foreign ?key/i);
      await direct.transaction((statements) => statements.run(`INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`, ["after-failed-commit", new Date()]));
      // Another connection sees the direct write: it was committed, not left inside the failed transaction.
      const other = new Database(target.url, { readonly: true });
      try {
        expect(other.prepare(`SELECT count(*) AS n FROM "InboundEvent" WHERE "key" = 'after-failed-commit'`).get()).toEqual({ n: 1 });
        expect(other.prepare(`SELECT count(*) AS n FROM "ChatIdentity"`).get()).toEqual({ n: 0 });
      } finally {
        other.close();
      }
      await store.db.$transaction(async (tx) => tx.inboundEvent.create({ data: { key: "client-after", receivedAt: new Date() } }));
      expect(await store.db.inboundEvent.count()).toBe(2);
    } finally {
      await store.close();
    }
  });
});

describeOnProviders("record entries written by both writers at once", (provider, test) => {
  const database = lazyStore(provider);

  test("form one chain that verifies", async () => {
    const { store, reset } = await database.get();
    await reset();
    const clock = new ManualClock("2026-11-23T10:00:00Z");
    const writes: Promise<unknown>[] = [];
    for (let index = 0; index < 40; index += 1) {
      writes.push(appendAuditNow(store.db, clock, [record(`now-${index}`)]));
      if (index % 4 === 0) writes.push(store.db.$transaction((tx) => appendAuditEntries(tx, clock, [record(`tx-${index}-a`), record(`tx-${index}-b`)])));
    }
    writes.push(appendAuditNow(store.db, clock, [record("batch-1"), record("batch-2"), record("batch-3")]));
    await Promise.all(writes);
    expect(await verifyAudit(store.db)).toEqual({ entries: 40 + 10 * 2 + 3, problems: [] });
    const subjects = (await store.db.auditEntry.findMany({ orderBy: { seq: "asc" } })).map((entry) => entry.subjectId);
    expect(subjects.filter((subject) => subject.startsWith("batch-"))).toEqual(["batch-1", "batch-2", "batch-3"]);
  });

  test("statements written with ? placeholders run on the database", async () => {
    const { store, reset } = await database.get();
    await reset();
    const at = new Date("2026-11-23T10:00:00Z");
    expect(await executeStatement(store.db, `INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`, ["a", at])).toBe(1);
    expect(await executeStatement(store.db, `INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`, ["b", new Date(at.getTime() + 1000)])).toBe(1);
    expect(await selectRows(store.db, `SELECT "key" FROM "InboundEvent" WHERE "receivedAt" > ? AND "key" <> ? ORDER BY "key"`, [new Date(at.getTime() - 1), "z"])).toEqual([{ key: "a" }, { key: "b" }]);
  });
});
