// The README's examples run as a test: "A first session" as a scripted console session of the real `liaison start`
// with the demo directory (at today's date and on the tests' fixed clock), and every example of the command reference
// (each command's `examples`, from which `npm run docs` writes it) through the dispatcher: in the reference's order,
// or, for an example that needs a state of its own, on that state, checking what it changed. An answer that is an
// error, or a line not understood, fails.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, vi } from "vitest";
import { commandCatalog } from "../../src/commands/catalog.js";
import type { PlatformIdentity } from "../../src/core/adapter.js";
import { acceptIntakeReportInStore, DEFAULT_ACCEPT_SETTINGS } from "../../src/intake/accept.js";
import { intakeReportSchema } from "../../src/intake/report.js";
import { reserveCounterValues } from "../../src/outbox/counter.js";
import { withAuthorities } from "../eevidence/support.js";
import { deliveryError, describeOnBothDatabases, HOUR, MINUTE, START, type CaseHarness } from "../support/cases.js";
import { runLiaison } from "../support/cli.js";
import { tempDir } from "../support/core.js";
import { TEST_KEYS } from "../support/keys.js";
import { sentLinkCode } from "../support/links.js";
import { seedTcoAdvance } from "../support/tco.js";
import { createTempDatabase } from "../support/postgres.js";

/**
 * Link codes are random; the confirm-link example types "K7QX-M2PA-RT". A code queued here is what the next link
 * request draws (its characters, from the code alphabet); with none queued, codes are random as always.
 */
const linkCodes = vi.hoisted(() => ({ queued: [] as string[] }));
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  const randomInt = ((...args: unknown[]) => {
    if (args.length === 1 && args[0] === alphabet.length && linkCodes.queued.length > 0) return alphabet.indexOf(linkCodes.queued.shift() ?? "");
    return (actual.randomInt as (...rest: unknown[]) => number)(...args);
  }) as typeof actual.randomInt;
  return { ...actual, default: { ...actual, randomInt }, randomInt };
});

/** The next link request sends this code. */
function nextLinkCodeIs(code: string): void {
  linkCodes.queued.push(...code.replace(/-/g, ""));
}

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The lines typed in "A first session" (after the `liaison> ` prompt), in order. */
function firstSessionLines(): string[] {
  const section = README.slice(README.indexOf("### A first session"));
  const block = /```text\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block.split("\n").filter((line) => line.startsWith("liaison> ")).map((line) => line.slice("liaison> ".length));
}

/** The lines "A first session" shows Liaison printing (those without the prompt), in order. */
function firstSessionShown(): string[] {
  const section = README.slice(README.indexOf("### A first session"));
  const block = /```text\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("liaison> "));
}

/**
 * A shown line as a pattern of printed lines: "... " stands for the part of the card left out, and a local time
 * ("2026-11-23 20:58 CET") for whatever time the clock makes it; the rest is as shown.
 */
function shownAs(shown: string): RegExp {
  const escaped = shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = escaped.replace(/\\\.\\\.\\\. /g, "(?:.* )?").replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T/g, "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} CES?T");
  return new RegExp(`^${pattern}$`);
}

/** The preload that starts a `liaison` process's clock at LIAISON_TEST_CLOCK_START. */
const SHIFTED_CLOCK = new URL("../support/shifted-clock.mjs", import.meta.url).href;

/** What the console prints for a refusal or a line it could not use. */
const NOT_UNDERSTOOD = /✗|not understood|Unknown option|There is no command|has no subcommand|Nothing was sent/;

/** Who tries an example the coordinator may not run: an issuing authority, a police officer, a host's admin, a platform, a prosecutor, the ATKM. */
const OTHERS = ["sanne.devries", "ahmed.elamrani", "jan.jansen", "lena.schmidt", "mark.smit", "iris.kok"];

/**
 * What a person does before an example that needs it, as they would type it at the console ("handle: /command"):
 * an organisation's admin asks for changes that wait for a coordinator, so /contacts approve and reject have some;
 * a coordinator records where a provider receives European orders before the first is issued to it.
 */
const BEFORE: Record<string, readonly string[]> = {
  '/eevidence order chirp-social --category subscriber --target "@example_user" --issuer-file "OM 2026/17" --offence "fraud (oplichting)" --provision "Art. 326 Sr" --deliver-to "nl-om-rotterdam"': [
    'demo.coordinator: /eevidence addressee chirp-social --type establishment --member-state DE --languages de,en --name "Chirp Social GmbH, Berlin"',
  ],
  "/contacts approve acme-hosting 10.0.0.0/8": ['jan.jansen: /contacts edit-org acme-hosting --add-ip 10.0.0.0/8,172.16.0.0/12 --hours "mon-fri 10:00-12:00"'],
};

