// Deadlines of cases, through the service as people open and act on them, on both databases. Every expected
// instant is worked out by hand from the policy (config/policy.yaml) and the recipient's working hours in the demo
// directory (acme-hosting: Europe/Amsterdam, mon-fri 09:00-17:00; chirp-social: Europe/Berlin, mon-fri 09:00-18:00;
// anchor-registrar: Europe/Brussels, mon-thu 09:00-17:00, fri 09:00-15:00).
import { describe, expect } from "vitest";
import { it } from "vitest";
import { clockRule, loadCasePolicy } from "../../src/cases/policy.js";
import { describeOnBothDatabases, HOUR, MINUTE, DAY, policyWithPairs, ROOT, type CaseHarness } from "../support/cases.js";
import { withAuthorities } from "../eevidence/support.js";

const at = (iso: string) => new Date(iso);

async function deadlines(harness: CaseHarness, reference: string): Promise<{ ack: string | null; resolve: string | null; state: string }> {
  const row = await harness.caseRow(reference);
  return { ack: row.ackDueAt?.toISOString() ?? null, resolve: row.resolveDueAt?.toISOString() ?? null, state: row.state };
}

const REMOVAL = '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"';
const NOTICE = (to = "acme-hosting") => `/notice ${to} https://example.test/v/2 --reason "incites violence"`;
/** A European Production Order for subscriber data from the Dutch prosecution service to Chirp Social's German establishment. */
const PRODUCTION = (emergency = "") => `/eevidence order chirp-social --category subscriber --target "user 4411" --issuer-file "OM 2026/17" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-om"${emergency ? ` --emergency "${emergency}"` : ""}`;

describeOnBothDatabases("removal order: 1 hour around the clock, acknowledge within 15 minutes", (harness, test) => {
  test("opened Friday 10:00 UTC: acknowledge by 10:15, resolve by 11:00", async () => {
    const h = harness();
    await h.ok("sanne.devries", REMOVAL);
    expect(await deadlines(h, "R-2026-0001")).toEqual({ ack: "2026-11-20T10:15:00.000Z", resolve: "2026-11-20T11:00:00.000Z", state: "open" });
  });

  test("opened on a Saturday night it still runs: 02:00 -> 03:00 UTC", async () => {
    const h = harness();
    h.clock.set("2026-11-21T02:00:00Z");
    await h.ok("sanne.devries", REMOVAL);
    expect(await deadlines(h, "R-2026-0001")).toEqual({ ack: "2026-11-21T02:15:00.000Z", resolve: "2026-11-21T03:00:00.000Z", state: "open" });
  });

  test("acknowledging ends the acknowledge clock and leaves the resolve clock", async () => {
    const h = harness();
    await h.ok("sanne.devries", REMOVAL);
    await h.drain(); // received at once: the hour runs from 10:00
    h.clock.advance(10 * MINUTE);
    await h.ok("jan.jansen", "/case ack R-2026-0001");
    expect(await deadlines(h, "R-2026-0001")).toEqual({ ack: null, resolve: "2026-11-20T11:00:00.000Z", state: "acknowledged" });
  });

  test("clarification stops the clock; the answer restarts the full hour (TCO Art. 3(8))", async () => {
    const h = harness();
    await h.ok("sanne.devries", REMOVAL);
    h.clock.set("2026-11-20T10:20:00Z");
    await h.ok("jan.jansen", '/case clarify R-2026-0001 --question "which part of the video?"');
    expect(await deadlines(h, "R-2026-0001")).toEqual({ ack: null, resolve: null, state: "clarification-requested" });
    h.clock.set("2026-11-20T10:50:00Z");
    await h.ok("sanne.devries", '/case answer R-2026-0001 --text "from 02:13 to 03:40"');
    expect(await deadlines(h, "R-2026-0001")).toEqual({ ack: null, resolve: "2026-11-20T11:50:00.000Z", state: "acknowledged" });
  });

  test("resolving stops every clock", async () => {
    const h = harness();
    await h.ok("sanne.devries", REMOVAL);
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
    expect(await deadlines(h, "R-2026-0001")).toEqual({ ack: null, resolve: null, state: "resolved" });
  });

  test("the hour is the law's: an extension is refused, for the opener and a coordinator alike, and nothing changes", async () => {
    const h = harness();
    await h.ok("sanne.devries", REMOVAL);
    const before = await deadlines(h, "R-2026-0001");
    for (const who of ["sanne.devries", "demo.coordinator"]) {
      const answer = await h.run(who, '/case extend R-2026-0001 --by 2h --reason "agreed by phone"');
      expect(answer.failure, answer.message.text).toBe("not-allowed");
      expect(answer.message.text).toContain("set by law");
      expect(answer.message.text).toContain("Art. 3(3)");
      expect(answer.message.text).toMatch(/clarif/);
    }
    expect(await deadlines(h, "R-2026-0001")).toEqual(before);
    expect((await h.db.case.findFirstOrThrow()).extendedMs).toBe(0);
    const refusals = await h.db.auditEntry.findMany({ where: { action: "case.extend" } });
    expect(refusals.map((entry) => entry.result)).toEqual(["refused:not-allowed", "refused:not-allowed"]);
  });

  test("an extension by the opener of a clock that is policy, not law, moves its resolve deadline", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/1 --kind threat-to-life --reason "threat against a school" --priority normal');
    const reference = (await h.db.case.findFirstOrThrow()).reference;
    const first = new Date((await deadlines(h, reference)).resolve as string).getTime();
    await h.ok("sanne.devries", `/case extend ${reference} --by 2h --reason "agreed by phone"`);
    expect(new Date((await deadlines(h, reference)).resolve as string).getTime() - first).toBe(2 * 3_600_000);
    await h.ok("sanne.devries", `/case extend ${reference} --by 30m --reason "and a little more"`);
    expect(new Date((await deadlines(h, reference)).resolve as string).getTime() - first).toBe(2.5 * 3_600_000);
  });

  test("reopening starts the clocks again from the moment of reopening", async () => {
    const h = harness();
    await h.ok("sanne.devries", REMOVAL);
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
    h.clock.set("2026-11-22T08:00:00Z");
    await h.ok("sanne.devries", '/case reopen R-2026-0001 --reason "it is back online"');
    expect(await deadlines(h, "R-2026-0001")).toEqual({ ack: "2026-11-22T08:15:00.000Z", resolve: "2026-11-22T09:00:00.000Z", state: "open" });
  });
});

