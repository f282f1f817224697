// The lease of an outbox message in flight. A worker claims a message for a short time (leaseMs, 5 s by default) and
// renews the claim while it sends (every third of leaseMs), so a live worker keeps what it sends however long the
// platform takes, and the message of a worker that died is free again within leaseMs. A worker that starts frees at once
// the messages of dead holders on its own host (see holderIsDead): a restart after kill -9 does not wait for the lease.
import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";
import { holderIsDead } from "../store/lease.js";
import type { Db } from "../store/db.js";

/** Default lease of a claimed message: how long a case thread can wait for a worker that died elsewhere. */
export const DEFAULT_OUTBOX_LEASE_MS = 5_000;

/** Shortest renewal interval, whatever the lease. */
const MIN_RENEW_MS = 100;

/** Renews one message's lease while its delivery runs; stop() before the row is written for the last time. */
export class LeaseHeartbeat {
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly messageId: string,
    private readonly holder: string,
    private readonly leaseMs: number,
  ) {
    this.timer = setInterval(() => {
      // One renewal at a time: a slow database must not stack them.
      this.renewing = this.renewing.then(() => this.renew());
    }, Math.max(MIN_RENEW_MS, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  /** Stops renewing and waits for a renewal in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.renewing;
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    try {
      const renewed = await this.db.outboxMessage.updateMany({
        where: { id: this.messageId, leaseHolder: this.holder, state: "pending" },
        data: { leaseUntil: new Date(this.clock.now().getTime() + this.leaseMs) },
      });
      // Only when this process could not renew for a whole lease (a stalled event loop or database): another
      // worker may now send the same message. Its idempotency key lets the platform drop the second copy.
      if (renewed.count === 0 && !this.stopped) this.logger.error({ outboxId: this.messageId }, "outbox lease lost while sending");
    } catch (error) {
      this.logger.warn({ outboxId: this.messageId, err: error }, "outbox lease renewal failed; will retry");
    }
  }
}

/**
 * Frees the pending messages whose lease holder is certainly dead (a process of this host, boot and PID namespace that
 * no longer exists), so they are claimed again at once; returns how many. Leases of holders that may be alive are
 * left to run out.
 */
export async function reclaimDeadLeases(db: Db, clock: Clock, logger: Logger): Promise<number> {
  const leased = await db.outboxMessage.findMany({
    where: { state: "pending", leaseHolder: { not: null }, leaseUntil: { gte: clock.now() } },
    select: { leaseHolder: true },
    distinct: ["leaseHolder"],
  });
  let freed = 0;
  for (const { leaseHolder } of leased) {
    if (leaseHolder === null || !holderIsDead(leaseHolder)) continue;
    const result = await db.outboxMessage.updateMany({ where: { state: "pending", leaseHolder }, data: { leaseUntil: null, leaseHolder: null } });
    if (result.count > 0) logger.info({ holder: leaseHolder, messages: result.count }, "outbox messages of a dead worker taken up again");
    freed += result.count;
  }
  return freed;
}
