// `liaison audit checkpoint` and `liaison audit verify [--full] [--against]` as an operator runs them, on both
// databases: the printed checkpoint kept in a file catches a record cut back, a forged line is refused, and verify
// says how many entries it checked and from where.
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { main } from "../../src/cli/main.js";
import { createTestCore, describeOnProviders, lazyStore, tempDir, type TestCore } from "../support/core.js";
import { pendingMac } from "../../src/audit/log.js";
import { TEST_KEYS, TEST_RECORD_KEY } from "../support/keys.js";

/** Runs the CLI in this process; what it printed and its exit code. */
async function liaison(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (text) => out.push(text), (text) => err.push(text));
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const SAVED = ["LIAISON_CONFIG", "DATABASE_URL", "LIAISON_AUDIT_KEY", "LIAISON_AUDIT_KEY_FILE"] as const;

describeOnProviders("liaison audit", (provider, test) => {
  const database = lazyStore(provider);
  const saved = Object.fromEntries(SAVED.map((name) => [name, process.env[name]]));
  let core: TestCore | undefined;
  beforeAll(() => {
    // The CLI reads its configuration from the environment; pointed at this block's database, with the tests' key.
    const dir = tempDir();
    const config = join(dir, "liaison.yaml");
    writeFileSync(config, "log:\n  level: silent\ndirectory:\n  demo:\n    enabled: false\n");
    process.env.LIAISON_CONFIG = config;
    process.env.LIAISON_AUDIT_KEY = TEST_RECORD_KEY;
    delete process.env.LIAISON_AUDIT_KEY_FILE;
  });
  afterAll(() => {
    for (const name of SAVED) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  const setup = async () => {
    const { store } = await database.get();
    if (store.target.provider === "postgresql") process.env.DATABASE_URL = store.target.url;
    else process.env.DATABASE_URL = `file:${store.target.url}`;
    core ??= await createTestCore(store);
    return core;
  };

  test("checkpoint, verify from it, verify --against a kept file; a record cut back and a forged line are caught", async () => {
    const core = await setup();
    const total = await core.store.db.auditEntry.count();
    const first = await liaison("audit", "verify");
    expect(first.err).toBe("");
    expect(first.out).toMatch(new RegExp(`The record is intact: checked ${total} entries \\(1 to ${total}\\) from the first entry, hash chain verified with the record key \\(key id [0-9a-f]{16}\\)\\.`));
    expect(first.out).toContain(`Stored a checkpoint at entry ${total}`);
    expect(first.code).toBe(0);

    await core.dispatcher.run(await core.actor("jan.jansen"), "/whoami");
    const printed = await liaison("audit", "checkpoint");
    expect(printed.code, printed.err).toBe(0);
    const line = JSON.parse(printed.out) as Record<string, unknown>;
    expect(line).toMatchObject({ type: "liaison-audit-checkpoint", v: 1, seq: total + 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/), publicKey: expect.any(String), signature: expect.any(String) });
    const kept = join(tempDir(), "checkpoints.jsonl");
    appendFileSync(kept, `${printed.out}\n`);

    const incremental = await liaison("audit", "verify");
    expect(incremental.out).toMatch(new RegExp(`checked no entries after the stored checkpoint of .* UTC at entry ${total + 1}`));
    const against = await liaison("audit", "verify", "--against", kept);
    expect(against.code, against.err).toBe(0);
    expect(against.out).toMatch(new RegExp(`checked ${total + 1} entries \\(1 to ${total + 1}\\) from the first entry`));
    expect(against.out).toContain(`It matches the 1 kept checkpoint(s), up to entry ${total + 1}.`);

    const forged = JSON.stringify({ ...line, hash: "0".repeat(64) });
    const refused = await liaison("audit", "verify", "--against", forged);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/signature that is not valid for this record's key: it is forged/);

    // Cut back by one entry, head and stored checkpoints made to agree: the kept file still knows.
    await core.store.db.auditEntry.deleteMany({ where: { seq: total + 1 } });
    const last = await core.store.db.auditEntry.findUniqueOrThrow({ where: { seq: total } });
    await core.store.db.auditHead.update({ where: { id: 1 }, data: { seq: total, hash: last.hash } });
    await core.store.db.auditCheckpoint.deleteMany({ where: { seq: { gt: total } } });
    expect((await liaison("audit", "verify")).code).toBe(0);
    const cut = await liaison("audit", "verify", "--against", kept);
    expect(cut.code).toBe(1);
    expect(cut.err).toMatch(new RegExp(`entry ${total + 1}: entry ${total + 1}, which the kept checkpoint of .* signed, is not in the record: the record was cut back`));
    const noCheckpoint = await liaison("audit", "checkpoint", "--full");
    expect(noCheckpoint.code).toBe(2);
    const garbled = await liaison("audit", "verify", "--against", "{not json");
    expect(garbled).toMatchObject({ code: 2, err: expect.stringMatching(/line 1: not JSON/) });
  });

  test("verify seals what is waiting first, and reports a pending row written without the key (which it leaves)", async () => {
    const core = await setup();
    const before = await core.store.db.auditEntry.count();
    const content = { nonce: "a".repeat(32), at: new Date("2026-11-20T10:00:00Z"), actorId: null, actor: "operator", via: "cli", action: "test.pending", subjectType: "test", subjectId: "good", caseId: null, result: "ok", detail: "{}" };
    // Written straight into the table (no transaction, so the test store does not seal them).
    await core.store.db.auditPending.create({ data: { ...content, mac: pendingMac(TEST_KEYS, content) } });
    const forged = await core.store.db.auditPending.create({ data: { ...content, nonce: "b".repeat(32), subjectId: "forged", mac: "0".repeat(64) } });
    const checked = await liaison("audit", "verify");
    expect(checked.code).toBe(1);
    expect(checked.err).toContain(`  pending entry ${forged.id} (not sealed into the chain): its mac does not verify: the row was written into the database without the record key`);
    expect(await core.store.db.auditEntry.count()).toBe(before + 1);
    expect(await core.store.db.auditEntry.findFirst({ where: { subjectId: "good" } })).not.toBeNull();
    expect((await core.store.db.auditPending.findMany()).map((row) => row.subjectId)).toEqual(["forged"]);
    await core.store.db.auditPending.delete({ where: { id: forged.id } });
    const clean = await liaison("audit", "verify");
    expect(clean.code, clean.err).toBe(0);
  });
});