// ---------------------------------------------------------------------------------------------------------------
// Examples that need state of their own: each builds it through the product's own commands and services (an order
// of the right kind, a report in an organisation's intake, a cross-border order, a pending link), runs the example
// exactly as the reference writes it, and checks that it did what the reference says. Each starts from empty case
// tables and the clock at START (Friday 2026-11-20 11:00 in Amsterdam).
// ---------------------------------------------------------------------------------------------------------------

/** The removal order of the examples: from nl-iru to acme-hosting (established in NL, as nl-iru). */
const REMOVAL_TO_ACME = '/notice acme-hosting https://example.test/video/123 --kind removal-order --content-type incitement --redress "objection within 6 weeks, then the court" --reason "terrorist propaganda"';
/** The same to chirp-social, established in Germany: a cross-border order (TCO Art. 4). */
const REMOVAL_TO_CHIRP = '/notice chirp-social https://chirp.example/p/9 --kind removal-order --content-type incitement --redress "objection within 6 weeks, then the court" --reason "terrorist propaganda"';
/** The same to anchor-registrar, established in Belgium, whose competent authority is not in the directory. */
const REMOVAL_TO_ANCHOR = '/notice anchor-registrar https://anchor.example/x --kind removal-order --content-type incitement --redress "objection within 6 weeks, then the court" --reason "terrorist propaganda"';

/** Sets the harness's clock to an instant written with its offset, e.g. "2026-11-20T14:30+01:00". */
const setClock = (h: CaseHarness, instant: string) => h.clock.set(new Date(instant).toISOString());

/** Earlier cases (or intake items) of the year: the next reference gets the number the example names. */
async function earlierOfTheYear(h: CaseHarness, counter: string, count: number): Promise<void> {
  await h.store.transaction((tx) => reserveCounterValues(tx, counter, count));
}

/** A report, as a feed sends it, about an address or URL; accepted as intake does (routed, grouped, recorded). */
async function reported(h: CaseHarness, url: string, ip: string): Promise<string> {
  const report = intakeReportSchema.parse({
    source: "api", format: "xarf-v4", sourceReportId: `report-${url}`, category: "content", type: "phishing",
    target: { url, ip }, occurredAt: new Date(START), reporter: { organisation: "Example CERT" }, summary: "credential phishing page",
    evidence: [{ contentType: "image/png", description: "screenshot", sha256: "a".repeat(64) }],
  });
  const accepted = await acceptIntakeReportInStore(h.store, h.clock, TEST_KEYS, { report, reportingOrganisationId: undefined, receivedVia: "test" }, DEFAULT_ACCEPT_SETTINGS);
  return accepted.reference;
}

/** The TCO timers of a removal order. */
async function tcoRow(h: CaseHarness, reference: string) {
  return h.db.tcoOrder.findUniqueOrThrow({ where: { caseId: (await h.caseRow(reference)).id } });
}

/** What the recipient decided on a case (DSA Art. 17 statement, effect given, host). */
async function decision(h: CaseHarness, reference: string) {
  return h.db.caseDecision.findUniqueOrThrow({ where: { caseId: (await h.caseRow(reference)).id } });
}

/** The European order a case carries. */
async function evidenceRow(h: CaseHarness, reference: string) {
  return h.db.evidenceOrder.findUniqueOrThrow({ where: { caseId: (await h.caseRow(reference)).id } });
}

/** An intake item by its reference. */
async function intakeRow(h: CaseHarness, reference: string) {
  return h.db.intakeItem.findUniqueOrThrow({ where: { reference } });
}

/** de-cert stands in for Germany's competent authority under the TCO Regulation (a coordinator designates it). */
async function germanTcoAuthority(h: CaseHarness, designated: boolean): Promise<void> {
  const org = await h.db.organisation.findUniqueOrThrow({ where: { slug: "de-cert" } });
  const is = org.designations.includes("tco-competent-authority:DE");
  if (designated && !is) await h.ok("demo.coordinator", "/contacts edit-org de-cert --designate tco-competent-authority:DE");
  if (!designated && is) await h.ok("demo.coordinator", "/contacts edit-org de-cert --undesignate tco-competent-authority:DE");
}

/** A chirp-social removal order received at START, de-cert its host authority. */
async function crossBorderOrder(h: CaseHarness): Promise<void> {
  await germanTcoAuthority(h, true);
  await h.ok("sanne.devries", REMOVAL_TO_CHIRP);
  await h.drain();
}

