// Platform tokens at rest: with LIAISON_SECRET_KEY the Slack installations and the saved Matrix access token are
// sealed in the database (the raw row holds no token), values from before the key keep working and are sealed, a
// wrong or missing key is one clear line (also from the real CLI, without a stack trace), and an installation on
// PostgreSQL that would keep tokens unencrypted is refused, while the embedded default warns. On both databases.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { secureStoredSecrets, stateSecretsFor } from "../../src/app/secrets-at-rest.js";
import type { LoadedConfig } from "../../src/config/load.js";
import { ManualClock } from "../../src/core/clock.js";
import { createLogger } from "../../src/log.js";
import { adapterStateStore } from "../../src/store/adapter-state.js";
import { openStore } from "../../src/store/db.js";
import { applyMigrations } from "../../src/store/migrate.js";
import { isSealed, open, parseSecretKey, seal, SecretKeyError } from "../../src/store/secret-box.js";
import { runLiaison } from "../support/cli.js";
import { describeOnProviders, lazyStore, tempDir, testConfig } from "../support/core.js";

const KEY_TEXT = randomBytes(32).toString("base64");
const OTHER_KEY_TEXT = randomBytes(32).toString("hex");
const KEY = parseSecretKey(KEY_TEXT);
const BOT_TOKEN = "xoxb-1111-2222-SECRETBOTTOKEN";
const USER_TOKEN = "xoxp-3333-4444-SECRETUSERTOKEN";
const MATRIX_TOKEN = "syt_bGlhaXNvbg_SECRETMATRIXTOKEN";
const INSTALLATION = JSON.stringify({ team: { id: "T01" }, bot: { token: BOT_TOKEN, userId: "UBOT", id: "B01" }, user: { token: USER_TOKEN, id: "U01" } });

/** The configuration with the given secrets and platforms changed. */
function config(secrets: Record<string, string | undefined>, platforms: { slackOauth?: boolean } = {}): LoadedConfig {
  const loaded = testConfig();
  const slack = { ...loaded.config.platforms.slack, ...(platforms.slackOauth ? { enabled: true, installation: "oauth" as const } : {}) };
  return { ...loaded, secrets: { ...loaded.secrets, ...secrets }, config: { ...loaded.config, platforms: { ...loaded.config.platforms, slack } } };
}

/** A logger writing into a string. */
function capturedLogger(): { logger: ReturnType<typeof createLogger>; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk.toString()), done()) });
  return { logger: createLogger("trace", Object.assign(stream, { isTTY: false })), text: () => chunks.join("") };
}

