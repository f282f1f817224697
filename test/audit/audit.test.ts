// The record's hash chain on the real databases: intact after commands, and every kind of tampering found.
import { expect } from "vitest";
import { entryHash } from "../../src/audit/log.js";
import { verifyAudit } from "../../src/audit/verify.js";
import { TEST_KEYS } from "../support/keys.js";
import { createTestCore, describeOnProviders, lazyStore, restoreStore, snapshotStore, type StoreSnapshot, type TestCore } from "../support/core.js";

/** Commands from several people; refusals are recorded too. */
const SESSION: [handle: string, line: string][] = [
  ["demo.coordinator", "/contacts find acme"],
  ["jan.jansen", '/contacts edit-org acme-hosting --hours "mon-fri 08:00-18:00"'],
  ["eva.mulder", "/contacts confirm"],
  ["eva.mulder", '/contacts remove-org acme-hosting --reason "not allowed to"'],
  ["demo.coordinator", "/contacts link eva.mulder slack U0EVA --workspace T0ACME"],
  ["jan.jansen", "/whoami"],
  ["demo.coordinator", '/contacts add new.person --org acme-hosting --name "New Person"'],
];

describeOnProviders("audit chain", (provider, test) => {
  const database = lazyStore(provider);
  let ready: Promise<{ core: TestCore; snapshot: StoreSnapshot }> | undefined;
  /** The demo directory and SESSION's commands, recorded once; each test starts from that record. */
  const setup = async () => {
    ready ??= (async () => {
      const { store } = await database.get();
      const core = await createTestCore(store);
      for (const [handle, line] of SESSION) {
        core.clock.advance(60_000);
        await core.dispatcher.run(await core.actor(handle), line);
      }
      return { core, snapshot: await snapshotStore(store) };
    })();
    const { core, snapshot } = await ready;
    await restoreStore(core.store, snapshot);
    return core;
  };
  const entries = async (core: TestCore) => core.store.db.auditEntry.findMany({ orderBy: { seq: "asc" } });

  test("commands append a chain that verifies", async () => {
    const core = await setup();
    const all = await entries(core);
    // One entry per command line, plus the import and the changes the allowed commands made.
    expect(all.filter((entry) => entry.action === "command")).toHaveLength(SESSION.length);
    expect(all.map((entry) => entry.seq)).toEqual(all.map((_, index) => index + 1));
    expect(all.filter((entry) => entry.result === "refused:not-allowed").map((entry) => entry.actor)).toEqual(["eva.mulder"]);
    for (const [index, entry] of all.entries()) {
      expect(entry.prevHash).toBe(index === 0 ? "" : all[index - 1]?.hash);
      expect(entry.hash).toBe(entryHash(TEST_KEYS, entry));
    }
    const head = await core.store.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    expect(head).toMatchObject({ seq: all.length, hash: all[all.length - 1]?.hash });
    expect(await verifyAudit(core.store.db, TEST_KEYS)).toMatchObject({ entries: all.length, problems: [] });
    expect(await verifyAudit(core.store.db, TEST_KEYS, { batchSize: 2 })).toMatchObject({ entries: all.length, problems: [] });
  });

  test("an edited entry is reported as edited", async () => {
    const core = await setup();
    const all = await entries(core);
    const target = all[Math.floor(all.length / 2)];
    if (!target) throw new Error("no entries");
    const forged = JSON.stringify({ line: "/contacts find something-else" });
    expect(await core.store.db.$executeRaw`UPDATE "AuditEntry" SET "detail" = ${forged} WHERE "seq" = ${target.seq}`).toBe(1);
    const result = await verifyAudit(core.store.db, TEST_KEYS);
    expect(result.entries).toBe(all.length);
    expect(result.problems).toEqual([{ seq: target.seq, problem: expect.stringMatching(/edited/) }]);
  });

  test("an edited entry whose hash was recomputed breaks the link to the next entry", async () => {
    const core = await setup();
    const all = await entries(core);
    const target = all[2];
    if (!target) throw new Error("no entries");
    const forged = { ...target, actor: "someone.else" };
    const hash = entryHash(TEST_KEYS, forged);
    await core.store.db.$executeRaw`UPDATE "AuditEntry" SET "actor" = ${forged.actor}, "hash" = ${hash} WHERE "seq" = ${target.seq}`;
    const result = await verifyAudit(core.store.db, TEST_KEYS);
    expect(result.problems).toEqual([{ seq: target.seq + 1, problem: expect.stringMatching(/does not link/) }]);
  });

  test("a deleted entry in the middle is reported as missing", async () => {
    const core = await setup();
    const all = await entries(core);
    const target = all[3];
    if (!target) throw new Error("no entries");
    expect(await core.store.db.$executeRaw`DELETE FROM "AuditEntry" WHERE "seq" = ${target.seq}`).toBe(1);
    for (const batchSize of [5000, 2, 3]) {
      const result = await verifyAudit(core.store.db, TEST_KEYS, { batchSize });
      expect(result.entries).toBe(all.length - 1);
      expect(result.problems, `batch size ${batchSize}`).toEqual([{ seq: target.seq, problem: expect.stringMatching(/missing/) }]);
    }
  });

  test("several deleted entries are reported as one gap", async () => {
    const core = await setup();
    const all = await entries(core);
    await core.store.db.$executeRaw`DELETE FROM "AuditEntry" WHERE "seq" IN (${2}, ${3}, ${4})`;
    const result = await verifyAudit(core.store.db, TEST_KEYS);
    expect(result.problems).toEqual([{ seq: 2, problem: expect.stringContaining("entries 2 to 4 are missing") }]);
    expect(result.entries).toBe(all.length - 3);
  });

  test("a deleted last entry is reported against the head", async () => {
    const core = await setup();
    const all = await entries(core);
    const last = all[all.length - 1];
    if (!last) throw new Error("no entries");
    await core.store.db.$executeRaw`DELETE FROM "AuditEntry" WHERE "seq" = ${last.seq}`;
    const result = await verifyAudit(core.store.db, TEST_KEYS);
    expect(result.problems).toEqual([{ seq: last.seq, problem: expect.stringMatching(/head records/) }]);
  });

  test("a forged last entry (hash recomputed) disagrees with the head", async () => {
    const core = await setup();
    const all = await entries(core);
    const last = all[all.length - 1];
    if (!last) throw new Error("no entries");
    const forged = { ...last, result: "ok", detail: "{}" };
    await core.store.db.$executeRaw`UPDATE "AuditEntry" SET "detail" = ${forged.detail}, "hash" = ${entryHash(TEST_KEYS, forged)} WHERE "seq" = ${last.seq}`;
    const result = await verifyAudit(core.store.db, TEST_KEYS);
    expect(result.problems).toEqual([{ seq: last.seq, problem: expect.stringMatching(/head/) }]);
  });

  test("a deleted head beside existing entries is tampering", async () => {
    const core = await setup();
    const all = await entries(core);
    expect(await core.store.db.$executeRaw`DELETE FROM "AuditHead"`).toBe(1);
    const result = await verifyAudit(core.store.db, TEST_KEYS);
    expect(result.problems).toEqual([{ seq: all.length, problem: expect.stringMatching(/head was deleted/) }]);
  });

  test("a wiped record (entries and head) while the directory remains is tampering", async () => {
    const core = await setup();
    await core.store.db.$executeRaw`DELETE FROM "AuditEntry"`;
    await core.store.db.$executeRaw`DELETE FROM "AuditHead"`;
    const result = await verifyAudit(core.store.db, TEST_KEYS);
    expect(result).toMatchObject({ entries: 0, problems: [{ seq: 0, problem: expect.stringMatching(/record was wiped/) }] });
  });

  test("appending continues the chain after earlier entries, across cores sharing the database", async () => {
    const core = await setup();
    const other = await createTestCore(core.store, { seed: false, clock: core.clock });
    await Promise.all([
      core.dispatcher.run(await core.actor("jan.jansen"), "/contacts find chirp"),
      other.dispatcher.run(await other.actor("eva.mulder"), "/contacts find chirp"),
      core.dispatcher.run(await core.actor("demo.coordinator"), "/whoami"),
    ]);
    const result = await verifyAudit(core.store.db, TEST_KEYS);
    expect(result.problems).toEqual([]);
    expect(result.entries).toBe((await entries(core)).length);
    expect(provider).toBe(core.store.provider);
  });
});
