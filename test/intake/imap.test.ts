// The abuse mailbox against a real IMAP server (a private Dovecot started by this file): ARF, X-ARF and plain mails
// are taken in and only then marked \Seen; a mail whose item could not be committed stays unseen and is taken on the
// next pass; a mail that is no report is flagged for a person; a lost server is reconnected to, with backoff.
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { backoffMs, mailboxReader, REFUSED_KEYWORD } from "../../src/intake/mail/imap.js";
import { imapSchema } from "../../src/intake/settings.js";
import { testConfig } from "../support/core.js";
import { silentLogger } from "../../src/log.js";
import { DOVECOT_PASSWORD, dovecotUnavailable, startDovecot, type DovecotServer } from "../support/dovecot.js";
import { memorySink } from "../support/intake-sink.js";
import { arfMail, plainMail, xarfMail, xarfSample } from "../support/mails.js";

if (dovecotUnavailable) console.warn(`Skipping the IMAP tests: ${dovecotUnavailable}`);

describe.skipIf(dovecotUnavailable !== undefined)("abuse mailbox over IMAP (Dovecot)", () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot();
  }, 20_000);
  afterAll(() => server?.stop());

  const client = async (user: string) => {
    const imap = new ImapFlow({ host: "127.0.0.1", port: server.port, secure: false, auth: { user, pass: DOVECOT_PASSWORD }, logger: false });
    for (let attempt = 0; ; attempt += 1) {
      try {
        await imap.connect();
        return imap;
      } catch (error) {
        if (attempt > 20) throw new Error(`${String(error)}\n${server.log()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  const flagsOf = async (imap: ImapFlow, folder = "INBOX") => {
    const lock = await imap.getMailboxLock(folder);
    try {
      // By uid: flag changes made by the reader's connection also arrive here, as untagged FETCH responses without one.
      const byUid = new Map<number, string[]>();
      for await (const message of imap.fetch("1:*", { flags: true, uid: true })) {
        if (typeof message.uid === "number") byUid.set(message.uid, [...(message.flags ?? [])].sort());
      }
      return [...byUid].sort(([a], [b]) => a - b).map(([uid, flags]) => ({ uid, flags }));
    } finally {
      lock.release();
    }
  };

  const setup = (user: string, overrides: Record<string, unknown> = {}) => {
    const sink = memorySink();
    const imapSettings = imapSchema.parse({ enabled: true, host: "127.0.0.1", port: server.port, secure: false, user, pollIntervalMs: 1000, backoffBaseMs: 10, backoffMaxMs: 40, ...overrides });
    const reader = mailboxReader(imapSettings, DOVECOT_PASSWORD, { sink, settings: testConfig().config.intake, clock: new ManualClock("2026-12-01T10:00:00Z") }, silentLogger());
    return { sink, kept: sink.kept, reader };
  };

  it("takes in ARF, X-ARF and plain mails, and marks each \\Seen only after its reports were committed", async () => {
    const user = "abuse@hosting.example";
    const imap = await client(user);
    await imap.append("INBOX", arfMail());
    await imap.append("INBOX", xarfMail(xarfSample("v4/messaging-spam.json")));
    await imap.append("INBOX", plainMail("Phishing at https://phish.example/login, please remove."));
    const { sink, reader, kept } = setup(user);
    sink.failing = true;
    expect(await reader.pass()).toEqual({ accepted: 0, refused: 0, failed: 3 });
    expect((await flagsOf(imap)).map((message) => message.flags)).toEqual([[], [], []]);
    sink.failing = false;
    expect(await reader.pass()).toEqual({ accepted: 3, refused: 0, failed: 0 });
    expect(sink.accepted.map((entry) => entry.report.format)).toEqual(["arf", "xarf-v4", "plain-mail"]);
    expect(sink.accepted.every((entry) => entry.origin.mailbox === `imap:${user}@127.0.0.1/INBOX` && kept.has(entry.origin.rawSha256))).toBe(true);
    expect((await flagsOf(imap)).map((message) => message.flags)).toEqual([["\\Seen"], ["\\Seen"], ["\\Seen"]]);
    expect(await reader.pass()).toEqual({ accepted: 0, refused: 0, failed: 0 });
    await reader.stop();
    await imap.logout();
  }, 30_000);

  it("flags a mail that is no report (and reads it no more); moves done mails when configured", async () => {
    const user = "desk@hosting.example";
    const imap = await client(user);
    await imap.mailboxCreate("Done");
    await imap.append("INBOX", plainMail("Your service is bad."));
    await imap.append("INBOX", plainMail("See http://bad.example/"));
    const { reader } = setup(user, { done: { moveTo: "Done" } });
    expect(await reader.pass()).toEqual({ accepted: 1, refused: 1, failed: 0 });
    const inbox = await flagsOf(imap);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.flags).toEqual([REFUSED_KEYWORD, "\\Flagged"].sort());
    expect(await flagsOf(imap, "Done")).toHaveLength(1);
    expect(await reader.pass()).toEqual({ accepted: 0, refused: 0, failed: 0 });
    await reader.stop();
    await imap.logout();
  }, 30_000);

  it("run() keeps trying a server that refuses it, waiting longer each time, and stops when told", async () => {
    const sink = memorySink();
    const waits: number[] = [];
    const settings = imapSchema.parse({ enabled: true, host: "127.0.0.1", port: server.port, secure: false, user: "x@hosting.example", backoffBaseMs: 10, backoffMaxMs: 40 });
    const reader = mailboxReader(settings, "wrong-password", { sink, settings: testConfig().config.intake, clock: new ManualClock("2026-12-01T10:00:00Z") }, silentLogger(), async (ms) => {
      waits.push(ms);
      if (waits.length === 4) await reader.stop();
    });
    // Dovecot's static passdb takes any user with its one password: a wrong password is refused.
    await reader.run();
    expect(waits).toEqual([10, 20, 40, 40]);
    expect(backoffMs(1, 1000, 300_000)).toBe(1000);
    expect(backoffMs(20, 1000, 300_000)).toBe(300_000);
  }, 30_000);
});
