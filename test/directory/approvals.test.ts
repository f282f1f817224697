// Changes that wait for a coordinator, on both databases: an organisation admin's broad or overlapping
// responsibilities and working hours under the floor are kept as pending (shown, recorded, told to the
// coordinators) and are not used to route (/contacts find) until a coordinator approves them; only coordinators
// approve or reject; the floor is configurable.
import { TEST_KEYS } from "../support/keys.js";
import { expect } from "vitest";
import type { FailureCode } from "../../src/core/result.js";
import { hasUnsafeCharacters } from "../../src/core/text.js";
import { DEFAULT_DIRECTORY_SETTINGS, DirectoryService } from "../../src/directory/service.js";
import { inUnitOfWork } from "../../src/work/unit-of-work.js";
import { createTestCore, describeOnProviders, lazyStore, UNLINKED_IDENTITY, type TestCore } from "../support/core.js";
import { sentToContact } from "../support/links.js";

describeOnProviders("changes that wait for a coordinator", (provider, test) => {
  const database = lazyStore(provider);

  async function fresh(): Promise<TestCore> {
    const { store } = await database.get();
    await (await database.get()).reset();
    return createTestCore(store);
  }

  async function run(core: TestCore, handle: string, line: string) {
    return core.dispatcher.run(await core.actor(handle), line);
  }

  async function refused(core: TestCore, handle: string, line: string, code: FailureCode): Promise<string> {
    const answer = await run(core, handle, line);
    expect(answer.failure, `${line} as ${handle}: ${answer.message.text}`).toBe(code);
    return answer.message.text;
  }

  async function succeeds(core: TestCore, handle: string, line: string): Promise<string> {
    const answer = await run(core, handle, line);
    expect(answer.failure, `${line} as ${handle}: ${answer.message.text}`).toBeUndefined();
    return answer.message.text;
  }

  /** The organisations /contacts find answers for a query, by slug. */
  async function found(core: TestCore, query: string): Promise<string[]> {
    const result = await core.directory.find({ query, limit: 10 });
    return result.organisations.map((organisation) => organisation.slug);
  }

  async function pending(core: TestCore) {
    return core.store.db.pendingApproval.findMany({ orderBy: [{ type: "asc" }, { value: "asc" }] });
  }

  test("an admin's broad and shared responsibilities wait, are shown and told, and do not route until approved", async () => {
    const core = await fresh();
    expect(await found(core, "10.1.2.3")).toEqual([]);
    const answer = await succeeds(core, "jan.jansen", "/contacts edit-org acme-hosting --add-ip 10.0.0.0/8,198.51.100.0/24 --add-domain chirp.example,co.uk --add-asn AS64501");
    expect(answer).toMatch(/wait for a coordinator/i);
    // The narrow part applied at once; the rest waits.
    expect(await found(core, "198.51.100.7")).toEqual(["acme-hosting"]);
    expect(await found(core, "10.1.2.3")).toEqual([]);
    expect(await found(core, "AS64501")).toEqual(["chirp-social"]);
    expect(await found(core, "www.chirp.example")).toEqual(["chirp-social"]);
    expect((await pending(core)).map((row) => `${row.type}:${row.value}`)).toEqual(["asn:AS64501", "domain:chirp.example", "domain:co.uk", "ip:10.0.0.0/8"]);
    const shown = await succeeds(core, "eva.mulder", "/contacts show acme-hosting");
    expect(shown).toMatch(/Waiting for a coordinator's approval/);
    expect(shown).toMatch(/10\.0\.0\.0\/8 — 10\.0\.0\.0\/8 is wider than \/16/);
    expect(shown.slice(0, shown.indexOf("Waiting for"))).not.toContain("10.0.0.0/8");
    // Recorded, and told to the coordinators.
    const entry = await core.store.db.auditEntry.findFirstOrThrow({ where: { action: "organisation.approval-requested", subjectId: "acme-hosting" } });
    expect(entry.detail).toContain("10.0.0.0/8");
    const told = await sentToContact(core.store, "demo.coordinator");
    expect(told.some((message) => message.text.includes("/contacts approve acme-hosting 10.0.0.0/8"))).toBe(true);

    // Approved: it routes now. Rejected: never, and the record says why.
    await succeeds(core, "demo.coordinator", "/contacts approve acme-hosting 10.0.0.0/8");
    expect(await found(core, "10.1.2.3")).toEqual(["acme-hosting"]);
    await succeeds(core, "demo.coordinator", '/contacts reject acme-hosting AS64501 --reason "that is chirp-social\'s"');
    expect(await found(core, "AS64501")).toEqual(["chirp-social"]);
    expect((await pending(core)).map((row) => row.value)).toEqual(["chirp.example", "co.uk"]);
    const decisions = await core.store.db.auditEntry.findMany({ where: { action: { in: ["organisation.approve", "organisation.reject"] } }, orderBy: { seq: "asc" } });
    expect(decisions.map((decision) => decision.action)).toEqual(["organisation.approve", "organisation.reject"]);
    expect(decisions[1]?.detail).toContain("that is chirp-social's");
    // The admin who asked hears both decisions.
    const heard = (await sentToContact(core.store, "jan.jansen")).map((message) => message.text);
    expect(heard.some((text) => text.includes("approved") && text.includes("10.0.0.0/8"))).toBe(true);
    expect(heard.some((text) => text.includes("rejected") && text.includes("that is chirp-social's"))).toBe(true);
    // A decided change cannot be decided again.
    await refused(core, "demo.coordinator", "/contacts approve acme-hosting AS64501", "not-found");
  });

  test("working hours under the floor wait; the old hours stay in use until approved", async () => {
    const core = await fresh();
    const answer = await succeeds(core, "jan.jansen", '/contacts edit-org acme-hosting --hours "mon 09:00-09:30" --emergency=false');
    expect(answer).toMatch(/wait for a coordinator/i);
    let organisation = await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } });
    expect(organisation.workingHours).toBe("mon-fri 09:00-17:00");
    expect(organisation.emergency24x7).toBe(false); // the rest of the edit applied
    // A newer request for hours replaces the older one.
    await succeeds(core, "jan.jansen", '/contacts edit-org acme-hosting --hours "mon 09:00-10:00"');
    expect((await pending(core)).map((row) => row.value)).toEqual(["mon 09:00-10:00"]);
    expect(await succeeds(core, "jan.jansen", "/contacts show acme-hosting")).toMatch(/working hours mon 09:00-10:00/);
    await succeeds(core, "demo.coordinator", "/contacts approve acme-hosting hours");
    organisation = await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } });
    expect(organisation.workingHours).toBe("mon 09:00-10:00");
    expect(await pending(core)).toEqual([]);
  });

  test("the floor is configurable", async () => {
    const core = await fresh();
    const lower = { ...DEFAULT_DIRECTORY_SETTINGS, approvals: { ...DEFAULT_DIRECTORY_SETTINGS.approvals, minWorkingHoursPerWeek: 1, minWorkingHoursPerDay: 0.5, minIpv4PrefixBits: 8 } };
    expect(core.loaded.config.directory.approvals).toEqual(DEFAULT_DIRECTORY_SETTINGS.approvals);
    const jan = await core.actor("jan.jansen");
    const outcome = await inUnitOfWork(core.store, core.clock, TEST_KEYS, (work) =>
      new DirectoryService(work, lower).editOrganisation(jan, "acme-hosting", (current) => ({
        ...current,
        workingHours: "mon 09:00-10:00",
        responsibilities: { ...current.responsibilities, ipRanges: [...((current.responsibilities?.ipRanges as string[]) ?? []), "10.0.0.0/8"] },
      })),
    );
    expect(outcome.ok && outcome.value.pending).toEqual([]);
    expect((await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } })).workingHours).toBe("mon 09:00-10:00");
    expect(await found(core, "10.1.2.3")).toEqual(["acme-hosting"]);
  });

  test("only coordinators approve or reject", async () => {
    const core = await fresh();
    await succeeds(core, "jan.jansen", "/contacts edit-org acme-hosting --add-ip 10.0.0.0/8");
    for (const line of ["/contacts approve acme-hosting 10.0.0.0/8", '/contacts reject acme-hosting 10.0.0.0/8 --reason "not yours"']) {
      await refused(core, "jan.jansen", line, "not-allowed");
      await refused(core, "eva.mulder", line, "not-allowed");
      await refused(core, "felix.wagner", line, "not-allowed");
      const unlinked = await core.dispatcher.run(await core.actorOf(UNLINKED_IDENTITY), line);
      expect(unlinked.failure).toBe("not-linked");
    }
    expect(await pending(core)).toHaveLength(1);
    expect(await found(core, "10.1.2.3")).toEqual([]);
    expect(await core.store.db.auditEntry.count({ where: { action: { in: ["organisation.approve", "organisation.reject"] } } })).toBe(0);
  });

  test("a coordinator's own edit applies at once, settles a matching request, and the other coordinators hear of it", async () => {
    const core = await fresh();
    await succeeds(core, "demo.coordinator", '/contacts add second.coordinator --org nl-coordination --name "Second Coordinator" --coordinator');
    await succeeds(core, "demo.coordinator", "/contacts edit-org acme-hosting --kind access-provider");
    expect((await sentToContact(core.store, "second.coordinator")).some((message) => message.text.includes("kind set to"))).toBe(true);
    expect(await sentToContact(core.store, "demo.coordinator")).toEqual([]);
    await succeeds(core, "jan.jansen", "/contacts edit-org acme-hosting --add-ip 10.0.0.0/8");
    const answer = await succeeds(core, "demo.coordinator", "/contacts edit-org acme-hosting --add-ip 10.0.0.0/8");
    expect(answer).toMatch(/wider than \/16/);
    expect(await pending(core)).toEqual([]);
    expect(await found(core, "10.1.2.3")).toEqual(["acme-hosting"]);
  });

  test("hostile text in approve and reject is refused or kept inert, and never echoed whole", async () => {
    const core = await fresh();
    await succeeds(core, "jan.jansen", "/contacts edit-org acme-hosting --add-ip 10.0.0.0/8");
    const hostile = ["x".repeat(100_000), "10.0.0.0/8\u0007\u001b[2J", "<!channel>", "@everyone", "@room", "\u202E8/0.0.0.01"];
    for (const text of hostile) {
      for (const line of [`/contacts approve acme-hosting "${text}"`, `/contacts approve "${text}" 10.0.0.0/8`, `/contacts reject "${text}" 10.0.0.0/8 --reason "not theirs"`]) {
        const answer = await run(core, "demo.coordinator", line);
        expect(answer.failure, line.slice(0, 60)).toBeDefined();
        expect(answer.message.text.length).toBeLessThan(2_000);
        expect(hasUnsafeCharacters(answer.message.text)).toBe(false);
      }
    }
    // A 100,000-character reason is refused; a reason with mentions and controls is kept as inert text.
    await refused(core, "demo.coordinator", `/contacts reject acme-hosting 10.0.0.0/8 --reason ${"x".repeat(100_000)}`, "bad-arguments");
    await refused(core, "demo.coordinator", `/contacts reject acme-hosting 10.0.0.0/8 --reason ${"x".repeat(600)}`, "bad-arguments");
    expect(await pending(core)).toHaveLength(1);
    await succeeds(core, "demo.coordinator", `/contacts reject acme-hosting 10.0.0.0/8 --reason "<!channel> @everyone @room \u001b[2J\u0007\u202Eevil"`);
    const entry = await core.store.db.auditEntry.findFirstOrThrow({ where: { action: "organisation.reject" } });
    const detail = JSON.parse(entry.detail) as { decisionReason: string };
    expect(hasUnsafeCharacters(detail.decisionReason)).toBe(false);
    expect(detail.decisionReason).toContain("<!channel> @everyone @room");
    expect(await pending(core)).toEqual([]);
  });
});
