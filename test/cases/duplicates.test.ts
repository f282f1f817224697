// Duplicate URLs in one notice are merged (as intake normalises them). A URL already in an open case to the same
// recipient is found before a new case opens, through the case URL index: a notice (or CSAM notice) repeating an
// open case of the same organisation is refused, naming that case, unless --again; legal orders and urgent kinds open
// and warn. Cases are named only as the disclosure rule allows; a TLP:RED case the asker may not see leaves no trace
// in the answer. On both databases.
import { expect } from "vitest";
import { DUPLICATE_RULES, mergeUrls, openDuplicates } from "../../src/cases/duplicates.js";
import { CASE_KINDS } from "../../src/cases/kinds.js";
import { MAX_COMMAND_LINE_CHARS } from "../../src/commands/dispatch.js";
import type { Tx } from "../../src/store/types.js";
import { describeOnBothDatabases, HOUR, type CaseHarness } from "../support/cases.js";

const NOTICE = (urls: string, extra = "") => `/notice acme-hosting ${urls} --reason "incites violence"${extra}`;
const REMOVAL = (urls: string, extra = "") => `/notice acme-hosting ${urls} --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist content"${extra}`;
const ORDER = (urls: string, extra = "") => `/order acme-hosting ${urls} --basis "Art. 54a Sr" --reason "offers counterfeit medicines, Art. 174 Sr" --scope "the Netherlands" --redress "objection within 6 weeks (Awb)" --content-type unsafe-products${extra}`;

/** What a refusal must leave as it was: cases, URL index, threads, outbox, counters, case-opening windows. */
async function snapshot(h: CaseHarness) {
  return {
    cases: await h.db.case.count(),
    urls: await h.db.caseUrl.count(),
    threads: await h.db.caseThread.count(),
    outbox: await h.db.outboxMessage.count(),
    counters: JSON.stringify(await h.db.counter.findMany({ orderBy: { name: "asc" } })),
    openings: JSON.stringify(await h.db.rateWindow.findMany({ where: { key: { startsWith: "caseOpenings:" } }, orderBy: { key: "asc" } })),
  };
}

