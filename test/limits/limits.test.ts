// Rate limits on commands, relayed messages and case openings, per account and per organisation, with ceilings of
// their own for coordinators and emergencies; counted in the database in each event's transaction, so that two
// Liaison processes sharing it enforce one ceiling. On both databases, with small ceilings and a manual clock.
import { TEST_KEYS } from "../support/keys.js";
import { describe, expect, it } from "vitest";
import { createCore } from "../../src/app/app.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, type LoadedConfig } from "../../src/config/load.js";
import { ManualClock } from "../../src/core/clock.js";
import { RATE_LIMIT_EXCEEDED, waitWords, windowWords } from "../../src/limits/limiter.js";
import type { LimitsSettings } from "../../src/limits/settings.js";
import { silentLogger } from "../../src/log.js";
import { resolveActor } from "../../src/app/inbound.js";
import { openStore } from "../../src/store/db.js";
import { describeOnBothDatabases, HOUR, MINUTE, ROOT, START, tempDir, testConfig, threadTitle, type CaseHarness } from "../support/cases.js";
import { UNLINKED_IDENTITY } from "../support/core.js";

/** Small ceilings, so that each is reached in a few events. */
const LIMITS: LimitsSettings = {
  enabled: true,
  commands: { window: MINUTE, account: 3, coordinator: 6, organisation: 7 },
  readOnlyCommands: { window: MINUTE, account: 5, coordinator: 10, organisation: 100 },
  relays: { window: MINUTE, account: 2, coordinator: 4, organisation: 3 },
  caseOpenings: { window: HOUR, account: 2, coordinator: 4, organisation: 10 },
  emergencyOpenings: { window: HOUR, account: 1, coordinator: 2, organisation: 2 },
};

const withLimits = (loaded: LoadedConfig): LoadedConfig => ({ ...loaded, config: { ...loaded.config, limits: LIMITS } });

/** A command that changes something (it is refused as not found, and still counts as a command). */
const WRITE = "/case ack N-2026-9999";
let noticeSerial = 0;
/** A notice about a URL of its own (a notice repeating an open one of the same organisation is refused as a duplicate). */
const notice = () => `/notice acme-hosting https://example.test/v/${++noticeSerial} --reason "incites violence"`;
const EMERGENCY = '/notice acme-hosting --kind threat-to-life --reason "announces an attack tomorrow"';

/** Runs a line and returns the failure code ("ok" when it succeeded) and the reply. */
async function attempt(h: CaseHarness, who: string, line: string): Promise<{ code: string; text: string }> {
  const answer = await h.run(who, line);
  return { code: answer.failure ?? "ok", text: answer.message.text };
}

/** Runs the functions one after the other. */
async function sequence<T>(runs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (const run of runs) results.push(await run());
  return results;
}

/** The audit entries of limits gone over. */
function floods(h: CaseHarness) {
  return h.db.auditEntry.findMany({ where: { action: RATE_LIMIT_EXCEEDED }, orderBy: { seq: "asc" } });
}

