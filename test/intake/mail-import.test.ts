// Mail files through the intake core (`liaison intake import <file.eml | file.mbox>`), on SQLite and PostgreSQL:
// every mail of an mbox or .eml goes the mailbox's way (ARF, X-ARF, plain mail; routed, grouped, its bytes kept),
// each mail on its own all or nothing; a refused mail is named by its place and reason and the others are taken in;
// the same file again, or the same mail written with other line endings, adds nothing; what is no mail, too long or
// hostile is refused before parsing or read in bounded time. And the command itself.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import { importMailFile, MailFileImportFault } from "../../src/intake/mail/file-import.js";
import { sha256Hex } from "../../src/intake/mail/mime.js";
import { rawMessage } from "../../src/intake/mail/raw-store.js";
import { MAIL_MAX_BYTES } from "../../src/intake/mail/limits.js";
import { acceptSettingsOf, storeIntakeSink } from "../../src/intake/store-sink.js";
import type { Store } from "../../src/store/db.js";
import { runLiaison } from "../support/cli.js";
import { describeOnProviders, testConfig } from "../support/core.js";
import { freshIntakeStore } from "../support/intake.js";
import { TEST_KEYS } from "../support/keys.js";
import { arfMail, crlf, mboxOf, plainMail, xarfMail, xarfSample } from "../support/mails.js";

const intake = testConfig().config.intake;

