// The record of a case's lifecycle is hash-chained: verifyAudit finds an edited entry and a deleted one, on both
// databases.
import { expect } from "vitest";
import { entryHash } from "../../src/audit/log.js";
import { verifyAudit } from "../../src/audit/verify.js";
import { TEST_KEYS } from "../support/keys.js";
import { describeOnBothDatabases, threadTitle, type CaseHarness } from "../support/cases.js";

/** A removal order from opening to closing, with a clarification and messages; returns the case id. */
async function lifecycle(h: CaseHarness): Promise<string> {
  await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"');
  await h.drain();
  h.clock.advance(60_000);
  await h.ok("jan.jansen", "/case ack R-2026-0001");
  await h.write("jan.jansen", threadTitle("R-2026-0001", "acme-hosting"), "which part?");
  await h.ok("jan.jansen", '/case clarify R-2026-0001 --question "which part of the video?"');
  await h.run("lena.schmidt", "/case close R-2026-0001"); // refused, recorded too
  await h.ok("sanne.devries", '/case answer R-2026-0001 --text "02:13 to 03:40"');
  await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
  await h.ok("sanne.devries", "/case close R-2026-0001");
  return (await h.caseRow("R-2026-0001")).id;
}

async function caseEntries(h: CaseHarness, caseId: string) {
  return h.db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: "asc" } });
}

describeOnBothDatabases("audit verification after a case's lifecycle", (harness, test) => {
  test("the untouched record verifies, and holds every step of the case", async () => {
    const h = harness();
    const caseId = await lifecycle(h);
    const verified = await verifyAudit(h.db, TEST_KEYS);
    expect(verified.problems).toEqual([]);
    expect(verified.entries).toBe(await h.db.auditEntry.count());
    expect((await caseEntries(h, caseId)).map((entry) => `${entry.action} ${entry.result}`)).toEqual([
      "case.open ok",
      "case.received ok",
      "case.acknowledge ok",
      "case.message ok",
      "case.request-clarification ok",
      "case.answer-clarification ok",
      "case.resolve ok",
      "tco.preservation-start ok",
      "case.decision ok",
      "case.close ok",
    ]);
  });

  test("an edited entry is detected (its hash no longer matches)", async () => {
    const h = harness();
    const caseId = await lifecycle(h);
    const resolve = (await caseEntries(h, caseId)).find((entry) => entry.action === "case.resolve");
    if (!resolve) throw new Error("no resolve entry");
    await h.db.auditEntry.update({ where: { seq: resolve.seq }, data: { detail: resolve.detail.replace('"removed"', '"no-action"') } });
    const verified = await verifyAudit(h.db, TEST_KEYS);
    expect(verified.problems).toEqual([{ seq: resolve.seq, problem: expect.stringMatching(/edited/) }]);
  });

  test("an entry edited and re-hashed is detected by the next entry's link", async () => {
    const h = harness();
    const caseId = await lifecycle(h);
    const ack = (await caseEntries(h, caseId)).find((entry) => entry.action === "case.acknowledge");
    if (!ack) throw new Error("no acknowledge entry");
    const forged = { ...ack, at: new Date(ack.at.getTime() - 30 * 60_000) };
    await h.db.auditEntry.update({ where: { seq: ack.seq }, data: { at: forged.at, hash: entryHash(TEST_KEYS, forged) } });
    const verified = await verifyAudit(h.db, TEST_KEYS);
    expect(verified.problems).toEqual([{ seq: ack.seq + 1, problem: expect.stringMatching(/does not link/) }]);
  });

  test("a deleted entry is detected (a gap in the sequence)", async () => {
    const h = harness();
    const caseId = await lifecycle(h);
    const clarify = (await caseEntries(h, caseId)).find((entry) => entry.action === "case.request-clarification");
    if (!clarify) throw new Error("no clarification entry");
    await h.db.auditEntry.delete({ where: { seq: clarify.seq } });
    const verified = await verifyAudit(h.db, TEST_KEYS);
    expect(verified.problems.length).toBeGreaterThan(0);
    expect(verified.problems[0]).toEqual({ seq: clarify.seq, problem: expect.stringMatching(/missing \(deleted\)/) });
  });

  test("a deleted last entry is detected (the head records more)", async () => {
    const h = harness();
    await lifecycle(h);
    const last = await h.db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } });
    await h.db.auditEntry.delete({ where: { seq: last.seq } });
    const verified = await verifyAudit(h.db, TEST_KEYS);
    expect(verified.problems).toEqual([{ seq: last.seq, problem: expect.stringMatching(/removed/) }]);
  });
});