describeOnBothDatabases("production order: 10 days, emergency 8 hours (e-Evidence Art. 10)", (harness, test) => {
  test("normal: acknowledge in a day, produce in 10 days", async () => {
    const h = harness();
    await withAuthorities(h);
    await h.ok("mark.dejong", PRODUCTION());
    expect(await deadlines(h, "P-2026-0001")).toEqual({ ack: "2026-11-21T10:00:00.000Z", resolve: "2026-11-30T10:00:00.000Z", state: "open" });
  });

  test("emergency: acknowledge in an hour, produce in 8 hours", async () => {
    const h = harness();
    await withAuthorities(h);
    await h.ok("mark.dejong", PRODUCTION("imminent threat to life"));
    expect(await deadlines(h, "P-2026-0001")).toEqual({ ack: "2026-11-20T11:00:00.000Z", resolve: "2026-11-20T18:00:00.000Z", state: "open" });
  });

  test("the time does not run while a clarification is requested (pause): 2 days of clarification add 2 days", async () => {
    const h = harness();
    await withAuthorities(h);
    await h.ok("mark.dejong", PRODUCTION());
    await h.drain(); // received at once
    h.clock.advance(DAY);
    await h.ok("lena.schmidt", '/eevidence inability P-2026-0001 --ground insufficient-information --explanation "which account exactly?"');
    expect((await deadlines(h, "P-2026-0001")).resolve).toBeNull();
    h.clock.advance(2 * DAY);
    await h.ok("mark.dejong", '/eevidence clarified P-2026-0001 --answer "the one with id 4411"');
    expect(await deadlines(h, "P-2026-0001")).toEqual({ ack: null, resolve: "2026-12-02T10:00:00.000Z", state: "acknowledged" });
  });
});