/** One example that needs state: who runs it, what comes before it, and what must hold after it. */
interface Scenario {
  who: string | PlatformIdentity;
  before: (h: CaseHarness) => Promise<void>;
  check: (h: CaseHarness, answer: string) => Promise<void>;
}

/** The examples that need a state of their own, by the example as the reference writes it. */
const SCENARIOS: Record<string, Scenario> = {
  "/case resolve R-2026-0001 --outcome removed --effective-at 2026-11-20T14:05+01:00": {
    who: "jan.jansen",
    before: async (h) => {
      await h.ok("sanne.devries", REMOVAL_TO_ACME);
      await h.drain();
      setClock(h, "2026-11-20T14:30+01:00");
    },
    check: async (h, answer) => {
      expect(answer).toContain("R-2026-0001");
      expect((await h.caseRow("R-2026-0001")).state).toBe("resolved");
      expect((await tcoRow(h, "R-2026-0001")).removedAt?.toISOString()).toBe("2026-11-20T13:05:00.000Z");
    },
  },
  "/case decide A-2026-0001 --outcome effect-given --effect-at 2026-11-20T14:05+01:00": {
    who: "jan.jansen",
    before: async (h) => {
      await h.ok("ahmed.elamrani", '/order acme-hosting https://example.test/p/7 --basis "Art. 54a Sr" --reason "offers counterfeit medicines, Art. 174 Sr" --scope "the Netherlands" --redress "objection within 6 weeks (Awb)" --content-type unsafe-products');
      await h.drain();
      setClock(h, "2026-11-20T14:30+01:00");
    },
    check: async (h, answer) => {
      expect(answer).toContain("A-2026-0001");
      expect((await h.caseRow("A-2026-0001")).state).toBe("resolved");
      expect(await decision(h, "A-2026-0001")).toMatchObject({ outcome: "effect-given", effectAt: new Date("2026-11-20T13:05:00Z") });
    },
  },
  '/case decide N-2026-0001 --outcome removed --ground law --ground-text "Art. 137d Sr: incitement to hatred" --automated-detection': {
    who: "jan.jansen",
    before: async (h) => {
      await h.ok("sanne.devries", '/notice acme-hosting https://example.test/video/123 --reason "incites violence" --basis "Art. 131 Sr"');
      await h.drain();
    },
    check: async (h, answer) => {
      expect(answer).toContain("N-2026-0001");
      expect((await h.caseRow("N-2026-0001")).state).toBe("resolved");
      expect(await decision(h, "N-2026-0001")).toMatchObject({ outcome: "removed", ground: "law", groundText: "Art. 137d Sr: incitement to hatred", automatedDetection: true });
    },
  },
  "/case decide C-2026-0042 --outcome not-hosted-here --host chirp-social": {
    who: "jan.jansen",
    before: async (h) => {
      await earlierOfTheYear(h, "case:C-2026", 41);
      await h.ok("noor.dekker", "/notice acme-hosting https://example.test/img/1 --kind csam-notice");
      await h.drain();
    },
    check: async (h, answer) => {
      expect(answer).toContain("C-2026-0042");
      expect(await decision(h, "C-2026-0042")).toMatchObject({ outcome: "not-hosted-here", host: "chirp-social" });
    },
  },
  "/case received R-2026-0001 --at 2026-11-20T14:05+01:00": {
    who: "sanne.devries",
    before: async (h) => {
      // acme-hosting's channel cannot be reached: the order is served another way.
      h.adapter.failWith = (call) => (call.op === "openThread" && call.title === "R-2026-0001 @ acme-hosting" ? deliveryError("channel_not_found", { permanent: true }) : undefined);
      await h.ok("sanne.devries", REMOVAL_TO_ACME);
      await h.drain();
      expect((await h.caseRow("R-2026-0001")).receivedAt).toBeNull();
      setClock(h, "2026-11-20T14:30+01:00");
    },
    check: async (h, answer) => {
      expect(answer).toContain("R-2026-0001");
      const row = await h.caseRow("R-2026-0001");
      expect(row.receivedAt?.toISOString()).toBe("2026-11-20T13:05:00.000Z");
      // The hour of TCO Art. 3(3) runs from receipt.
      expect(row.resolveDueAt?.toISOString()).toBe("2026-11-20T14:05:00.000Z");
    },
  },
  '/case suspend R-2026-0001 --grounds "data centre outage since 10:40: the storage cluster holding the content is unreachable"': {
    who: "jan.jansen",
    before: async (h) => {
      await h.ok("sanne.devries", REMOVAL_TO_ACME);
      await h.drain();
      h.clock.advance(10 * MINUTE);
    },
    check: async (h, answer) => {
      expect(answer).toContain("R-2026-0001");
      expect((await h.caseRow("R-2026-0001")).state).toBe("suspended");
    },
  },
  "/case resume R-2026-0001": {
    who: "jan.jansen",
    before: async (h) => {
      await h.ok("sanne.devries", REMOVAL_TO_ACME);
      await h.drain();
      h.clock.advance(10 * MINUTE);
      await h.ok("jan.jansen", '/case suspend R-2026-0001 --grounds "data centre outage since 10:40: the storage cluster holding the content is unreachable"');
      h.clock.advance(3 * HOUR);
    },
    check: async (h, answer) => {
      expect(answer).toContain("R-2026-0001");
      const row = await h.caseRow("R-2026-0001");
      expect(row.state).not.toBe("suspended");
      // The deadline runs again in full: one hour from the resumption.
      expect(row.resolveDueAt?.getTime()).toBe(h.clock.now().getTime() + HOUR);
    },
  },
  "/intake open I-2026-000042": {
    who: "demo.coordinator",
    before: async (h) => {
      await earlierOfTheYear(h, "intake-2026", 41);
      expect(await reported(h, "http://192.0.2.50/login", "192.0.2.50")).toBe("I-2026-000042");
    },
    check: async (h, answer) => {
      const item = await intakeRow(h, "I-2026-000042");
      expect(item.state).toBe("opened");
      const opened = await h.db.case.findUniqueOrThrow({ where: { id: item.caseId ?? "" }, include: { threads: true } });
      expect(answer).toContain(opened.reference);
      expect(opened.kind).toBe("notice");
      expect(opened.fields).toContain("http://192.0.2.50/login");
      expect((await h.db.organisation.findUniqueOrThrow({ where: { id: opened.recipientOrgId } })).slug).toBe("acme-hosting");
    },
  },
  '/intake open I-2026-000042 --to acme-hosting --basis "Art. 240b Sr"': {
    who: "demo.coordinator",
    before: async (h) => {
      // An address nothing in the directory is responsible for: the item is in the coordinators' intake.
      await earlierOfTheYear(h, "intake-2026", 41);
      expect(await reported(h, "http://unrouted.invalid/login", "100.64.0.1")).toBe("I-2026-000042");
      expect((await intakeRow(h, "I-2026-000042")).routedToId).toBeNull();
    },
    check: async (h, answer) => {
      const item = await intakeRow(h, "I-2026-000042");
      expect(item.state).toBe("opened");
      const opened = await h.db.case.findUniqueOrThrow({ where: { id: item.caseId ?? "" } });
      expect(answer).toContain(opened.reference);
      expect((await h.db.organisation.findUniqueOrThrow({ where: { id: opened.recipientOrgId } })).slug).toBe("acme-hosting");
      expect(opened.fields).toContain("Art. 240b Sr");
    },
  },
  "/intake add I-2026-000042 N-2026-0001": {
    who: "jan.jansen",
    before: async (h) => {
      await h.ok("sanne.devries", '/notice acme-hosting https://example.test/video/123 --reason "incites violence" --basis "Art. 131 Sr"');
      await earlierOfTheYear(h, "intake-2026", 41);
      expect(await reported(h, "http://192.0.2.50/login", "192.0.2.50")).toBe("I-2026-000042");
    },
    check: async (h, answer) => {
      expect(answer).toContain("N-2026-0001");
      const item = await intakeRow(h, "I-2026-000042");
      expect([item.state, item.caseId]).toEqual(["added", (await h.caseRow("N-2026-0001")).id]);
    },
  },
  '/intake dismiss I-2026-000042 --reason "already removed by the customer"': {
    who: "jan.jansen",
    before: async (h) => {
      await earlierOfTheYear(h, "intake-2026", 41);
      expect(await reported(h, "http://192.0.2.50/login", "192.0.2.50")).toBe("I-2026-000042");
    },
    check: async (h, answer) => {
      expect(answer).toContain("I-2026-000042");
      expect(await intakeRow(h, "I-2026-000042")).toMatchObject({ state: "dismissed", decidedBy: "jan.jansen", decisionReason: "already removed by the customer" });
    },
  },
  '/intake forward I-2026-000042 anchor-registrar --reason "the domain, not the hosting"': {
    who: "jan.jansen",
    before: async (h) => {
      await earlierOfTheYear(h, "intake-2026", 41);
      expect(await reported(h, "http://192.0.2.50/login", "192.0.2.50")).toBe("I-2026-000042");
    },
    check: async (h, answer) => {
      expect(answer).toContain("anchor-registrar");
      const item = await intakeRow(h, "I-2026-000042");
      expect(item.routedToId).toBe((await h.db.organisation.findUniqueOrThrow({ where: { slug: "anchor-registrar" } })).id);
      // acme-hosting's contacts no longer see it; anchor-registrar's decide it.
      expect((await h.run("jan.jansen", '/intake dismiss I-2026-000042 --reason "gone"')).failure).toBe("not-found");
    },
  },
  "/eevidence validate P-2026-0042": {
    who: "mark.smit",
    before: async (h) => {
      await h.ok("demo.coordinator", '/eevidence addressee chirp-social --type establishment --member-state DE --languages de,en --name "Chirp Social GmbH, Berlin"');
      await earlierOfTheYear(h, "case:P-2026", 41);
      // An emergency order a police authority issued without prior validation (Art. 4(5)).
      await h.ok("ahmed.elamrani", '/eevidence order chirp-social --category subscriber --target "@example_user" --issuer-file "PL 2026/17" --offence "fraud (oplichting)" --provision "Art. 326 Sr" --deliver-to "nl-police-cyber" --emergency "imminent threat to life: a kidnapping in progress"');
      await h.drain();
      expect((await evidenceRow(h, "P-2026-0042")).validation).toBe("ex-post-pending");
      h.clock.advance(2 * HOUR);
    },
    check: async (h, answer) => {
      expect(answer).toContain("P-2026-0042");
      expect((await evidenceRow(h, "P-2026-0042")).validation).toBe("ex-post-validated");
    },
  },
  "/eevidence enforcing P-2026-0042 --decision confirm": {
    who: "klaus.richter",
    before: (h) => notifiedContentOrder(h),
    check: async (h, answer) => {
      expect(answer).toContain("P-2026-0042");
      const row = await evidenceRow(h, "P-2026-0042");
      expect(row.enforcingConfirmedAt?.toISOString()).toBe(h.clock.now().toISOString());
      expect(row.enforcingRefusedAt).toBeNull();
    },
  },
  '/eevidence enforcing P-2026-0042 --decision refuse --ground immunity-or-press --reasons "the data is protected by professional privilege"': {
    who: "klaus.richter",
    before: (h) => notifiedContentOrder(h),
    check: async (h, answer) => {
      expect(answer).toContain("P-2026-0042");
      expect(answer).toContain("Art. 12(1)(a)");
      expect(await evidenceRow(h, "P-2026-0042")).toMatchObject({ enforcingRefusalPoints: "immunity-or-press", enforcingGrounds: "the data is protected by professional privilege", enforcingConfirmedAt: null });
    },
  },
  '/tco inform anchor-registrar --at "2d ago"': {
    who: "sanne.devries",
    before: async (h) => {
      // No advance information recorded yet: the first removal order to anchor-registrar would be refused.
      await h.db.tcoAdvance.deleteMany({});
      expect((await h.run("sanne.devries", REMOVAL_TO_ANCHOR)).failure).toBe("not-allowed");
    },
    check: async (h, answer) => {
      expect(answer).toContain("✓ Recorded: anchor-registrar was given the information on procedures and deadlines at 2026-11-18 11:00");
      const nlIru = await h.db.organisation.findUniqueOrThrow({ where: { slug: "nl-iru" } });
      const anchor = await h.db.organisation.findUniqueOrThrow({ where: { slug: "anchor-registrar" } });
      const row = await h.db.tcoAdvance.findUniqueOrThrow({ where: { issuerOrgId_providerOrgId: { issuerOrgId: nlIru.id, providerOrgId: anchor.id } } });
      expect(row.informedAt.getTime()).toBe(h.clock.now().getTime() - 2 * 24 * HOUR);
      expect((await h.run("sanne.devries", REMOVAL_TO_ANCHOR)).failure).toBeUndefined();
    },
  },
  "/tco copy R-2026-0001 --to de-bka": {
    who: "sanne.devries",
    before: async (h) => {
      await germanTcoAuthority(h, false);
      await h.ok("sanne.devries", REMOVAL_TO_CHIRP);
      await h.drain();
      expect((await tcoRow(h, "R-2026-0001")).copyAt).toBeNull();
      // The coordinators add Germany's competent authority, after the order was issued.
      if (!(await h.db.organisation.findUnique({ where: { slug: "de-bka" } }))) {
        await h.ok("demo.coordinator", '/contacts add-org de-bka --name "Bundeskriminalamt" --kind lea --country DE --time-zone Europe/Berlin --emergency --channel "console cases"');
        await h.ok("demo.coordinator", '/contacts add hanna.vogel --org de-bka --name "Hanna Vogel" --roles removal-orders:primary --languages de,en');
      }
      await h.ok("demo.coordinator", "/contacts edit-org de-bka --designate tco-competent-authority:DE");
      h.clock.advance(5 * MINUTE);
    },
    check: async (h, answer) => {
      expect(answer).toContain("R-2026-0001");
      const row = await tcoRow(h, "R-2026-0001");
      expect([row.copyMode, row.copyOrgId]).toEqual(["sent", (await h.db.organisation.findUniqueOrThrow({ where: { slug: "de-bka" } })).id]);
      await h.drain();
      expect(h.adapter.directTexts("hanna.vogel").join("\n")).toContain("Copy of removal order R-2026-0001 (TCO Art. 4(1))");
      // Only one competent authority of Germany in what follows: de-bka's designation is withdrawn again.
      await h.ok("demo.coordinator", "/contacts edit-org de-bka --undesignate tco-competent-authority:DE");
    },
  },
  "/tco copy R-2026-0001 --at 2026-11-20T11:05+01:00": {
    who: "sanne.devries",
    before: async (h) => {
      await h.ok("sanne.devries", REMOVAL_TO_ANCHOR);
      await h.drain();
      expect((await tcoRow(h, "R-2026-0001")).copyAt).toBeNull();
      h.clock.advance(30 * MINUTE);
    },
    check: async (h, answer) => {
      expect(answer).toContain("R-2026-0001");
      const row = await tcoRow(h, "R-2026-0001");
      expect([row.copyMode, row.copyAt?.toISOString()]).toEqual(["recorded", "2026-11-20T10:05:00.000Z"]);
    },
  },
  '/tco scrutiny R-2026-0001 --reasons "the video is news reporting, not terrorist content"': {
    who: "lena.schmidt",
    before: async (h) => {
      await crossBorderOrder(h);
      h.clock.advance(20 * HOUR);
    },
    check: async (h, answer) => {
      expect(answer).toContain("R-2026-0001");
      const row = await tcoRow(h, "R-2026-0001");
      expect(row.scrutinyRequest).toBe("the video is news reporting, not terrorist content");
      // The host authority decides within 72 hours of the request (TCO Art. 4(4)).
      expect(row.scrutinyDueAt?.getTime()).toBe(h.clock.now().getTime() + 72 * HOUR);
    },
  },
  '/tco scrutiny-decision R-2026-0001 --infringes no --reasons "the content incites terrorist offences"': {
    who: "jonas.becker",
    before: async (h) => {
      await crossBorderOrder(h);
      h.clock.advance(20 * HOUR);
      await h.ok("lena.schmidt", '/tco scrutiny R-2026-0001 --reasons "the video is news reporting, not terrorist content"');
      h.clock.advance(24 * HOUR);
    },
    check: async (h, answer) => {
      expect(answer).toContain("R-2026-0001");
      expect(await tcoRow(h, "R-2026-0001")).toMatchObject({ scrutinyInfringes: false, scrutinyReasons: "the content incites terrorist offences", scrutinyDecidedAt: h.clock.now() });
      // No infringement: the order stands, and nothing is reinstated.
      expect((await h.run("lena.schmidt", "/tco reinstated R-2026-0001")).failure).toBe("invalid-transition");
    },
  },
  "/tco reinstated R-2026-0001": {
    who: "lena.schmidt",
    before: (h) => infringementFound(h),
    check: async (h, answer) => {
      expect(answer).toContain("R-2026-0001");
      expect((await tcoRow(h, "R-2026-0001")).reinstatedAt?.toISOString()).toBe(h.clock.now().toISOString());
    },
  },
  "/tco reinstated R-2026-0001 --at 2026-11-22T10:00+01:00": {
    who: "lena.schmidt",
    before: (h) => infringementFound(h),
    check: async (h, answer) => {
      expect(answer).toContain("R-2026-0001");
      expect((await tcoRow(h, "R-2026-0001")).reinstatedAt?.toISOString()).toBe("2026-11-22T09:00:00.000Z");
    },
  },
  '/tco preserve-extend R-2026-0001 --until 2027-08-31T23:59+02:00 --reason "judicial review pending at the Rechtbank Den Haag"': {
    who: "sanne.devries",
    before: async (h) => {
      await h.ok("sanne.devries", REMOVAL_TO_ACME);
      await h.drain();
      h.clock.advance(20 * MINUTE);
      await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
      // Six months of preservation from the removal (TCO Art. 6(2)).
      expect((await tcoRow(h, "R-2026-0001")).preservationEndsAt?.toISOString()).toBe("2027-05-20T22:00:00.000Z"); // the end of 20 May in Amsterdam
      h.clock.set("2027-05-01T08:00:00.000Z");
    },
    check: async (h, answer) => {
      expect(answer).toContain("until 2027-08-31 23:59 CEST");
      const row = await tcoRow(h, "R-2026-0001");
      expect(row.preservationEndsAt?.toISOString()).toBe("2027-08-31T21:59:00.000Z");
      expect(row.preservationExtensions).toContain("judicial review pending at the Rechtbank Den Haag");
    },
  },
  "/contacts confirm-link K7QX-M2PA-RT": {
    who: { platform: "matrix", workspace: "police.example", userId: "@lotte:police.example" },
    before: async (h) => {
      nextLinkCodeIs("K7QX-M2PA-RT");
      await h.ok("demo.coordinator", "/contacts link lotte.visser matrix @lotte:police.example");
      expect(linkCodes.queued).toEqual([]);
      // Liaison sent that code to the account being linked.
      expect(await sentLinkCode(h.store, { platform: "matrix", workspace: "police.example", userId: "@lotte:police.example" })).toBe("K7QX-M2PA-RT");
    },
    check: async (h, answer) => {
      expect(answer).toContain("lotte.visser");
      const identity = await h.db.chatIdentity.findFirstOrThrow({ where: { platform: "matrix", userId: "@lotte:police.example" }, include: { contact: true } });
      expect(identity.contact.handle).toBe("lotte.visser");
    },
  },
  "/contacts unlink jan.jansen slack U024BE7LH --workspace T061EG9R6": {
    who: "demo.coordinator",
    before: async (h) => {
      nextLinkCodeIs("K7QX-M2PA-RT");
      await h.ok("demo.coordinator", "/contacts link jan.jansen slack U024BE7LH --workspace T061EG9R6");
      const confirmed = await h.run({ platform: "slack", workspace: "T061EG9R6", userId: "U024BE7LH" }, "/contacts confirm-link K7QX-M2PA-RT");
      expect(confirmed.failure, confirmed.message.text).toBeUndefined();
      expect(await h.db.chatIdentity.count({ where: { platform: "slack", workspace: "T061EG9R6", userId: "U024BE7LH" } })).toBe(1);
    },
    check: async (h, answer) => {
      expect(answer).toContain("Unlinked");
      expect(await h.db.chatIdentity.count({ where: { platform: "slack", workspace: "T061EG9R6", userId: "U024BE7LH" } })).toBe(0);
      expect((await h.run({ platform: "slack", workspace: "T061EG9R6", userId: "U024BE7LH" }, "/whoami")).message.text).toContain("not linked");
    },
  },
};

