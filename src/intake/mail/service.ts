// The abuse mailbox as a service of `liaison start`: when `intake.mail.imap.enabled`, a reader polls the folder and
// hands each mail to the store's intake sink (the same acceptIntakeReport path as the intake API); `stop` ends it
// promptly, a connection being opened included.
import type { Logger } from "pino";
import type { RecordKeys } from "../../audit/keys.js";
import type { Clock } from "../../core/clock.js";
import type { Store } from "../../store/db.js";
import type { IntakeSettings } from "../settings.js";
import { acceptSettingsOf, storeIntakeSink } from "../store-sink.js";
import type { MailboxReader, Sleep } from "./imap.js";

/** A running mailbox reader. */
export interface MailIntakeService {
  reader: MailboxReader;
  /** Stops the reader and resolves once its loop has ended. */
  stop(): Promise<void>;
}

/** What starting the mailbox needs. */
export interface MailIntakeServiceDeps {
  store: Store;
  clock: Clock;
  keys: RecordKeys;
  intake: IntakeSettings;
  /** LIAISON_IMAP_PASSWORD. */
  password: string | undefined;
  logger: Logger;
  sleep?: Sleep;
}

/** Why the configured mailbox cannot be started (checked before anything starts), or undefined. */
export function mailIntakeProblem(intake: IntakeSettings, password: string | undefined): string | undefined {
  const imap = intake.mail.imap;
  if (!imap.enabled) return undefined;
  if (!imap.user.trim()) return "intake.mail.imap is enabled but names no user: set intake.mail.imap.user.";
  if (!password) return "intake.mail.imap is enabled but LIAISON_IMAP_PASSWORD is not set.";
  return undefined;
}

/**
 * Starts reading the configured mailbox; undefined when it is not enabled. The IMAP client and the mail parsers
 * (imapflow, mailparser, mailsplit) are imported here, when a mailbox is configured: loaded by every start they were
 * 7.3 MB of live heap (the every-adapter start of bench/idle-rss.ts, after a full collection).
 */
export async function startMailIntake(deps: MailIntakeServiceDeps): Promise<MailIntakeService | undefined> {
  const imap = deps.intake.mail.imap;
  if (!imap.enabled) return undefined;
  const problem = mailIntakeProblem(deps.intake, deps.password);
  if (problem) throw new Error(problem);
  const { mailboxReader } = await import("./imap.js");
  const sink = storeIntakeSink(deps.store, deps.clock, deps.keys, acceptSettingsOf(deps.intake));
  const reader = mailboxReader(imap, deps.password ?? "", { sink, settings: deps.intake, clock: deps.clock }, deps.logger, deps.sleep);
  const running = reader.run().catch((error: unknown) => deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, "the mailbox reader ended"));
  deps.logger.info({ mailbox: `${imap.user}@${imap.host}/${imap.folder}` }, "mailbox reader started");
  return {
    reader,
    async stop() {
      await reader.stop();
      await running;
    },
  };
}
