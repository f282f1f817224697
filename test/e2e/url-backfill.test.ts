// End to end: `liaison start` on a database whose cases were opened before the case URL index existed (their CaseUrl
// rows absent, the backfill not yet done) fills the index at start-up, and `/case find <url>` in that same session
// finds the older cases. The real CLI, on SQLite and on PostgreSQL.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CASE_URL_BACKFILL_COUNTER } from "../../src/cases/url-index.js";
import { openStore, type StoreTarget } from "../../src/store/db.js";
import { runLiaison } from "../support/cli.js";
import { createTempDatabase, describeOnPostgres } from "../support/postgres.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary installation; `databaseUrl` puts it on PostgreSQL, else it has its own SQLite file. */
function installation(databaseUrl?: string): { env: Record<string, string>; target: StoreTarget } {
  const dir = mkdtempSync(join(tmpdir(), "liaison-e2e-backfill-"));
  dirs.push(dir);
  const dbFile = join(dir, "data", "liaison.db");
  const config = join(dir, "liaison.yaml");
  writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(dbFile)}\nlog:\n  level: info\n`);
  return databaseUrl
    ? { env: { LIAISON_CONFIG: config, DATABASE_URL: databaseUrl }, target: { provider: "postgresql", url: databaseUrl } }
    : { env: { LIAISON_CONFIG: config }, target: { provider: "sqlite", url: dbFile } };
}

const YEAR = new Date().getUTCFullYear();
const ACME_URL = "https://video.acme-hosting.example/v/older-1";
const CHIRP_URL = "https://chirp.example/p/older-2";

/** Runs `liaison start` on a scripted console session; returns its output lines and its log. */
async function session(env: Record<string, string>, script: string[]): Promise<{ lines: string[]; log: string }> {
  const result = await runLiaison(["start"], env, [...script, ""].join("\n"), 90_000);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).not.toMatch(/"level":(50|60)|"level":"(error|fatal)"/);
  return { lines: result.stdout.split("\n"), log: result.stderr };
}

async function olderCasesAreFound(databaseUrl?: string): Promise<void> {
  const { env, target } = installation(databaseUrl);
  // Two cases opened by an earlier Liaison; then the index is taken away, as before it existed.
  await session(env, [
    `sanne.devries: /notice acme-hosting ${ACME_URL} --reason "incites violence" --basis "Art. 131 Sr"`,
    `sanne.devries: /notice chirp-social ${CHIRP_URL} --reason "threat" --basis "Art. 285 Sr"`,
  ]);
  const store = await openStore(target);
  try {
    expect(await store.db.caseUrl.count()).toBe(2);
    await store.db.caseUrl.deleteMany({});
    await store.db.counter.deleteMany({ where: { name: CASE_URL_BACKFILL_COUNTER } });
  } finally {
    await store.close();
  }
  const { lines, log } = await session(env, [
    `sanne.devries: /case find ${ACME_URL}`,
    `jan.jansen: /case find ${ACME_URL}`,
    `sanne.devries: /case find ${CHIRP_URL}`,
    // The provider of the other case is not a party to it: it sees nothing of it.
    `jan.jansen: /case find ${CHIRP_URL}`,
  ]);
  expect(log).toContain("older cases added to the case URL index");
  const replies = (who: string) => lines.filter((line) => line.startsWith(`${who}> `)).join("\n");
  expect(replies("sanne.devries")).toContain(`N-${YEAR}-0001`);
  expect(replies("sanne.devries")).toContain(`N-${YEAR}-0002`);
  expect(replies("jan.jansen")).toContain(`N-${YEAR}-0001`);
  expect(replies("jan.jansen")).not.toContain(`N-${YEAR}-0002`);
  const after = await openStore(target);
  try {
    expect(await after.db.caseUrl.count()).toBe(2);
    expect(await after.db.counter.findUnique({ where: { name: CASE_URL_BACKFILL_COUNTER } })).not.toBeNull();
  } finally {
    await after.close();
  }
  // A further start leaves the index as it is (done once per database).
  const again = await session(env, [`sanne.devries: /case find ${ACME_URL}`]);
  expect(again.log).not.toContain("older cases added to the case URL index");
  expect(again.lines.filter((line) => line.startsWith("sanne.devries> ")).join("\n")).toContain(`N-${YEAR}-0001`);
}

describe("the case URL backfill at start (sqlite)", () => {
  it("`liaison start` indexes cases opened before the index, and /case find finds them", () => olderCasesAreFound(), 240_000);
});

describeOnPostgres("the case URL backfill at start (postgresql)", (test) => {
  test("`liaison start` indexes cases opened before the index, and /case find finds them", async () => {
    const database = await createTempDatabase();
    try {
      await olderCasesAreFound(database.url);
    } finally {
      await database.drop();
    }
  }, 240_000);
});
