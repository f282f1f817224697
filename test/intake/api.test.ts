// The intake API over HTTP (injected into the Fastify server, no socket): every official X-ARF v4 and v3 sample is
// accepted and routed; broken variants are refused with each field named and nothing stored; a resend is idempotent;
// tokens are checked and revocable; the rate limit per token holds; on SQLite and PostgreSQL.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, expect } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import { parseCidr } from "../../src/directory/model.js";
import { newId } from "../../src/core/ids.js";
import { buildHttpServer } from "../../src/http/server.js";
import { INTAKE_REPORTS_PATH } from "../../src/http/intake-api.js";
import { revokeIntakeToken } from "../../src/intake/tokens.js";
import type { Store } from "../../src/store/db.js";
import { inUnitOfWork } from "../../src/work/unit-of-work.js";
import { describeOnProviders, testConfig } from "../support/core.js";
import { freshIntakeStore, intakeToken } from "../support/intake.js";
import { TEST_KEYS } from "../support/keys.js";

const SPECS = new URL("../../../shared/specs/xarf/", import.meta.url).pathname;
const samples = (version: string): { name: string; text: string }[] =>
  readdirSync(join(SPECS, "samples", version))
    .filter((name) => name.endsWith(".json"))
    .map((name) => ({ name, text: readFileSync(join(SPECS, "samples", version, name), "utf8") }));
const V4 = samples("v4");
const V3 = samples("v3");
const phishing = (): Record<string, unknown> => JSON.parse(V4.find((sample) => sample.name === "content-phishing.json")?.text ?? "{}") as Record<string, unknown>;

/** Responsibilities for every range and domain the samples use, so that each routes somewhere. */
async function addResponsibilities(store: Store): Promise<void> {
  const org = await store.db.organisation.findFirstOrThrow({ where: { slug: "chirp-social" } });
  for (const range of ["198.51.100.0/24", "203.0.113.0/24", "172.16.0.0/12", "192.168.0.0/16", "10.0.0.0/8"]) {
    const cidr = parseCidr(range);
    if (!cidr) throw new Error(range);
    await store.db.responsibility.create({ data: { id: newId(), organisationId: org.id, type: "ip", value: range, rangeStart: cidr.start, rangeEnd: cidr.end } });
  }
  for (const domain of ["example.com", "example.net", "example.org", "bulk-sender.example", "malicious-example.net"]) {
    await store.db.responsibility.create({ data: { id: newId(), organisationId: org.id, type: "domain", value: domain, rangeStart: domain, rangeEnd: domain } });
  }
}