/** A plain mail about a URL under acme-hosting.example (the demo directory routes it to Acme Hosting), no Message-ID. */
function phishingMail(path: string, extraHeaders: string[] = []): Buffer {
  return crlf(["From: Jan Jansen <jan@reporter.example>", "To: abuse@hosting.example", "Subject: phishing", "Date: Mon, 30 Nov 2026 09:00:00 +0100", ...extraHeaders, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", "From the look of it, a bank's login page:", `https://login.acme-hosting.example/${path}`, ""]);
}

/** The lines (from 1) of an mbox written by mboxOf where its mails start (every unquoted "From " line). */
function startLines(file: Buffer): number[] {
  return file.toString("latin1").split("\n").flatMap((line, index) => (line.startsWith("From ") ? [index + 1] : []));
}

async function* chunksOf(bytes: Buffer, size = 4096) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describeOnProviders("mail files through the intake core", (provider, test) => {
  const fresh = freshIntakeStore(provider);
  let store: Store;
  let clock: ManualClock;
  const counts = async () => ({ items: await store.db.intakeItem.count(), entries: await store.db.intakeReportEntry.count(), raw: await store.db.intakeRawMessage.count(), received: await store.db.auditEntry.count({ where: { action: "intake.received" } }) });
  const run = (bytes: Buffer, on: Pick<Store, "transaction"> = store, name = "reports.mbox") =>
    importMailFile(chunksOf(bytes), name, { sink: storeIntakeSink(on, clock, TEST_KEYS, acceptSettingsOf(intake)), settings: intake, clock });

  beforeEach(async () => {
    ({ store, clock } = await fresh());
  });

  test("an mbox of ARF, X-ARF and plain mail: each mail becomes routed items, its bytes (as sent, CRLF) kept by SHA-256", async () => {
    const mails = [arfMail(), xarfMail(xarfSample("v4/content-phishing.json")), phishingMail("a")];
    const summary = await run(mboxOf(mails));
    expect(summary).toEqual({ mails: 3, accepted: 3, newReports: 3, duplicateReports: 0, items: 3, refusedCount: 0, refused: [] });
    const entries = await store.db.intakeReportEntry.findMany({ orderBy: { receivedAt: "asc" } });
    expect(entries.map((entry) => entry.format).sort()).toEqual(["arf", "plain-mail", "xarf-v4"]);
    expect(entries.every((entry) => entry.source === "mail" && entry.receivedVia === "file:reports.mbox")).toBe(true);
    // The LF mbox gave back the very bytes that were sent, ">From " quoting undone ("From the look of it").
    for (const mail of mails) expect(await rawMessage(store.db, sha256Hex(mail))).toEqual(mail);
    const acme = await store.db.organisation.findFirstOrThrow({ where: { slug: "acme-hosting" } });
    const plain = await store.db.intakeItem.findFirstOrThrow({ where: { type: intake.mail.plainMail.type, routedToId: acme.id } });
    expect(plain.reportCount).toBe(1);
    expect(await counts()).toEqual({ items: 3, entries: 3, raw: 3, received: 3 });
  });

  test("the same file again adds nothing; the same mail as a CRLF .eml with a byte order mark is a duplicate too", async () => {
    const file = mboxOf([phishingMail("a"), phishingMail("b"), arfMail()]);
    expect(await run(file)).toMatchObject({ mails: 3, newReports: 3, duplicateReports: 0 });
    const after = await counts();
    expect(await run(file)).toMatchObject({ mails: 3, accepted: 3, newReports: 0, duplicateReports: 3, items: 0 });
    // No Message-ID: the mail is known by the SHA-256 of its bytes as sent, whatever the file's line endings.
    expect(await run(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), phishingMail("b")]), store, "b.eml")).toMatchObject({ mails: 1, newReports: 0, duplicateReports: 1 });
    expect(await run(mboxOf([phishingMail("a")], "\r\n"))).toMatchObject({ newReports: 0, duplicateReports: 1 });
    expect(await counts()).toEqual(after);
    // A new mail in a later file is new; the two it repeats are not.
    expect(await run(mboxOf([phishingMail("a"), phishingMail("c")]))).toMatchObject({ mails: 2, newReports: 1, duplicateReports: 1 });
    expect((await counts()).items).toBe(after.items + 1);
    // The same URL in a new mail (another Message-ID) is a new report on the open item of that URL.
    expect(await run(phishingMail("c", ["Message-ID: <again@reporter.example>"]), store, "c.eml")).toMatchObject({ newReports: 1, items: 1 });
    expect(await counts()).toMatchObject({ items: after.items + 1, entries: after.entries + 2 });
  });

  test("a refused mail is named by its place, line and reason (its field), nothing of it is kept, and the others are taken in", async () => {
    const bad = arfMail({ sourceIp: "999.1.1.1", messageId: "arf-bad@mailbox-provider.example" });
    const file = mboxOf([phishingMail("a"), bad, plainMail("Your service is bad."), phishingMail("b")]);
    const summary = await run(file);
    const starts = startLines(file);
    expect(starts).toHaveLength(4);
    expect(summary).toMatchObject({ mails: 4, accepted: 2, newReports: 2, refusedCount: 2 });
    expect(summary.refused).toEqual([
      { position: 2, line: starts[1], code: "arf-invalid", message: "the ARF feedback report is not valid", problems: [expect.objectContaining({ field: "Source-IP" })] },
      { position: 3, line: starts[2], code: "no-target", message: "the mail names no URL, IP address or e-mail address to act on", problems: [] },
    ]);
    expect(await rawMessage(store.db, sha256Hex(bad))).toBeUndefined();
    expect(await counts()).toMatchObject({ entries: 2, raw: 2, received: 2 });
  });

  test("what is no mail, a mail over the cap, and hostile mail: refused before parsing or read in bounded time", async () => {
    const png = Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "latin1"), Buffer.alloc(2000, 7)]);
    const csv = Buffer.from("timestamp,ip,port\n2026-12-01 10:00:00,192.0.2.1,3389\n");
    const noFrom = Buffer.from("Subject: a note\n\nhttps://login.acme-hosting.example/x\n");
    for (const [bytes, reason] of [[png, "NUL bytes"], [csv, "does not start with a header field"], [noFrom, "no From field"], [Buffer.from("From: a@b.example\r\nX: \0\0\r\n\r\nhttp://x.example/"), "NUL"]] as const) {
      const summary = await run(bytes, store, "x.eml");
      expect(summary).toMatchObject({ mails: 1, accepted: 0, refusedCount: 1, refused: [{ position: 1, line: 1, code: "not-a-mail" }] });
      expect(summary.refused[0]!.message).toContain(reason);
    }
    const huge = Buffer.concat([Buffer.from("From: big@reporter.example\r\nSubject: big\r\n\r\nhttps://login.acme-hosting.example/big\r\n"), Buffer.alloc(MAIL_MAX_BYTES, 0x61)]);
    const started = performance.now();
    const summary = await run(mboxOf([huge, phishingMail("after")]));
    expect(summary).toMatchObject({ mails: 2, accepted: 1, refusedCount: 1, refused: [{ position: 1, code: "too-large" }] });
    expect(summary.refused[0]!.message).toContain(`at most ${MAIL_MAX_BYTES}`);
    const long = phishingMail("long", [`X-Long: ${"x".repeat(100_000)}`, `Subject: ${"\u202e<!channel> @everyone ".repeat(5000)}`]);
    expect(await run(long, store, "long.eml")).toMatchObject({ accepted: 1, newReports: 1 });
    expect(performance.now() - started).toBeLessThan(15_000);
    const entry = await store.db.intakeReportEntry.findFirstOrThrow({ where: { receivedVia: "file:long.eml" } });
    expect(JSON.stringify(entry)).not.toContain("\u202e");
    expect(await counts()).toMatchObject({ entries: 2, raw: 2 });
    expect(await run(Buffer.alloc(0), store, "empty.mbox")).toMatchObject({ mails: 0, accepted: 0, refusedCount: 0 });
  });

  test("a database fault stops the import at its mail, with the mails before it committed; the import run again completes it", async () => {
    let calls = 0;
    const flaky: Pick<Store, "transaction"> = {
      transaction: ((...args: Parameters<Store["transaction"]>) => {
        calls += 1;
        if (calls === 2) return Promise.reject(new Error("database unavailable"));
        return store.transaction(...args);
      }) as Store["transaction"],
    };
    const file = mboxOf([phishingMail("a"), phishingMail("b"), phishingMail("c")]);
    const fault = await run(file, flaky).then(() => undefined, (error: unknown) => error);
    expect(fault).toBeInstanceOf(MailFileImportFault);
    expect(fault).toMatchObject({ position: 2, line: startLines(file)[1], summary: { mails: 2, accepted: 1, newReports: 1 } });
    expect(await counts()).toMatchObject({ entries: 1, raw: 1 });
    expect(await run(file)).toMatchObject({ mails: 3, newReports: 2, duplicateReports: 1 });
  });
});

