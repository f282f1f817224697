// Proven chat accounts, on both databases: /contacts link only asks; the link takes effect when a person typing
// FROM that account confirms it with the code Liaison sent there. An admin squatting someone else's account (a
// police officer's Matrix id) gets a pending link that never acts; a code typed from any other account links
// nothing; wrong, expired and reused codes are refused and wrong ones are limited; the contact is told on their
// other accounts; conflicts go to the coordinators.
import { expect } from "vitest";
import type { PlatformIdentity } from "../../src/core/adapter.js";
import type { OutboundMessage } from "../../src/core/message.js";
import type { FailureCode } from "../../src/core/result.js";
import { renderMessage as renderSlack } from "../../adapters/slack/render.js";
import { hasUnsafeCharacters } from "../../src/core/text.js";
import { MAX_OPEN_REQUESTS } from "../../src/directory/links.js";
import { createTestCore, describeOnProviders, lazyStore, type TestCore } from "../support/core.js";
import { linkProven, sentLinkCode, sentToAccount, sentToContact } from "../support/links.js";

const OFFICER: PlatformIdentity = { platform: "matrix", workspace: "", userId: "@officer:police.example" };
const JAN_SLACK: PlatformIdentity = { platform: "slack", workspace: "T0ACME", userId: "U0JAN" };
const EVA_SLACK: PlatformIdentity = { platform: "slack", workspace: "T0ACME", userId: "U0EVA" };
const EVA_MATRIX: PlatformIdentity = { platform: "matrix", workspace: "", userId: "@eva:acme-hosting.example" };
const JAN_SECOND: PlatformIdentity = { platform: "matrix", workspace: "", userId: "@jan2:evil.example" };