describeOnBothDatabases(
  "rate limits",
  (harness, test) => {
    test("commands per account: the ceiling's next one is refused, saying which limit and when to try again; the window resets with the clock", async () => {
      const h = harness();
      for (let i = 0; i < 3; i += 1) expect((await attempt(h, "sanne.devries", WRITE)).code).toBe("not-found");
      h.clock.advance(20_000);
      const refused = await attempt(h, "sanne.devries", WRITE);
      expect(refused.code).toBe("rate-limited");
      expect(refused.text).toContain("limit of 3 commands per minute for one account");
      // The time is the reader's (the demo's Amsterdam), rounded up to the minute so that "from" is never early.
      expect(refused.text).toMatch(/Try again in 40 s \(from \d{4}-\d{2}-\d{2} 11:01 CET\)/);
      expect(refused.text).not.toContain("UTC");
      expect(refused.text).toContain("limits.commands");
      // Refused attempts do not move the window: it still ends a minute after its first command.
      h.clock.advance(39_000);
      expect((await attempt(h, "sanne.devries", WRITE)).text).toContain("Try again in 1 s");
      h.clock.advance(1_000);
      expect((await attempt(h, "sanne.devries", WRITE)).code).toBe("not-found");
      // Another account is not affected.
      expect((await attempt(h, "ahmed.elamrani", WRITE)).code).toBe("not-found");
    });

    test("look-up commands have a budget of their own, with a looser ceiling", async () => {
      const h = harness();
      for (let i = 0; i < 4; i += 1) await attempt(h, "sanne.devries", WRITE);
      expect((await attempt(h, "sanne.devries", WRITE)).code).toBe("rate-limited");
      for (let i = 0; i < 5; i += 1) expect((await attempt(h, "sanne.devries", "/whoami")).code).toBe("ok");
      const refused = await attempt(h, "sanne.devries", "/help");
      expect(refused.code).toBe("rate-limited");
      expect(refused.text).toContain("5 look-up commands");
    });

    test("a coordinator's account has its own, higher ceiling", async () => {
      const h = harness();
      for (let i = 0; i < 6; i += 1) expect((await attempt(h, "demo.coordinator", WRITE)).code).toBe("not-found");
      const refused = await attempt(h, "demo.coordinator", WRITE);
      expect(refused.code).toBe("rate-limited");
      expect(refused.text).toContain("6 commands per minute for a coordinator's account");
    });

    test("commands per organisation: all its accounts together; one account's refused attempts do not use its budget", async () => {
      const h = harness();
      for (let i = 0; i < 3; i += 1) expect((await attempt(h, "jan.jansen", WRITE)).code).toBe("not-found");
      // Jan's refused attempts count against Jan only.
      for (let i = 0; i < 10; i += 1) expect((await attempt(h, "jan.jansen", WRITE)).code).toBe("rate-limited");
      for (let i = 0; i < 3; i += 1) expect((await attempt(h, "eva.mulder", WRITE)).code).toBe("not-found");
      expect((await attempt(h, "tom.hendriks", WRITE)).code).toBe("not-found");
      const refused = await attempt(h, "tom.hendriks", WRITE);
      expect(refused.code).toBe("rate-limited");
      expect(refused.text).toContain("Your organisation (acme-hosting) has reached its limit of 7 commands per minute, all its accounts together.");
      expect((await attempt(h, "sanne.devries", WRITE)).code).toBe("not-found");
      expect((await floods(h)).map((entry) => `${entry.actor} ${entry.subjectId}`)).toEqual(["jan.jansen commands:account", "tom.hendriks commands:organisation"]);
    });

    test("people who are not linked are limited by their chat account, also for lines that name no command", async () => {
      const h = harness();
      for (let i = 0; i < 3; i += 1) expect((await h.run(UNLINKED_IDENTITY, "/nosuchcommand")).failure).toBe("unknown-command");
      expect((await h.run(UNLINKED_IDENTITY, "/nosuchcommand")).failure).toBe("rate-limited");
      expect((await h.run({ ...UNLINKED_IDENTITY, userId: "U0OTHER" }, "/nosuchcommand")).failure).toBe("unknown-command");
    });

    test("a flood is recorded once per window, not per refused attempt", async () => {
      const h = harness();
      for (let i = 0; i < 3; i += 1) await attempt(h, "sanne.devries", WRITE);
      for (let i = 0; i < 20; i += 1) expect((await attempt(h, "sanne.devries", WRITE)).code).toBe("rate-limited");
      const recorded = await floods(h);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({ actor: "sanne.devries", subjectId: "commands:account", result: "refused:rate-limited" });
      expect(JSON.parse(recorded[0]?.detail ?? "{}")).toMatchObject({ limit: "commands", scope: "account", ceiling: 3, windowMs: MINUTE });
      // The three commands that ran are recorded; the twenty refusals are not, one by one.
      expect(await h.db.auditEntry.count({ where: { action: "command" } })).toBe(3);
      // A new window, gone over again: recorded again, once.
      h.clock.advance(MINUTE);
      for (let i = 0; i < 10; i += 1) await attempt(h, "sanne.devries", WRITE);
      expect(await floods(h)).toHaveLength(2);
    });

    test("the time to try again is in the person's own zone when they have one, named, and never UTC wall time", async () => {
      const h = harness();
      const before = await h.db.contact.findUniqueOrThrow({ where: { handle: "sanne.devries" }, select: { timeZone: true } });
      await h.db.contact.update({ where: { handle: "sanne.devries" }, data: { timeZone: "America/New_York" } });
      try {
        for (let i = 0; i < 3; i += 1) await attempt(h, "sanne.devries", WRITE);
        h.clock.advance(20_500);
        const refused = await attempt(h, "sanne.devries", WRITE);
        expect(refused.code).toBe("rate-limited");
        // 10:01:00 UTC is 05:01 in New York in winter (EST, UTC-5).
        expect(refused.text).toMatch(/Try again in 40 s \(from \d{4}-\d{2}-\d{2} 05:01 EST\)/);
      } finally {
        await h.db.contact.update({ where: { handle: "sanne.devries" }, data: { timeZone: before.timeZone } });
      }
    });

    test("case openings per account: refused before anything is opened; emergencies have a budget of their own", async () => {
      const h = harness();
      expect((await attempt(h, "sanne.devries", notice())).code).toBe("ok");
      h.clock.advance(MINUTE);
      expect((await attempt(h, "sanne.devries", notice())).code).toBe("ok");
      h.clock.advance(MINUTE);
      const refused = await attempt(h, "sanne.devries", notice());
      expect(refused.code).toBe("rate-limited");
      expect(refused.text).toContain("limit of 2 case openings per hour for one account");
      expect(refused.text).toMatch(/Try again in 58 min \(from \d{4}-\d{2}-\d{2} 12:00 CET\)/);
      expect(await h.db.case.count()).toBe(2);
      // An emergency is still possible, once (its own ceiling); the second is refused.
      expect((await attempt(h, "sanne.devries", EMERGENCY)).code).toBe("ok");
      h.clock.advance(MINUTE);
      const emergency = await attempt(h, "sanne.devries", EMERGENCY);
      expect(emergency.code).toBe("rate-limited");
      expect(emergency.text).toContain("1 emergency case openings per hour");
      expect(emergency.text).toContain("emergency contact");
      expect(await h.db.case.count()).toBe(3);
      // The refused /notice is not recorded as a command, only the limit gone over (once each).
      expect((await floods(h)).map((entry) => entry.subjectId)).toEqual(["caseOpenings:account", "emergencyOpenings:account"]);
      expect(await h.db.auditEntry.count({ where: { action: "command", result: { startsWith: "refused" } } })).toBe(0);
      // An hour after the first opening, the window is over.
      h.clock.set(new Date(Date.parse(START) + HOUR));
      expect((await attempt(h, "sanne.devries", notice())).code).toBe("ok");
    });

    test("emergency openings per organisation, and a coordinator's higher ceiling for openings", async () => {
      const h = harness();
      expect((await attempt(h, "jan.jansen", EMERGENCY.replace("acme-hosting", "nl-iru"))).code).toBe("ok");
      expect((await attempt(h, "eva.mulder", EMERGENCY.replace("acme-hosting", "nl-iru"))).code).toBe("ok");
      const refused = await attempt(h, "tom.hendriks", EMERGENCY.replace("acme-hosting", "nl-iru"));
      expect(refused.code).toBe("rate-limited");
      expect(refused.text).toContain("Your organisation (acme-hosting) has reached its limit of 2 emergency case openings per hour");
      for (let i = 0; i < 4; i += 1) {
        h.clock.advance(MINUTE);
        expect((await attempt(h, "demo.coordinator", notice())).code).toBe("ok");
      }
      h.clock.advance(MINUTE);
      expect((await attempt(h, "demo.coordinator", notice())).text).toContain("4 case openings per hour for a coordinator's account");
    });

    test("a relayed message over the limit is not relayed, and its writer is told why and when to write again", async () => {
      const h = harness();
      await h.ok("sanne.devries", notice());
      await h.drain();
      const acme = threadTitle("N-2026-0001", "acme-hosting");
      const iru = threadTitle("N-2026-0001", "nl-iru");
      expect(await h.write("jan.jansen", acme, "one")).toBeUndefined();
      expect(await h.write("jan.jansen", acme, "two")).toBeUndefined();
      const reply = await h.write("jan.jansen", acme, "three");
      expect(reply?.message.text).toContain("Not relayed: You have reached the limit of 2 messages relayed in case threads per minute");
      expect(reply?.message.text).toContain("Try again in 60 s");
      expect(reply?.delivery).toBe("ephemeral");
      for (let i = 0; i < 5; i += 1) expect((await h.write("jan.jansen", acme, `again ${i}`))?.message.text).toContain("Not relayed");
      // The organisation's ceiling (3): Eva can write once more, then not.
      expect(await h.write("eva.mulder", acme, "eva one")).toBeUndefined();
      expect((await h.write("eva.mulder", acme, "eva two"))?.message.text).toContain("Your organisation (acme-hosting)");
      await h.drain();
      expect(h.adapter.threadTexts(iru).slice(1).map((text) => text.split(": ").pop())).toEqual(["one", "two", "eva one"]);
      expect(await h.db.caseMessage.count()).toBe(3);
      expect((await floods(h)).map((entry) => entry.subjectId)).toEqual(["relays:account", "relays:organisation"]);
      expect(await h.db.auditEntry.count({ where: { action: "case.message", result: { startsWith: "refused" } } })).toBe(0);
      h.clock.advance(MINUTE);
      expect(await h.write("jan.jansen", acme, "four")).toBeUndefined();
    });

    test("someone not linked who floods a case thread is refused by the limit too, and recorded once, not per message", async () => {
      const h = harness();
      await h.ok("sanne.devries", notice());
      await h.drain();
      const acme = threadTitle("N-2026-0001", "acme-hosting");
      const stranger = { platform: "console" as const, workspace: "", userId: "nobody.here" };
      for (let i = 0; i < 2; i += 1) expect((await h.write(stranger, acme, `spam ${i}`))?.message.text).toContain("Not relayed");
      for (let i = 0; i < 10; i += 1) expect((await h.write(stranger, acme, `spam ${i}`))?.message.text).toContain("Try again in");
      expect(await h.db.auditEntry.count({ where: { action: "case.message" } })).toBe(2);
      expect((await floods(h)).map((entry) => entry.subjectId)).toEqual(["relays:account"]);
    });

    test("two processes sharing the database enforce one ceiling (commands at the same time on both)", async () => {
      const h = harness();
      const clock = new ManualClock(START);
      const other = await openStore(h.store.target);
      try {
        const second = createCore({ store: other, clock, keys: TEST_KEYS, logger: silentLogger(), loaded: withLimits(testConfig()) });
        const actor = await resolveActor(h.core.directory, { platform: "console", workspace: "", userId: "jonas.becker" }, { userIdIsHandle: true });
        const runs = Array.from({ length: 12 }, (_, i) => () => (i % 2 === 0 ? h.core.dispatcher : second.dispatcher).run(actor, WRITE));
        // On PostgreSQL all at once. SQLite connections in one process cannot wait for each other (the driver's wait
        // blocks the thread the other would commit on), so there the two take turns; processes wait for each other.
        const answers = h.provider === "postgresql" ? await Promise.all(runs.map((run) => run())) : await sequence(runs);
        const codes = answers.map((answer) => answer.failure);
        expect(codes.filter((code) => code === "not-found")).toHaveLength(3);
        expect(codes.filter((code) => code === "rate-limited")).toHaveLength(9);
        expect(await floods(h)).toHaveLength(1);
        const row = await h.db.rateWindow.findUniqueOrThrow({ where: { key: "commands:account:console::jonas.becker" } });
        expect(row).toMatchObject({ count: 3, refused: 9 });
      } finally {
        await other.close();
      }
    }, 30_000);

    test("switched off, nothing is limited", async () => {
      const h = harness();
      const off = createCore({ store: h.store, clock: h.clock, keys: TEST_KEYS, logger: silentLogger(), loaded: { ...testConfig(), config: { ...testConfig().config, limits: { ...LIMITS, enabled: false } } } });
      const actor = await h.actor("sanne.devries");
      for (let i = 0; i < 10; i += 1) expect((await off.dispatcher.run(actor, WRITE)).failure).toBe("not-found");
      expect(await h.db.rateWindow.count()).toBe(0);
    });
  },
  { configure: withLimits },
);