/** The database with the rows each findMany of cases returns counted. */
function countingCases(db: Tx): { db: Tx; rows: () => number } {
  let rows = 0;
  const cases = new Proxy(db.case as unknown as Record<string, unknown>, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== "function") return value;
      if (property !== "findMany") return (value as (...args: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        const found = (await (value as (...args: unknown[]) => Promise<unknown[]>).apply(target, args)) as unknown[];
        rows += found.length;
        return found;
      };
    },
  });
  const wrapped = new Proxy(db as unknown as Record<string, unknown>, {
    get(target, property) {
      if (property === "case") return cases;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: wrapped as unknown as Tx, rows: () => rows };
}

/** Control characters and bidi controls, which must never reach a screen. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200e\u200f]/;

describeOnBothDatabases("duplicate URLs", (harness, test) => {
  test("the same URL written three ways is stored once, and the reply says so", async () => {
    const h = harness();
    const reply = await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/v/1 HTTPS://Acme-Hosting.example/v/1#t=3 https://acme-hosting.example/v/2 https://acme-hosting.example/v/1"));
    expect(reply).toContain("2 repeated URLs were merged: the notice holds 2 URLs.");
    const row = await h.caseRow("N-2026-0001");
    expect((JSON.parse(row.fields) as { urls: string[] }).urls).toEqual(["https://acme-hosting.example/v/1", "https://acme-hosting.example/v/2"]);
    // No repeat, no line.
    expect(await h.ok("sanne.devries", '/notice chirp-social https://chirp.example/p/1 --reason "incites violence"')).not.toContain("merged");
  });

  test("a notice repeating an open case of the same organisation is refused before it opens, naming the case, since when and by whom, with the way on", async () => {
    const h = harness();
    await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/v/1"));
    await h.drain();
    h.clock.advance(2 * HOUR);
    const before = await snapshot(h);
    const seq = await h.auditSeq();
    // A colleague of the same organisation, the URL written another way, beside a new URL.
    const answer = await h.run("pieter.bakker", NOTICE("https://Acme-Hosting.example/v/1#again https://acme-hosting.example/v/9"));
    expect(answer.failure).toBe("duplicate");
    expect(answer.message.tone).toBe("error");
    const text = answer.message.text;
    expect(text).toContain("✗ Not opened: a URL of this notice is already in an open case of your organisation to ACME Hosting B.V. [acme-hosting]:");
    // Since when, in the asker's time zone with the zone named; by whom.
    expect(text).toContain("• N-2026-0001, open since 2026-11-20 11:00 CET, opened by Sanne de Vries (sanne.devries): holds https://acme-hosting.example/v/1");
    expect(text).toContain("To add to it, write in its thread: /case say N-2026-0001 <what is new>.");
    expect(text).toContain("repeat the command with --again added (the record says it was deliberate)");
    // Nothing half-applied: no case, no URL, no thread, no message, no reference used, no case opening counted.
    expect(await snapshot(h)).toEqual(before);
    // The record holds the refused command only, as for every refused command.
    const entries = await h.auditAfter(seq);
    expect(entries.map((entry) => [entry.action, entry.result, entry.subjectId])).toEqual([["command", "refused:duplicate", "notice"]]);
    // The next case opened takes the next reference: none was used up.
    expect(await h.ok("pieter.bakker", NOTICE("https://acme-hosting.example/v/9"))).toContain("Opened N-2026-0002");
  });

  test("with --again the second case opens, the reply says it was deliberate, and so does the record", async () => {
    const h = harness();
    await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/v/1 https://acme-hosting.example/v/2"));
    await h.drain();
    const seq = await h.auditSeq();
    const reply = await h.ok("pieter.bakker", NOTICE("https://acme-hosting.example/v/2 https://acme-hosting.example/v/1", " --again"));
    expect(reply).toContain("Opened N-2026-0002");
    expect(reply).toContain("Opened deliberately beside N-2026-0001 (--again); the record says so.");
    expect(reply).toContain("⚠ 2 of these URLs are already in an open case to acme-hosting: N-2026-0001.");
    const opened = (await h.auditAfter(seq)).find((entry) => entry.action === "case.open");
    expect(opened?.subjectId).toBe("N-2026-0002");
    expect(JSON.parse(opened?.detail ?? "{}")).toMatchObject({ again: true, beside: ["N-2026-0001"] });
    // Both are open; a third without --again is refused naming both, oldest first.
    const third = await h.run("sanne.devries", NOTICE("https://acme-hosting.example/v/1"));
    expect(third.failure).toBe("duplicate");
    expect(third.message.text).toMatch(/already in open cases of your organisation[\s\S]*• N-2026-0001,[\s\S]*• N-2026-0002,/);
    // --again without anything to repeat opens as usual; the record keeps the flag, so it says nothing of other cases.
    const plain = await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/v/77", " --again"));
    expect(plain).not.toMatch(/deliberately|already in an open case/);
  });

  test("not a duplicate: another recipient, a closed, resolved or withdrawn case", async () => {
    const h = harness();
    await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/v/1"));
    await h.drain();
    // Another recipient.
    expect(await h.ok("sanne.devries", '/notice chirp-social https://acme-hosting.example/v/1 --reason "incites violence"')).not.toMatch(/already in an open case|deliberately/);
    // Resolved: the recipient decided; a new notice asks again, and is welcome.
    await h.ok("jan.jansen", "/case resolve N-2026-0001 --outcome no-action --reason \"legal: satire\"");
    expect(await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/v/1"))).toContain("Opened N-2026-0003");
    await h.drain();
    await h.ok("sanne.devries", "/case withdraw N-2026-0003 --reason \"sent too soon\"");
    expect(await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/v/1"))).toContain("Opened N-2026-0004");
    await h.drain();
    await h.ok("jan.jansen", "/case resolve N-2026-0004 --outcome removed");
    await h.ok("sanne.devries", "/case close N-2026-0004");
    const reply = await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/v/1"));
    expect(reply).toContain("Opened N-2026-0005");
    expect(reply).not.toContain("already in an open case");
  });

  test("a notice from another organisation opens (each notifier is owed its decision) and is warned, the case named as disclosure allows", async () => {
    const h = harness();
    await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/v/1"));
    await h.drain();
    const other = await h.ok("ahmed.elamrani", NOTICE("https://acme-hosting.example/v/1"));
    expect(other).toContain("Opened N-2026-0002");
    expect(other).toContain("⚠ 1 of these URLs is already in an open case to acme-hosting: N-2026-0001.");
    // AMBER+STRICT between nl-iru and acme-hosting: ahmed's organisation is no party, so it is counted, not named.
    await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/strict", " --tlp AMBER+STRICT"));
    await h.drain();
    const strict = await h.ok("ahmed.elamrani", NOTICE("https://acme-hosting.example/strict"));
    expect(strict).toContain("⚠ 1 of these URLs is already in an open case to acme-hosting that you may not see; its parties will see both.");
    expect(strict).not.toContain("N-2026-0003");
  });

  test("a TLP:RED case the asker may not see leaves no trace: no refusal, no warning, nothing in the record of the new case", async () => {
    const h = harness();
    await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/red", " --tlp RED"));
    await h.drain();
    // A colleague, not named on it, and someone of another organisation: answered as if there were no such case.
    // (Each withdrawn again at once, so that the next asker's answer is about the TLP:RED case alone.)
    const control = await h.ok("pieter.bakker", NOTICE("https://acme-hosting.example/nothing-here"));
    const colleague = await h.ok("pieter.bakker", NOTICE("https://acme-hosting.example/red"));
    await h.ok("pieter.bakker", "/case withdraw N-2026-0003");
    const other = await h.ok("ahmed.elamrani", NOTICE("https://acme-hosting.example/red"));
    await h.ok("ahmed.elamrani", "/case withdraw N-2026-0004");
    for (const [reply, reference] of [[colleague, "N-2026-0003"], [other, "N-2026-0004"]] as const) {
      expect(reply).not.toMatch(/already|may not see|deliberately|N-2026-0001|⚠/);
      // The same answer as for a URL in no case, but for the reference and the URL.
      expect(reply.replaceAll(reference, "REF").replaceAll("/red", "/x").replace("nl-police-cyber", "nl-iru")).toBe(control.replaceAll("N-2026-0002", "REF").replaceAll("/nothing-here", "/x"));
    }
    const entries = await h.db.auditEntry.findMany({ where: { action: "case.open", subjectId: { in: ["N-2026-0003", "N-2026-0004"] } } });
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry.detail).not.toMatch(/N-2026-0001|again|beside/);
    // The named opener sees it: her own repeat is refused, naming it.
    await h.drain();
    const own = await h.run("sanne.devries", NOTICE("https://acme-hosting.example/red"));
    expect(own.failure).toBe("duplicate");
    expect(own.message.text).toContain("• N-2026-0001, open since");
    // The refused command's record names the TLP:RED case in its reason: its free text is sealed under that case.
    const refusedEntry = await h.db.auditEntry.findFirstOrThrow({ where: { action: "command", result: "refused:duplicate" } });
    expect(refusedEntry.detail).not.toMatch(/N-2026-0001|\/red|open since/);
    expect(JSON.parse(refusedEntry.detail)).toMatchObject({ sealed: { case: (await h.caseRow("N-2026-0001")).id } });
    // With --again, her reply names it; the record of the new (not RED) case keeps the flag but not the RED reference.
    const seq = await h.auditSeq();
    const again = await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/red", " --again"));
    expect(again).toContain("Opened deliberately beside N-2026-0001");
    const record = (await h.auditAfter(seq)).find((entry) => entry.action === "case.open");
    expect(JSON.parse(record?.detail ?? "{}")).toMatchObject({ again: true, beside: [] });
    expect(record?.detail).not.toContain("N-2026-0001");
  });

  test("legal orders and urgent kinds are never held back: a removal order, an Art. 9 order, an ATKM order and a threat to life open and warn", async () => {
    const h = harness();
    await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/v/1"));
    await h.drain();
    const removal = await h.ok("sanne.devries", REMOVAL("https://acme-hosting.example/v/1"));
    expect(removal).toContain("Opened R-2026-0001");
    expect(removal).toContain("⚠ 1 of these URLs is already in an open case to acme-hosting: N-2026-0001.");
    await h.drain();
    // A second removal order of the same authority to the same URL: opens too, naming both open cases.
    const second = await h.ok("sanne.devries", REMOVAL("https://acme-hosting.example/v/1"));
    expect(second).toContain("Opened R-2026-0002");
    expect(second).toContain("⚠ 1 of these URLs is already in an open case to acme-hosting: N-2026-0001, R-2026-0001.");
    const threat = await h.ok("sanne.devries", '/notice acme-hosting https://acme-hosting.example/v/1 --kind threat-to-life --reason "announces an attack tomorrow"');
    expect(threat).toMatch(/Opened T-2026-0001[\s\S]*⚠ 1 of these URLs is already in an open case/);
    await h.drain();
    const order = await h.ok("ahmed.elamrani", ORDER("https://acme-hosting.example/v/1"));
    expect(order).toMatch(/Issued A-2026-0001[\s\S]*⚠ 1 of these URLs is already in an open case to acme-hosting: N-2026-0001/);
    await h.drain();
    expect(await h.ok("ahmed.elamrani", ORDER("https://acme-hosting.example/v/1"))).toMatch(/Issued A-2026-0002[\s\S]*⚠/);
    expect(await h.ok("iris.kok", "/order acme-hosting https://acme-hosting.example/v/1 --kind atkm-order --term 1h")).toMatch(/Issued K-2026-0001[\s\S]*⚠/);
    // The rule beside the code holds for every kind: only the ordinary notices are refused.
    expect(CASE_KINDS.filter((kind) => DUPLICATE_RULES[kind] === "refuse")).toEqual(["notice", "csam-notice"]);
  });

  test("a CSAM notice repeating the hotline's open one is refused the same way; --again opens it", async () => {
    const h = harness();
    const csam = (extra = "") => `/notice acme-hosting https://acme-hosting.example/img/9 --kind csam-notice${extra}`;
    await h.ok("noor.dekker", csam());
    await h.drain();
    const refused = await h.run("noor.dekker", csam());
    expect(refused.failure).toBe("duplicate");
    expect(refused.message.text).toContain("a URL of this CSAM notice (EOKM) is already in an open case of your organisation");
    expect(refused.message.text).toContain("• C-2026-0001, open since");
    expect(await h.ok("noor.dekker", csam(" --again"))).toContain("Opened deliberately beside C-2026-0001");
  });

  test("hostile URLs: a 100,000-character line is refused by the line cap before anything is read; control and bidi characters never reach the answer", async () => {
    const h = harness();
    const before = await snapshot(h);
    const huge = await h.run("sanne.devries", NOTICE(`https://acme-hosting.example/${"a".repeat(100_000)}`));
    expect(huge.failure).toBe("bad-arguments");
    expect(huge.message.text).toContain(`at most ${MAX_COMMAND_LINE_CHARS.toLocaleString("en")}`);
    expect(await snapshot(h)).toEqual(before);
    // A long URL under the line cap, and one with bidi and control characters: the repeat is refused, the URL shown
    // normalised (percent-encoded) and cut, never as written.
    const long = `https://acme-hosting.example/${"b".repeat(5_000)}`;
    await h.ok("sanne.devries", NOTICE(long));
    const bidi = "https://acme-hosting.example/v/\u202Egnp.exe\u2066x\u0007";
    await h.ok("sanne.devries", NOTICE(bidi));
    await h.drain();
    const longAgain = await h.run("pieter.bakker", NOTICE(long));
    expect(longAgain.failure).toBe("duplicate");
    expect(longAgain.message.text.length).toBeLessThan(1_000);
    expect(longAgain.message.text).toContain("…");
    const bidiAgain = await h.run("pieter.bakker", `/notice acme-hosting ${bidi} --reason "<@U123> <!channel> <@&42> @everyone @room ‮evil"`);
    expect(bidiAgain.failure).toBe("duplicate");
    expect(bidiAgain.message.text).toContain("N-2026-0002");
    expect(bidiAgain.message.text).not.toMatch(UNSAFE);
  });

  test("the check reads the URL index, not every open case of the recipient: 2,000 open cases cost the rows that hold the URL", async () => {
    const h = harness();
    await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/needle"));
    await h.ok("sanne.devries", NOTICE("https://acme-hosting.example/red-needle", " --tlp RED"));
    const { id: _id, reference: _reference, ...row } = await h.caseRow("N-2026-0001");
    for (let start = 0; start < 2_000; start += 500) {
      const batch = Array.from({ length: 500 }, (_, offset) => start + offset);
      await h.db.case.createMany({ data: batch.map((index) => ({ ...row, id: `copy-${String(index).padStart(5, "0")}`, reference: `N-2026-${String(5000 + index).padStart(5, "0")}`, fields: JSON.stringify({ urls: [`https://acme-hosting.example/hay/${index}`], reason: "incites violence" }) })) });
      await h.db.caseUrl.createMany({ data: batch.map((index) => ({ urlKey: `https://acme-hosting.example/hay/${index}`, caseId: `copy-${String(index).padStart(5, "0")}`, recipientOrgId: row.recipientOrgId })) });
    }
    const sanne = (await h.actor("sanne.devries")).contact!;
    const counting = countingCases(h.db);
    const found = await openDuplicates(counting.db, sanne, row.recipientOrgId, ["https://acme-hosting.example/needle", "https://acme-hosting.example/red-needle"]);
    expect(found?.visible.map((duplicate) => duplicate.reference)).toEqual(["N-2026-0001", "N-2026-0002"]);
    // The indexed case, and the one TLP:RED case she is named on: not the 2,000 others.
    expect(counting.rows()).toBe(2);
    // A colleague not named on the RED case reads only the indexed one, and is told nothing of the other.
    const pieter = (await h.actor("pieter.bakker")).contact!;
    const seenByPieter = await openDuplicates(countingCases(h.db).db, pieter, row.recipientOrgId, ["https://acme-hosting.example/red-needle"]);
    expect(seenByPieter).toBeUndefined();
  });

  test("merging is by the normalised form and keeps the first as written; text that is not a URL is left to validation", () => {
    expect(mergeUrls(["https://a.example/x?q=1", "https://A.EXAMPLE/x?q=1#f", "https://a.example/x?q=2", "not a url", "not a url"])).toEqual({
      urls: ["https://a.example/x?q=1", "https://a.example/x?q=2", "not a url"],
      merged: 2,
    });
    const many = Array.from({ length: 10_000 }, (_, index) => `https://a.example/${index % 50}`);
    const started = performance.now();
    expect(mergeUrls(many).urls).toHaveLength(50);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("/order merges repeated URLs and points out open cases the same way, and says so", async () => {
    const h = harness();
    const reply = await h.ok("ahmed.elamrani", ORDER("https://example.test/p/7 HTTPS://Example.test/p/7#x https://example.test/p/8"));
    expect(reply).toContain("1 repeated URL was merged: the order holds 2 URLs.");
    expect(reply).not.toContain("already in an open case");
    expect((JSON.parse((await h.caseRow("A-2026-0001")).fields) as { urls: string[] }).urls).toEqual(["https://example.test/p/7", "https://example.test/p/8"]);
    await h.drain();
    const again = await h.ok("ahmed.elamrani", ORDER("https://example.test/p/8#again"));
    expect(again).toContain("⚠ 1 of these URLs is already in an open case to acme-hosting: A-2026-0001.");
    expect(again).not.toContain("merged");
    // --again on an order only records that it was deliberate: an order is never held back.
    const seq = await h.auditSeq();
    expect(await h.ok("ahmed.elamrani", ORDER("https://example.test/p/8", " --again"))).toContain("Opened deliberately beside A-2026-0001, A-2026-0002 (--again)");
    const record = (await h.auditAfter(seq)).find((entry) => entry.action === "case.open");
    expect(JSON.parse(record?.detail ?? "{}")).toMatchObject({ again: true, beside: ["A-2026-0001", "A-2026-0002"] });
    // A TLP:RED case the issuer is not named on: not a word of it.
    await h.ok("sanne.devries", REMOVAL("https://example.test/red", " --tlp RED"));
    await h.drain();
    const hidden = await h.ok("ahmed.elamrani", ORDER("https://example.test/red"));
    expect(hidden).not.toMatch(/already in an open case|may not see|R-2026-0001/);
    // An Art. 10 order names no URLs: nothing to merge, nothing to point out.
    const info = await h.ok("ahmed.elamrani", '/order chirp-social --kind dsa-info-order --target "@example_user" --data "the e-mail address registered" --basis "Art. 126nc Sv" --reason "identify the author" --redress "complaint (Art. 552a Sv)"');
    expect(info).not.toMatch(/merged|already in an open case/);
  });
});
