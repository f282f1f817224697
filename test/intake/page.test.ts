// The public report page over HTTP (injected into the Fastify server): the form in each language; a report lands as
// one TLP:AMBER intake item per address with the unit that publishes the page, whatever the address routes to; the
// receipt gives a reference and nothing else; bad and hostile input is named field by field and nothing is stored;
// floods (too fast, stale or forged tokens, the hidden field, too many sends from one connection) are refused; on
// SQLite and PostgreSQL.
import { beforeEach, expect } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import { buildHttpServer } from "../../src/http/server.js";
import { FORM_MIN_FILL_MS, HONEYPOT_FIELD } from "../../src/intake/page/submission.js";
import type { Store } from "../../src/store/db.js";
import { describeOnProviders, testConfig } from "../support/core.js";
import { freshIntakeStore } from "../support/intake.js";
import { TEST_KEYS } from "../support/keys.js";

const PATH = "/report/terrorist-content";

describeOnProviders("report page", (provider, test) => {
  const fresh = freshIntakeStore(provider);
  let store: Store;
  let clock: ManualClock;
  const loaded = testConfig();
  const server = async (perConnection = 100) =>
    buildHttpServer({
      store,
      clock,
      keys: TEST_KEYS,
      http: { ...loaded.config.http, enabled: true },
      intake: { ...loaded.config.intake, pages: [{ path: "terrorist-content", organisation: "nl-iru", kind: "terrorist-content" }], pageRate: { window: 600_000, perConnection } },
    });
  type App = Awaited<ReturnType<typeof server>>;
  const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const form = async (app: App, lang = "en") => {
    const answer = await app.inject({ method: "GET", url: `${PATH}?lang=${lang}` });
    return { answer, token: tokenOf(answer.body) };
  };
  const send = async (app: App, fields: Record<string, string>, lang = "en", remoteAddress = "203.0.113.9") =>
    app.inject({ method: "POST", url: `${PATH}?lang=${lang}`, remoteAddress, headers: { "content-type": "application/x-www-form-urlencoded" }, payload: new URLSearchParams(fields).toString() });
  const counts = async () => ({ items: await store.db.intakeItem.count(), reports: await store.db.intakeReportEntry.count() });

  beforeEach(async () => {
    ({ store, clock } = await fresh());
  });

  test("serves the form in English, Dutch and German, with nothing from elsewhere", async () => {
    const app = await server();
    for (const [lang, title] of [["en", "Report terrorist content"], ["nl", "Terroristische inhoud melden"], ["de", "Terroristische Inhalte melden"]] as const) {
      const { answer } = await form(app, lang);
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toContain(`<html lang="${lang}">`);
      expect(answer.body).toContain(`<h1>${title}</h1>`);
      expect(answer.headers["content-security-policy"]).toContain("default-src 'none'");
      expect(answer.body).not.toMatch(/<script|src="http|href="http/);
      expect(answer.body).toMatch(/<label for="urls">/);
    }
    // The browser's language when ?lang= names none.
    const dutch = await app.inject({ method: "GET", url: PATH, headers: { "accept-language": "fr-FR, nl;q=0.8, en;q=0.5" } });
    expect(dutch.body).toContain('<html lang="nl">');
    expect((await app.inject({ method: "GET", url: "/report/nosuch" })).statusCode).toBe(404);
  });

  test("a report lands with the publishing unit, one TLP:AMBER item per address, and the visitor sees only a reference", async () => {
    const app = await server();
    const { token } = await form(app);
    clock.advance(FORM_MIN_FILL_MS + 1000);
    // acme-hosting.example routes to ACME by the directory; the page's unit receives it all the same.
    const answer = await send(app, { token, urls: "https://video.acme-hosting.example/v/1\nhttps://chirp.example/p/2\nhttps://video.acme-hosting.example/v/1", what: "Beheading video with a call to attack", name: "Sam", email: "sam@example.org" });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain("Thank you: your report was received");
    const entries = await store.db.intakeReportEntry.findMany({ orderBy: { receivedAt: "asc" } });
    expect(entries).toHaveLength(2);
    expect(answer.body).toContain(`Your reference is ${entries[0]?.id}.`);
    // Nothing else: not the item, its grouping or its routing.
    expect(answer.body).not.toMatch(/I-\d{4}-|nl-iru|Internet Referral|acme/i);
    const iru = await store.db.organisation.findFirstOrThrow({ where: { slug: "nl-iru" } });
    const items = await store.db.intakeItem.findMany();
    expect(items.map((item) => [item.routedToId, item.tlp, item.type])).toEqual([[iru.id, "AMBER", "terrorist-content"], [iru.id, "AMBER", "terrorist-content"]]);
    const stored = JSON.parse(entries[0]?.report ?? "{}") as { reporter?: unknown; language?: string; source?: string };
    expect(stored).toMatchObject({ source: "page", language: "en", reporter: { name: "Sam", contactEmail: "sam@example.org" } });
    expect(entries[0]?.receivedVia).toBe("page:terrorist-content");
  });

  test("names each wrong field in the visitor's language, keeps what they typed, and stores nothing", async () => {
    const app = await server();
    const { token } = await form(app, "de");
    clock.advance(FORM_MIN_FILL_MS + 1000);
    const answer = await send(app, { token, urls: "not an address\nhttps://ok.example/a\njavascript:alert(1)", what: "x".repeat(100_000), name: "Ann\u202Eevil", email: "nope" }, "de");
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toContain("Bitte korrigieren Sie Folgendes:");
    expect(answer.body).toContain("Zeile 1 ist keine Webadresse");
    expect(answer.body).toContain("Zeile 3 ist keine Webadresse");
    expect(answer.body).toContain("Die Beschreibung darf höchstens 2000 Zeichen lang sein.");
    expect(answer.body).toContain("Name enthält ein unsichtbares oder Steuerzeichen");
    expect(answer.body).toContain("Die E-Mail-Adresse ist ungültig");
    expect(answer.body).toContain('aria-invalid="true"');
    expect(answer.body).toContain("https://ok.example/a");
    // The reordering character reaches the page only as a visible marker, and markup stays text.
    expect(answer.body).not.toContain("\u202E");
    expect(await counts()).toEqual({ items: 0, reports: 0 });
    const markup = await send(app, { token: tokenOf(answer.body), urls: '"><script>alert(1)</script>' }, "en");
    expect(markup.body).not.toContain("<script>alert(1)</script>");
    expect(markup.body).toContain("&#34;&#62;&#60;script&#62;");
  });

  test("refuses a form sent back too quickly, a stale or forged token, and the hidden field robots fill in", async () => {
    const app = await server();
    const { token } = await form(app, "nl");
    const fields = { urls: "https://chirp.example/p/9" };
    const fast = await send(app, { ...fields, token }, "nl");
    expect(fast.statusCode).toBe(400);
    expect(fast.body).toContain("Het formulier werd te snel verstuurd");
    clock.advance(3_600_000 + 10_000);
    const stale = await send(app, { ...fields, token }, "nl");
    expect(stale.body).toContain("Het formulier stond te lang open");
    const forged = await send(app, { ...fields, token: `${clock.now().getTime() - 60_000}.${"A".repeat(43)}` }, "nl");
    expect(forged.statusCode).toBe(400);
    const fresh = await form(app, "nl");
    clock.advance(FORM_MIN_FILL_MS + 1000);
    const robot = await send(app, { ...fields, token: fresh.token, [HONEYPOT_FIELD]: "http://spam.example" }, "nl");
    expect(robot.statusCode).toBe(400);
    expect(await counts()).toEqual({ items: 0, reports: 0 });
  });

  test("a flood from one connection is refused past the limit; another connection is not affected", async () => {
    const app = await server(3);
    const sendOne = async (address: string, index: number) => {
      const { token } = await form(app);
      clock.advance(FORM_MIN_FILL_MS + 100);
      return send(app, { token, urls: `https://chirp.example/p/${index}` }, "en", address);
    };
    const statuses = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await sendOne("198.51.100.7", index)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await sendOne("198.51.100.7", 9);
    expect(limited.body).toMatch(/Too many reports were sent from your connection\. Please try again in \d+ minutes?\./);
    expect(limited.headers["retry-after"]).toBeDefined();
    expect((await sendOne("192.0.2.55", 10)).statusCode).toBe(200);
    expect(await counts()).toEqual({ items: 4, reports: 4 });
    // The connection's address is not stored, only a keyed hash of it.
    const windows = await store.db.rateWindow.findMany({ where: { key: { startsWith: "page:" } } });
    expect(windows.length).toBe(2);
    expect(windows.every((row) => !row.key.includes("198.51.100.7") && !row.key.includes("192.0.2.55"))).toBe(true);
  });
});