describeOnBothDatabases("rate limits: the defaults", (harness, test) => {
  test("the shipped configuration limits a loop of emergency notices (the 200-in-a-loop case) after a handful", async () => {
    const h = harness();
    const codes: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      h.clock.advance(2_000);
      codes.push((await attempt(h, "sanne.devries", EMERGENCY)).code);
    }
    expect(codes.filter((code) => code === "ok")).toHaveLength(10);
    expect(await h.db.case.count()).toBe(10);
    expect(await floods(h)).toHaveLength(1);
  }, 60_000);
});

describe("configuration", () => {
  it("has the documented defaults, takes single values from an installation's file, and refuses a bad window", () => {
    const defaults = testConfig().config.limits;
    expect(defaults.enabled).toBe(true);
    expect(defaults.emergencyOpenings).toEqual({ window: HOUR, account: 10, coordinator: 30, organisation: 30 });
    expect(defaults.commands).toEqual({ window: MINUTE, account: 30, coordinator: 120, organisation: 300 });
    const dir = tempDir("liaison-limits-config-");
    const file = join(dir, "liaison.yaml");
    writeFileSync(file, "limits:\n  emergencyOpenings:\n    account: 5\n  relays:\n    window: 30s\n");
    const changed = loadConfig({ rootDir: ROOT, env: { LIAISON_CONFIG: file } }).config.limits;
    expect(changed.emergencyOpenings).toEqual({ window: HOUR, account: 5, coordinator: 30, organisation: 30 });
    expect(changed.relays.window).toBe(30_000);
    writeFileSync(file, "limits:\n  relays:\n    window: soon\n    account: 0\n");
    expect(() => loadConfig({ rootDir: ROOT, env: { LIAISON_CONFIG: file } })).toThrow(/limits\.relays\.window: .*a window such as "30s"[\s\S]*limits\.relays\.account/);
  });
});

describe("words", () => {
  it("says waits and windows as people read them", () => {
    expect(waitWords(40_000)).toBe("40 s");
    expect(waitWords(39_001)).toBe("40 s");
    expect(waitWords(12 * MINUTE)).toBe("12 min");
    expect(waitWords(2 * HOUR + 5 * MINUTE)).toBe("2 h 5 min");
    expect(windowWords(MINUTE)).toBe("per minute");
    expect(windowWords(15 * MINUTE)).toBe("per 15 min");
  });
});
