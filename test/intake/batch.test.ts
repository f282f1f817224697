// Reports accepted several at a time, as the intake API commits what arrived while the previous commit ran and as a
// mail or feed file brings several: the same answers, items, timeline, record and cards as one at a time; a resend in
// the batch or of an earlier one is a duplicate; the rate limit admits exactly its ceiling across a batch; a batch
// that cannot commit is taken apart so that each report is stored alone; routing several targets at once routes each
// as alone. On SQLite and PostgreSQL.
import { readFileSync } from "node:fs";
import { beforeEach, expect } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import { buildHttpServer } from "../../src/http/server.js";
import { INTAKE_REPORTS_PATH, parseXarf } from "../../src/http/intake-api.js";
import { acceptIntakeReports, DEFAULT_ACCEPT_SETTINGS, INTAKE_RECEIVED } from "../../src/intake/accept.js";
import { answerApiSubmissions } from "../../src/intake/api-batch.js";
import { intakeReportSchema, type IntakeReport } from "../../src/intake/report.js";
import { routeTarget, routeTargets } from "../../src/intake/routing.js";
import { countAttemptsInWindow } from "../../src/limits/window.js";
import type { Store } from "../../src/store/db.js";
import { inUnitOfWork } from "../../src/work/unit-of-work.js";
import { describeOnProviders, testConfig } from "../support/core.js";
import { freshIntakeStore, intakeToken } from "../support/intake.js";
import { TEST_KEYS } from "../support/keys.js";

const report = (ip: string, id: string, occurredAt = "2026-11-20T09:00:00Z"): IntakeReport =>
  intakeReportSchema.parse({ source: "api", format: "xarf-v4", sourceReportId: id, category: "connection", type: "ddos", target: { ip }, occurredAt: new Date(occurredAt), summary: `ddos from ${ip}` });

/** The official X-ARF v4 DDoS sample, about another address and with a report id of its own. */
const SAMPLE = JSON.parse(readFileSync(new URL("../../../shared/specs/xarf/samples/v4/connection-ddos.json", import.meta.url), "utf8")) as Record<string, unknown>;
const xarf = (ip: string, id = crypto.randomUUID()): string => JSON.stringify({ ...SAMPLE, report_id: id, source_identifier: ip });

