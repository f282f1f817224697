// A record kept before record keys (plain SHA-256 chain), on both databases: start refuses it with what to do;
// `liaison audit adopt-key` verifies it in full and moves it onto the key, once; a tampered old record is refused and
// left as it is; a keyed record (whose key was lost) can never be adopted under a new key.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { signatureValid } from "../../src/audit/checkpoint.js";
import { openRecordKey } from "../../src/audit/key-source.js";
import { RecordKeys } from "../../src/audit/keys.js";
import { adoptRecordKey, isLegacyRecord, legacyHash } from "../../src/audit/legacy.js";
import { verifyAudit } from "../../src/audit/verify.js";
import { main } from "../../src/cli/main.js";
import { loadConfig } from "../../src/config/load.js";
import type { Store } from "../../src/store/db.js";
import { createTestCore, describeOnProviders, lazyStore, ROOT_DIR, tempDir } from "../support/core.js";
import { TEST_KEYS, TEST_RECORD_KEY } from "../support/keys.js";

/** Rewrites the whole chain as the version before record keys wrote it. */
async function makeLegacy(store: Store): Promise<void> {
  let previous = "";
  for (const entry of await store.db.auditEntry.findMany({ orderBy: { seq: "asc" } })) {
    const hash = legacyHash({ ...entry, prevHash: previous });
    await store.db.auditEntry.update({ where: { seq: entry.seq }, data: { prevHash: previous, hash } });
    previous = hash;
  }
  await store.db.auditHead.update({ where: { id: 1 }, data: { hash: previous } });
}

