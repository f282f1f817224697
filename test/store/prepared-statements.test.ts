import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.js";
import { Prisma } from "../../src/store/generated/sqlite/client.js";
import { MAX_NAMED_PARAMETERS, preparedStatementNames } from "../../src/store/prepared-statements.js";
import { createTempDatabase, describeOnPostgres } from "../support/postgres.js";

describe("preparedStatementNames", () => {
  it("gives one text one name, and two texts two", () => {
    const nameOf = preparedStatementNames();
    const first = nameOf({ sql: "SELECT $1", args: [1] });
    expect(first).not.toBe("");
    expect(nameOf({ sql: "SELECT $1", args: [2] })).toBe(first);
    const second = nameOf({ sql: "SELECT $1 + 1", args: [1] });
    expect(second).not.toBe("");
    expect(second).not.toBe(first);
  });

  it("leaves statements without parameters unnamed (they may hold several commands) and those with many", () => {
    const nameOf = preparedStatementNames();
    expect(nameOf({ sql: "SELECT 1; SELECT 2", args: [] })).toBe("");
    const many = Array.from({ length: MAX_NAMED_PARAMETERS + 1 }, (_, index) => index);
    expect(nameOf({ sql: `SELECT * FROM t WHERE id IN (${many.map((_, index) => `$${index + 1}`).join(", ")})`, args: many })).toBe("");
    const most = many.slice(1);
    expect(nameOf({ sql: "SELECT most", args: most })).not.toBe("");
  });

  it("names at most so many texts, and keeps the names it gave", () => {
    const nameOf = preparedStatementNames(3);
    const names = ["a", "b", "c"].map((text) => nameOf({ sql: text, args: [1] }));
    expect(new Set(names).size).toBe(3);
    expect(nameOf({ sql: "d", args: [1] })).toBe("");
    expect(["a", "b", "c"].map((text) => nameOf({ sql: text, args: [1] }))).toEqual(names);
  });
});

describeOnPostgres("prepared statements on PostgreSQL", (test) => {
  let database: Awaited<ReturnType<typeof createTempDatabase>>;
  let store: Store;
  beforeAll(async () => {
    database = await createTempDatabase();
    store = await openStore({ provider: "postgresql", url: database.url });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  test("prepares a statement with parameters once on its connection, and plans it once it has run a few times", async () => {
    const statement = (value: number) => Prisma.sql`SELECT CAST(${value} AS INTEGER) + 1 AS "next"`;
    const prepared = await store.transaction(async (tx) => {
      const answers: number[] = [];
      for (let value = 0; value < 8; value += 1) {
        const [row] = await tx.$queryRaw<{ next: number }[]>(statement(value));
        answers.push(Number(row?.next));
      }
      expect(answers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      // A statement without parameters runs unnamed, as a simple query.
      return tx.$queryRawUnsafe<{ name: string; statement: string; generic_plans: bigint; custom_plans: bigint }[]>(
        `SELECT "name", "statement", "generic_plans", "custom_plans" FROM pg_prepared_statements WHERE "statement" LIKE '%AS "next"%'`,
      );
    });
    expect(prepared).toHaveLength(1);
    const [row] = prepared;
    expect(row?.name).toMatch(/^liaison_/);
    // PostgreSQL plans the first five executions with their values, then keeps a generic plan when it costs no more.
    expect(Number(row?.generic_plans) + Number(row?.custom_plans)).toBe(8);
    expect(Number(row?.generic_plans)).toBeGreaterThan(0);
  });

  test("runs a statement without parameters that holds two commands", async () => {
    await store.transaction(async (tx) => {
      await tx.$executeRawUnsafe(`CREATE TEMPORARY TABLE "twice" ("n" INTEGER) ON COMMIT DROP; INSERT INTO "twice" VALUES (1), (2)`);
      const rows = await tx.$queryRawUnsafe<{ n: number }[]>(`SELECT "n" FROM "twice" ORDER BY "n"`);
      expect(rows.map((row) => Number(row.n))).toEqual([1, 2]);
    });
  });
});
