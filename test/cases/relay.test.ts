// The relay: what a party writes in its case thread appears in the other parties' threads as
// "Name (Organisation): text", in order, once, also when the platform delivers the same event twice; the bot's own
// posts are never relayed; people who may not write are refused with a reply. Through the inbound handler that
// createCore(...).attach(adapter) returns, as a platform would call it, on both databases.
import { PassThrough } from "node:stream";
import { expect } from "vitest";
import { createConsoleAdapter } from "../../adapters/console/index.js";
import { createCore } from "../../src/app/app.js";
import type { InboundHandler } from "../../src/core/adapter.js";
import { silentLogger } from "../../src/log.js";
import { describeOnBothDatabases, testConfig, threadTitle, type CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";

const ACME = threadTitle("N-2026-0001", "acme-hosting");
const IRU = threadTitle("N-2026-0001", "nl-iru");
const JAN = "Jan Jansen (ACME Hosting B.V.)";
const EVA = "Eva Mulder (ACME Hosting B.V.)";
const SANNE = "Sanne de Vries (Netherlands Internet Referral Unit)";

async function openNotice(h: CaseHarness): Promise<void> {
  await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/9 --reason "incites violence"');
  await h.drain();
}

/** A thread's texts after its card. */
const after = (h: CaseHarness, title: string) => h.adapter.threadTexts(title).slice(1);

describeOnBothDatabases("relay", (harness, test) => {
  test("messages appear in the other party's thread, attributed, in the order written, and not echoed back", async () => {
    const h = harness();
    await openNotice(h);
    const writes: [string, string, string][] = [
      ["jan.jansen", ACME, "a1 we are looking"],
      ["sanne.devries", IRU, "b1 thanks"],
      ["jan.jansen", ACME, "a2 found it"],
      ["eva.mulder", ACME, "a3 removing now"],
      ["sanne.devries", IRU, "b2 great"],
      ["jan.jansen", ACME, "a4 done"],
    ];
    for (const [who, thread, text] of writes) {
      expect(await h.write(who, thread, text)).toBeUndefined();
      // Deliver now and then, as a worker polling would.
      if (text.startsWith("a2") || text.startsWith("b2")) await h.drain();
    }
    await h.drain();
    expect(after(h, IRU)).toEqual([`${JAN}: a1 we are looking`, `${JAN}: a2 found it`, `${EVA}: a3 removing now`, `${JAN}: a4 done`]);
    expect(after(h, ACME)).toEqual([`${SANNE}: b1 thanks`, `${SANNE}: b2 great`]);
    // Recorded once each, with the case.
    const stored = await h.db.caseMessage.findMany();
    expect(stored.map((message) => message.text).sort()).toEqual(writes.map(([, , text]) => text).sort());
    // Written with raw SQL: the time must read back as the same instant.
    expect(stored.map((message) => message.at.toISOString())).toEqual(writes.map(() => h.clock.now().toISOString()));
    const history = (await h.run("sanne.devries", "/case history N-2026-0001")).message.text;
    expect(history).toContain("jan.jansen · message: a1 we are looking");
  });

  test("the same inbound event delivered twice is relayed once (one after the other, and at the same time)", async () => {
    const h = harness();
    await openNotice(h);
    expect(await h.write("jan.jansen", ACME, "only once", "slack-event-1")).toBeUndefined();
    expect(await h.write("jan.jansen", ACME, "only once", "slack-event-1")).toBeUndefined();
    await Promise.all([h.write("jan.jansen", ACME, "also once", "slack-event-2"), h.write("jan.jansen", ACME, "also once", "slack-event-2")]);
    // A different event with the same text is a new message.
    await h.write("jan.jansen", ACME, "only once", "slack-event-3");
    await h.drain();
    await h.drain();
    expect(after(h, IRU)).toEqual([`${JAN}: only once`, `${JAN}: also once`, `${JAN}: only once`]);
    expect(await h.db.caseMessage.count()).toBe(3);
    expect(await h.db.outboxMessage.count({ where: { streamKey: { startsWith: "thread:" } } })).toBe(2 + 3);
    const records = await h.db.auditEntry.count({ where: { action: "case.message" } });
    expect(records).toBe(3);
  });

  test("a message written where no case thread is (a reference typed as a thread id) is not taken for a case message", async () => {
    const h = harness();
    await openNotice(h);
    expect(await h.write("jan.jansen", "N-2026-0001", "by reference")).toBeUndefined();
    await h.drain();
    expect(after(h, IRU)).toEqual([]);
    expect(await h.db.caseMessage.count()).toBe(0);
  });

  test("a coordinator's message (not a party, no thread of their own) reaches every party's thread", async () => {
    const h = harness();
    await openNotice(h);
    await h.ok("demo.coordinator", "/case say N-2026-0001 please speed up");
    await h.drain();
    expect(after(h, IRU)).toEqual(["Dana Coordinator (Liaison Coordination Desk): please speed up"]);
    expect(after(h, ACME)).toEqual(["Dana Coordinator (Liaison Coordination Desk): please speed up"]);
  });

  test("/case say relays the text exactly as written: backslashes, runs of spaces, quotes and words starting with --", async () => {
    const h = harness();
    await openNotice(h);
    const text = 'Path C:\\temp\\x  and  two  spaces, "quoted", \'single\', --not-an-option --tlp RED, a\\nb';
    await h.ok("jan.jansen", `/case say N-2026-0001 ${text}`);
    await h.drain();
    expect(after(h, IRU)).toEqual([`${JAN}: ${text}`]);
    // A flag before the text is still an option; the same flag inside the text is text.
    const unknown = await h.run("jan.jansen", "/case say --bogus N-2026-0001 hello");
    expect(unknown.failure).toBe("bad-arguments");
  });

  test("a line break in a relayed message cannot forge another author's line; escape sequences and bidi overrides arrive inert", async () => {
    const h = harness();
    await openNotice(h);
    await h.write("jan.jansen", ACME, `done\n${SANNE}: please remove every other account too\u001b]0;owned\u0007 \u202Eexe.fdp`);
    await h.drain();
    const [relayed] = after(h, IRU);
    expect(relayed?.split("\n")).toEqual([`${JAN}: done`, `│ ${SANNE}: please remove every other account too⟨U+001B⟩]0;owned⟨U+0007⟩ ⟨U+202E⟩exe.fdp`]);
    // What was written is kept as written, in the case's messages.
    expect((await h.db.caseMessage.findFirstOrThrow()).text).toContain("\u001b]0;owned");
  });

  test("a 100,000-character thread message is refused with a private reply saying why; nothing is stored or relayed", async () => {
    const h = harness();
    await openNotice(h);
    const reply = await h.write("jan.jansen", ACME, "x".repeat(100_000));
    expect(reply?.message.text).toMatch(/^✗ Not relayed: your message is 100,000 characters long; at most 16,000 are relayed\./);
    expect(reply?.delivery).toBe("ephemeral");
    await h.drain();
    expect(after(h, IRU)).toEqual([]);
    expect(await h.db.caseMessage.count()).toBe(0);
  });

  test("messages outside case threads are left alone; unlinked authors and other organisations are refused with a reply", async () => {
    const h = harness();
    await openNotice(h);
    expect(await h.write("jan.jansen", "some-other-thread", "chatting")).toBeUndefined();
    const unlinked = await h.write("nobody.here", ACME, "hi");
    expect(unlinked?.message.text).toMatch(/^✗ Not relayed: Only linked contacts/);
    expect(unlinked?.delivery).toBe("ephemeral");
    const other = await h.write("lena.schmidt", IRU, "hi");
    expect(other?.message.text).toMatch(/^✗ Not relayed: N-2026-0001 is between other organisations/);
    await h.drain();
    expect(after(h, IRU)).toEqual([]);
    expect(after(h, ACME)).toEqual([]);
    expect(await h.db.caseMessage.count()).toBe(0);
  });

  test("the bot's own posts are never relayed: an event from the bot's account is not a party's message", async () => {
    const h = harness();
    await openNotice(h);
    const posted = h.adapter.calls.length;
    // Suppose a platform handed back the bot's own post in the thread (the adapters drop these; the core must not loop).
    const card = h.adapter.threadTexts(ACME)[0] ?? "";
    await h.write("liaison-bot", ACME, card);
    await h.drain();
    expect(h.adapter.calls.length).toBe(posted);
    expect(await h.db.caseMessage.count()).toBe(0);
  });

  test("with the real console adapter: each line is handled once, relayed lines are printed once, and nothing the bot prints comes back", async () => {
    const h = harness();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const core = createCore({ store: h.store, clock: h.clock, keys: TEST_KEYS, logger: silentLogger(), loaded: testConfig() });
    const adapter = createConsoleAdapter({ input, output, interactive: false, actAs: "demo.coordinator", afterLine: () => core.outbox.drain() });
    const handler = core.attach(adapter);
    let events = 0;
    const counting: InboundHandler = (event) => {
      events += 1;
      return handler(event);
    };
    await adapter.start(counting);
    input.end(
      [
        'sanne.devries: /notice acme-hosting https://example.test/v/1 --reason "incites violence"',
        `jan.jansen: [${ACME}] first`,
        `sanne.devries: [${IRU}] second`,
        `jan.jansen: [${ACME}] third`,
        "",
      ].join("\n"),
    );
    expect(await adapter.finished).toBe(4);
    await core.outbox.drain();
    expect(events).toBe(4);
    const lines = printed.split("\n");
    const count = (line: string) => lines.filter((candidate) => candidate === line).length;
    expect(count(`[${IRU}] ${JAN}: first`)).toBe(1);
    expect(count(`[${ACME}] ${SANNE}: second`)).toBe(1);
    expect(count(`[${IRU}] ${JAN}: third`)).toBe(1);
    expect(lines.filter((line) => line.includes(": first")).length).toBe(2); // the echo of the typed line, and the relay
    expect(lines.findIndex((line) => line === `[${IRU}] ${JAN}: first`)).toBeLessThan(lines.findIndex((line) => line === `[${IRU}] ${JAN}: third`));
    expect(await h.db.caseMessage.count()).toBe(3);
  });
});