describeOnBothDatabases("notice: counted in the recipient's working hours", (harness, test) => {
  const cases: { name: string; open: string; to?: string; ack: string; resolve: string }[] = [
    // Fri 15:00 CET: 2 h on Friday, then Monday from 09:00.
    { name: "over a weekend (Amsterdam)", open: "2026-11-20T14:00:00Z", ack: "2026-11-23T10:00:00.000Z", resolve: "2026-11-25T14:00:00.000Z" },
    // Fri 23 Oct 15:00 CEST (UTC+2); summer time ends Sun 25 Oct; Mon 11:00 CET (UTC+1), Wed 15:00 CET.
    { name: "over a weekend with the end of summer time", open: "2026-10-23T13:00:00Z", ack: "2026-10-26T10:00:00.000Z", resolve: "2026-10-28T14:00:00.000Z" },
    // Fri 26 Mar 2027 15:00 CET; summer time starts Sun 28 Mar; Mon 29 Mar is Easter Monday (a Dutch public holiday):
    // 2 h Friday, then Tue 30 Mar from 09:00 CEST (UTC+2): ack Tue 11:00 CEST; 24 h = 2 + 8 + 8 + 6 -> Thu 15:00 CEST.
    { name: "over a weekend with the start of summer time and Easter Monday", open: "2027-03-26T14:00:00Z", ack: "2027-03-30T09:00:00.000Z", resolve: "2027-04-01T13:00:00.000Z" },
    // Saturday noon: nothing counts until Monday 09:00; 4 h -> 13:00, 24 h -> Wednesday 17:00.
    { name: "opened on a Saturday", open: "2026-11-21T11:00:00Z", ack: "2026-11-23T12:00:00.000Z", resolve: "2026-11-25T16:00:00.000Z" },
    // Monday 07:00 local, before hours: counts from 09:00.
    { name: "opened before working hours", open: "2026-11-23T06:00:00Z", ack: "2026-11-23T12:00:00.000Z", resolve: "2026-11-25T16:00:00.000Z" },
    // Tuesday 18:00 local, after hours: counts from Wednesday 09:00; 24 h ends Friday 17:00.
    { name: "opened after working hours", open: "2026-11-24T17:00:00Z", ack: "2026-11-25T12:00:00.000Z", resolve: "2026-11-27T16:00:00.000Z" },
    // Berlin, 09:00-18:00: Fri 16:00 -> 2 h Friday, Mon 11:00; 24 h = 2 + 9 + 9 + 4 -> Wed 13:00 CET.
    { name: "another time zone and longer days (Berlin)", open: "2026-11-20T15:00:00Z", to: "chirp-social", ack: "2026-11-23T10:00:00.000Z", resolve: "2026-11-25T12:00:00.000Z" },
    // Christmas in Amsterdam: Thu 24 Dec 2026 14:00 CET; 25 and 26 Dec are public holidays, then the weekend:
    // 3 h Thursday, Mon 28 Dec 10:00; 24 h = 3 + 8 + 8 + 5 -> Wed 30 Dec 14:00 CET.
    { name: "over Christmas (public holidays)", open: "2026-12-24T13:00:00Z", ack: "2026-12-28T09:00:00.000Z", resolve: "2026-12-30T13:00:00.000Z" },
    // Brussels, Friday ends at 15:00: Fri 14:00 -> 1 h, Mon 12:00; 24 h = 1 + 8 + 8 + 7 -> Wed 16:00 CET.
    { name: "a short Friday (Brussels)", open: "2026-11-20T13:00:00Z", to: "anchor-registrar", ack: "2026-11-23T11:00:00.000Z", resolve: "2026-11-25T15:00:00.000Z" },
  ];
  for (const row of cases) {
    test(row.name, async () => {
      const h = harness();
      h.clock.set(row.open);
      await h.ok("sanne.devries", NOTICE(row.to));
      expect(await deadlines(h, "N-2026-0001".replace("2026", String(at(row.open).getUTCFullYear())))).toEqual({ ack: row.ack, resolve: row.resolve, state: "open" });
    });
  }

  test("a trusted flagger's notice to an online platform is high priority: 1 h and 8 h of working time", async () => {
    const h = harness();
    h.clock.set("2026-11-20T14:00:00Z"); // Fri 15:00 CET
    await h.ok("sanne.devries", `${NOTICE("chirp-social")} --trusted-flagger`);
    const row = await h.caseRow("N-2026-0001");
    expect(row.priority).toBe("high");
    // chirp-social works mon-fri 09:00-18:00 Berlin. 1 h -> Fri 16:00 CET; 8 h = 3 h Friday + 5 h Monday -> Mon 14:00 CET.
    expect(await deadlines(h, "N-2026-0001")).toEqual({ ack: "2026-11-20T15:00:00.000Z", resolve: "2026-11-23T13:00:00.000Z", state: "open" });
  });

  test("paused while a clarification is requested, resumed from where it was", async () => {
    const h = harness();
    h.clock.set("2026-11-23T08:00:00Z"); // Mon 09:00 CET
    await h.ok("sanne.devries", NOTICE());
    expect(await deadlines(h, "N-2026-0001")).toEqual({ ack: "2026-11-23T12:00:00.000Z", resolve: "2026-11-25T16:00:00.000Z", state: "open" });
    h.clock.set("2026-11-23T09:00:00Z"); // Mon 10:00: 1 h used
    await h.ok("jan.jansen", '/case clarify N-2026-0001 --question "which post?"');
    expect(await deadlines(h, "N-2026-0001")).toEqual({ ack: null, resolve: null, state: "clarification-requested" });
    h.clock.set("2026-11-24T09:00:00Z"); // Tue 10:00: 23 h left -> Tue 7 h, Wed 8 h, Thu 8 h -> Thu 17:00
    await h.ok("sanne.devries", '/case answer N-2026-0001 --text "the second one"');
    expect(await deadlines(h, "N-2026-0001")).toEqual({ ack: null, resolve: "2026-11-26T16:00:00.000Z", state: "acknowledged" });
  });

  test("an extension counts in working time too: +8 h is one more working day", async () => {
    const h = harness();
    h.clock.set("2026-11-20T14:00:00Z");
    await h.ok("sanne.devries", NOTICE());
    await h.ok("sanne.devries", '/case extend N-2026-0001 --by 8h --reason "needs a lawyer"');
    expect((await deadlines(h, "N-2026-0001")).resolve).toBe("2026-11-26T14:00:00.000Z");
  });

  test("an investigation request has no resolve deadline, only an acknowledge one (8 working hours)", async () => {
    const h = harness();
    h.clock.set("2026-11-20T14:00:00Z"); // Fri 15:00: 2 h Friday, 6 h Monday -> Mon 15:00 CET
    await h.ok("ahmed.elamrani", '/request acme-hosting --target "customer of 192.0.2.44" --data "subscriber data" --basis "Art. 126na Sv"');
    expect(await deadlines(h, "I-2026-0001")).toEqual({ ack: "2026-11-23T14:00:00.000Z", resolve: null, state: "open" });
  });
});

