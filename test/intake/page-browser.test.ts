// The report page in a real browser: Debian's Chromium, driven by playwright-core, against the page served on a local
// port. A visitor fills it in with the keyboard only and gets the receipt; each language's labels name their fields;
// an error is announced (role alert) above the form and marks its field; a flood from one connection is refused. Skipped, saying so,
// where Chromium is not installed (.ci/run installs it).
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../src/core/clock.js";
import { buildHttpServer } from "../../src/http/server.js";
import { FORM_MIN_FILL_MS } from "../../src/intake/page/submission.js";
import type { Store } from "../../src/store/db.js";
import { testConfig } from "../support/core.js";
import { freshIntakeStore } from "../support/intake.js";
import { TEST_KEYS } from "../support/keys.js";

const CHROMIUM = process.env.LIAISON_CHROMIUM ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available) process.stderr.write(`report page browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set LIAISON_CHROMIUM)\n`);

describe.skipIf(!available)("the report page in Chromium", () => {
  const fresh = freshIntakeStore("sqlite");
  let store: Store;
  let server: FastifyInstance;
  let browser: Browser;
  let base = "";
  /** The server's clock: real time, plus what the test adds to stand for a person taking time to fill the form in. */
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    ({ store } = await fresh());
    const loaded = testConfig();
    server = await buildHttpServer({
      store,
      clock,
      keys: TEST_KEYS,
      http: { ...loaded.config.http, enabled: true },
      intake: { ...loaded.config.intake, pages: [{ path: "csam", organisation: "safeweb-hotline", kind: "csam" }], pageRate: { window: 600_000, perConnection: 3 } },
    });
    await server.listen({ host: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("a visitor fills it in with the keyboard only and gets a receipt with a reference", { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/report/csam?lang=en`);
    // From the top: the three language links, then the address field.
    for (let index = 0; index < 3; index += 1) await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement && document.activeElement.id")).toBe("urls");
    await page.keyboard.type("https://pics.example/album/7");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement && document.activeElement.id")).toBe("what");
    await page.keyboard.type("Photos of a child");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    // The hidden field is skipped: the next stop is the button.
    expect(await page.evaluate("document.activeElement && document.activeElement.tagName")).toBe("BUTTON");
    offsetMs += FORM_MIN_FILL_MS + 500;
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    expect(await page.locator("h1").textContent()).toBe("Thank you: your report was received");
    const entry = await store.db.intakeReportEntry.findFirstOrThrow({ orderBy: { receivedAt: "desc" } });
    expect(await page.locator("main p").first().textContent()).toBe(`Your reference is ${entry.id}. Keep it if you want to ask about your report.`);
    const item = await store.db.intakeItem.findUniqueOrThrow({ where: { id: entry.itemId } });
    const hotline = await store.db.organisation.findFirstOrThrow({ where: { slug: "safeweb-hotline" } });
    expect(item).toMatchObject({ routedToId: hotline.id, type: "csam", tlp: "AMBER" });
    await page.close();
  });

  it("in each language, every field is named by its label; an error is announced at the top and marks its field", { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    for (const [lang, address, submit, problems] of [
      ["en", "Web address(es)", "Send report", "Please correct the following:"],
      ["nl", "Webadres(sen)", "Melding versturen", "Verbeter het volgende:"],
      ["de", "Webadresse(n)", "Meldung senden", "Bitte korrigieren Sie Folgendes:"],
    ] as const) {
      await page.goto(`${base}/report/csam?lang=${lang}`);
      expect(await page.getAttribute("html", "lang")).toBe(lang);
      await page.getByLabel(address).fill("not an address");
      offsetMs += FORM_MIN_FILL_MS + 500;
      await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: submit }).click()]);
      expect(await page.getByRole("alert").locator("h2").textContent()).toBe(problems);
      expect(await page.getByLabel(address).getAttribute("aria-invalid")).toBe("true");
      expect(await page.getByLabel(address).inputValue()).toBe("not an address");
    }
    await page.close();
  });

  it("a flood from one connection is refused with a message saying when to try again", { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    const answers: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      await page.goto(`${base}/report/csam?lang=en`);
      await page.getByLabel("Web address(es)").fill(`https://pics.example/flood/${index}`);
      offsetMs += FORM_MIN_FILL_MS + 500;
      await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Send report" }).click()]);
      answers.push((await page.locator("h1, .errors h2").first().textContent()) ?? "");
    }
    // One send was spent by the first test of this file: three per connection in ten minutes.
    expect(answers.slice(0, 2)).toEqual(["Thank you: your report was received", "Thank you: your report was received"]);
    expect(answers.at(-1)).toBe("Report child sexual abuse material");
    expect(await page.getByRole("alert").textContent()).toMatch(/Too many reports were sent from your connection/);
    await page.close();
  });
});
