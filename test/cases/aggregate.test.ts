// The case aggregate read in one statement (src/cases/repository.ts) is what the client's model queries read: the
// case row, both parties, the opener and the responsible person, the threads in the order a look-up by case gives
// them, and a European order's notified enforcing authority. Checked field by field against the model queries, on
// both databases, for an ordinary case, a TLP:RED one, an order with and without an enforcing authority, a case
// without a responsible person and without threads, and hostile text in its fields; with the reminder state's
// remindedUntil, which the statement reads from CaseReminder.
import { expect } from "vitest";
import { CaseRepository, ORGANISATION_FIELDS, type CaseAggregate } from "../../src/cases/repository.js";
import type { Platform } from "../../src/core/adapter.js";
import type { Tx } from "../../src/store/types.js";
import { describeOnBothDatabases } from "../support/cases.js";
import { withAuthorities } from "../eevidence/support.js";

const SUBSCRIBER = '--category subscriber --target "@secret_subject" --issuer-file "OM 2026/17" --offence "fraud (oplichting)" --provision "Art. 326 Sr" --deliver-to "nl-om"';
const CONTENT = '--category content --target "@secret_subject" --issuer-file "RB 2026/9" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-rechtbank" --from 2026-10-01T00:00:00+02:00 --to 2026-11-01T00:00:00+01:00';

/** The aggregate as the model queries read it (the way it was read before the one statement). */
async function byModelQueries(db: Tx, id: string): Promise<CaseAggregate> {
  const row = await db.case.findUniqueOrThrow({ where: { id } });
  const threads = await db.caseThread.findMany({ where: { caseId: id }, orderBy: [{ organisationId: "asc" }, { kind: "asc" }, { contactId: "asc" }] });
  const organisation = (orgId: string) => db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: ORGANISATION_FIELDS });
  const person = (contactId: string) => db.contact.findUniqueOrThrow({ where: { id: contactId }, select: { id: true, handle: true, name: true } });
  const order = await db.evidenceOrder.findUnique({ where: { caseId: id } });
  const removal = await db.tcoOrder.findUnique({ where: { caseId: id } });
  const reminder = await db.caseReminder.findUnique({ where: { caseId: id } });
  return {
    row, threads, opener: await organisation(row.openerOrgId), recipient: await organisation(row.recipientOrgId),
    openerContact: await person(row.openerContactId), responsible: row.responsibleContactId ? await person(row.responsibleContactId) : null,
    otherPartyOrgIds: order?.enforcingOrgId && (row.kind === "production-order" || row.kind === "preservation-order") ? [order.enforcingOrgId] : [],
    readerOrgIds: removal?.copyOrgId && row.kind === "removal-order" ? [removal.copyOrgId] : [],
    remindedUntil: reminder?.remindedUntil ?? null,
  };
}

describeOnBothDatabases("case aggregate in one statement", (harness, test) => {
  test("by id and by reference it equals the model queries' reading, for every kind of case here", async () => {
    const h = harness();
    await withAuthorities(h);
    const hostile = `${"x".repeat(3000)} \u202e<@U123> <!channel> @everyone @room\u0007`;
    await h.ok("sanne.devries", `/notice acme-hosting https://example.test/a --reason "incites violence" --basis "Art. 131 Sr"`);
    await h.ok("sanne.devries", `/notice acme-hosting https://example.test/red --reason "${hostile.replace(/"/g, "")}" --tlp RED`);
    await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz --tlp GREEN`);
    await h.ok("mark.dejong", `/eevidence order chirp-social ${SUBSCRIBER} --tlp CLEAR`);
    await h.drain();
    const [first] = await h.db.case.findMany({ orderBy: { reference: "asc" }, take: 1 });
    if (!first) throw new Error("no case was opened");
    await h.ok("jan.jansen", `/case ack ${first.reference}`);
    // A case whose responsible person is gone from the row and whose threads are all gone.
    const [last] = await h.db.case.findMany({ orderBy: { reference: "desc" }, take: 1 });
    if (!last) throw new Error("no case was opened");
    await h.db.caseThread.deleteMany({ where: { caseId: last.id } });
    await h.db.case.update({ where: { id: last.id }, data: { responsibleContactId: null } });
    // The reminder state as the model query reads it: to the millisecond, and none at all.
    await h.db.caseReminder.update({ where: { caseId: first.id }, data: { remindedUntil: new Date("2026-11-20T10:31:07.123Z") } });
    await h.db.caseReminder.update({ where: { caseId: last.id }, data: { remindedUntil: null } });

    const repository = new CaseRepository(h.db);
    const cases = await h.db.case.findMany({ orderBy: { reference: "asc" } });
    expect(cases.length).toBe(4);
    const enforced = [];
    let threadsLookedUp = 0;
    for (const row of cases) {
      const expected = await byModelQueries(h.db, row.id);
      expect(await repository.byId(row.id)).toStrictEqual(expected);
      expect(await repository.byReference(row.reference)).toStrictEqual(expected);
      expect((await repository.completeAll([row]))[0]?.remindedUntil).toStrictEqual(expected.remindedUntil);
      enforced.push(...expected.otherPartyOrgIds);
      // By one of its threads: the thread, and its case read with it for the byId that follows.
      for (const thread of expected.threads.filter((candidate) => candidate.threadId !== "")) {
        const at = { platform: thread.platform as Platform, workspace: thread.workspace, channelId: thread.channelId, threadId: thread.threadId };
        expect(await repository.threadAt(at)).toStrictEqual(thread);
        expect(await repository.byId(row.id)).toStrictEqual(expected);
        expect(await repository.threadAt({ ...at, channelId: `${thread.channelId}-other` })).toBeUndefined();
        expect(await repository.threadAt({ ...at, workspace: "another-workspace" })).toBeUndefined();
        threadsLookedUp += 1;
      }
    }
    expect(threadsLookedUp).toBeGreaterThanOrEqual(4);
    // The order with an enforcing authority has it as a party; the others have none.
    expect(enforced.length).toBe(1);
    const withThreads = await repository.byId(first.id);
    expect(withThreads?.threads.length).toBeGreaterThanOrEqual(2);
    expect((await repository.byId(last.id))?.threads).toEqual([]);
    expect((await repository.byId(last.id))?.responsible).toBeNull();
    expect(await repository.byId("no-such-case")).toBeUndefined();
    expect(await repository.byReference("N-2026-9999")).toBeUndefined();
  });

  test("a case naming a missing organisation or contact is a fault, not a case without parties", async () => {
    const h = harness();
    await h.ok("sanne.devries", `/notice acme-hosting https://example.test/a --reason "incites violence"`);
    const [row] = await h.db.case.findMany({});
    if (!row) throw new Error("no case was opened");
    const repository = new CaseRepository(h.db);
    expect((await repository.byId(row.id))?.opener.slug).toBe("nl-iru");
    await h.db.case.update({ where: { id: row.id }, data: { recipientOrgId: "missing-organisation" } });
    await expect(repository.byId(row.id)).rejects.toThrow(/missing organisation or contact/);
    await h.db.case.update({ where: { id: row.id }, data: { recipientOrgId: row.recipientOrgId, openerContactId: "missing-contact" } });
    await expect(repository.byReference(row.reference)).rejects.toThrow(/missing organisation or contact/);
  });
});