describeOnProviders("a record kept before record keys", (provider, test) => {
  const database = lazyStore(provider);
  const legacyStore = async () => {
    const opened = await database.get();
    await opened.reset();
    const core = await createTestCore(opened.store);
    for (const line of ["/whoami", "/contacts find acme", "/whoami"]) await core.dispatcher.run(await core.actor("jan.jansen"), line);
    await makeLegacy(opened.store);
    return { store: opened.store, clock: core.clock };
  };
  const saved = { LIAISON_CONFIG: process.env.LIAISON_CONFIG, DATABASE_URL: process.env.DATABASE_URL, LIAISON_AUDIT_KEY: process.env.LIAISON_AUDIT_KEY };
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  test("is refused at start with what to do, whether or not a key is configured", async () => {
    const { store } = await legacyStore();
    expect(await isLegacyRecord(store.db)).toBe(true);
    const withKey = loadConfig({ rootDir: ROOT_DIR, env: { LIAISON_AUDIT_KEY: TEST_RECORD_KEY } });
    await expect(openRecordKey(withKey, store.target, store.db, { generate: true, checkLastEntry: true })).rejects.toThrow(/kept before record keys.*Run `liaison audit adopt-key` once/);
    if (provider === "sqlite") {
      const home = tempDir();
      const withoutKey = loadConfig({ rootDir: ROOT_DIR, env: { XDG_CONFIG_HOME: home } });
      await expect(openRecordKey(withoutKey, store.target, store.db, { generate: true, checkLastEntry: true })).rejects.toThrow(/kept before record keys/);
      const adopting = await openRecordKey(withoutKey, store.target, store.db, { generate: true, checkLastEntry: false, adoptLegacy: true });
      expect(adopting.generated).toBe(join(home, "liaison", "audit.key"));
    }
  });

  test("adopt-key verifies it, re-chains it under the key, records that and signs a checkpoint; once only", async () => {
    const { store, clock } = await legacyStore();
    const count = await store.db.auditEntry.count();
    const legacyHead = await store.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    expect((await verifyAudit(store.db, TEST_KEYS, { full: true })).problems.length).toBe(count);
    const outcome = await adoptRecordKey(store, clock, TEST_KEYS, 3);
    if (!outcome.adopted) throw new Error(outcome.reason);
    expect(outcome).toMatchObject({ entries: count, legacyHeadHash: legacyHead.hash });
    expect(signatureValid(TEST_KEYS, outcome.checkpoint)).toBe(true);
    expect(outcome.checkpoint.seq).toBe(count + 1);
    expect(await verifyAudit(store.db, TEST_KEYS, { full: true })).toMatchObject({ entries: count + 1, problems: [] });
    const last = await store.db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(last.action).toBe("audit.adopt-key");
    expect(JSON.parse(last.detail)).toEqual({ entries: count, legacyHeadSeq: count, legacyHeadHash: legacyHead.hash, keyId: TEST_KEYS.keyId });
    expect(await isLegacyRecord(store.db)).toBe(false);
    // A keyed record is never adopted again, whatever the key: losing the key cannot be undone this way.
    for (const keys of [TEST_KEYS, RecordKeys.derive(randomBytes(32))]) {
      expect(await adoptRecordKey(store, clock, keys)).toMatchObject({ adopted: false, reason: expect.stringMatching(/nothing to adopt/) });
    }
  });

  test("a tampered old record is refused and left as it is", async () => {
    const { store, clock } = await legacyStore();
    expect(await store.db.auditEntry.count()).toBeGreaterThan(2);
    await store.db.$executeRaw`UPDATE "AuditEntry" SET "actor" = ${"someone.else"} WHERE "seq" = ${2}`;
    const before = await store.db.auditEntry.findMany({ orderBy: { seq: "asc" } });
    const outcome = await adoptRecordKey(store, clock, TEST_KEYS);
    expect(outcome).toMatchObject({ adopted: false, reason: expect.stringMatching(/does not verify/), problems: [{ seq: 2, problem: expect.stringMatching(/edited/) }] });
    expect(await store.db.auditEntry.findMany({ orderBy: { seq: "asc" } })).toEqual(before);
    expect(await store.db.auditCheckpoint.count()).toBe(0);
  });

  test("a keyed record rewritten into the old form (its key removed) is refused: its checkpoints or case keys give it away", async () => {
    const { store, clock } = await legacyStore();
    const last = await store.db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } });
    await store.db.auditCheckpoint.create({ data: { seq: last.seq, hash: last.hash, at: clock.now(), signature: TEST_KEYS.sign("x") } });
    expect(await adoptRecordKey(store, clock, TEST_KEYS)).toMatchObject({ adopted: false, reason: expect.stringMatching(/1 checkpoint\(s\).*rewritten into the old form/) });
    await store.db.auditCheckpoint.deleteMany();
    await store.db.caseKey.create({ data: { caseId: "some-case", wrapped: null, createdAt: clock.now() } });
    expect(await adoptRecordKey(store, clock, TEST_KEYS)).toMatchObject({ adopted: false, reason: expect.stringMatching(/1 case key\(s\)/) });
    await store.db.caseKey.deleteMany();
  });

  test("`liaison audit adopt-key` prints what it did and the checkpoint; start then accepts the record", async () => {
    const { store } = await legacyStore();
    const config = join(tempDir(), "liaison.yaml");
    writeFileSync(config, "log:\n  level: silent\ndirectory:\n  demo:\n    enabled: false\n");
    Object.assign(process.env, { LIAISON_CONFIG: config, LIAISON_AUDIT_KEY: TEST_RECORD_KEY, DATABASE_URL: store.target.provider === "postgresql" ? store.target.url : `file:${store.target.url}` });
    const out: string[] = [];
    const err: string[] = [];
    expect(await main(["audit", "adopt-key"], (text) => out.push(text), (text) => err.push(text))).toBe(0);
    expect(out[0]).toMatch(/The old record verified \(\d+ entries, last hash [0-9a-f]{64}\) and is now kept with the record key/);
    expect(JSON.parse(out[1] ?? "{}")).toMatchObject({ type: "liaison-audit-checkpoint" });
    const again = await main(["audit", "adopt-key"], () => undefined, (text) => err.push(text));
    expect(again).toBe(1);
    expect(err.join("\n")).toMatch(/nothing to adopt/);
    const loaded = loadConfig({ rootDir: ROOT_DIR, env: { LIAISON_AUDIT_KEY: TEST_RECORD_KEY } });
    await expect(openRecordKey(loaded, store.target, store.db, { generate: true, checkLastEntry: true })).resolves.toMatchObject({ source: "LIAISON_AUDIT_KEY" });
  });
});