const PAIRS = `  - from: nl-police-cyber
    to: acme-hosting
    kind: investigation-request
    clock: continuous
    resolve: { normal: 5d }
  - from: nl-iru
    to: acme-hosting
    acknowledge: { normal: 2h }
`;

describeOnBothDatabases(
  "agreements between pairs of organisations (policy pairs)",
  (harness, test) => {
    test("an investigation request between the pair gets the agreed 5 days, around the clock", async () => {
      const h = harness();
      await h.ok("ahmed.elamrani", '/request acme-hosting --target "customer of 192.0.2.44" --data "subscriber data" --basis "Art. 126na Sv"');
      // acknowledge stays 8 working hours: Fri 11:00 CET -> 6 h Friday, 2 h Monday -> Mon 11:00 CET; but the pair's
      // clock is continuous, so the 8 h run around the clock: 18:00 UTC.
      expect(await deadlines(h, "I-2026-0001")).toEqual({ ack: "2026-11-20T18:00:00.000Z", resolve: "2026-11-25T10:00:00.000Z", state: "open" });
    });

    test("the same request to another organisation keeps the kind's clock", async () => {
      const h = harness();
      await h.ok("ahmed.elamrani", '/request chirp-social --target "@someone" --data "subscriber data" --basis "Art. 126na Sv"');
      // Berlin 11:00 Friday: 7 h Friday, 1 h Monday -> Mon 10:00 CET.
      expect(await deadlines(h, "I-2026-0001")).toEqual({ ack: "2026-11-23T09:00:00.000Z", resolve: null, state: "open" });
    });

    test("a pair without a kind applies to every kind between them, in that direction only", async () => {
      const h = harness();
      await h.ok("sanne.devries", REMOVAL);
      expect(await deadlines(h, "R-2026-0001")).toEqual({ ack: "2026-11-20T12:00:00.000Z", resolve: "2026-11-20T11:00:00.000Z", state: "open" });
      await h.ok("jan.jansen", '/notice nl-iru https://example.test/x --reason "reverse direction"');
      // nl-iru: Europe/Amsterdam mon-fri 08:00-18:00; Fri 11:00 + 4 h -> 15:00 CET.
      expect((await deadlines(h, "N-2026-0001")).ack).toBe("2026-11-20T14:00:00.000Z");
    });
  },
  { policyFile: () => policyWithPairs(PAIRS) },
);