describeOnProviders("proven chat accounts", (provider, test) => {
  const database = lazyStore(provider);

  async function fresh(): Promise<TestCore> {
    const { store } = await database.get();
    await (await database.get()).reset();
    return createTestCore(store);
  }

  /** Runs a line as a console contact (by handle) or as a chat account. */
  async function run(core: TestCore, who: string | PlatformIdentity, line: string) {
    return core.dispatcher.run(typeof who === "string" ? await core.actor(who) : await core.actorOf(who), line);
  }

  async function refused(core: TestCore, who: string | PlatformIdentity, line: string, code: FailureCode): Promise<string> {
    const answer = await run(core, who, line);
    expect(answer.failure, `${line}: ${answer.message.text}`).toBe(code);
    return answer.message.text;
  }

  async function succeeds(core: TestCore, who: string | PlatformIdentity, line: string): Promise<string> {
    const answer = await run(core, who, line);
    expect(answer.failure, `${line}: ${answer.message.text}`).toBeUndefined();
    return answer.message.text;
  }

  async function actsAs(core: TestCore, identity: PlatformIdentity): Promise<string | undefined> {
    return (await core.actorOf(identity)).contact?.handle;
  }

  async function pendingCount(core: TestCore): Promise<number> {
    return core.store.db.pendingLink.count();
  }

  test("an admin squatting an officer's Matrix account gets a pending link that never acts unless confirmed from that account", async () => {
    const core = await fresh();
    await linkProven(core, "demo.coordinator", "jan.jansen", JAN_SLACK);
    const answer = await succeeds(core, "jan.jansen", `/contacts link eva.mulder matrix ${OFFICER.userId}`);
    expect(answer).toMatch(/pending/i);
    expect(answer).not.toMatch(/[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}/); // the code went to the account, not to the asker
    // Nothing changed about who the account acts as.
    expect(await actsAs(core, OFFICER)).toBeUndefined();
    expect(await core.store.db.chatIdentity.count({ where: { userId: OFFICER.userId } })).toBe(0);
    await refused(core, OFFICER, "/contacts edit eva.mulder --phone +31205559999", "not-linked");
    // The officer's account got the code, with who asked and for whom.
    const [proof] = await sentToAccount(core.store, OFFICER);
    expect(proof?.text).toContain("jan.jansen");
    expect(proof?.text).toContain("Eva Mulder (eva.mulder)");
    const code = await sentLinkCode(core.store, OFFICER);
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}$/);
    // Even with the right code (leaked, say), the admin cannot confirm from the console or from their own account.
    expect(await refused(core, "jan.jansen", `/contacts confirm-link ${code}`, "not-allowed")).toMatch(/not issued for the account/i);
    expect(await actsAs(core, OFFICER)).toBeUndefined();
    // That code is now cancelled: not even the officer can use it, and the coordinators heard of it.
    await refused(core, OFFICER, `/contacts confirm-link ${code}`, "not-found");
    expect(await actsAs(core, OFFICER)).toBeUndefined();
    expect((await sentToContact(core.store, "demo.coordinator")).some((message) => /another account/.test(message.text))).toBe(true);
    // A second request, and the code typed from the admin's own Slack account: refused the same way.
    await succeeds(core, "jan.jansen", `/contacts link eva.mulder matrix ${OFFICER.userId}`);
    const second = await sentLinkCode(core.store, OFFICER);
    expect(second).not.toBe(code);
    await refused(core, JAN_SLACK, `/contacts confirm-link ${second}`, "not-allowed");
    expect(await actsAs(core, OFFICER)).toBeUndefined();
    expect(await actsAs(core, JAN_SLACK)).toBe("jan.jansen");
    expect(await pendingCount(core)).toBe(0);
  });

  test("a link takes effect only when confirmed from the account itself, and tells the contact on their other accounts", async () => {
    const core = await fresh();
    await linkProven(core, "jan.jansen", "eva.mulder", EVA_SLACK);
    await succeeds(core, "jan.jansen", `/contacts link eva.mulder matrix ${EVA_MATRIX.userId}`);
    const shown = await succeeds(core, "jan.jansen", "/contacts show eva.mulder");
    expect(shown).toMatch(/waiting for confirmation/i);
    expect(shown).toContain(EVA_MATRIX.userId);
    expect(await actsAs(core, EVA_MATRIX)).toBeUndefined();
    const code = await sentLinkCode(core.store, EVA_MATRIX);
    // Typed in lower case, without dashes: still the code.
    const confirmed = await succeeds(core, EVA_MATRIX, `/contacts confirm-link ${code?.replace(/-/g, "").toLowerCase()}`);
    expect(confirmed).toContain("eva.mulder");
    expect(await actsAs(core, EVA_MATRIX)).toBe("eva.mulder");
    expect(await succeeds(core, "jan.jansen", "/contacts show eva.mulder")).not.toMatch(/waiting for confirmation/i);
    // Eva hears of it on the account she already had.
    const told = await sentToAccount(core.store, EVA_SLACK);
    expect(told.some((message) => message.text.includes(EVA_MATRIX.userId) && /linked to you/.test(message.text))).toBe(true);
    // It is recorded as proven.
    const entry = await core.store.db.auditEntry.findFirstOrThrow({ where: { action: "contact.link", subjectId: "eva.mulder" }, orderBy: { seq: "desc" } });
    expect(entry.detail).toContain("confirmed from the account");
    // Reused: the code is single use.
    await refused(core, EVA_MATRIX, `/contacts confirm-link ${code}`, "not-found");
  });

  test("wrong codes are limited, expired codes are refused, and a cancelled link stays cancelled", async () => {
    const core = await fresh();
    await succeeds(core, "jan.jansen", `/contacts link eva.mulder matrix ${EVA_MATRIX.userId}`);
    const code = await sentLinkCode(core.store, EVA_MATRIX);
    const wrong = code === "AAAA-AAAA-AA" ? "BBBB-BBBB-BB" : "AAAA-AAAA-AA";
    const max = core.loaded.config.directory.links.maxWrongCodes;
    for (let attempt = 1; attempt < max; attempt += 1) {
      expect(await refused(core, EVA_MATRIX, `/contacts confirm-link ${wrong}`, "invalid-input")).toContain(`${max - attempt} more`);
    }
    expect(await refused(core, EVA_MATRIX, `/contacts confirm-link ${wrong}`, "not-allowed")).toMatch(/cancelled/);
    // The right code comes too late: the link is gone.
    await refused(core, EVA_MATRIX, `/contacts confirm-link ${code}`, "not-found");
    expect(await actsAs(core, EVA_MATRIX)).toBeUndefined();
    expect((await sentToContact(core.store, "demo.coordinator")).some((message) => /wrong codes/.test(message.text))).toBe(true);

    // Expiry: valid for the configured time, not a millisecond more.
    await succeeds(core, "jan.jansen", `/contacts link eva.mulder matrix ${EVA_MATRIX.userId}`);
    const late = await sentLinkCode(core.store, EVA_MATRIX);
    core.clock.advance(core.loaded.config.directory.links.codeValidHours * 3_600_000);
    expect(await refused(core, EVA_MATRIX, `/contacts confirm-link ${late}`, "invalid-input")).toMatch(/expired/);
    expect(await actsAs(core, EVA_MATRIX)).toBeUndefined();
    await refused(core, EVA_MATRIX, `/contacts confirm-link ${late}`, "not-found");
  });

  test("a code nobody asked for, from any account, links nothing", async () => {
    const core = await fresh();
    await refused(core, OFFICER, "/contacts confirm-link AAAA-BBBB-CC", "not-found");
    await refused(core, "demo.coordinator", "/contacts confirm-link AAAA-BBBB-CC", "not-found");
    expect(await core.store.db.chatIdentity.count()).toBe(0);
  });

  test("an account linked or pending for someone else is a conflict for the coordinators", async () => {
    const core = await fresh();
    await linkProven(core, "jan.jansen", "tom.hendriks", EVA_SLACK);
    expect(await refused(core, "jan.jansen", `/contacts link eva.mulder slack ${EVA_SLACK.userId} --workspace ${EVA_SLACK.workspace}`, "conflict")).toContain("tom.hendriks");
    expect(await actsAs(core, EVA_SLACK)).toBe("tom.hendriks");
    expect((await sentToContact(core.store, "demo.coordinator")).some((message) => message.text.includes("already linked to tom.hendriks"))).toBe(true);
    // Pending for one contact: a request for another does not replace it.
    await succeeds(core, "jan.jansen", `/contacts link eva.mulder matrix ${EVA_MATRIX.userId}`);
    const code = await sentLinkCode(core.store, EVA_MATRIX);
    await refused(core, "jan.jansen", `/contacts link tom.hendriks matrix ${EVA_MATRIX.userId}`, "conflict");
    expect(await sentLinkCode(core.store, EVA_MATRIX)).toBe(code);
    // The account gets linked to someone else meanwhile (an import): confirming is a conflict, nothing changes.
    const tom = await core.store.db.contact.findUniqueOrThrow({ where: { handle: "tom.hendriks" } });
    await core.store.db.chatIdentity.create({ data: { id: "imported", contactId: tom.id, platform: "matrix", workspace: "", userId: EVA_MATRIX.userId, createdAt: core.clock.now() } });
    await refused(core, EVA_MATRIX, `/contacts confirm-link ${code}`, "conflict");
    expect(await actsAs(core, EVA_MATRIX)).toBe("tom.hendriks");
    expect((await sentToContact(core.store, "demo.coordinator")).some((message) => message.text.includes("confirmed a link to eva.mulder"))).toBe(true);
  });

  test("an admin cannot link a second account of their own to the coordinator; the coordinator links their own through the proof", async () => {
    const core = await fresh();
    await refused(core, "jan.jansen", `/contacts link demo.coordinator matrix ${JAN_SECOND.userId}`, "not-allowed");
    expect(await pendingCount(core)).toBe(0);
    expect(await sentToAccount(core.store, JAN_SECOND)).toEqual([]);
    // Linking it to a contact of the admin's own organisation is allowed, but acts only once proven, and the contact hears.
    await linkProven(core, "jan.jansen", "eva.mulder", EVA_SLACK);
    await linkProven(core, "jan.jansen", "eva.mulder", JAN_SECOND);
    expect((await sentToAccount(core.store, EVA_SLACK)).some((message) => message.text.includes(JAN_SECOND.userId))).toBe(true);
    // The console operator (acting as the coordinator) links the coordinator's own account the same way.
    const coordinatorMatrix: PlatformIdentity = { platform: "matrix", workspace: "", userId: "@coord:coordination.example" };
    await linkProven(core, "demo.coordinator", "demo.coordinator", coordinatorMatrix);
    expect(await actsAs(core, coordinatorMatrix)).toBe("demo.coordinator");
  });

  test("a link asked for earlier does not carry over to rights granted, or taken, later", async () => {
    const core = await fresh();
    // Staged while eva is an ordinary contact, confirmed after she became a coordinator: refused.
    await succeeds(core, "jan.jansen", `/contacts link eva.mulder matrix ${JAN_SECOND.userId}`);
    const staged = await sentLinkCode(core.store, JAN_SECOND);
    await succeeds(core, "demo.coordinator", "/contacts edit eva.mulder --coordinator");
    expect(await refused(core, JAN_SECOND, `/contacts confirm-link ${staged}`, "not-allowed")).toMatch(/coordinator/);
    expect(await actsAs(core, JAN_SECOND)).toBeUndefined();
    // Asked for by an admin who is no longer one: refused.
    await succeeds(core, "jan.jansen", `/contacts link tom.hendriks matrix ${EVA_MATRIX.userId}`);
    const code = await sentLinkCode(core.store, EVA_MATRIX);
    await succeeds(core, "demo.coordinator", "/contacts edit jan.jansen --admin=false");
    await refused(core, EVA_MATRIX, `/contacts confirm-link ${code}`, "not-allowed");
    expect(await actsAs(core, EVA_MATRIX)).toBeUndefined();
    // Removing a contact drops its pending links.
    await succeeds(core, "demo.coordinator", `/contacts link tom.hendriks matrix ${EVA_MATRIX.userId}`);
    await succeeds(core, "demo.coordinator", '/contacts remove tom.hendriks --reason "left the company"');
    expect(await pendingCount(core)).toBe(0);
  });

  test("one person can have only a few links waiting: Liaison is not a way to message strangers in bulk", async () => {
    const core = await fresh();
    for (let index = 0; index < MAX_OPEN_REQUESTS; index += 1) await succeeds(core, "jan.jansen", `/contacts link eva.mulder matrix @someone${index}:elsewhere.example`);
    await refused(core, "jan.jansen", "/contacts link eva.mulder matrix @one-more:elsewhere.example", "conflict");
    expect(await sentToAccount(core.store, { platform: "matrix", workspace: "", userId: "@one-more:elsewhere.example" })).toEqual([]);
    // Asking again for one already waiting (a new code) is not one more; once they expire, there is room again.
    await succeeds(core, "jan.jansen", "/contacts link eva.mulder matrix @someone0:elsewhere.example");
    core.clock.advance(core.loaded.config.directory.links.codeValidHours * 3_600_000);
    await succeeds(core, "jan.jansen", "/contacts link eva.mulder matrix @one-more:elsewhere.example");
  });

  test("hostile codes are refused without being echoed and without counting against the account", async () => {
    const core = await fresh();
    await succeeds(core, "jan.jansen", `/contacts link eva.mulder matrix ${EVA_MATRIX.userId}`);
    for (const code of ["x".repeat(100_000), "AAAA\u0007BBBB\u001b[2J", "<!channel>", "@everyone", "@room", "\u202EAAAA-BBBB-CC"]) {
      const answer = await run(core, EVA_MATRIX, `/contacts confirm-link ${code}`);
      expect(answer.failure, JSON.stringify(code.slice(0, 40))).toBeDefined();
      expect(answer.message.text).not.toContain(code.slice(0, 20));
      expect(hasUnsafeCharacters(answer.message.text)).toBe(false);
    }
    const pending = await core.store.db.pendingLink.findFirstOrThrow();
    expect(pending.attempts).toBe(0);
    expect(await actsAs(core, EVA_MATRIX)).toBeUndefined();
    // The real code still works.
    await succeeds(core, EVA_MATRIX, `/contacts confirm-link ${await sentLinkCode(core.store, EVA_MATRIX)}`);
  });

  test("codes are stored hashed, and the account's message names the request as inert text", async () => {
    const core = await fresh();
    await succeeds(core, "demo.coordinator", '/contacts add nina.x --org acme-hosting --name "Nina <!channel> @everyone"');
    await succeeds(core, "jan.jansen", `/contacts link nina.x matrix ${OFFICER.userId}`);
    const code = (await sentLinkCode(core.store, OFFICER)) as string;
    const row = await core.store.db.pendingLink.findFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(code.replace(/-/g, ""));
    expect(JSON.stringify(row)).not.toContain(code);
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    const [proof] = await sentToAccount(core.store, OFFICER);
    expect(proof?.actions?.[0]?.command).toBe(`/contacts confirm-link ${code}`);
    expect(proof?.text).toContain("Nina");
    // The name an admin wrote reaches Slack as text, never as a mention.
    expect(JSON.stringify(renderSlack(proof as OutboundMessage, { maxParts: 5 }))).not.toContain("<!channel>");
  });
});
