// The abuse mailbox, read over IMAP (imapflow). Each unseen message in the folder is fetched, taken in, and only then
// marked \Seen (or moved): a message whose reports were not all committed stays unseen and is read again. A message
// that holds no report is flagged (or moved) for a person, with the reason logged. A lost connection is opened again
// after a wait that doubles from backoffBaseMs up to backoffMaxMs.
import { ImapFlow } from "imapflow";
import type { Logger } from "pino";
import type { ImapSettings } from "../settings.js";
import { MAIL_MAX_BYTES } from "./limits.js";
import { takeInMail, type MailIntakeDeps, type MailOutcome } from "./intake.js";

/** The keyword set on a message Liaison could not take in (beside \Flagged). */
export const REFUSED_KEYWORD = "$LiaisonRefused";

/** What one pass over the folder did. */
export interface MailboxPass {
  accepted: number;
  refused: number;
  /** Messages left for a later pass (too large to fetch are refused instead). */
  failed: number;
}

/** The mailbox reader: `pass` reads once; `run` reads until stopped. */
export interface MailboxReader {
  /** Connects when needed and takes in the unseen messages (at most batchSize). */
  pass(): Promise<MailboxPass>;
  /** Reads every pollIntervalMs until `stop`, reconnecting with backoff. */
  run(): Promise<void>;
  /** Stops `run` and logs out. */
  stop(): Promise<void>;
}

/** Sleeps, or wakes early when the signal is aborted. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    // A signal aborted already never fires "abort" again.
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });

/** The wait before reconnection attempt `attempt` (1, 2, ...): base × 2^(attempt-1), at most max. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}

/** A reader of the configured mailbox; `password` comes from LIAISON_IMAP_PASSWORD. */
export function mailboxReader(settings: ImapSettings, password: string, deps: MailIntakeDeps, logger: Logger, sleep: Sleep = defaultSleep): MailboxReader {
  const mailboxName = `imap:${settings.user}@${settings.host}/${settings.folder}`;
  const ownAddresses = new Set([...(deps.ownAddresses ?? []), ...(settings.user.includes("@") ? [settings.user.toLowerCase()] : [])]);
  let client: ImapFlow | undefined;
  // The connection being opened, so that stop() can close it without waiting for the connect to time out.
  let connecting: ImapFlow | undefined;
  const stopping = new AbortController();

  const connect = async (): Promise<ImapFlow> => {
    if (client?.usable) return client;
    const fresh = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      tls: { rejectUnauthorized: settings.verifyCertificate },
      auth: { user: settings.user, pass: password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: 30_000,
    });
    // The failure itself is logged once, by run(), with the wait before the next attempt.
    fresh.on("error", (error: Error) => logger.debug({ err: error.message }, "mailbox connection error"));
    connecting = fresh;
    try {
      await fresh.connect();
    } finally {
      connecting = undefined;
    }
    if (stopping.signal.aborted) {
      fresh.close();
      throw new Error("the mailbox reader was stopped");
    }
    client = fresh;
    return fresh;
  };

  const settle = async (imap: ImapFlow, uid: number, outcome: MailOutcome) => {
    if (outcome.status === "accepted") {
      if (settings.done === "seen") await imap.messageFlagsAdd({ uid: String(uid) }, ["\\Seen"], { uid: true });
      else await imap.messageMove({ uid: String(uid) }, settings.done.moveTo, { uid: true });
      return;
    }
    logger.warn({ uid, code: outcome.code, reason: outcome.message, problems: outcome.problems.slice(0, 10) }, "mail is no report Liaison can take in; left for a person");
    if (settings.rejected === "flag") await imap.messageFlagsAdd({ uid: String(uid) }, ["\\Flagged", REFUSED_KEYWORD], { uid: true });
    else await imap.messageMove({ uid: String(uid) }, settings.rejected.moveTo, { uid: true });
  };

  const pass = async (): Promise<MailboxPass> => {
    const imap = await connect();
    const counts: MailboxPass = { accepted: 0, refused: 0, failed: 0 };
    const lock = await imap.getMailboxLock(settings.folder);
    try {
      const found = await imap.search({ seen: false, not: { keyword: REFUSED_KEYWORD } }, { uid: true });
      const uids = (found || []).slice(0, settings.batchSize);
      for (const uid of uids) {
        const meta = await imap.fetchOne(String(uid), { size: true, uid: true }, { uid: true });
        if (!meta) continue;
        if ((meta.size ?? 0) > MAIL_MAX_BYTES) {
          await settle(imap, uid, { status: "refused", code: "too-large", message: `the message has ${meta.size} bytes; at most ${MAIL_MAX_BYTES} are read`, sha256: "", problems: [] });
          counts.refused += 1;
          continue;
        }
        const downloaded = await imap.download(String(uid), undefined, { uid: true });
        const chunks: Buffer[] = [];
        for await (const chunk of downloaded.content ?? []) chunks.push(chunk as Buffer);
        let outcome: MailOutcome;
        try {
          outcome = await takeInMail(Buffer.concat(chunks), mailboxName, { ...deps, ownAddresses });
        } catch (error) {
          // The sink or the database failed: the message stays unseen and is read again on the next pass.
          logger.error({ uid, err: error instanceof Error ? error.message : String(error) }, "mail could not be committed; it will be read again");
          counts.failed += 1;
          continue;
        }
        await settle(imap, uid, outcome);
        counts[outcome.status === "accepted" ? "accepted" : "refused"] += 1;
      }
    } finally {
      lock.release();
    }
    return counts;
  };

  return {
    pass,
    async run() {
      let attempt = 0;
      while (!stopping.signal.aborted) {
        try {
          const done = await pass();
          attempt = 0;
          if (done.accepted + done.refused > 0) logger.info(done, "mailbox read");
          await sleep(settings.pollIntervalMs, stopping.signal);
        } catch (error) {
          attempt += 1;
          if (stopping.signal.aborted) break;
          const waitMs = backoffMs(attempt, settings.backoffBaseMs, settings.backoffMaxMs);
          logger.warn({ err: error instanceof Error ? error.message : String(error), attempt, waitMs }, "mailbox unavailable; trying again");
          client?.close();
          client = undefined;
          await sleep(waitMs, stopping.signal);
        }
      }
    },
    async stop() {
      stopping.abort();
      connecting?.close();
      const open = client;
      client = undefined;
      if (open?.usable) await open.logout().catch(() => open.close());
    },
  };
}