describe("clockRule", () => {
  const policy = loadCasePolicy(`${ROOT}/config/policy.yaml`);

  it("takes each priority's times, falling back to normal where a priority has none", () => {
    expect(clockRule(policy, "notice", "normal", "a", "b")).toEqual({ mode: "working-hours", acknowledgeMs: 4 * HOUR, resolveMs: 24 * HOUR, clarification: "pause" });
    expect(clockRule(policy, "notice", "emergency", "a", "b")).toEqual({ mode: "working-hours", acknowledgeMs: 30 * MINUTE, resolveMs: 2 * HOUR, clarification: "pause" });
    expect(clockRule(policy, "removal-order", "emergency", "a", "b")).toEqual({ mode: "continuous", acknowledgeMs: 15 * MINUTE, resolveMs: HOUR, clarification: "restart", legalSource: expect.stringContaining("Art. 3(3)") });
    expect(clockRule(policy, "production-order", "high", "a", "b")).toMatchObject({ acknowledgeMs: DAY, resolveMs: 10 * DAY });
    expect(clockRule(policy, "investigation-request", "emergency", "a", "b")).toMatchObject({ acknowledgeMs: HOUR, resolveMs: null });
    expect(clockRule(policy, "threat-to-life", "emergency", "a", "b")).toMatchObject({ mode: "continuous", clarification: "none" });
  });

  it('"none" for one priority means no deadline for that priority, not the normal one', () => {
    const file = policyWithPairs(
      `  - { from: a, to: b, kind: investigation-request, resolve: { high: none } }\n`,
      (text) => text.replace("resolve: { normal: none }", "resolve: { normal: 5d, emergency: none }"),
    );
    const edited = loadCasePolicy(file);
    expect(clockRule(edited, "investigation-request", "emergency", "x", "y").resolveMs).toBeNull();
    expect(clockRule(edited, "investigation-request", "normal", "x", "y").resolveMs).toBe(5 * DAY);
    expect(clockRule(edited, "investigation-request", "high", "a", "b").resolveMs).toBeNull();
    expect(clockRule(edited, "investigation-request", "high", "x", "y").resolveMs).toBe(5 * DAY);
  });

  it("a pair's normal time does not replace a kind's own time for another priority", () => {
    const edited = loadCasePolicy(policyWithPairs(`  - { from: a, to: b, kind: notice, acknowledge: { normal: 2h } }\n`));
    expect(clockRule(edited, "notice", "normal", "a", "b").acknowledgeMs).toBe(2 * HOUR);
    // The kind says 30 minutes for an emergency notice; an agreement about normal notices leaves that alone.
    expect(clockRule(edited, "notice", "emergency", "a", "b").acknowledgeMs).toBe(30 * MINUTE);
    // Where the kind has no time of its own for the priority, the pair's normal time applies.
    const removal = loadCasePolicy(policyWithPairs(`  - { from: a, to: b, kind: removal-order, acknowledge: { normal: 5m } }\n`));
    expect(clockRule(removal, "removal-order", "emergency", "a", "b").acknowledgeMs).toBe(5 * MINUTE);
  });
});

describeOnBothDatabases("/case list answers from the record: --mine, --overdue, most urgent first", (harness, test) => {
  test("the same order on both databases: cases without a resolve deadline come after those with one", async () => {
    const h = harness();
    await h.ok("ahmed.elamrani", '/request acme-hosting --target "customer of 192.0.2.44" --data "subscriber data" --basis "Art. 126na Sv"');
    await h.ok("sanne.devries", NOTICE());
    await h.ok("sanne.devries", REMOVAL);
    const references = (text: string) => [...text.matchAll(/^• ([A-Z]-\d{4}-\d{4})/gm)].map((match) => match[1]);
    // Resolve by 11:00 today, then by Wednesday, then the request with no resolve deadline.
    expect(references(await h.ok("jan.jansen", "/case list"))).toEqual(["R-2026-0001", "N-2026-0001", "I-2026-0001"]);
    // At 11:30 UTC the removal order is past both its deadlines; nothing else is.
    h.clock.set("2026-11-20T11:30:00Z");
    expect(references(await h.ok("jan.jansen", "/case list --overdue"))).toEqual(["R-2026-0001"]);
    expect(await h.ok("jan.jansen", "/case list --overdue")).toMatch(/OVERDUE by 30 min/);
    // eva is responsible for investigations only; jan for notices and removal orders.
    expect(references(await h.ok("eva.mulder", "/case list --mine"))).toEqual(["I-2026-0001"]);
    expect(references(await h.ok("jan.jansen", "/case list --mine --overdue"))).toEqual(["R-2026-0001"]);
    expect(references(await h.ok("sanne.devries", "/case list --mine"))).toEqual(["R-2026-0001", "N-2026-0001"]);
    await h.ok("jan.jansen", "/case resolve R-2026-0001 --outcome removed");
    expect(references(await h.ok("jan.jansen", "/case list --overdue"))).toEqual([]);
    expect(references(await h.ok("jan.jansen", "/case list --state resolved"))).toEqual(["R-2026-0001"]);
  });
});
