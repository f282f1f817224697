// The keyed record and its signed checkpoints, on both databases, as an attacker with write access to the database
// would try it: a chain recomputed without the key, a record cut back and rebuilt by someone with the key, forged
// checkpoints, and edits after (and before) the checkpoint an incremental verify starts from.
import { createHash, randomBytes } from "node:crypto";
import { expect } from "vitest";
import { formatCheckpoint, parseCheckpoints, signCheckpoint, takeCheckpoint, type Checkpoint } from "../../src/audit/checkpoint.js";
import { RecordKeys } from "../../src/audit/keys.js";
import { appendAuditEntries, canonicalEntry, entryHash, type AuditRow } from "../../src/audit/log.js";
import { verifyAudit } from "../../src/audit/verify.js";
import type { Db } from "../../src/store/db.js";
import { createTestCore, describeOnProviders, lazyStore, restoreStore, snapshotStore, type StoreSnapshot, type TestCore } from "../support/core.js";
import { TEST_KEYS } from "../support/keys.js";

const SESSION: [handle: string, line: string][] = [
  ["demo.coordinator", "/contacts find acme"],
  ["jan.jansen", '/contacts edit-org acme-hosting --hours "mon-fri 08:00-18:00"'],
  ["eva.mulder", "/contacts confirm"],
  ["demo.coordinator", "/contacts link eva.mulder slack U0EVA --workspace T0ACME"],
  ["jan.jansen", "/whoami"],
];

/** Another installation's key: what an attacker without this record's key can sign with at best. */
const OTHER_KEYS = RecordKeys.derive(randomBytes(32));

/** Rewrites the chain from `fromSeq` on: `change` edits entries, `hash` is the attacker's way of hashing. */
async function rewriteChain(db: Db, fromSeq: number, hash: (entry: AuditRow) => string, change: (entry: AuditRow) => AuditRow = (entry) => entry): Promise<void> {
  const before = await db.auditEntry.findUnique({ where: { seq: fromSeq - 1 } });
  let previous = before?.hash ?? "";
  for (const stored of await db.auditEntry.findMany({ where: { seq: { gte: fromSeq } }, orderBy: { seq: "asc" } })) {
    const entry = { ...change(stored), prevHash: previous };
    const rewritten = { ...entry, hash: hash(entry) };
    await db.auditEntry.update({ where: { seq: stored.seq }, data: { actor: rewritten.actor, detail: rewritten.detail, prevHash: rewritten.prevHash, hash: rewritten.hash } });
    previous = rewritten.hash;
  }
  await db.auditHead.update({ where: { id: 1 }, data: { hash: previous } });
}

/** Cuts the record back to `lastSeq` as someone with database access would, head included. */
async function cutBack(db: Db, lastSeq: number): Promise<void> {
  await db.auditEntry.deleteMany({ where: { seq: { gt: lastSeq } } });
  const last = await db.auditEntry.findUniqueOrThrow({ where: { seq: lastSeq } });
  await db.auditHead.update({ where: { id: 1 }, data: { seq: lastSeq, hash: last.hash } });
}

/** A printed checkpoint read back, as an auditor would from their copy. */
function keptCopy(checkpoint: Checkpoint): Checkpoint {
  const { checkpoints, problems } = parseCheckpoints(`# kept on another machine\n${formatCheckpoint(TEST_KEYS, checkpoint)}\n`);
  expect(problems).toEqual([]);
  return checkpoints[0] as Checkpoint;
}

