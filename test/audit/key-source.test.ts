// Where the record key comes from: generated once on a first embedded start (outside the data directory, owner only,
// with one message to back it up), never generated beside an existing record or for PostgreSQL, refused when it does
// not match the record, never in the database or the log.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { inspect } from "node:util";
import { expect, it } from "vitest";
import { openRecordKey, RecordKeyError } from "../../src/audit/key-source.js";
import { parseRecordKey, RecordKeys } from "../../src/audit/keys.js";
import { ConfigError, loadConfig, type LoadedConfig } from "../../src/config/load.js";
import { runLiaison } from "../support/cli.js";
import { createTestCore, describeOnProviders, lazyStore, ROOT_DIR, tempDir } from "../support/core.js";
import { TEST_RECORD_KEY } from "../support/keys.js";

/** The configuration with the given environment (no real environment leaks in). */
function configured(env: Record<string, string>): LoadedConfig {
  return loadConfig({ rootDir: ROOT_DIR, env });
}

const FIRST_START = { generate: true, checkLastEntry: true };

describeOnProviders("record key source", (provider, test) => {
  const database = lazyStore(provider);
  const fresh = async () => {
    const opened = await database.get();
    await opened.reset();
    return opened.store;
  };

  test("LIAISON_AUDIT_KEY is the key; nothing is written", async () => {
    const store = await fresh();
    const home = tempDir();
    const opened = await openRecordKey(configured({ LIAISON_AUDIT_KEY: TEST_RECORD_KEY, XDG_CONFIG_HOME: home }), store.target, store.db, FIRST_START);
    expect(opened.keys.keyId).toBe(RecordKeys.derive(Buffer.from(TEST_RECORD_KEY, "base64")).keyId);
    expect(opened.generated).toBeUndefined();
    expect(existsSync(join(home, "liaison"))).toBe(false);
  });

  test("no key beside an existing record: refused with what to do, and no new key is made", async () => {
    const store = await fresh();
    await createTestCore(store);
    const keyFile = join(tempDir(), "keys", "audit.key");
    const settings: Record<string, string>[] = [{ LIAISON_AUDIT_KEY_FILE: keyFile }, { XDG_CONFIG_HOME: dirname(keyFile) }];
    for (const env of settings) {
      const attempt = openRecordKey(configured(env), store.target, store.db, FIRST_START);
      await expect(attempt).rejects.toBeInstanceOf(RecordKeyError);
      await expect(attempt).rejects.toThrow(provider === "postgresql" ? /LIAISON_AUDIT_KEY|PostgreSQL needs a record key/ : /is missing, but this database already has a record of \d+ entries\. Restore the key file from its backup/);
    }
    expect(existsSync(keyFile)).toBe(false);
    expect(existsSync(join(dirname(keyFile), "liaison"))).toBe(false);
  });

  test("a record whose entries were deleted but whose head or directory remains also counts as existing", async () => {
    const store = await fresh();
    await createTestCore(store);
    await store.db.$executeRaw`DELETE FROM "AuditEntry"`;
    const keyFile = join(tempDir(), "audit.key");
    await expect(openRecordKey(configured({ LIAISON_AUDIT_KEY_FILE: keyFile }), store.target, store.db, FIRST_START)).rejects.toThrow(provider === "postgresql" ? /does not exist/ : /its head or checkpoints remain/);
    await store.db.$executeRaw`DELETE FROM "AuditHead"`;
    await expect(openRecordKey(configured({ LIAISON_AUDIT_KEY_FILE: keyFile }), store.target, store.db, FIRST_START)).rejects.toThrow(provider === "postgresql" ? /does not exist/ : /organisations, contacts or cases/);
    expect(existsSync(keyFile)).toBe(false);
  });

  test("a key that did not make the record is refused", async () => {
    const store = await fresh();
    await createTestCore(store);
    const other = Buffer.alloc(32, 9).toString("hex");
    await expect(openRecordKey(configured({ LIAISON_AUDIT_KEY: other }), store.target, store.db, FIRST_START)).rejects.toThrow(/does not match the record: its last entry \(\d+\) was not made with it/);
    await expect(openRecordKey(configured({ LIAISON_AUDIT_KEY: TEST_RECORD_KEY }), store.target, store.db, FIRST_START)).resolves.toMatchObject({ source: "LIAISON_AUDIT_KEY" });
  });

  if (provider === "postgresql") {
    test("PostgreSQL never generates a key, even on an empty database", async () => {
      const store = await fresh();
      const home = tempDir();
      await expect(openRecordKey(configured({ XDG_CONFIG_HOME: home }), store.target, store.db, FIRST_START)).rejects.toThrow(/PostgreSQL needs a record key: set LIAISON_AUDIT_KEY_FILE .* give every Liaison server the same key/);
      const keyFile = join(home, "named.key");
      await expect(openRecordKey(configured({ LIAISON_AUDIT_KEY_FILE: keyFile }), store.target, store.db, FIRST_START)).rejects.toThrow(/names .*named\.key, which does not exist/);
      expect(existsSync(keyFile) || existsSync(join(home, "liaison"))).toBe(false);
      writeFileSync(keyFile, `${TEST_RECORD_KEY}\n`, { mode: 0o600 });
      await expect(openRecordKey(configured({ LIAISON_AUDIT_KEY_FILE: keyFile }), store.target, store.db, FIRST_START)).resolves.toMatchObject({ source: keyFile });
    });
  } else {
    test("the embedded default generates the key once, owner only, outside the data directory, and reads it after", async () => {
      const store = await fresh();
      const home = tempDir();
      const first = await openRecordKey(configured({ XDG_CONFIG_HOME: home }), store.target, store.db, FIRST_START);
      const path = join(home, "liaison", "audit.key");
      expect(first.generated).toBe(path);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
      expect(parseRecordKey(readFileSync(path, "utf8"))).toHaveLength(32);
      const again = await openRecordKey(configured({ XDG_CONFIG_HOME: home }), store.target, store.db, FIRST_START);
      expect(again.generated).toBeUndefined();
      expect(again.keys.keyId).toBe(first.keys.keyId);
      // Starts at once: one key, whoever wins.
      const other = tempDir();
      const racing = await Promise.all(Array.from({ length: 4 }, () => openRecordKey(configured({ XDG_CONFIG_HOME: other }), store.target, store.db, FIRST_START)));
      expect(new Set(racing.map((opened) => opened.keys.keyId)).size).toBe(1);
      expect(racing.filter((opened) => opened.generated).length).toBe(1);
    });

    test("a key file inside the data directory is refused; a key file that is not a key is refused", async () => {
      const store = await fresh();
      const inside = join(dirname(store.target.url), "audit.key");
      await expect(openRecordKey(configured({ LIAISON_AUDIT_KEY_FILE: inside }), store.target, store.db, FIRST_START)).rejects.toThrow(/inside the data directory/);
      expect(existsSync(inside)).toBe(false);
      const bad = join(tempDir(), "audit.key");
      writeFileSync(bad, "not a key\n");
      await expect(openRecordKey(configured({ LIAISON_AUDIT_KEY_FILE: bad }), store.target, store.db, FIRST_START)).rejects.toThrow(/does not hold a key of at least 32 bytes/);
    });

    test("verify never generates a key", async () => {
      const store = await fresh();
      const home = tempDir();
      await expect(openRecordKey(configured({ XDG_CONFIG_HOME: home }), store.target, store.db, { generate: false, checkLastEntry: false })).rejects.toThrow(/There is no record key at/);
      expect(existsSync(join(home, "liaison"))).toBe(false);
    });
  }
});