describe("liaison intake import (mail)", () => {
  const dir = mkdtempSync(join(tmpdir(), "liaison-mail-import-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, "liaison.yaml");
  writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(join(dir, "data", "liaison.db"))}\nlog:\n  level: warn\n`);
  const env = { LIAISON_CONFIG: config };

  it("imports an mbox, lists each refused mail with its place and reason, and adds nothing the second time", async () => {
    const path = join(dir, "abuse.mbox");
    const file = mboxOf([phishingMail("a"), arfMail({ sourceIp: "999.1.1.1" }), phishingMail("b")]);
    writeFileSync(path, file);
    const first = await runLiaison(["intake", "import", path], env, "", 90_000);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain(`${path}: mail 2 (line ${startLines(file)[1]}): the ARF feedback report is not valid [arf-invalid]`);
    expect(first.stderr).toMatch(/ {2}Source-IP: /);
    expect(first.stdout).toContain("Read 3 mails from abuse.mbox: 2 taken in (2 new reports in 2 items, 0 already imported), 1 refused.");
    const again = await runLiaison(["intake", "import", path], env, "", 90_000);
    expect(again.stdout).toContain("Read 3 mails from abuse.mbox: 2 taken in (0 new reports in 0 items, 2 already imported), 1 refused.");
    const eml = join(dir, "one.eml");
    writeFileSync(eml, phishingMail("c"));
    const single = await runLiaison(["intake", "import", eml], env, "", 90_000);
    expect(single.code, single.stderr).toBe(0);
    expect(single.stdout).toContain("Read 1 mail from one.eml: 1 taken in (1 new report in 1 item, 0 already imported), 0 refused.");
    const csv = join(dir, "feed.csv");
    writeFileSync(csv, "a,b\n");
    const noFeed = await runLiaison(["intake", "import", csv], env, "", 90_000);
    expect(noFeed.code).toBe(2);
    expect(noFeed.stderr).toContain("--feed <name>");
    const missing = await runLiaison(["intake", "import", join(dir, "nope.mbox")], env, "", 90_000);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file");
  }, 300_000);
});
