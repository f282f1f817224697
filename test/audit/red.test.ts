// TLP:RED free text is not kept in clear in the record, on both databases: not in the raw AuditEntry rows (command
// lines, messages, the case's form, questions and answers), shown to the named people in the history, and unreadable
// by anyone once the case's key is destroyed at the end of its retention, while the chain still verifies.
import { expect } from "vitest";
import { destroyCaseKey } from "../../src/audit/sealed.js";
import { verifyAudit } from "../../src/audit/verify.js";
import { RetentionJob } from "../../src/jobs/retention.js";
import { DAY, describeOnBothDatabases, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";

const URL_TEXT = "https://example.test/red-secret-video";
const REASON = "red incitement reason";
const BASIS = "TCO Art. 3 red basis";
const QUESTION = "is it the red clip at 02:13";
const ANSWER = "yes the red clip at 02:13";
const MESSAGE = "our red private note about the uploader";
const WRITTEN = "written in the red thread directly";
const RESOLUTION = "removed the red clip and its mirror";
/** The case's free text: none of it may be in the record in clear. */
const CONTENT = [URL_TEXT, REASON, BASIS, QUESTION, ANSWER, MESSAGE, WRITTEN, "red-secret-video", "uploader", "red clip"];

/** Every AuditEntry row (up to `lastSeq`) as the database holds it, as one text: what someone reading the table sees. */
async function rawRecord(h: CaseHarness, lastSeq = Number.MAX_SAFE_INTEGER): Promise<string> {
  const rows = await h.db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "AuditEntry" WHERE "seq" <= ${lastSeq} ORDER BY "seq"`);
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? Number(value) : value));
}

function expectNoContent(text: string, where: string): void {
  for (const word of CONTENT) expect(text, `"${word}" in ${where}`).not.toContain(word);
}

/** A TLP:RED case with a question, an answer, a message said and one written in the thread, resolved with a reason. */
async function redCase(h: CaseHarness): Promise<{ reference: string; caseId: string }> {
  await h.ok("sanne.devries", `/notice acme-hosting ${URL_TEXT} --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "${BASIS}" --reason "${REASON}" --tlp RED`);
  await h.ok("jan.jansen", `/case clarify R-2026-0001 --question "${QUESTION}"`);
  await h.ok("sanne.devries", `/case answer R-2026-0001 --text "${ANSWER}"`);
  await h.ok("jan.jansen", `/case say R-2026-0001 ${MESSAGE}`);
  await h.drain();
  const thread = await h.db.caseThread.findFirstOrThrow({ where: { contactId: (await h.actor("sanne.devries")).contact?.id ?? "-" } });
  await h.write("sanne.devries", thread.threadId ?? "", WRITTEN);
  await h.ok("jan.jansen", `/case resolve R-2026-0001 --outcome removed --reason "${RESOLUTION}"`);
  return { reference: "R-2026-0001", caseId: (await h.caseRow("R-2026-0001")).id };
}

describeOnBothDatabases("TLP:RED text in the record", (harness, test) => {
  test("is not in clear in the AuditEntry rows; an AMBER case's text is (the control); the chain verifies", async () => {
    const h = harness();
    const { caseId } = await redCase(h);
    await h.ok("sanne.devries", "/notice acme-hosting https://example.test/amber-video --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis \"TCO Art. 3\" --reason \"amber reason\" --tlp AMBER");
    const raw = await rawRecord(h);
    expectNoContent(raw, "the raw record");
    expect(raw).toContain("amber-video");
    expect(raw).toContain("amber reason");
    // The record still says who did what to which case, and keeps the deadlines the report reads.
    const entries = await h.db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: "asc" } });
    // The recipient's question came before any delivery, so it is the receipt; the resolution's Annex II facts follow it.
    expect(entries.map((entry) => entry.action)).toEqual(["case.open", "case.received", "case.request-clarification", "case.answer-clarification", "case.message", "case.message", "case.resolve", "tco.preservation-start", "case.decision"]);
    const resolve = JSON.parse(entries.find((entry) => entry.action === "case.resolve")?.detail ?? "{}") as { action: Record<string, unknown>; before: Record<string, unknown>; sealed: Record<string, unknown> };
    // The Annex II time of effect (now, none being stated) is not free text: it stays in clear beside the outcome.
    expect(resolve.action).toEqual({ type: "resolve", outcome: "removed", decided: true, effectAt: expect.stringMatching(/^2026-/) });
    expect(resolve.before.ackDueAt === null || typeof resolve.before.ackDueAt === "string").toBe(true);
    expect(resolve.sealed).toEqual({ case: caseId, data: expect.any(String) });
    // The command entries of those units are sealed under the case too, though they are not the case's own entries.
    const commands = await h.db.auditEntry.findMany({ where: { action: "command", subjectId: { startsWith: "case" } } });
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(JSON.parse(command.detail)).toMatchObject({ sealed: { case: caseId } });
    expect(await h.db.caseKey.count()).toBe(1);
    expect(JSON.stringify(await h.db.caseKey.findMany())).not.toContain(TEST_KEYS.publicKey);
    expect((await verifyAudit(h.db, TEST_KEYS, { full: true })).problems).toEqual([]);
  });

  test("is shown to the named people in the history, never to others", async () => {
    const h = harness();
    const { reference } = await redCase(h);
    for (const who of ["sanne.devries", "jan.jansen"]) {
      const history = await h.ok(who, `/case history ${reference}`);
      for (const text of [QUESTION, ANSWER, MESSAGE, WRITTEN, RESOLUTION]) expect(history, `${who} sees "${text}"`).toContain(text);
      expect(history).not.toContain("destroyed");
    }
    for (const who of ["pieter.bakker", "demo.coordinator"]) {
      const history = await h.run(who, `/case history ${reference}`);
      expect(history.message.text).toContain(`History of ${reference} (TLP:RED)`);
      expectNoContent(JSON.stringify(history.message), `${who}'s history`);
    }
  });

  test("becomes unreadable once the case's key is destroyed at retention, while verify still passes; later text is not kept", async () => {
    const h = harness();
    const { reference, caseId } = await redCase(h);
    await h.ok("sanne.devries", `/case close ${reference}`);
    const before = await rawRecord(h);
    const lastBefore = await h.auditSeq();
    const retention = new RetentionJob(h.db, h.clock, { enabled: true, keepInboundEvents: 30 * DAY, keepSentMessages: 30 * DAY, keepRedCaseText: 10 * DAY, batchSize: 10 });
    h.clock.advance(9 * DAY);
    expect((await retention.prune()).deleted.redCaseKeys).toBe(0);
    expect(await h.ok("sanne.devries", `/case history ${reference}`)).toContain(QUESTION);
    h.clock.advance(2 * DAY);
    const report = await retention.run();
    expect(report.notes.join("\n")).toMatch(/destroyed the keys of 1 TLP:RED case\(s\) ended before .*: their text in the record can no longer be read/);
    expect(await h.db.caseKey.findUniqueOrThrow({ where: { caseId } })).toMatchObject({ wrapped: null, destroyedAt: h.clock.now() });

    // The entries are as they were, and verify.
    expect(await rawRecord(h, lastBefore)).toBe(before);
    expect((await verifyAudit(h.db, TEST_KEYS, { full: true })).problems).toEqual([]);
    // The named people see the history's structure, and that the text is gone.
    const history = await h.ok("sanne.devries", `/case history ${reference}`);
    expect(history).toContain("request-clarification");
    expect(history).toContain("[text destroyed with the case's key at the end of its retention]");
    expectNoContent(history, "the history after destruction");
    // Text recorded after that is not kept at all (there is no key to seal it with, and it is not kept in clear).
    await h.ok("sanne.devries", `/case reopen ${reference} --reason "reopened with red uploader details"`);
    const after = await rawRecord(h);
    expect(after).not.toContain("reopened with red uploader details");
    expect(after).toContain("the case's key had been destroyed; the text was not kept");
    expect(await destroyCaseKey(h.db, caseId, h.clock.now())).toBe(false);
    expect((await verifyAudit(h.db, TEST_KEYS, { full: true })).problems).toEqual([]);
  });

  test("sealed text that was altered fails verify (the hash covers the ciphertext)", async () => {
    const h = harness();
    const { caseId } = await redCase(h);
    const message = await h.db.auditEntry.findFirstOrThrow({ where: { caseId, action: "case.message" } });
    const detail = JSON.parse(message.detail) as { sealed: { data: string } };
    const bytes = Buffer.from(detail.sealed.data, "base64");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    await h.db.auditEntry.update({ where: { seq: message.seq }, data: { detail: JSON.stringify({ ...detail, sealed: { ...detail.sealed, data: bytes.toString("base64") } }) } });
    expect((await verifyAudit(h.db, TEST_KEYS)).problems).toEqual([{ seq: message.seq, problem: expect.stringMatching(/edited/) }]);
  });

  test("free text in refused commands on a TLP:RED case is not kept in clear either", async () => {
    const h = harness();
    const { reference } = await redCase(h);
    const attempts = [
      ["pieter.bakker", `/case say ${reference} refused red uploader details`],
      ["demo.coordinator", `/case clarify ${reference} --question "refused red uploader question"`],
      ["eva.mulder", `/case reopen ${reference} --reason "refused red uploader reason"`],
    ];
    for (const [who, line] of attempts) expect((await h.run(who as string, line as string)).failure, line).toBeDefined();
    const raw = await rawRecord(h);
    for (const text of ["refused red uploader details", "refused red uploader question", "refused red uploader reason"]) expect(raw).not.toContain(text);
  });

  test("a refused request for a TLP:RED case, which made no case to seal under, keeps no free text; other refusals keep theirs", async () => {
    const h = harness();
    const refused = await h.run("sanne.devries", "/notice acme-hosting https://example.test/red-never-opened --kind no-such-kind --tlp red");
    expect(refused.failure).toBe("bad-arguments");
    await h.run("sanne.devries", "/notice acme-hosting https://example.test/amber-never-opened --kind no-such-kind --tlp AMBER");
    const raw = await rawRecord(h);
    expect(raw).not.toContain("red-never-opened");
    expect(raw).toContain("a TLP:RED request that made no case; its text is not kept");
    expect(raw).toContain("amber-never-opened");
    expect((await verifyAudit(h.db, TEST_KEYS)).problems).toEqual([]);
  });
});