describeOnProviders("keyed record and checkpoints", (provider, test) => {
  const database = lazyStore(provider);
  let ready: Promise<{ core: TestCore; snapshot: StoreSnapshot }> | undefined;
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
  const entries = (core: TestCore) => core.store.db.auditEntry.findMany({ orderBy: { seq: "asc" } });
  const head = async (core: TestCore) => {
    const last = (await entries(core)).at(-1);
    if (!last) throw new Error("no entries");
    return last;
  };

  test("an entry edited and the chain recomputed without the record key fails verify at every entry from it on", async () => {
    const core = await setup();
    const all = await entries(core);
    const target = 3;
    const sha256 = (entry: AuditRow) => createHash("sha256").update(canonicalEntry(entry)).digest("hex");
    await rewriteChain(core.store.db, target, sha256, (entry) => (entry.seq === target ? { ...entry, actor: "someone.else" } : entry));
    const result = await verifyAudit(core.store.db, TEST_KEYS);
    expect(result.problems.map((problem) => problem.seq)).toEqual(all.filter((entry) => entry.seq >= target).map((entry) => entry.seq));
    for (const problem of result.problems) expect(problem.problem).toMatch(/edited.*without the record key/);
    // Another installation's key is no better than none.
    await setup();
    await rewriteChain(core.store.db, target, (entry) => entryHash(OTHER_KEYS, entry));
    expect((await verifyAudit(core.store.db, TEST_KEYS)).problems).toHaveLength(all.length - target + 1);
    // The control: recomputed with the record key itself, the chain verifies; kept checkpoints are what catch that.
    await rewriteChain(core.store.db, target, (entry) => entryHash(TEST_KEYS, entry), (entry) => (entry.seq === target ? { ...entry, actor: "someone.else" } : entry));
    expect((await verifyAudit(core.store.db, TEST_KEYS)).problems).toEqual([]);
  });

  test("a checkpoint kept outside detects a chain cut back, and one cut back and rebuilt by someone holding the key", async () => {
    const core = await setup();
    const last = await head(core);
    const kept = keptCopy(await takeCheckpoint(core.store.db, core.clock, TEST_KEYS, last));
    expect(kept).toMatchObject({ seq: last.seq, hash: last.hash });
    expect((await verifyAudit(core.store.db, TEST_KEYS, { against: [kept] })).problems).toEqual([]);

    // Cut back by three entries, head and stored checkpoints made to agree: only the kept copy still knows.
    await cutBack(core.store.db, last.seq - 3);
    await core.store.db.auditCheckpoint.deleteMany();
    expect((await verifyAudit(core.store.db, TEST_KEYS)).problems).toEqual([]);
    expect((await verifyAudit(core.store.db, TEST_KEYS, { against: [kept] })).problems).toEqual([
      { seq: last.seq, problem: expect.stringMatching(/not in the record: the record was cut back/) },
    ]);

    // Rebuilt past the kept entry with the record key (a different history from there on).
    await core.store.transaction((tx) =>
      appendAuditEntries(tx, core.clock, TEST_KEYS, Array.from({ length: 5 }, (_, index) => ({
        actorId: null, actor: "system", via: "cli", action: "command", subjectType: "command", subjectId: "whoami", result: "ok", detail: { line: `/whoami ${index}` },
      }))),
    );
    expect((await verifyAudit(core.store.db, TEST_KEYS)).problems).toEqual([]);
    expect((await verifyAudit(core.store.db, TEST_KEYS, { against: [kept] })).problems).toEqual([
      { seq: last.seq, problem: expect.stringMatching(/differs from the kept checkpoint of .* UTC: the record up to this entry was rewritten/) },
    ]);
  });

  test("a history rewritten before a kept checkpoint is caught even when the rewriter holds the key", async () => {
    const core = await setup();
    const last = await head(core);
    const kept = keptCopy(await takeCheckpoint(core.store.db, core.clock, TEST_KEYS, last));
    await core.store.db.auditCheckpoint.deleteMany();
    await rewriteChain(core.store.db, 2, (entry) => entryHash(TEST_KEYS, entry), (entry) => (entry.seq === 2 ? { ...entry, detail: '{"line":"/contacts find nothing"}' } : entry));
    expect((await verifyAudit(core.store.db, TEST_KEYS)).problems).toEqual([]);
    expect((await verifyAudit(core.store.db, TEST_KEYS, { against: [kept] })).problems).toEqual([{ seq: last.seq, problem: expect.stringMatching(/rewritten/) }]);
  });

  test("a forged checkpoint is refused: another key's signature, or a real signature over another hash or entry", async () => {
    const core = await setup();
    const all = await entries(core);
    const last = all.at(-1) as AuditRow;
    const real = signCheckpoint(TEST_KEYS, last, core.clock.now());
    const otherKey = signCheckpoint(OTHER_KEYS, last, core.clock.now());
    const otherHash = { ...real, hash: (all.at(-2) as AuditRow).hash };
    const otherEntry = { ...real, seq: last.seq - 1 };
    const garbled = { ...real, signature: Buffer.alloc(64, 1).toString("base64") };
    for (const forged of [otherKey, otherHash, otherEntry, garbled]) {
      const result = await verifyAudit(core.store.db, TEST_KEYS, { against: [keptCopy(forged)] });
      expect(result.problems, JSON.stringify(forged)).toEqual([{ seq: forged.seq, problem: expect.stringMatching(/signature that is not valid for this record's key: it is forged/) }]);
    }
    expect((await verifyAudit(core.store.db, TEST_KEYS, { against: [real] })).problems).toEqual([]);
  });

  test("a forged stored checkpoint is reported and not started from", async () => {
    const core = await setup();
    const all = await entries(core);
    const middle = all[Math.floor(all.length / 2)] as AuditRow;
    await takeCheckpoint(core.store.db, core.clock, TEST_KEYS, middle);
    // A checkpoint at the end with another key's signature: starting there would skip the edit below.
    const forged = signCheckpoint(OTHER_KEYS, all.at(-1) as AuditRow, core.clock.now());
    await core.store.db.auditCheckpoint.create({ data: forged });
    await core.store.db.$executeRaw`UPDATE "AuditEntry" SET "detail" = ${'{"line":"/whoami --forged"}'} WHERE "seq" = ${all.length}`;
    const result = await verifyAudit(core.store.db, TEST_KEYS);
    expect(result.from?.seq).toBe(middle.seq);
    expect(result.entries).toBe(all.length - middle.seq);
    expect(result.problems).toEqual([
      { seq: all.length, problem: expect.stringMatching(/stored checkpoint .* has a signature that is not valid for this record's key: the checkpoints were altered/) },
      { seq: all.length, problem: expect.stringMatching(/edited/) },
    ]);
  });

  test("incremental verify checks only the entries after the last checkpoint, yet catches an edit after it; --full catches one before", async () => {
    const core = await setup();
    const checkpointed = await head(core);
    await takeCheckpoint(core.store.db, core.clock, TEST_KEYS, checkpointed);
    for (const [handle, line] of SESSION.slice(0, 3)) await core.dispatcher.run(await core.actor(handle), line);
    const total = (await entries(core)).length;
    const clean = await verifyAudit(core.store.db, TEST_KEYS);
    expect(clean).toMatchObject({ entries: total - checkpointed.seq, from: { seq: checkpointed.seq, hash: checkpointed.hash }, last: { seq: total }, problems: [] });
    expect(await verifyAudit(core.store.db, TEST_KEYS, { full: true })).toMatchObject({ entries: total, problems: [] });

    const after = checkpointed.seq + 1;
    const original = await core.store.db.auditEntry.findUniqueOrThrow({ where: { seq: after } });
    await core.store.db.$executeRaw`UPDATE "AuditEntry" SET "actor" = ${"someone.else"} WHERE "seq" = ${after}`;
    expect((await verifyAudit(core.store.db, TEST_KEYS)).problems).toEqual([{ seq: after, problem: expect.stringMatching(/edited/) }]);
    await core.store.db.$executeRaw`UPDATE "AuditEntry" SET "actor" = ${original.actor} WHERE "seq" = ${after}`;

    const before = checkpointed.seq - 2;
    await core.store.db.$executeRaw`UPDATE "AuditEntry" SET "actor" = ${"someone.else"} WHERE "seq" = ${before}`;
    expect((await verifyAudit(core.store.db, TEST_KEYS)).problems).toEqual([]);
    expect((await verifyAudit(core.store.db, TEST_KEYS, { full: true })).problems).toEqual([{ seq: before, problem: expect.stringMatching(/edited/) }]);
  });

  test("a stored checkpoint whose entry was edited, rewritten or removed is reported, and verify starts from an earlier good one", async () => {
    const core = await setup();
    const all = await entries(core);
    const early = all[2] as AuditRow;
    const late = all.at(-2) as AuditRow;
    await takeCheckpoint(core.store.db, core.clock, TEST_KEYS, early);
    await takeCheckpoint(core.store.db, core.clock, TEST_KEYS, late);
    await rewriteChain(core.store.db, late.seq - 1, (entry) => entryHash(TEST_KEYS, entry), (entry) => (entry.seq === late.seq - 1 ? { ...entry, actor: "someone.else" } : entry));
    const rewritten = await verifyAudit(core.store.db, TEST_KEYS);
    expect(rewritten.from?.seq).toBe(early.seq);
    expect(rewritten.problems).toEqual([{ seq: late.seq, problem: expect.stringMatching(/differs from the stored checkpoint/) }]);

    await cutBack(core.store.db, early.seq + 1);
    expect((await verifyAudit(core.store.db, TEST_KEYS)).problems).toEqual([{ seq: late.seq, problem: expect.stringMatching(/not in the record: the record was cut back/) }]);
  });

  test("a wiped record with checkpoints left, or a deleted head after a checkpoint, is tampering", async () => {
    const core = await setup();
    const last = await head(core);
    await takeCheckpoint(core.store.db, core.clock, TEST_KEYS, last);
    await core.store.db.$executeRaw`DELETE FROM "AuditHead"`;
    expect((await verifyAudit(core.store.db, TEST_KEYS)).problems).toEqual([{ seq: last.seq, problem: expect.stringMatching(/head was deleted/) }]);
    await core.store.db.$executeRaw`DELETE FROM "AuditEntry"`;
    expect((await verifyAudit(core.store.db, TEST_KEYS)).problems).toEqual([
      { seq: last.seq, problem: expect.stringMatching(/not in the record/) },
      { seq: 0, problem: expect.stringMatching(/record was wiped/) },
    ]);
  });
});