describeOnProviders("intake reports in batches", (provider, test) => {
  const fresh = freshIntakeStore(provider);
  let store: Store;
  let clock: ManualClock;
  const loaded = testConfig();

  beforeEach(async () => {
    ({ store, clock } = await fresh());
  });

  test("one batch groups, claims and records as one report at a time would; answers come back in order", async () => {
    const batch = [report("192.0.2.10", "a", "2026-11-20T09:00:00Z"), report("192.0.2.10", "b", "2026-11-20T08:00:00Z"), report("192.0.2.11", "c"), report("192.0.2.10", "a")];
    const answers = await inUnitOfWork(store, clock, TEST_KEYS, (work) => acceptIntakeReports(work, batch.map((one) => ({ report: one, receivedVia: "test" })), DEFAULT_ACCEPT_SETTINGS));
    expect(answers.map((answer) => [answer.duplicate, answer.grouped, answer.reportCount])).toEqual([[false, false, 1], [false, true, 2], [false, false, 1], [true, false, 2]]);
    expect(answers[1]?.reference).toBe(answers[0]?.reference);
    expect(answers[3]?.intakeId).toBe(answers[0]?.intakeId);
    expect(answers[2]?.reference).not.toBe(answers[0]?.reference);
    // References follow the order the items were opened in.
    expect([answers[0]?.reference, answers[2]?.reference]).toEqual(["I-2026-000001", "I-2026-000002"]);
    const item = await store.db.intakeItem.findUniqueOrThrow({ where: { reference: answers[0]?.reference ?? "" } });
    expect(item).toMatchObject({ reportCount: 2, state: "open" });
    expect(item.firstReportedAt.toISOString()).toBe("2026-11-20T08:00:00.000Z");
    expect(item.lastReportedAt.toISOString()).toBe("2026-11-20T09:00:00.000Z");
    expect(await store.db.intakeReportEntry.count()).toBe(3);
    const received = await store.db.auditEntry.findMany({ where: { action: INTAKE_RECEIVED }, orderBy: { seq: "asc" } });
    expect(received.map((entry) => (JSON.parse(entry.detail ?? "{}") as { intakeId: string }).intakeId)).toEqual([answers[0]?.intakeId, answers[1]?.intakeId, answers[2]?.intakeId]);
    // One card per new item, none for the report that joined one.
    expect(await store.db.outboxMessage.count({ where: { streamKey: { startsWith: "intake:" } } })).toBe(2);

    // A later batch: the resend is a duplicate, the new report joins the open item.
    const later = await inUnitOfWork(store, clock, TEST_KEYS, (work) => acceptIntakeReports(work, [{ report: report("192.0.2.10", "b"), receivedVia: "test" }, { report: report("192.0.2.10", "d"), receivedVia: "test" }]));
    expect(later.map((answer) => [answer.duplicate, answer.grouped, answer.reference])).toEqual([[true, false, answers[0]?.reference], [false, true, answers[0]?.reference]]);
    expect(later[0]?.intakeId).toBe(answers[1]?.intakeId);
    expect((await store.db.intakeItem.findUniqueOrThrow({ where: { id: item.id } })).reportCount).toBe(3);
  });

  test("an item keeps the first content hash given, also when a later batch brings it", async () => {
    const hash = (digit: string) => digit.repeat(64);
    const withEvidence = (id: string, sha256?: string): IntakeReport => ({ ...report("192.0.2.60", id), evidence: sha256 ? [{ contentType: "text/plain", description: "", sha256 }] : [] });
    const accept = (one: IntakeReport) => inUnitOfWork(store, clock, TEST_KEYS, (work) => acceptIntakeReports(work, [{ report: one, receivedVia: "test" }]));
    const [first] = await accept(withEvidence("h1"));
    const contentHash = async () => (await store.db.intakeItem.findUniqueOrThrow({ where: { id: first?.itemId ?? "" } })).contentHash;
    expect(await contentHash()).toBeNull();
    await accept(withEvidence("h2", hash("a")));
    expect(await contentHash()).toBe(hash("a"));
    await accept(withEvidence("h3", hash("b")));
    await accept(withEvidence("h4"));
    expect(await contentHash()).toBe(hash("a"));
    expect((await store.db.intakeItem.findUniqueOrThrow({ where: { id: first?.itemId ?? "" } })).reportCount).toBe(4);
  });

  test("the second of two new items of one batch about the same address names the first as already open; the first names nothing", async () => {
    const batch = [report("192.0.2.20", "x"), { ...report("192.0.2.20", "y"), type: "port_scan" }];
    await inUnitOfWork(store, clock, TEST_KEYS, (work) => acceptIntakeReports(work, batch.map((one) => ({ report: one, receivedVia: "test" }))));
    const cards = (await store.db.outboxMessage.findMany({ where: { streamKey: { startsWith: "intake:" } }, orderBy: { seq: "asc" } })).map((row) => row.message);
    expect(cards).toHaveLength(2);
    expect(cards[0]).not.toContain("Already open as");
    expect(cards[1]).toContain("Already open as I-2026-000001");
  });

  test("repeat offenders: reports about the address or the domain are counted, an item about both once, other organisations' not", async () => {
    await store.db.organisation.update({ where: { slug: "acme-hosting" }, data: { repeatThreshold: 2 } });
    const about = (target: Record<string, unknown>, type: string, id: string): IntakeReport =>
      intakeReportSchema.parse({ source: "api", format: "xarf-v4", sourceReportId: id, category: "connection", type, target, occurredAt: new Date("2026-11-20T09:00:00Z"), summary: type });
    const accept = (one: IntakeReport) => inUnitOfWork(store, clock, TEST_KEYS, (work) => acceptIntakeReports(work, [{ report: one, receivedVia: "test" }]));
    await accept(about({ ip: "192.0.2.5", domain: "x.acme-hosting.example" }, "ddos", "1"));
    await accept(about({ domain: "x.acme-hosting.example" }, "port_scan", "2"));
    await accept(about({ ip: "192.0.2.5" }, "scanner", "3"));
    await accept(about({ ip: "192.0.2.6" }, "scanner", "4"));
    await accept(about({ ip: "192.0.2.5", domain: "x.acme-hosting.example" }, "spam", "5"));
    const cards = (await store.db.outboxMessage.findMany({ where: { streamKey: { startsWith: "intake:" } }, orderBy: { seq: "asc" } })).map((row) => row.message);
    expect(cards).toHaveLength(5);
    // Items 1, 2, 3 and the new one: four reports (item 1 is about both and counts once; 192.0.2.6 is another address).
    expect(cards[4]).toContain("Repeat offender: 4 reports about this in 30 days (threshold 2)");
    expect(cards[3]).not.toContain("Repeat offender");
    expect(cards[2]).toContain("Repeat offender: 2 reports about this");
  });

  test("requests posted at once share commits; the rate limit admits exactly its ceiling across them", async () => {
    const { text: token } = await intakeToken(store, clock);
    // The transactions the server opens: fewer than the reports it commits.
    let transactions = 0;
    const counted = new Proxy(store, {
      get: (target, property, receiver) =>
        property === "transaction" ? (...args: Parameters<Store["transaction"]>) => ((transactions += 1), target.transaction(...args)) : Reflect.get(target, property, receiver),
    });
    const app = await buildHttpServer({ store: counted, clock, keys: TEST_KEYS, http: { ...loaded.config.http, enabled: true }, intake: { ...loaded.config.intake, api: { ...loaded.config.intake.api, rate: { window: 60_000, perToken: 8 } } } });
    const post = (body: string, auth = `Bearer ${token}`) => app.inject({ method: "POST", url: INTAKE_REPORTS_PATH, headers: { "content-type": "application/json", authorization: auth }, payload: body });
    const replies = await Promise.all([
      ...Array.from({ length: 12 }, (_, index) => post(xarf(`192.0.2.${30 + (index % 3)}`))),
      post(xarf("192.0.2.40"), "Bearer lia_not-a-token"),
      post("{ not json", `Bearer ${token}`),
    ]);
    const statuses = replies.map((reply) => reply.statusCode);
    expect(statuses.slice(0, 12).filter((status) => status === 202)).toHaveLength(8);
    expect(statuses.slice(0, 12).filter((status) => status === 429)).toHaveLength(4);
    expect(statuses[12]).toBe(401);
    // The malformed body counts against the window too (it was the token's 13th attempt): refused, not parsed.
    expect(statuses[13]).toBe(429);
    expect(await store.db.intakeReportEntry.count()).toBe(8);
    expect(await store.db.intakeItem.count()).toBe(3);
    const items = await store.db.intakeItem.findMany();
    expect(items.reduce((sum, item) => sum + item.reportCount, 0)).toBe(8);
    const window = await store.db.rateWindow.findFirstOrThrow({ where: { key: { startsWith: "intake:token:" } } });
    expect(window).toMatchObject({ count: 8, refused: 5 });
    expect(transactions).toBeGreaterThan(0);
    expect(transactions).toBeLessThan(8);
    await app.close();
  });

  test("a batch that cannot commit is taken apart: each report is then stored alone", async () => {
    const { text: token } = await intakeToken(store, clock);
    let failed = 0;
    // The first transaction fails as a database fault would; the ones after it run.
    const faulty: Pick<Store, "db" | "transaction"> = {
      db: store.db,
      transaction: (work, options) => {
        if (failed === 0) {
          failed += 1;
          return Promise.reject(new Error("disk I/O error"));
        }
        return store.transaction(work, options);
      },
    };
    const rate = { window: 60_000, perToken: 100 };
    const answers = await answerApiSubmissions({ store: faulty, clock, keys: TEST_KEYS, settings: DEFAULT_ACCEPT_SETTINGS, rate, parse: parseXarf }, [
      { tokenText: token, bodyText: xarf("192.0.2.50") },
      { tokenText: token, bodyText: xarf("192.0.2.51") },
      { tokenText: token, bodyText: xarf("192.0.2.52") },
    ]);
    expect(failed).toBe(1);
    expect(answers.map((answer) => answer.kind)).toEqual(["accepted", "accepted", "accepted"]);
    expect(await store.db.intakeReportEntry.count()).toBe(3);
    // A lone report that cannot be stored answers with its failure, and nothing of it is left.
    failed = 0;
    const alone = await answerApiSubmissions({ store: faulty, clock, keys: TEST_KEYS, settings: DEFAULT_ACCEPT_SETTINGS, rate, parse: parseXarf }, [{ tokenText: token, bodyText: xarf("192.0.2.53") }]);
    expect(alone.map((answer) => answer.kind)).toEqual(["failed"]);
    expect(await store.db.intakeReportEntry.count()).toBe(3);
  });

  test("a window counts several attempts at once: the first ones up to the ceiling are admitted", async () => {
    const at = new Date("2026-11-20T10:00:00Z");
    const count = (attempts: number, when = at) => countAttemptsInWindow(store.db, "test:window", when, 60_000, 5, attempts);
    expect(await count(3)).toMatchObject({ admittedCount: 3, admitted: true, count: 3, refused: 0 });
    expect(await count(4)).toMatchObject({ admittedCount: 2, admitted: false, count: 5, refused: 2 });
    expect(await count(1)).toMatchObject({ admittedCount: 0, admitted: false, count: 5, refused: 3 });
    // A new window after the old one ended: at most the ceiling, the rest refused.
    const next = await count(7, new Date(at.getTime() + 60_000));
    expect(next).toMatchObject({ admittedCount: 5, count: 5, refused: 2 });
    expect(next.windowStartAt.toISOString()).toBe("2026-11-20T10:01:00.000Z");
    await expect(count(0)).rejects.toThrow(/at least 1/);
  });

  test("routing several targets at once answers what routing each alone answers", async () => {
    const targets = [
      { ip: "192.0.2.7" }, { url: "http://192.0.2.8/x" }, { url: "https://www.acme-hosting.example/a" }, { domain: "cdn.acme-cdn.example" },
      { ip: "2001:db8:ac3e::9" }, { asn: 64501 }, { domain: "nobody.invalid", ip: "198.18.0.1", asn: 65999 }, { emailAddress: "spam@nowhere.invalid" },
      { url: "https://chirp.example/p", ip: "192.0.2.9" },
    ];
    const together = await store.transaction((tx) => routeTargets(tx, targets));
    const alone = [];
    for (const target of targets) alone.push(await store.transaction((tx) => routeTarget(tx, target)));
    expect(together).toEqual(alone);
    expect(together.filter((route) => route.organisationId === null)).toHaveLength(2);
    expect(together[6]?.reason).toBe("no organisation in the directory is responsible for domain nobody.invalid, address 198.18.0.1, AS65999");
    expect(together[8]?.reason).toMatch(/^domain chirp\.example \(responsibility domain chirp\.example\)$/);
  });
});