it("the settings are checked at load: a short or garbled LIAISON_AUDIT_KEY, or both settings, with the value hidden", () => {
  const problems = (env: Record<string, string>) => {
    try {
      configured(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return "";
  };
  expect(problems({ LIAISON_AUDIT_KEY: "c2hvcnQ=" })).toMatch(/LIAISON_AUDIT_KEY: expected a key of at least 32 bytes in hex or base64 .*found \(value hidden\)/);
  expect(problems({ LIAISON_AUDIT_KEY: "c2hvcnQ=" })).not.toContain("c2hvcnQ");
  expect(problems({ LIAISON_AUDIT_KEY: TEST_RECORD_KEY, LIAISON_AUDIT_KEY_FILE: "/x" })).toMatch(/either LIAISON_AUDIT_KEY or LIAISON_AUDIT_KEY_FILE, not both/);
  expect(configured({ LIAISON_AUDIT_KEY: Buffer.alloc(32, 1).toString("hex") }).secrets.LIAISON_AUDIT_KEY).toBeDefined();
});

it("the keys never show their material when logged or serialised", () => {
  const secret = Buffer.alloc(32, 5);
  const keys = RecordKeys.derive(secret);
  for (const shown of [JSON.stringify(keys), JSON.stringify({ keys }), inspect(keys, { showHidden: true, depth: 5 })]) {
    expect(shown).not.toContain(secret.toString("base64"));
    expect(shown).not.toContain(secret.toString("hex"));
  }
  expect(JSON.stringify(keys)).toBe(JSON.stringify({ keyId: keys.keyId }));
});

it("`liaison start` on a first embedded start writes the key and says to back it up; without it, an existing install refuses to start", async () => {
  const dir = tempDir("liaison-key-start-");
  const config = join(dir, "liaison.yaml");
  writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(join(dir, "data", "liaison.db"))}\n`);
  const keyFile = join(dir, "keys", "audit.key");
  mkdirSync(dirname(keyFile), { recursive: true });
  const env = { LIAISON_CONFIG: config, LIAISON_AUDIT_KEY_FILE: keyFile };
  const first = await runLiaison(["start"], env, "", 120_000);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stderr).toContain(`Generated the record key: ${keyFile} (owner only, 0600).`);
  expect(first.stderr).toMatch(/BACK IT UP NOW.*without it the record cannot be verified/s);
  expect(first.stderr.match(/Generated the record key/g)).toHaveLength(1);
  const key = readFileSync(keyFile, "utf8");
  const checked = await runLiaison(["config", "check"], env, "", 60_000);
  expect(checked.stdout).toContain(`Record key: LIAISON_AUDIT_KEY_FILE ${keyFile} (present)`);
  expect(checked.stdout + checked.stderr).not.toContain(key.trim());
  expect(first.stderr + first.stdout).not.toContain(key.trim());
  rmSync(keyFile);
  const refused = await runLiaison(["start"], env, "", 120_000);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/The record key file .*audit\.key is missing, but this database already has a record of \d+ entries\. Restore the key file from its backup/);
  expect(existsSync(keyFile)).toBe(false);
  writeFileSync(keyFile, key, { mode: 0o600 });
  const restored = await runLiaison(["audit", "verify", "--full"], env, "", 120_000);
  expect(restored.code, restored.stderr).toBe(0);
  expect(restored.stdout).toMatch(/The record is intact: checked \d+ entries \(1 to \d+\) from the first entry/);
}, 180_000);
