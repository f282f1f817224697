import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeTarget, looseSqlitePaths, maskUrl, openStore, storeTarget, tightenSqliteModes } from "../../src/store/db.js";
import { StoreUnavailableError } from "../../src/store/failures.js";

const root = "/srv/liaison";

describe("storeTarget", () => {
  it("uses the SQLite file from configuration, relative to the root, when DATABASE_URL is not set", () => {
    expect(storeTarget(undefined, "./data/liaison.db", root)).toEqual({
      provider: "sqlite",
      url: "/srv/liaison/data/liaison.db",
    });
    expect(storeTarget("", "/var/lib/liaison.db", root)).toEqual({ provider: "sqlite", url: "/var/lib/liaison.db" });
    expect(storeTarget(undefined, ":memory:", root)).toEqual({ provider: "sqlite", url: ":memory:" });
  });

  it("reads file: URLs as SQLite paths", () => {
    expect(storeTarget("file:./other.db", "./data/liaison.db", root)).toEqual({
      provider: "sqlite",
      url: "/srv/liaison/other.db",
    });
    expect(storeTarget("file:/tmp/x.db?mode=rwc", "x", root)).toEqual({ provider: "sqlite", url: "/tmp/x.db" });
    expect(storeTarget("file:///tmp/y.db", "x", root)).toEqual({ provider: "sqlite", url: "/tmp/y.db" });
  });

  it("reads postgres:// and postgresql:// URLs as PostgreSQL", () => {
    for (const url of ["postgres://db.example/liaison", "postgresql://u:p@db.example:5433/liaison?sslmode=require"]) {
      expect(storeTarget(url, "./data/liaison.db", root)).toEqual({ provider: "postgresql", url });
    }
  });

  it("refuses other URLs without printing their password", () => {
    expect(() => storeTarget("mysql://u:hunter2@db/x", "x", root)).toThrow(/DATABASE_URL must be/);
    expect(() => storeTarget("mysql://u:hunter2@db/x", "x", root)).not.toThrow(/hunter2/);
  });
});

describe("describeTarget", () => {
  it("masks passwords", () => {
    const text = describeTarget({ provider: "postgresql", url: "postgres://liaison:s3cret@db.example:5432/liaison" });
    expect(text).toBe("PostgreSQL postgres://liaison:****@db.example:5432/liaison");
    expect(maskUrl("postgres://db.example/x?user=a&password=s3cret")).not.toContain("s3cret");
    expect(maskUrl("not a url user:s3cret@host")).toContain("s3cret"); // no URL shape, nothing to mask
    expect(maskUrl("postgres://u:s3cret@[bad")).not.toContain("s3cret");
  });

  it("names SQLite files and in-memory databases", () => {
    expect(describeTarget({ provider: "sqlite", url: "/srv/liaison/data/liaison.db" })).toBe(
      "SQLite /srv/liaison/data/liaison.db",
    );
    expect(describeTarget({ provider: "sqlite", url: ":memory:" })).toBe("SQLite in memory");
  });
});

describe("openStore", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("creates the directory of a SQLite file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "liaison-db-"));
    dirs.push(dir);
    const url = join(dir, "data", "liaison.db");
    const store = await openStore({ provider: "sqlite", url });
    await store.close();
    expect(existsSync(url)).toBe(true);
  });

  it("creates the directory and database files owner only, and tightens existing ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "liaison-db-"));
    dirs.push(dir);
    const url = join(dir, "data", "liaison.db");
    const target = { provider: "sqlite" as const, url };
    const store = await openStore(target);
    await store.db.$executeRawUnsafe("CREATE TABLE t (x INTEGER)");
    expect(statSync(join(dir, "data")).mode & 0o777).toBe(0o700);
    for (const path of [url, `${url}-wal`, `${url}-shm`]) {
      if (existsSync(path)) expect(statSync(path).mode & 0o777).toBe(0o600);
    }
    await store.close();
    chmodSync(join(dir, "data"), 0o755);
    chmodSync(url, 0o644);
    // Looking changes nothing; tightening changes exactly what looking found.
    expect(looseSqlitePaths(target)).toEqual([join(dir, "data"), url]);
    expect(statSync(url).mode & 0o777).toBe(0o644);
    expect(tightenSqliteModes(target)).toEqual([join(dir, "data"), url]);
    expect(looseSqlitePaths(target)).toEqual([]);
    expect(statSync(join(dir, "data")).mode & 0o777).toBe(0o700);
    expect(statSync(url).mode & 0o777).toBe(0o600);
    expect(tightenSqliteModes(target)).toEqual([]);
    expect(tightenSqliteModes({ provider: "sqlite", url: ":memory:" })).toEqual([]);
  });

  it("fails at once, naming the server and what to check, when PostgreSQL is unreachable", async () => {
    const opening = openStore({ provider: "postgresql", url: "postgres://u:s3cret@127.0.0.1:1/x" });
    await expect(opening).rejects.toThrow(StoreUnavailableError);
    await expect(opening).rejects.toThrow(/^Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(.*\): check that the server is running/);
    await expect(opening).rejects.not.toThrow(/s3cret/);
  });
});
