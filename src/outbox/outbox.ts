import type { Logger } from "pino";
import { DeliveryError, type ChatAdapter, type Platform, type PlatformIdentity } from "../core/adapter.js";
import type { Clock } from "../core/clock.js";
import type { OutboundMessage } from "../core/message.js";
import { newLeaseHolder } from "../store/lease.js";
import type { Db } from "../store/db.js";
import type { DeliveryReceipts, OutboxDestination } from "./enqueue.js";
import { DEFAULT_OUTBOX_LEASE_MS, LeaseHeartbeat, reclaimDeadLeases } from "./lease.js";

// The writing side lives in enqueue.ts; what callers of the outbox use of it is exported from here too.
export * from "./enqueue.js";

/** Settings of the delivery worker. */
export interface OutboxWorkerOptions {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /**
   * How long a claimed message is reserved for this worker before another may take it (crash recovery); renewed
   * every third of it while the message is being sent. Default 5 s.
   */
  leaseMs?: number;
  /** Most messages delivered per pass. */
  batchSize?: number;
  /** Most messages sent at once, each in a stream of its own (default 8). */
  concurrency?: number;
}

/** What one delivery pass did. */
export interface DeliveryPass {
  sent: number;
  retried: number;
  dead: number;
}

/** A message claimed for delivery: what deliver() needs of its row. */
interface ClaimedRow {
  id: string;
  attempts: number;
  destination: string;
  message: string;
}

/**
 * Claims the next message of up to `limit` streams for `holder` until `leaseUntil`, and returns them: the head of
 * each stream (its lowest seq still pending), if it is due and no live lease is on it, oldest first. One statement
 * on SQLite (3.35 or later) and PostgreSQL alike: the heads come from the pending rows alone (the (state, dueAt)
 * index), so the cost grows with what is pending, not with a stream's history; seq is unique, so a head is found
 * by its seq. Parameters stand only where a column gives them their type. On PostgreSQL a concurrent worker that
 * chose the same rows waits for this statement's row locks and then re-checks state and lease on the rows as they
 * are now, so it skips what this one took; SQLite runs one writing statement at a time.
 */