/** A content order to chirp-social (Germany) from a Dutch judge, notified to Germany's enforcing authority (Art. 8). */
async function notifiedContentOrder(h: CaseHarness): Promise<void> {
  await withAuthorities(h);
  await earlierOfTheYear(h, "case:P-2026", 41);
  await h.ok("ria.smit", '/eevidence order chirp-social --category content --target "@example_user" --issuer-file "RB 2026/9" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-rechtbank" --from 2026-10-01T00:00:00+02:00 --to 2026-11-01T00:00:00+01:00 --enforcing de-justiz');
  await h.drain();
  setClock(h, "2026-11-23T10:00+01:00");
}

/** A cross-border order whose scrutiny found an infringement (TCO Art. 4(7)): the provider reinstates the content. */
async function infringementFound(h: CaseHarness): Promise<void> {
  await crossBorderOrder(h);
  h.clock.advance(20 * HOUR);
  await h.ok("lena.schmidt", '/tco scrutiny R-2026-0001 --reasons "the video is news reporting, not terrorist content"');
  setClock(h, "2026-11-21T18:00+01:00");
  await h.ok("jonas.becker", '/tco scrutiny-decision R-2026-0001 --infringes yes --reasons "journalistic purpose, TCO Art. 1(3)"');
  setClock(h, "2026-11-22T11:00+01:00");
}


