// Retention: deletes rows that are only worth keeping for a while, so that the tables do not grow for ever.
//   - InboundEvent: the claims that make each platform event handled once. A claim must outlive every redelivery of
//     its event (Slack retries within minutes, a Discord gateway session resumes within minutes to hours, a Matrix
//     sync token can be days old), so the age is long (30 days by default, at least one day).
//   - OutboxMessage in state "sent": messages already delivered, kept a while to look into deliveries.
//   - CaseKey: the key of a TLP:RED case's free text in the record is destroyed (not the entries) once the case has
//     been closed or withdrawn for keepRedCaseText; the text becomes unreadable, the chain still verifies.
// Never deleted here: pending outbox messages (still to deliver), dead ones (given up, kept for the operator to see),
// and the record (AuditEntry, AuditHead, and AuditPending, which the sealer empties into it): it is append-only and
// its hash chain must stay whole.
// Rows are deleted in bounded batches, one short statement each (autocommit), so that a large backlog never holds a
// long write lock; a run stops after MAX_BATCHES_PER_RUN batches per table and the next run continues.
import type { Clock } from "../core/clock.js";
import type { JobReport } from "../core/job-report.js";
import type { Db } from "../store/db.js";
import type { RemindersConfig } from "./settings.js";

/** The retention settings (reminders.retention in the configuration), ages in milliseconds. */
export type RetentionConfig = RemindersConfig["retention"];

/** Most batches deleted per table in one run; what is left waits for the next run. */
export const MAX_BATCHES_PER_RUN = 100;

/** What one run deleted from each table. */
export interface RetentionCounts {
  inboundEvents: number;
  sentMessages: number;
  /** TLP:RED case keys destroyed. */
  redCaseKeys: number;
}

/** The retention job: prunes old inbound-event claims and old delivered outbox messages, never anything else. */
export class RetentionJob {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: RetentionConfig,
  ) {}

  /** Deletes inbound events received, and delivered messages sent, longer ago than their configured ages. */
  async prune(): Promise<{ deleted: RetentionCounts; cutoffs: { inboundEvents: Date; sentMessages: Date; redCaseKeys: Date }; more: (keyof RetentionCounts)[] }> {
    const at = this.clock.now();
    const now = at.getTime();
    const cutoffs = {
      inboundEvents: new Date(now - this.config.keepInboundEvents),
      sentMessages: new Date(now - this.config.keepSentMessages),
      redCaseKeys: new Date(now - this.config.keepRedCaseText),
    };
    const limit = this.config.batchSize;
    // Portable SQL (SQLite and PostgreSQL): a bounded subquery picks the batch, by key, on an indexed column where
    // there is one (InboundEvent.receivedAt). Dates are bound parameters, stored and compared as the client writes them.
    const events = await this.inBatches(
      () => this.db.$executeRaw`DELETE FROM "InboundEvent" WHERE "key" IN (SELECT "key" FROM "InboundEvent" WHERE "receivedAt" < ${cutoffs.inboundEvents} LIMIT ${limit})`,
    );
    // Only "sent": pending messages are still to be delivered and dead ones are kept for the operator.
    const messages = await this.inBatches(
      () => this.db.$executeRaw`DELETE FROM "OutboxMessage" WHERE "id" IN (SELECT "id" FROM "OutboxMessage" WHERE "state" = 'sent' AND "sentAt" < ${cutoffs.sentMessages} LIMIT ${limit})`,
    );
    // A case ended (closed or withdrawn) and unchanged since the cutoff: its key is destroyed, the entries stay.
    const caseKeys = await this.inBatches(
      () => this.db.$executeRaw`UPDATE "CaseKey" SET "wrapped" = NULL, "destroyedAt" = ${at} WHERE "caseId" IN (SELECT k."caseId" FROM "CaseKey" k JOIN "Case" c ON c."id" = k."caseId" WHERE k."wrapped" IS NOT NULL AND c."state" IN ('closed', 'withdrawn') AND c."updatedAt" < ${cutoffs.redCaseKeys} LIMIT ${limit})`,
    );
    const more: (keyof RetentionCounts)[] = [];
    if (events.more) more.push("inboundEvents");
    if (messages.more) more.push("sentMessages");
    if (caseKeys.more) more.push("redCaseKeys");
    return { deleted: { inboundEvents: events.deleted, sentMessages: messages.deleted, redCaseKeys: caseKeys.deleted }, cutoffs, more };
  }

  /** The job, as `liaison reminders run` and the scheduler report it. */
  async run(): Promise<JobReport> {
    const { deleted, cutoffs, more } = await this.prune();
    const notes: string[] = [];
    if (deleted.inboundEvents > 0) notes.push(`deleted ${deleted.inboundEvents} inbound event claim(s) received before ${cutoffs.inboundEvents.toISOString()}`);
    if (deleted.sentMessages > 0) notes.push(`deleted ${deleted.sentMessages} delivered message(s) sent before ${cutoffs.sentMessages.toISOString()}`);
    if (deleted.redCaseKeys > 0) notes.push(`destroyed the keys of ${deleted.redCaseKeys} TLP:RED case(s) ended before ${cutoffs.redCaseKeys.toISOString()}: their text in the record can no longer be read`);
    if (more.length > 0) notes.push(`stopped after ${MAX_BATCHES_PER_RUN} batches of ${this.config.batchSize} (${more.join(", ")}): the next run deletes the rest`);
    return { job: "retention", handled: deleted.inboundEvents + deleted.sentMessages + deleted.redCaseKeys, queued: [], notes };
  }

  /** Runs one delete statement until it deletes less than a batch, at most MAX_BATCHES_PER_RUN times. */
  private async inBatches(deleteBatch: () => Promise<number>): Promise<{ deleted: number; more: boolean }> {
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
      const count = await deleteBatch();
      deleted += count;
      if (count < this.config.batchSize) return { deleted, more: false };
    }
    return { deleted, more: true };
  }
}