describe("the secret key", () => {
  it("is 32 random bytes or more in base64 or hex; a short or malformed one is refused saying how to make one", () => {
    expect(parseSecretKey(undefined)).toBeUndefined();
    expect(parseSecretKey("  ")).toBeUndefined();
    expect(parseSecretKey(OTHER_KEY_TEXT)?.id).toMatch(/^[0-9a-f]{12}$/);
    expect(parseSecretKey(KEY_TEXT)?.id).not.toBe(parseSecretKey(OTHER_KEY_TEXT)?.id);
    expect(() => parseSecretKey("hunter2")).toThrow(SecretKeyError);
    expect(() => parseSecretKey(randomBytes(16).toString("base64"))).toThrow(/at least 32 random bytes.*\(this one is 16 bytes\).*openssl rand -base64 32/);
    expect(() => parseSecretKey("not base64 at all!")).toThrow(/openssl rand/);
  });

  it("seals each value differently, bound to its row; an altered one does not open", () => {
    if (!KEY) throw new Error("no key");
    const first = seal(KEY, "slack/installation:T01", "token");
    expect(seal(KEY, "slack/installation:T01", "token")).not.toBe(first);
    expect(open(KEY, "slack/installation:T01", first)).toEqual({ value: "token", sealed: true });
    expect(() => open(KEY, "slack/installation:T02", first)).toThrow(/altered or damaged/);
    const altered = `${first.slice(0, -4)}${first.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    expect(() => open(KEY, "slack/installation:T01", altered)).toThrow(SecretKeyError);
    expect(() => open(parseSecretKey(OTHER_KEY_TEXT), "slack/installation:T01", first)).toThrow(/another key .* than LIAISON_SECRET_KEY/);
    expect(() => open(undefined, "slack/installation:T01", first)).toThrow(/LIAISON_SECRET_KEY is not set/);
  });
});

describeOnProviders("stored platform tokens", (provider, test) => {
  const database = lazyStore(provider);
  const clock = new ManualClock("2026-12-01T10:00:00Z");

  async function rawValue(namespace: string, key: string): Promise<string | undefined> {
    const { store } = await database.get();
    return (await store.db.adapterState.findUnique({ where: { namespace_key: { namespace, key } } }))?.value;
  }

  test("with a key, Slack installations and the Matrix access token are sealed: the raw rows hold no token", async () => {
    const { store, reset } = await database.get();
    await reset();
    const slack = adapterStateStore(store.db, clock, "slack", stateSecretsFor("slack", KEY));
    const matrix = adapterStateStore(store.db, clock, "matrix", stateSecretsFor("matrix", KEY));
    await slack.set("installation:T01", INSTALLATION);
    await slack.set("installation:enterprise:E01", INSTALLATION);
    await matrix.set("auth.accessToken", MATRIX_TOKEN);
    await matrix.set("sync.token", "s72594_4483_1934");
    expect(await slack.get("installation:T01")).toBe(INSTALLATION);
    expect(await matrix.get("auth.accessToken")).toBe(MATRIX_TOKEN);
    const rows = await store.db.adapterState.findMany();
    const raw = JSON.stringify(rows);
    for (const secret of [BOT_TOKEN, USER_TOKEN, MATRIX_TOKEN, "SECRET", KEY_TEXT]) expect(raw).not.toContain(secret);
    expect(isSealed((await rawValue("slack", "installation:T01")) ?? "")).toBe(true);
    expect(isSealed((await rawValue("slack", "installation:enterprise:E01")) ?? "")).toBe(true);
    // What is not a secret stays as it is (readable when looking into a problem).
    expect(await rawValue("matrix", "sync.token")).toBe("s72594_4483_1934");
  });

  test("tokens stored before there was a key keep working, and are sealed at start (or when read)", async () => {
    const { store, reset } = await database.get();
    await reset();
    const clear = adapterStateStore(store.db, clock, "slack", stateSecretsFor("slack", undefined));
    await clear.set("installation:T01", INSTALLATION);
    await clear.set("installation:T02", INSTALLATION);
    await adapterStateStore(store.db, clock, "matrix").set("auth.accessToken", MATRIX_TOKEN);
    expect(await rawValue("slack", "installation:T01")).toBe(INSTALLATION);
    // Read with the key: the value as it was, and sealed from now on.
    expect(await adapterStateStore(store.db, clock, "slack", stateSecretsFor("slack", KEY)).get("installation:T02")).toBe(INSTALLATION);
    expect(isSealed((await rawValue("slack", "installation:T02")) ?? "")).toBe(true);
    const log = capturedLogger();
    expect(await secureStoredSecrets(store, clock, config({ LIAISON_SECRET_KEY: KEY_TEXT }), log.logger)).toEqual({ sealedNow: 2, clear: 0 });
    expect(log.text()).toContain("now encrypted");
    expect(JSON.stringify(await store.db.adapterState.findMany())).not.toContain("SECRET");
    expect(await adapterStateStore(store.db, clock, "slack", stateSecretsFor("slack", KEY)).get("installation:T01")).toBe(INSTALLATION);
    // A second start has nothing left to seal.
    expect(await secureStoredSecrets(store, clock, config({ LIAISON_SECRET_KEY: KEY_TEXT }), log.logger)).toEqual({ sealedNow: 0, clear: 0 });
  });

  test("a wrong key, or none for sealed tokens, stops the start with one clear line; the tokens stay as they were", async () => {
    const { store, reset } = await database.get();
    await reset();
    await adapterStateStore(store.db, clock, "slack", stateSecretsFor("slack", KEY)).set("installation:T01", INSTALLATION);
    const before = await rawValue("slack", "installation:T01");
    const log = capturedLogger();
    await expect(secureStoredSecrets(store, clock, config({ LIAISON_SECRET_KEY: OTHER_KEY_TEXT }), log.logger)).rejects.toThrow(
      /The stored secret slack\/installation:T01 was encrypted with another key \([0-9a-f]{12}\) than LIAISON_SECRET_KEY/,
    );
    await expect(secureStoredSecrets(store, clock, config({ LIAISON_SECRET_KEY: undefined }), log.logger)).rejects.toThrow(/is encrypted .* but LIAISON_SECRET_KEY is not set/);
    expect(await rawValue("slack", "installation:T01")).toBe(before);
    // An adapter reading it with the wrong key gets the same clear error, not garbage.
    await expect(adapterStateStore(store.db, clock, "slack", stateSecretsFor("slack", parseSecretKey(OTHER_KEY_TEXT))).get("installation:T01")).rejects.toThrow(SecretKeyError);
  });

  test("changing keys: with the old key as LIAISON_SECRET_KEY_PREVIOUS, its tokens open and are sealed again with the new one", async () => {
    const { store, reset } = await database.get();
    await reset();
    const oldKey = parseSecretKey(OTHER_KEY_TEXT);
    await adapterStateStore(store.db, clock, "slack", stateSecretsFor("slack", oldKey)).set("installation:T01", INSTALLATION);
    await adapterStateStore(store.db, clock, "matrix", stateSecretsFor("matrix", oldKey)).set("auth.accessToken", MATRIX_TOKEN);
    const rotating = parseSecretKey(KEY_TEXT, OTHER_KEY_TEXT);
    expect(rotating?.previous?.id).toBe(oldKey?.id);
    // Read while rotating: the value, and sealed with the new key from now on.
    expect(await adapterStateStore(store.db, clock, "matrix", stateSecretsFor("matrix", rotating)).get("auth.accessToken")).toBe(MATRIX_TOKEN);
    expect(await rawValue("matrix", "auth.accessToken")).toContain(`:${KEY?.id ?? "?"}:`);
    const log = capturedLogger();
    expect(await secureStoredSecrets(store, clock, config({ LIAISON_SECRET_KEY: KEY_TEXT, LIAISON_SECRET_KEY_PREVIOUS: OTHER_KEY_TEXT }), log.logger)).toEqual({ sealedNow: 1, clear: 0 });
    // The old key is no longer needed.
    expect(await secureStoredSecrets(store, clock, config({ LIAISON_SECRET_KEY: KEY_TEXT }), log.logger)).toEqual({ sealedNow: 0, clear: 0 });
    expect(await adapterStateStore(store.db, clock, "slack", stateSecretsFor("slack", KEY)).get("installation:T01")).toBe(INSTALLATION);
    expect(log.text()).not.toContain(OTHER_KEY_TEXT);
    expect(() => parseSecretKey(undefined, OTHER_KEY_TEXT)).toThrow(/LIAISON_SECRET_KEY_PREVIOUS is set without LIAISON_SECRET_KEY/);
  });

  test(
    provider === "postgresql"
      ? "without a key, PostgreSQL that holds or would store tokens is refused; without tokens it starts"
      : "without a key, the embedded database keeps working and says so in a warning",
    async () => {
      const { store, reset } = await database.get();
      await reset();
      const log = capturedLogger();
      // Nothing stored and nothing that would store: nothing to say.
      expect(await secureStoredSecrets(store, clock, config({}), log.logger)).toEqual({ sealedNow: 0, clear: 0 });
      expect(log.text()).toBe("");
      await adapterStateStore(store.db, clock, "matrix").set("auth.accessToken", MATRIX_TOKEN);
      const started = secureStoredSecrets(store, clock, config({}), log.logger);
      if (provider === "postgresql") {
        await expect(started).rejects.toThrow(/LIAISON_SECRET_KEY is not set, and Liaison keeps platform tokens in the PostgreSQL database \(1 stored platform token\(s\)\).*openssl rand -base64 32/);
        await store.db.adapterState.deleteMany();
        await expect(secureStoredSecrets(store, clock, config({}, { slackOauth: true }), log.logger)).rejects.toThrow(/Slack installations \(installation: oauth\)/);
      } else {
        expect(await started).toEqual({ sealedNow: 0, clear: 1 });
        expect(log.text()).toContain("LIAISON_SECRET_KEY is not set: platform tokens are kept unencrypted");
        expect(log.text()).not.toContain(MATRIX_TOKEN);
      }
    },
  );
});

describe("the real CLI with a wrong key", () => {
  it("config check names the key by its id, and refuses a malformed one in one line", async () => {
    const good = await runLiaison(["config", "check"], { LIAISON_SECRET_KEY: KEY_TEXT });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain(`Stored platform tokens: encrypted (LIAISON_SECRET_KEY, key ${KEY?.id ?? "?"})`);
    const none = await runLiaison(["config", "check"], { LIAISON_SECRET_KEY: "" });
    expect(none.stdout).toContain("not encrypted (LIAISON_SECRET_KEY is not set)");
    const bad = await runLiaison(["config", "check"], { LIAISON_SECRET_KEY: "short" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("LIAISON_SECRET_KEY must be at least 32 random bytes");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("prints one line saying what to do, and no stack trace", async () => {
    const file = join(tempDir("liaison-secrets-"), "liaison.db");
    const target = { provider: "sqlite" as const, url: file };
    await applyMigrations(target);
    const store = await openStore(target);
    try {
      await adapterStateStore(store.db, new ManualClock("2026-12-01T10:00:00Z"), "slack", stateSecretsFor("slack", KEY)).set("installation:T01", INSTALLATION);
    } finally {
      await store.close();
    }
    const run = await runLiaison(["start", "--no-console"], { DATABASE_URL: `file:${file}`, LIAISON_SECRET_KEY: OTHER_KEY_TEXT });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("was encrypted with another key");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr + run.stdout).not.toContain(OTHER_KEY_TEXT);
    expect(run.stderr + run.stdout).not.toContain(BOT_TOKEN);
  }, 60_000);
});