describeOnBothDatabases("README examples", (harness, test) => {
  // The first session runs as of today's date, as a person trying it would, and as of the tests' fixed clock, so that
  // a date written into the session (one already past, or still to come) shows on either.
  for (const [when, clockStart] of [["today", undefined], ["on the tests' fixed clock", START]] as const) {
    test(`A first session runs in the console as the README shows it (${when}): every line answered, none refused, each shown line printed`, async () => {
      const h = harness();
      const lines = firstSessionLines();
      expect(lines.length).toBeGreaterThanOrEqual(8);
      const dir = tempDir("liaison-readme-");
      const config = join(dir, "liaison.yaml");
      writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(join(dir, "liaison.db"))}\nlog:\n  level: warn\n`);
      const env: Record<string, string> = { LIAISON_CONFIG: config };
      if (clockStart) Object.assign(env, { NODE_OPTIONS: `--import ${SHIFTED_CLOCK}`, LIAISON_TEST_CLOCK_START: clockStart });
      let drop: (() => Promise<void>) | undefined;
      if (h.provider === "postgresql") {
        const database = await createTempDatabase();
        env.DATABASE_URL = database.url;
        drop = database.drop;
      }
      try {
        const run = await runLiaison(["start"], env, `${lines.join("\n")}\n`, 90_000);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).not.toMatch(NOT_UNDERSTOOD);
        expect(run.stdout).not.toContain("No organisation matches");
        expect(run.stdout).toContain("✓ Recorded: acme-hosting was given the information on procedures and deadlines");
        // Every line the README shows Liaison printing is printed (its times as the clock makes them).
        const printed = run.stdout.split("\n");
        for (const shown of firstSessionShown()) expect(printed.some((line) => shownAs(shown).test(line)), `${shown}\n--- printed:\n${run.stdout}`).toBe(true);
        if (clockStart) expect(run.stdout).toContain("Resolve by: 2026-11-20 12:00 CET (in 1 h)");
        expect(run.stdout).toMatch(/History of R-2026-0001/);
      } finally {
        await drop?.();
      }
    }, 120_000);
  }

  test("every example of the command reference succeeds, in the reference's order, on the demo directory", async () => {
    const h = harness();
    const failed: string[] = [];
    let examples = 0;
    for (const command of commandCatalog) {
      for (const example of command.examples) {
        examples += 1;
        // Run below, each on the state it needs.
        if (example in SCENARIOS) continue;
        for (const line of BEFORE[example] ?? []) {
          const [who, typed] = [line.slice(0, line.indexOf(": ")), line.slice(line.indexOf(": ") + 2)];
          const setup = await h.run(who, typed);
          expect(setup.failure, `${line}: ${setup.message.text}`).toBeUndefined();
          h.clock.advance(5_000);
        }
        let answer = await h.run("demo.coordinator", example);
        for (const other of OTHERS) {
          if (answer.failure !== "not-allowed") break;
          h.clock.advance(5_000);
          answer = await h.run(other, example);
        }
        h.clock.advance(5_000);
        await h.drain();
        const failure = answer.failure ?? (NOT_UNDERSTOOD.test(answer.message.text) ? "not understood" : undefined);
        if (failure) failed.push(`${failure} | ${example} | ${answer.message.text.split("\n")[0]}`);
      }
    }
    expect(examples).toBeGreaterThan(commandCatalog.length);
    // What this test calls "not understood" is what Liaison answers to a typo.
    expect((await h.run("demo.coordinator", "/contacts fnd acme")).message.text).toMatch(NOT_UNDERSTOOD);
    expect((await h.run("demo.coordinator", "/contacts find acme --contry NL")).failure).toBe("bad-arguments");
    // Every example succeeds: a failure of any code (not-found and conflict included) names the example and the answer.
    expect(failed).toEqual([]);
  }, 120_000);
});

describeOnBothDatabases("README examples that need state of their own", (harness, test) => {
  test("each runs as the reference writes it, on the state it needs, and does what the reference says", async () => {
    const h = harness();
    const examples = commandCatalog.flatMap((command) => command.examples);
    expect(Object.keys(SCENARIOS).filter((example) => !examples.includes(example))).toEqual([]);
    const failed: string[] = [];
    for (const [example, scenario] of Object.entries(SCENARIOS)) {
      try {
        await h.reset();
        await seedTcoAdvance(h.db); // what the harness starts with, should a scenario have emptied it
        await scenario.before(h);
        h.clock.advance(5_000);
        const answer = await h.run(scenario.who, example);
        expect(answer.failure, answer.message.text).toBeUndefined();
        expect(answer.message.text).not.toMatch(NOT_UNDERSTOOD);
        await scenario.check(h, answer.message.text);
      } catch (error) {
        failed.push(`${example}\n    ${(error as Error).message.split("\n").slice(0, 4).join("\n    ")}`);
      }
    }
    expect(failed).toEqual([]);
  }, 240_000);
});
