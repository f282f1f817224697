// Feed files through the intake core (`liaison intake import <file.csv> --feed <name>`), on SQLite and PostgreSQL:
// a good file becomes routed, grouped items through acceptIntakeReport with its bytes kept once by SHA-256; a file
// with one bad row imports nothing; the same file or the same rows again add nothing. And the command itself.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import { importFeedFile } from "../../src/intake/feed/import.js";
import { sha256Hex } from "../../src/intake/mail/mime.js";
import { rawMessage } from "../../src/intake/mail/raw-store.js";
import { feedSchema, type IntakeSettings } from "../../src/intake/settings.js";
import type { Store } from "../../src/store/db.js";
import { runLiaison } from "../support/cli.js";
import { describeOnProviders, testConfig } from "../support/core.js";
import { freshIntakeStore } from "../support/intake.js";
import { TEST_KEYS } from "../support/keys.js";

const FEED = { name: "rdp", fileNames: ["*.csv"], category: "vulnerability", type: "open_service", columns: { time: "timestamp", ip: "ip", port: "port", domain: "hostname" }, summaryColumns: ["product"] };
const intake = (): IntakeSettings => ({ ...testConfig().config.intake, feeds: [feedSchema.parse(FEED)] });
const HEADER = "timestamp,ip,port,hostname,product";
const row = (minute: number, host = "rdp.acme-hosting.example") => `2026-12-01 10:${String(minute).padStart(2, "0")}:00,,3389,${host},Windows`;

describeOnProviders("feed files through the intake core", (provider, test) => {
  const fresh = freshIntakeStore(provider);
  let store: Store;
  let clock: ManualClock;
  const counts = async () => ({ items: await store.db.intakeItem.count(), entries: await store.db.intakeReportEntry.count(), raw: await store.db.intakeRawMessage.count(), received: await store.db.auditEntry.count({ where: { action: "intake.received" } }) });
  const run = (text: string, feedName = "rdp") => importFeedFile(store, clock, TEST_KEYS, intake(), { feedName, fileName: "2026-12-01-rdp.csv", bytes: Buffer.from(text) });

  beforeEach(async () => {
    ({ store, clock } = await fresh());
  });

  test("a good file becomes routed, grouped items with its bytes kept under their SHA-256", async () => {
    const text = `${HEADER}\n${row(0)}\n${row(1)}\n${row(2, "nowhere.invalid-host.example")}\n`;
    const outcome = await run(text);
    expect(outcome).toMatchObject({ status: "imported", rows: 3, added: 3, duplicates: 0, items: 2, sha256: sha256Hex(Buffer.from(text)) });
    const acme = await store.db.organisation.findFirstOrThrow({ where: { slug: "acme-hosting" } });
    const items = await store.db.intakeItem.findMany({ orderBy: { reference: "asc" } });
    expect(items.map((item) => [item.routedToId, item.reportCount, item.type])).toEqual([[acme.id, 2, "open_service"], [null, 1, "open_service"]]);
    const entries = await store.db.intakeReportEntry.findMany();
    expect(entries.every((entry) => entry.source === "feed" && entry.format === "csv-feed" && entry.receivedVia === "file:2026-12-01-rdp.csv")).toBe(true);
    expect(await rawMessage(store.db, sha256Hex(Buffer.from(text)))).toEqual(Buffer.from(text));
    expect((await counts()).received).toBe(3);
  });

  test("one bad row imports nothing: no item, no entry, no bytes, no record entry", async () => {
    const outcome = await run(`${HEADER}\n${row(0)}\n2026-12-01 10:01:00,,3389,bad_host!,x\n${row(2)}\n`);
    expect(outcome).toEqual({ status: "refused", problems: [{ line: 3, column: "hostname", message: "not a domain name" }], problemCount: 1 });
    expect(await counts()).toEqual({ items: 0, entries: 0, raw: 0, received: 0 });
    expect(await run(`${HEADER}\n${row(0)}\n`, "nope")).toEqual({ status: "unknown-feed", feeds: ["rdp"] });
  });

  test("the same file twice, a duplicate row, and a later file repeating rows add nothing new; the bytes are kept once", async () => {
    const text = `${HEADER}\n${row(0)}\n${row(0)}\n${row(1)}\n`;
    expect(await run(text)).toMatchObject({ rows: 3, added: 2, duplicates: 1 });
    const after = await counts();
    expect(after).toMatchObject({ entries: 2, raw: 1 });
    expect(await run(text)).toMatchObject({ rows: 3, added: 0, duplicates: 3 });
    expect(await counts()).toEqual(after);
    expect(await run(`${HEADER}\r\n${row(1)}\r\n${row(5)}\r\n`)).toMatchObject({ rows: 2, added: 1, duplicates: 1 });
    expect(await counts()).toMatchObject({ entries: 3, raw: 2 });
  });
});

describe("liaison intake import", () => {
  const dir = mkdtempSync(join(tmpdir(), "liaison-intake-import-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, "liaison.yaml");
  writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(join(dir, "data", "liaison.db"))}\nlog:\n  level: warn\nintake:\n  feeds:\n    - ${JSON.stringify(FEED)}\n`);
  const env = { LIAISON_CONFIG: config };

  it("lists every bad row with its line and imports nothing; a good file is imported once; an unknown feed is named", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, `${HEADER}\n${row(0)}\nsoon,,3389,x.example,x\n${row(2)}\n2026-12-01 10:03:00,999.1.1.1,3389,,x\n`);
    const refused = await runLiaison(["intake", "import", bad, "--feed", "rdp"], env, "", 90_000);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain(`${bad}: line 3, column "timestamp": not a time`);
    expect(refused.stderr).toContain(`${bad}: line 5, column "ip": not an IP address`);
    expect(refused.stderr).toContain("2 bad rows; nothing was imported.");
    const good = join(dir, "good.csv");
    writeFileSync(good, `${HEADER}\n${row(0)}\n${row(1)}\n`);
    const imported = await runLiaison(["intake", "import", good, "--feed", "rdp"], env, "", 90_000);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain("Imported 2 rows of good.csv as feed rdp: 2 new reports in 1 item, 0 already imported.");
    const again = await runLiaison(["intake", "import", good, "--feed", "rdp"], env, "", 90_000);
    expect(again.stdout).toContain("0 new reports in 0 items, 2 already imported.");
    const unknown = await runLiaison(["intake", "import", good, "--feed", "shadow"], env, "", 90_000);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no feed "shadow" in intake.feeds; configured: rdp.');
  }, 300_000);
});
