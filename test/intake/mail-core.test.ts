// The abuse mailbox wired into the intake core, against the private Dovecot and a real store (SQLite and
// PostgreSQL): a mail becomes a routed intake item through acceptIntakeReport (the API's path), its raw bytes are kept
// in the same transaction, the mail is marked only after the commit, a restart after a lost mark adds nothing, and
// the service started by `liaison start` stops promptly.
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import { mailboxReader } from "../../src/intake/mail/imap.js";
import { sha256Hex } from "../../src/intake/mail/mime.js";
import { mailIntakeProblem, startMailIntake } from "../../src/intake/mail/service.js";
import { rawMessage } from "../../src/intake/mail/raw-store.js";
import { imapSchema, type IntakeSettings } from "../../src/intake/settings.js";
import { acceptSettingsOf, storeIntakeSink } from "../../src/intake/store-sink.js";
import { silentLogger } from "../../src/log.js";
import type { Store } from "../../src/store/db.js";
import { describeOnProviders, testConfig } from "../support/core.js";
import { freshIntakeStore } from "../support/intake.js";
import { DOVECOT_PASSWORD, dovecotUnavailable, startDovecot, type DovecotServer } from "../support/dovecot.js";
import { TEST_KEYS } from "../support/keys.js";
import { arfMail, crlf } from "../support/mails.js";

if (dovecotUnavailable) console.warn(`Skipping the mailbox-to-core tests: ${dovecotUnavailable}`);

let server: DovecotServer | undefined;
beforeAll(async () => {
  if (!dovecotUnavailable) server = await startDovecot();
}, 20_000);
afterAll(() => server?.stop());