async function claimStreamHeads(db: Db, holder: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedRow[]> {
  const rows = await db.$queryRaw<ClaimedRow[]>`UPDATE "OutboxMessage" SET "leaseUntil" = ${leaseUntil}, "leaseHolder" = ${holder}
    WHERE "id" IN (
      SELECT "m"."id" FROM "OutboxMessage" AS "m"
      JOIN (SELECT MIN("seq") AS "seq" FROM "OutboxMessage" WHERE "state" = 'pending' GROUP BY "streamKey") AS "head" ON "head"."seq" = "m"."seq"
      WHERE "m"."dueAt" <= ${now} AND ("m"."leaseUntil" IS NULL OR "m"."leaseUntil" < ${now})
      ORDER BY "m"."seq"
      LIMIT ${limit}
    )
    AND "state" = 'pending' AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
    RETURNING "id", "attempts", "destination", "message"`;
  return rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
}

/**
 * Delivers outbox messages through the attached adapters: due messages, oldest first, one at a time per stream
 * (several streams at once); retries with exponential backoff (or the platform's rate-limit wait) and gives up after maxAttempts. A message is
 * claimed with a short lease before it is sent, renewed while it is sent, so several workers (processes) never send the
 * same message at once; one left behind by a crash is taken up again once its lease has passed, or at once by a worker
 * on the same host that sees its holder's process is gone (src/outbox/lease.ts).
 */
export class OutboxWorker {
  /** This worker's name in the leases it takes (host, process id, instance). */
  readonly holder = newLeaseHolder();
  /** When this worker last looked for leases of dead workers (first pass: at once). */
  private reclaimedAtMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<DeliveryPass> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly adapters: ReadonlyMap<Platform, ChatAdapter>,
    private readonly options: OutboxWorkerOptions,
    private readonly receipts?: DeliveryReceipts,
  ) {}

  /** Runs one pass over the due messages (concurrent calls share the pass in progress). */
  runOnce(): Promise<DeliveryPass> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Runs passes until nothing due is left that this worker can send now. */
  async drain(maxPasses = 100): Promise<void> {
    for (let pass = 0; pass < maxPasses; pass += 1) {
      const result = await this.runOnce();
      if (result.sent === 0) return;
    }
  }

  /** Polls every `intervalMs` until stopped. */
  start(intervalMs: number): void {
    const tick = () => {
      this.runOnce()
        .catch((error: unknown) => this.logger.error({ err: error }, "outbox pass failed"))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  /** Stops polling and waits for the pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Claims the head of each stream that can go now (one statement) and sends those messages at once, each in a
   * stream of its own; repeats while that sent something, up to batchSize messages. Claiming no more than are
   * sent at once means a lease starts when its send does.
   */
  private async pass(): Promise<DeliveryPass> {
    const result: DeliveryPass = { sent: 0, retried: 0, dead: 0 };
    const budget = this.options.batchSize ?? 100;
    const leaseMs = this.leaseMs();
    await this.reclaimIfDue(leaseMs);
    let handled = 0;
    while (handled < budget) {
      const now = this.clock.now();
      const claimed = await claimStreamHeads(this.db, this.holder, now, new Date(now.getTime() + leaseMs), Math.min(this.options.concurrency ?? 8, budget - handled));
      if (claimed.length === 0) break;
      handled += claimed.length;
      // Every claimed message's delivery finishes (or records its failure) before the pass reports an error.
      const settled = await Promise.allSettled(claimed.map((row) => this.deliver(row)));
      const failed = settled.find((entry) => entry.status === "rejected");
      if (failed) throw failed.reason;
      const outcomes = settled.map((entry) => (entry as PromiseFulfilledResult<"sent" | "retried" | "dead">).value);
      for (const outcome of outcomes) result[outcome] += 1;
      if (!outcomes.includes("sent")) break;
    }
    return result;
  }

  private leaseMs(): number {
    return this.options.leaseMs ?? DEFAULT_OUTBOX_LEASE_MS;
  }

  /** Frees the leases of dead workers of this host: in the first pass, then at most once a lease period. */
  private async reclaimIfDue(leaseMs: number): Promise<void> {
    const nowMs = this.clock.now().getTime();
    if (this.reclaimedAtMs !== undefined && nowMs - this.reclaimedAtMs < leaseMs) return;
    this.reclaimedAtMs = nowMs;
    await reclaimDeadLeases(this.db, this.clock, this.logger);
  }

  /** Sends one claimed message, its lease renewed until its outcome is written. */
  private async deliver(row: ClaimedRow): Promise<"sent" | "retried" | "dead"> {
    const heartbeat = new LeaseHeartbeat(this.db, this.clock, this.logger, row.id, this.holder, this.leaseMs());
    try {
      return await this.deliverLeased(row, heartbeat);
    } finally {
      await heartbeat.stop();
    }
  }

  private async deliverLeased(row: ClaimedRow, heartbeat: LeaseHeartbeat): Promise<"sent" | "retried" | "dead"> {
    const destination = JSON.parse(row.destination) as OutboxDestination;
    const message = JSON.parse(row.message) as OutboundMessage;
    const receiptOf = destination.type === "open-case-thread" ? destination.receiptOf : undefined;
    let sentRef: string;
    try {
      sentRef = await this.send(destination, message, row.id);
    } catch (error) {
      return this.failed(row, error, receiptOf, heartbeat);
    }
    // The receipt is recorded before the message is marked sent: a crash between them records it again (idempotent).
    if (receiptOf && this.receipts) await this.receipts.delivered(receiptOf, this.clock.now());
    await heartbeat.stop();
    await this.db.outboxMessage.update({
      where: { id: row.id },
      data: { state: "sent", sentAt: this.clock.now(), sentRef, attempts: row.attempts + 1, leaseUntil: null, lastError: null },
    });
    return "sent";
  }

  /** Records a failed attempt: retried with backoff, or given up; the receipt listener hears of a case card's failure. */
  private async failed(row: ClaimedRow, error: unknown, receiptOf: string | undefined, heartbeat: LeaseHeartbeat): Promise<"retried" | "dead"> {
    const attempts = row.attempts + 1;
    const delivery = error instanceof DeliveryError ? error : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    const permanent = delivery?.permanent === true || attempts >= this.options.maxAttempts;
    if (receiptOf && this.receipts) await this.receipts.failed(receiptOf, reason, permanent);
    await heartbeat.stop();
    if (permanent) {
      this.logger.error({ outboxId: row.id, attempts, err: error }, "outbox message given up");
      await this.db.outboxMessage.update({ where: { id: row.id }, data: { state: "dead", attempts, lastError: reason, leaseUntil: null } });
      return "dead";
    }
    const backoffMs = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** (attempts - 1));
    const waitMs = Math.max(backoffMs, delivery?.retryAfterMs ?? 0);
    this.logger.warn({ outboxId: row.id, attempts, waitMs, err: error }, "outbox delivery failed; will retry");
    await this.db.outboxMessage.update({
      where: { id: row.id },
      data: { attempts, lastError: reason, dueAt: new Date(this.clock.now().getTime() + waitMs), leaseUntil: null },
    });
    return "retried";
  }

  /**
   * Sends one message; returns the platform's reference to it. TLP:RED content is delivered by direct message only:
   * addressed to a channel or a channel's thread, it is refused for good (the message is dead, nothing is sent), so
   * that no mistake upstream can put it where everyone in the channel reads it.
   */
  private async send(destination: OutboxDestination, message: OutboundMessage, idempotencyKey: string): Promise<string> {
    const options = { idempotencyKey };
    const refuseRedToChannel = (where: string): void => {
      if (message.tlp === "RED") throw new DeliveryError(`TLP:RED content is sent by direct message only, never to ${where}`, { permanent: true });
    };
    switch (destination.type) {
      case "address": {
        const target = destination.destination;
        if (target.kind !== "direct") refuseRedToChannel(`a ${target.kind}`);
        const adapter = this.adapterFor(target.platform);
        if (target.kind === "direct") return (await adapter.sendDirect(target, message, options)).messageId;
        return (await adapter.send(target, message, options)).messageId;
      }
      case "open-case-thread": {
        const thread = await this.caseThread(destination.caseThreadId);
        if (thread.threadId !== "") return thread.threadId;
        const channel = { platform: thread.platform as Platform, workspace: thread.workspace, channelId: thread.channelId };
        if (thread.kind === "direct") {
          const identity = await this.identityFor(thread.contactId);
          const posted = await this.adapterFor(identity.platform).sendDirect(identity, message, options);
          await this.db.caseThread.update({ where: { id: thread.id }, data: { threadId: posted.messageId, platform: identity.platform, workspace: identity.workspace, channelId: identity.userId } });
          return posted.messageId;
        }
        refuseRedToChannel("a case's channel thread");
        const members = await this.membersOf(thread.organisationId, thread.platform as Platform);
        const opened = await this.adapterFor(thread.platform as Platform).openThread({ channel, title: thread.title, root: message, members }, options);
        await this.db.caseThread.update({ where: { id: thread.id }, data: { threadId: opened.threadId, channelId: opened.channelId } });
        return opened.threadId;
      }
      case "case-thread": {
        const thread = await this.caseThread(destination.caseThreadId);
        if (thread.kind === "direct") {
          const identity = await this.identityFor(thread.contactId);
          return (await this.adapterFor(identity.platform).sendDirect(identity, message, options)).messageId;
        }
        refuseRedToChannel("a case's channel thread");
        if (thread.threadId === "") throw new DeliveryError(`case thread ${thread.title} is not open yet`);
        const adapter = this.adapterFor(thread.platform as Platform);
        const address = { kind: "thread" as const, platform: thread.platform as Platform, workspace: thread.workspace, channelId: thread.channelId, threadId: thread.threadId };
        return (await adapter.send(address, message, options)).messageId;
      }
      case "contact": {
        const identity = await this.identityFor(destination.contactId);
        return (await this.adapterFor(identity.platform).sendDirect(identity, message, options)).messageId;
      }
    }
  }

  /** A case thread; one that no longer exists (a TLP:RED case reassigned) cannot be delivered to. */
  private async caseThread(id: string) {
    const thread = await this.db.caseThread.findUnique({ where: { id } });
    if (!thread) throw new DeliveryError(`case thread ${id} no longer exists`, { permanent: true });
    return thread;
  }

  private adapterFor(platform: Platform): ChatAdapter {
    const adapter = this.adapters.get(platform);
    // Not permanent: the platform may be started later (or by another Liaison process sharing the database).
    if (!adapter) throw new DeliveryError(`no ${platform} adapter is running in this process`);
    return adapter;
  }

  /** The party's people with a linked account on the platform: invited where a case thread is a room of its own. */
  private async membersOf(organisationId: string, platform: Platform): Promise<PlatformIdentity[]> {
    const identities = await this.db.chatIdentity.findMany({
      where: { platform, contact: { organisationId, removedAt: null } },
      select: { platform: true, workspace: true, userId: true },
    });
    return identities.map((identity) => ({ platform: identity.platform as Platform, workspace: identity.workspace, userId: identity.userId }));
  }

  /**
   * A linked account of the contact on a running platform; failing that, their handle on a running platform whose
   * user ids are directory handles (capabilities.userIdIsHandle).
   */
  private async identityFor(contactId: string): Promise<PlatformIdentity> {
    const contact = await this.db.contact.findUniqueOrThrow({ where: { id: contactId }, include: { identities: true } });
    const linked = contact.identities.find((identity) => this.adapters.has(identity.platform as Platform));
    if (linked) return { platform: linked.platform as Platform, workspace: linked.workspace, userId: linked.userId };
    const byHandle = [...this.adapters.values()].find((adapter) => adapter.capabilities.userIdIsHandle);
    if (byHandle) return { platform: byHandle.platform, workspace: "", userId: contact.handle };
    throw new DeliveryError(`${contact.handle} has no linked account on a running platform`);
  }
}
