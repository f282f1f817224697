// Trust in the directory, on both databases: designations (kind, name, country, jurisdictions) are set by
// coordinators; broad or overlapping responsibilities and implausible working hours an organisation's admin asks
// for wait for a coordinator's approval (see approvals.test.ts);
// chat accounts are linked only in their platform's form, never as console identities; coordinators' entries are
// changed by coordinators only, and the last coordinator stays.
import { expect } from "vitest";
import type { FailureCode } from "../../src/core/result.js";
import { createTestCore, describeOnProviders, lazyStore, type TestCore } from "../support/core.js";
import { linkProven } from "../support/links.js";

describeOnProviders("trust in the directory", (provider, test) => {
  const database = lazyStore(provider);

  async function fresh(): Promise<TestCore> {
    const { store } = await database.get();
    await (await database.get()).reset();
    return createTestCore(store);
  }

  async function run(core: TestCore, handle: string, line: string) {
    return core.dispatcher.run(await core.actor(handle), line);
  }

  async function refused(core: TestCore, handle: string, line: string, code: FailureCode = "not-allowed"): Promise<string> {
    const answer = await run(core, handle, line);
    expect(answer.failure, `${line} as ${handle}: ${answer.message.text}`).toBe(code);
    return answer.message.text;
  }

  async function succeeds(core: TestCore, handle: string, line: string): Promise<string> {
    const answer = await run(core, handle, line);
    expect(answer.failure, `${line} as ${handle}: ${answer.message.text}`).toBeUndefined();
    return answer.message.text;
  }

  const DESIGNATIONS = ["--kind lea", '--name "Police Cyber Crime Unit NL"', "--country DE", "--jurisdictions NL,EU"];

  test("an organisation's admin and its contacts cannot change its kind, name, country or jurisdictions; a coordinator can", async () => {
    const core = await fresh();
    const before = await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } });
    for (const option of DESIGNATIONS) {
      const text = await refused(core, "jan.jansen", `/contacts edit-org acme-hosting ${option} --hours "mon-fri 08:00-18:00"`);
      expect(text).toMatch(/coordinator/i);
      await refused(core, "eva.mulder", `/contacts edit-org acme-hosting ${option}`);
    }
    // Nothing of a refused edit was applied, not even its harmless part.
    expect(await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } })).toEqual(before);
    await succeeds(core, "demo.coordinator", '/contacts edit-org acme-hosting --kind lea --name "ACME Renamed" --country DE --jurisdictions NL,EU');
    const after = await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } });
    expect([after.kind, after.name, after.country]).toEqual(["lea", "ACME Renamed", "DE"]);
  });

  test("broad or other organisations' responsibilities and implausible hours wait for a coordinator", async () => {
    const core = await fresh();
    const responsibilities = async () =>
      (await core.store.db.responsibility.findMany({ where: { organisation: { slug: "acme-hosting" } }, orderBy: { value: "asc" } })).map((row) => `${row.type}:${row.value}`);
    const before = await responsibilities();
    for (const option of [
      "--add-ip 0.0.0.0/0", "--add-ip ::/0", "--add-ip 10.0.0.0/8", // implausibly broad
      "--add-domain chirp.example", "--add-domain www.chirp.example", "--add-domain co.uk", // another's, a public suffix
      "--add-asn AS64501", // another organisation's AS number
      '--hours "mon 09:00-09:01"',
    ]) {
      const text = await succeeds(core, "jan.jansen", `/contacts edit-org acme-hosting ${option}`);
      expect(text, option).toMatch(/wait for a coordinator/i);
    }
    // None of it is in the entry: it waits, and only a coordinator's approval puts it there.
    expect(await responsibilities()).toEqual(before);
    expect((await core.store.db.organisation.findUniqueOrThrow({ where: { slug: "acme-hosting" } })).workingHours).toBe("mon-fri 09:00-17:00");
    expect(await core.store.db.pendingApproval.count()).toBe(8);
    // A normal edit of its own, narrow entry still works for the admin.
    const narrow = await succeeds(core, "jan.jansen", '/contacts edit-org acme-hosting --add-ip 198.51.100.0/24 --add-domain acme-mail.example --hours "mon-fri 08:00-18:00"');
    expect(narrow).not.toMatch(/wait for a coordinator/i);
    // The coordinator may add what the admin may not.
    await succeeds(core, "demo.coordinator", "/contacts edit-org acme-hosting --add-asn AS64501");
    expect(await core.store.db.responsibility.count({ where: { organisation: { slug: "acme-hosting" }, value: "AS64501" } })).toBe(1);
  });

  test("chat accounts are linked only in their platform's form, never as console identities", async () => {
    const core = await fresh();
    for (const [line, says] of [
      ["/contacts link eva.mulder slack U024BE7LH", /workspace/i],
      ["/contacts link eva.mulder slack u024be7lh --workspace T061EG9R6", /U/],
      ["/contacts link eva.mulder matrix anna", /@/],
      ["/contacts link eva.mulder matrix @anna", /:/],
      [`/contacts link eva.mulder matrix @${"a".repeat(300)}:x.example`, /255/],
      ["/contacts link eva.mulder discord notasnowflake", /digits/i],
      ["/contacts link eva.mulder console operator", /console/i],
      ["/contacts link eva.mulder console demo.coordinator", /console/i],
    ] as const) {
      const answer = await run(core, "jan.jansen", line);
      expect(answer.failure, line).toBeDefined();
      expect(answer.message.text, line).toMatch(says);
    }
    expect(await core.store.db.chatIdentity.count({ where: { contact: { handle: "eva.mulder" } } })).toBe(0);
    await linkProven(core, "jan.jansen", "eva.mulder", { platform: "slack", workspace: "T061EG9R6", userId: "U024BE7LH" });
    await linkProven(core, "jan.jansen", "eva.mulder", { platform: "matrix", workspace: "", userId: "@eva:acme-hosting.example" });
    await linkProven(core, "jan.jansen", "eva.mulder", { platform: "discord", workspace: "", userId: "80351110224678912" });
  });

  test("an organisation's admin cannot link, unlink, edit or remove a coordinator; the last coordinator stays", async () => {
    const core = await fresh();
    // Give the coordinators' organisation an admin of its own.
    await succeeds(core, "demo.coordinator", '/contacts add nina.admin --org nl-coordination --name "Nina Admin" --admin');
    await linkProven(core, "demo.coordinator", "demo.coordinator", { platform: "matrix", workspace: "", userId: "@coord:coordination.example" });
    for (const line of [
      "/contacts link demo.coordinator matrix @nina:coordination.example",
      "/contacts unlink demo.coordinator matrix @coord:coordination.example",
      '/contacts edit demo.coordinator --name "Someone Else"',
      '/contacts remove demo.coordinator --reason "taking over"',
    ]) {
      for (const handle of ["nina.admin", "jan.jansen"]) await refused(core, handle, line);
    }
    // The last coordinator can neither be removed nor lose coordinator rights, even by themselves.
    await refused(core, "demo.coordinator", '/contacts remove demo.coordinator --reason "leaving"', "conflict");
    await refused(core, "demo.coordinator", "/contacts edit demo.coordinator --coordinator=false", "conflict");
    const coordinator = await core.store.db.contact.findUniqueOrThrow({ where: { handle: "demo.coordinator" } });
    expect(coordinator.coordinator).toBe(true);
    expect(coordinator.removedAt).toBeNull();
  });
});