/** A plain mail about a URL under acme-hosting.example (the demo directory routes it to Acme Hosting), no Message-ID. */
function phishingMail(path: string): Buffer {
  return crlf(["From: Jan Jansen <jan@reporter.example>", "To: abuse@hosting.example", "Subject: phishing", "Date: Mon, 30 Nov 2026 09:00:00 +0100", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", `Please remove https://login.acme-hosting.example/${path}`, ""]);
}

async function client(user: string): Promise<ImapFlow> {
  const imap = new ImapFlow({ host: "127.0.0.1", port: server?.port ?? 0, secure: false, auth: { user, pass: DOVECOT_PASSWORD }, logger: false });
  await imap.connect();
  return imap;
}

/** The flags of each message in a folder, seen from a connection of its own (so nothing is stale). */
async function flags(user: string, folder = "INBOX"): Promise<string[][]> {
  const imap = await client(user);
  const lock = await imap.getMailboxLock(folder);
  try {
    const byUid = new Map<number, string[]>();
    for await (const message of imap.fetch("1:*", { flags: true, uid: true })) {
      if (typeof message.uid === "number") byUid.set(message.uid, [...(message.flags ?? [])].sort());
    }
    return [...byUid].sort(([a], [b]) => a - b).map(([, list]) => list);
  } finally {
    lock.release();
    await imap.logout();
  }
}

describeOnProviders("mailbox into the intake core", (provider, test) => {
  if (dovecotUnavailable) return;
  const fresh = freshIntakeStore(provider);
  let store: Store;
  let clock: ManualClock;
  let run = 0;
  const intakeWith = (user: string, overrides: Record<string, unknown> = {}): IntakeSettings => {
    const base = testConfig().config.intake;
    return { ...base, mail: { ...base.mail, imap: imapSchema.parse({ enabled: true, host: "127.0.0.1", port: server?.port, secure: false, user, pollIntervalMs: 1000, backoffBaseMs: 10, backoffMaxMs: 40, ...overrides }) } };
  };
  const reader = (intake: IntakeSettings, on: Pick<Store, "transaction"> = store) =>
    mailboxReader(intake.mail.imap, DOVECOT_PASSWORD, { sink: storeIntakeSink(on, clock, TEST_KEYS, acceptSettingsOf(intake)), settings: intake, clock }, silentLogger());
  const counts = async () => ({ items: await store.db.intakeItem.count(), entries: await store.db.intakeReportEntry.count(), raw: await store.db.intakeRawMessage.count() });

  beforeEach(async () => {
    ({ store, clock } = await fresh());
    run += 1;
  });

  test("a mail becomes a routed item with its raw bytes, and is marked \\Seen only after the commit", async () => {
    const user = `core-${provider}-${run}@hosting.example`;
    const imap = await client(user);
    const mail = phishingMail("a");
    await imap.append("INBOX", mail);
    const intake = intakeWith(user);
    // A store that cannot commit: nothing is written (not even the raw bytes) and the mail stays unread.
    const broken: Pick<Store, "transaction"> = { transaction: async () => { throw new Error("database unavailable"); } };
    const failing = reader(intake, broken);
    expect(await failing.pass()).toEqual({ accepted: 0, refused: 0, failed: 1 });
    await failing.stop();
    expect(await counts()).toEqual({ items: 0, entries: 0, raw: 0 });
    expect(await flags(user)).toEqual([[]]);
    const working = reader(intake);
    expect(await working.pass()).toEqual({ accepted: 1, refused: 0, failed: 0 });
    await working.stop();
    expect(await flags(user)).toEqual([["\\Seen"]]);
    const acme = await store.db.organisation.findFirstOrThrow({ where: { slug: "acme-hosting" } });
    const items = await store.db.intakeItem.findMany({ include: { reports: true } });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ routedToId: acme.id, state: "open", type: "other", urlKey: expect.stringContaining("login.acme-hosting.example") });
    expect(items[0]!.reports[0]).toMatchObject({ source: "mail", format: "plain-mail", receivedVia: `imap:${user}@127.0.0.1/INBOX` });
    expect(await rawMessage(store.db, sha256Hex(mail))).toEqual(mail);
    const received = await store.db.auditEntry.findMany({ where: { action: "intake.received" } });
    expect(received).toHaveLength(1);
    await imap.logout();
  }, 30_000);

  test("a restart after a lost mark adds nothing: the mail is read again and is a resend", async () => {
    const user = `restart-${provider}-${run}@hosting.example`;
    const imap = await client(user);
    await imap.mailboxCreate("Done");
    await imap.append("INBOX", phishingMail("b"));
    await imap.append("INBOX", arfMail({ messageId: `arf-${provider}-${run}@mailbox-provider.example` }));
    const intake = intakeWith(user);
    const first = reader(intake);
    expect(await first.pass()).toEqual({ accepted: 2, refused: 0, failed: 0 });
    await first.stop();
    const after = await counts();
    expect(after).toEqual({ items: 2, entries: 2, raw: 2 });
    // The marks are lost (a crash between the commit and \Seen): the next start reads both mails again.
    const lock = await imap.getMailboxLock("INBOX");
    await imap.messageFlagsRemove("1:*", ["\\Seen"]);
    lock.release();
    const again = reader(intakeWith(user, { done: { moveTo: "Done" } }));
    expect(await again.pass()).toEqual({ accepted: 2, refused: 0, failed: 0 });
    await again.stop();
    expect(await counts()).toEqual(after);
    expect(await flags(user)).toEqual([]);
    expect(await flags(user, "Done")).toHaveLength(2);
    await imap.logout();
  }, 30_000);

  test("the service `liaison start` runs takes mail in while running and stops within half a second", async () => {
    const user = `service-${provider}-${run}@hosting.example`;
    const imap = await client(user);
    await imap.append("INBOX", phishingMail("c"));
    const service = await startMailIntake({ store, clock, keys: TEST_KEYS, intake: intakeWith(user), password: DOVECOT_PASSWORD, logger: silentLogger() });
    expect(service).toBeDefined();
    const deadline = Date.now() + 10_000;
    while ((await store.db.intakeItem.count()) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.db.intakeItem.count()).toBe(1);
    const stopping = Date.now();
    await service?.stop();
    expect(Date.now() - stopping).toBeLessThan(500);
    await imap.logout();
  }, 30_000);
});

describeOnProviders("mailbox settings checked at start", (_provider, test) => {
  test("an enabled mailbox without a user or a password is refused in one sentence; a disabled one starts nothing", () => {
    const base = testConfig().config.intake;
    const on = (user: string): IntakeSettings => ({ ...base, mail: { ...base.mail, imap: imapSchema.parse({ enabled: true, user }) } });
    expect(mailIntakeProblem(on("abuse@x.example"), undefined)).toBe("intake.mail.imap is enabled but LIAISON_IMAP_PASSWORD is not set.");
    expect(mailIntakeProblem(on(""), "pw")).toMatch(/names no user/);
    expect(mailIntakeProblem(on("abuse@x.example"), "pw")).toBeUndefined();
    expect(mailIntakeProblem(base, undefined)).toBeUndefined();
  });
});