describeOnProviders("intake API", (provider, test) => {
  const fresh = freshIntakeStore(provider);
  let store: Store;
  let clock: ManualClock;
  let token: string;
  let tokenId: string;
  const loaded = testConfig();
  const server = async (perToken = 10_000) =>
    buildHttpServer({ store, clock, keys: TEST_KEYS, http: { ...loaded.config.http, enabled: true }, intake: { ...loaded.config.intake, api: { ...loaded.config.intake.api, rate: { window: 60_000, perToken } } } });
  const post = async (app: Awaited<ReturnType<typeof server>>, body: string, auth = `Bearer ${token}`) =>
    app.inject({ method: "POST", url: INTAKE_REPORTS_PATH, headers: { "content-type": "application/json", authorization: auth }, payload: body });
  const counts = async () => ({ items: await store.db.intakeItem.count(), reports: await store.db.intakeReportEntry.count() });

  beforeEach(async () => {
    ({ store, clock } = await fresh());
    await addResponsibilities(store);
    ({ text: token, id: tokenId } = await intakeToken(store, clock));
  });

  test("health answers ok with the database", async () => {
    const app = await server();
    const reply = await app.inject({ method: "GET", url: "/healthz" });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({ status: "ok" });
  });

  test("every official v4 and v3 sample is accepted, committed and routed", async () => {
    const app = await server();
    expect(V4.length).toBe(32);
    expect(V3.length).toBe(4);
    for (const sample of [...V4, ...V3]) {
      const reply = await post(app, sample.text);
      expect(reply.statusCode, `${sample.name}: ${reply.body}`).toBe(202);
      const body = reply.json<{ intakeId: string; routed: boolean; reason: string }>();
      expect(body.routed, `${sample.name}: ${body.reason}`).toBe(true);
      const entry = await store.db.intakeReportEntry.findUniqueOrThrow({ where: { id: body.intakeId }, include: { item: true } });
      expect(entry.item.routedToId).not.toBeNull();
      expect(entry.reportingOrganisationId).not.toBeNull();
    }
    expect((await counts()).reports).toBe(36);
    const records = await store.db.auditEntry.count({ where: { action: "intake.received" } });
    expect(records).toBe(36);
  });

  test("routing: the phishing sample's URL host goes to the domain's organisation; an address in 192.0.2.0/24 to acme-hosting", async () => {
    const app = await server();
    const report = { ...phishing(), url: "http://login.acme-hosting.example/x", source_identifier: "192.0.2.9" };
    const reply = await post(app, JSON.stringify(report));
    const item = await store.db.intakeItem.findFirstOrThrow({ where: { reference: reply.json<{ item: string }>().item } });
    const acme = await store.db.organisation.findFirstOrThrow({ where: { slug: "acme-hosting" } });
    expect(item.routedToId).toBe(acme.id);
    expect(item.routeReason).toContain("domain login.acme-hosting.example");
    const byAddress = await post(app, JSON.stringify({ ...phishing(), report_id: "0b8f1c52-3f6a-4a43-9d0e-1c2b3a4d5e6f", url: "http://192.0.2.77/p" }));
    const second = await store.db.intakeItem.findFirstOrThrow({ where: { reference: byAddress.json<{ item: string }>().item } });
    expect(second.routedToId).toBe(acme.id);
    expect(second.routeReason).toContain("192.0.2.0/24");
  });

  test("what routes nowhere goes to the coordinators' intake, with the reason", async () => {
    const app = await server();
    const reply = await post(app, JSON.stringify({ ...phishing(), url: "https://nobody.invalid/x", source_identifier: "100.64.0.1" }));
    expect(reply.statusCode).toBe(202);
    expect(reply.json()).toMatchObject({ routed: false });
    expect(reply.json<{ reason: string }>().reason).toMatch(/no organisation .* responsible for domain nobody\.invalid, address 100\.64\.0\.1/);
  });

  test("a resend of the same report is idempotent: same intake id, nothing new stored", async () => {
    const app = await server();
    const first = await post(app, V4[0]?.text ?? "");
    const before = await counts();
    const again = await post(app, V4[0]?.text ?? "");
    expect(again.statusCode).toBe(200);
    expect(again.json<{ intakeId: string; duplicate: boolean }>()).toMatchObject({ intakeId: first.json<{ intakeId: string }>().intakeId, duplicate: true });
    expect(await counts()).toEqual(before);
    // v3 has no report id: the body's hash stands for it.
    const v3 = V3[0]?.text ?? "";
    const a = await post(app, v3);
    const b = await post(app, v3);
    expect([a.statusCode, b.statusCode]).toEqual([202, 200]);
  });

  test("same type and target: one item with a count; the card of a second item says what is already open", async () => {
    const app = await server();
    const base = phishing();
    await post(app, JSON.stringify(base));
    const second = await post(app, JSON.stringify({ ...base, report_id: "7d9f2b1e-5c4a-4b3d-8e2f-1a0b9c8d7e6f", url: "HTTP://Secure-Banking-Login.example.com:80/auth#frag" }));
    expect(second.json()).toMatchObject({ grouped: true, reports: 2 });
    expect(await store.db.intakeItem.count()).toBe(1);
    // A malware report about the same URL is another item, and its card names the open phishing item.
    const malware = JSON.parse(V4.find((sample) => sample.name === "content-malware.json")?.text ?? "{}") as Record<string, unknown>;
    const third = await post(app, JSON.stringify({ ...malware, url: "http://secure-banking-login.example.com/auth" }));
    expect(third.json()).toMatchObject({ grouped: false });
    const cards = await store.db.outboxMessage.findMany({ orderBy: { seq: "asc" } });
    expect(cards).toHaveLength(2);
    const first = await store.db.intakeItem.findFirstOrThrow({ where: { type: "phishing" } });
    expect(cards[1]?.message).toContain(`Already open as ${first.reference} (since 2025-01-11 15:15 UTC, by Chirp`);
  });

  test("broken reports: 400, a problem document naming each field, nothing stored", async () => {
    const app = await server();
    const cases: [string, unknown, string[]][] = [
      ["no report_id, bad timestamp", { ...phishing(), report_id: undefined, timestamp: "yesterday" }, ["/report_id", "/timestamp"]],
      ["bad reporter contact, extra key", { ...phishing(), reporter: { org: "x", contact: "not-mail", domain: "ok.example", extra: 1 } }, ["/reporter/contact", "/reporter"]],
      ["unknown category", { ...phishing(), category: "weather" }, ["/category"]],
      ["type not of its category", { ...phishing(), type: "ddos" }, ["/type"]],
      ["content without url", { ...phishing(), url: undefined }, ["/url"]],
      ["ddos from an address needs source_port", { ...JSON.parse(V4.find((s) => s.name === "connection-ddos.json")?.text ?? "{}"), source_port: undefined }, ["/source_port"]],
      ["spam over smtp needs smtp_from", { ...JSON.parse(V4.find((s) => s.name === "messaging-spam.json")?.text ?? "{}"), smtp_from: undefined }, ["/smtp_from"]],
      ["bad evidence hash and version", { ...phishing(), xarf_version: "5.0", evidence: [{ content_type: "text/plain", payload: "aGk=", hash: "crc:1" }] }, ["/xarf_version", "/evidence/0/hash"]],
      ["v3 without date", { ...JSON.parse(V3[0]?.text ?? "{}"), Report: { ReportClass: "x", ReportType: "spam" } }, ["/Report/Date"]],
      ["not JSON", "{oops", [""]],
      ["an array", [], [""]],
      ["a 100,000-character description", { ...phishing(), description: "\u202e".repeat(100_000) }, ["/description"]],
    ];
    for (const [what, body, pointers] of cases) {
      const reply = await post(app, typeof body === "string" ? body : JSON.stringify(body));
      expect(reply.statusCode, what).toBe(400);
      expect(reply.headers["content-type"]).toContain("application/problem+json");
      const problem = reply.json<{ status: number; type: string; errors: { pointer: string }[] }>();
      expect(problem.status).toBe(400);
      expect(problem.errors.map((error) => error.pointer).sort(), what).toEqual([...pointers].sort());
    }
    expect(await counts()).toEqual({ items: 0, reports: 0 });
  });

  test("tokens: none, unknown, revoked and over-long are refused with 401; nothing stored", async () => {
    const app = await server();
    const text = V4[1]?.text ?? "";
    expect((await post(app, text, "")).statusCode).toBe(401);
    expect((await post(app, text, "Bearer lia_unknown")).statusCode).toBe(401);
    expect((await post(app, text, `Bearer lia_${"x".repeat(300)}`)).statusCode).toBe(401);
    const stored = await store.db.intakeToken.findUniqueOrThrow({ where: { id: tokenId } });
    expect(stored.tokenHash).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token.slice(4));
    await inUnitOfWork(store, clock, TEST_KEYS, (work) => revokeIntakeToken(work, { actor: "operator", via: "cli" }, tokenId, "leaked"));
    expect((await post(app, text)).statusCode).toBe(401);
    expect(await counts()).toEqual({ items: 0, reports: 0 });
  });

  test("the rate limit per token: over it 429 with Retry-After; the next window admits again", async () => {
    const app = await server(3);
    for (const sample of V4.slice(0, 3)) expect((await post(app, sample.text)).statusCode).toBe(202);
    const refused = await post(app, V4[3]?.text ?? "");
    expect(refused.statusCode).toBe(429);
    expect(refused.headers["retry-after"]).toBe("60");
    clock.advance(60_001);
    expect((await post(app, V4[3]?.text ?? "")).statusCode).toBe(202);
  });

  test("a body over the size limit is refused with 413", async () => {
    const app = await buildHttpServer({ store, clock, keys: TEST_KEYS, http: loaded.config.http, intake: { ...loaded.config.intake, api: { ...loaded.config.intake.api, maxBodyBytes: 2048 } } });
    const reply = await post(app, JSON.stringify({ ...phishing(), description: "x".repeat(900), padding: "y".repeat(4000) }));
    expect(reply.statusCode).toBe(413);
    expect(await counts()).toEqual({ items: 0, reports: 0 });
  });
});
