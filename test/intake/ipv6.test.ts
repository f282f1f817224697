// One IPv6 address, however a report writes it, is one target: reports of the same type about 2001:DB8:AC3E:0:0:0:0:1,
// 2001:db8:ac3e::1 and 2001:0db8:ac3e::0001 are one item, routed by the address, and a person reads the address in
// RFC 5952's canonical text on the card, in the routing reason and in the digest's repeat offenders; an IPv4-mapped
// address and its IPv4 address are one target too. On SQLite and PostgreSQL.
import { beforeEach, expect } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import { readDigest, renderDigest } from "../../src/digests/content.js";
import { acceptIntakeReportInStore, DEFAULT_ACCEPT_SETTINGS } from "../../src/intake/accept.js";
import { intakeReportSchema } from "../../src/intake/report.js";
import type { Store } from "../../src/store/db.js";
import { describeOnProviders } from "../support/core.js";
import { freshIntakeStore } from "../support/intake.js";
import { TEST_KEYS } from "../support/keys.js";

const report = (ip: string, type = "open_service") =>
  intakeReportSchema.parse({ source: "api", format: "xarf-v4", sourceReportId: crypto.randomUUID(), category: "vulnerability", type, target: { ip }, occurredAt: new Date("2026-11-20T09:00:00Z"), summary: "open RDP" });

describeOnProviders("IPv6 addresses in intake", (provider, test) => {
  const fresh = freshIntakeStore(provider);
  let store: Store;
  let clock: ManualClock;
  const accept = (ip: string, type?: string) => acceptIntakeReportInStore(store, clock, TEST_KEYS, { report: report(ip, type), receivedVia: "test" });
  const cards = async () => (await store.db.outboxMessage.findMany({ where: { streamKey: { startsWith: "intake:" } }, orderBy: { seq: "asc" } })).map((row) => row.message);

  beforeEach(async () => {
    ({ store, clock } = await fresh());
  });

  test("three ways of writing one address are one item, routed by its range, shown canonically on the card", async () => {
    const first = await accept("2001:DB8:AC3E:0:0:0:0:1");
    const second = await accept("2001:db8:ac3e::1");
    const third = await accept("2001:0db8:ac3e:0000::0001");
    expect(new Set([first.reference, second.reference, third.reference]).size).toBe(1);
    expect(third).toMatchObject({ grouped: true, reportCount: 3 });
    const acme = await store.db.organisation.findFirstOrThrow({ where: { slug: "acme-hosting" } });
    expect(first.routedToId).toBe(acme.id);
    expect(first.routeReason).toBe("address 2001:db8:ac3e::1 (responsibility ip 2001:db8:ac3e::/48)");
    const [card, ...more] = await cards();
    expect(more).toEqual([]);
    expect(card).toContain("Where: 2001:db8:ac3e::1");
    expect(card).not.toMatch(/2001:DB8|0db8|AC3E/);
    const item = await store.db.intakeItem.findFirstOrThrow();
    expect(JSON.parse(item.target)).toEqual({ ip: "2001:db8:ac3e::1" });
    // Another address in the range, written with a single zero field (not shortened), is another item.
    const other = await accept("2001:DB8:AC3E:0:1:0:0:1");
    expect(other.reference).not.toBe(first.reference);
    expect((await cards()).at(-1)).toContain("Where: 2001:db8:ac3e:0:1::1");
  });

  test("an IPv4-mapped address and its IPv4 address are one target, shown as written canonically", async () => {
    const mapped = await accept("::FFFF:192.0.2.44");
    const plain = await accept("192.0.2.44");
    const hex = await accept("0:0:0:0:0:ffff:c000:022c");
    expect(new Set([mapped.reference, plain.reference, hex.reference]).size).toBe(1);
    expect(hex.reportCount).toBe(3);
    expect((await cards())[0]).toContain("Where: ::ffff:192.0.2.44");
  });

  test("the digest's repeat offenders count an address however written and show it in canonical text", async () => {
    for (const [index, ip] of ["2001:DB8:AC3E::5", "2001:db8:ac3e:0:0:0:0:5", "2001:db8:ac3e::0005", "2001:0DB8:AC3E:0000:0000:0000:0000:0005", "2001:db8:ac3e::5"].entries()) {
      await accept(ip, ["open_service", "phishing", "malware", "spam", "scanner"][index]);
    }
    expect(await store.db.intakeItem.count()).toBe(5);
    const content = await readDigest(store.db, { type: "installation" }, clock.now(), { dueSoonWithinMs: 86_400_000, listLimit: 10, repeatOffenders: { windowMs: DEFAULT_ACCEPT_SETTINGS.repeatWindowMs, threshold: 5 } });
    expect(content.repeatOffenders.items).toEqual([{ organisation: "acme-hosting", target: "2001:db8:ac3e::5", tlp: "AMBER", reports: 5, threshold: 5 }]);
    const text = renderDigest(content, { name: "Coordinator", timeZone: "Europe/Amsterdam" }).text;
    expect(text).toContain("acme-hosting · 2001:db8:ac3e::5 · 5 reports (threshold 5)");
    // The fifth report's card says it is a repeat offender.
    expect((await cards()).at(-1)).toContain("Repeat offender: 5 reports about this");
  });
});
