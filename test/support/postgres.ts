// PostgreSQL for tests. The server is LIAISON_TEST_DATABASE_URL, or postgres://127.0.0.1:5432/test (trust
// authentication on the CI machine). Each test creates its own database there and drops it afterwards.
// Without a reachable server the PostgreSQL tests are skipped, saying so, except when CI is set: CI must run them,
// so there they fail instead.
import pg from "pg";
import { describe, it } from "vitest";
import { createTemporaryPostgresDatabase, maskUrl, postgresConnectionString } from "../../src/store/db.js";

/** The PostgreSQL server for tests; undefined when LIAISON_TEST_DATABASE_URL=off disables PostgreSQL tests. */
export function postgresUrl(): string | undefined {
  const configured = process.env.LIAISON_TEST_DATABASE_URL?.trim();
  if (configured === "off") return undefined;
  return configured || "postgres://127.0.0.1:5432/test";
}

/** Why PostgreSQL cannot be used, or undefined when it answered (probed once per test file). */
const unavailable: string | undefined = await probe();

async function probe(): Promise<string | undefined> {
  const url = postgresUrl();
  if (!url) return "disabled by LIAISON_TEST_DATABASE_URL=off";
  const client = new pg.Client({ connectionString: postgresConnectionString(url), connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether PostgreSQL tests run in this file. */
export const postgresAvailable = unavailable === undefined;

/** Creates an empty database `liaison_test_<random>` on the test server; drop() removes it. */
export async function createTempDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = postgresUrl();
  if (!server) throw new Error("PostgreSQL tests are disabled (LIAISON_TEST_DATABASE_URL=off)");
  return createTemporaryPostgresDatabase(server, "liaison_test");
}

/** Registers one PostgreSQL test (the `it` handed to a describeOnPostgres body). */
export type PostgresTest = (name: string, fn: () => unknown, timeout?: number) => void;

/**
 * A describe block of PostgreSQL tests, registered by `body` through the `test` it receives. They run when the
 * server answers; otherwise they are skipped with a printed reason, or, when CI is set, they fail with it.
 */
export function describeOnPostgres(name: string, body: (test: PostgresTest) => void): void {
  describe(name, () => registerOnPostgres(body));
}

function registerOnPostgres(body: (test: PostgresTest) => void): void {
  const where = maskUrl(postgresUrl() ?? "(none)");
  if (unavailable === undefined) {
    body((name, fn, timeout) => it(name, fn, timeout));
    return;
  }
  if (process.env.CI) {
    body((name, _fn, timeout) =>
      it(
        name,
        () => {
          throw new Error(`PostgreSQL must be reachable when CI is set, but ${where} is not: ${unavailable}`);
        },
        timeout,
      ),
    );
    return;
  }
  let count = 0;
  body((name, fn, timeout) => {
    count += 1;
    it.skipIf(true)(name, fn, timeout);
  });
  console.warn(`PostgreSQL not reachable at ${where} (${unavailable}): skipping ${count} PostgreSQL tests`);
}
