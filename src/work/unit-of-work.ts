// The unit of work of one inbound event (a command, a thread message, a button) or of one operator command: the
// transaction, and the record entries and outbox messages the work causes. Services add entries and messages as they
// go; commit() writes them all, in order, inside the same transaction, so the claim of the event, the change, the
// messages and the record commit together or not at all (one outbox insert and one record append per unit).
import { appendAuditEntries, type AuditRecord } from "../audit/log.js";
import type { RecordKeys } from "../audit/keys.js";
import { KnownCaseTlps } from "../audit/sealed.js";
import type { Clock } from "../core/clock.js";
import { enqueueItems, type OutboxItem } from "../outbox/outbox.js";
import type { Store } from "../store/db.js";
import type { Tx } from "../store/types.js";

/** One transaction's work: reads and writes through `tx`; record entries and messages written at commit. */
export class UnitOfWork {
  readonly #records: AuditRecord[] = [];
  readonly #messages: OutboxItem[] = [];
  #committed = false;
  /** The TLP of the cases the unit read or made (noted by the case repository), for sealing its record entries. */
  readonly caseTlps = new KnownCaseTlps();

  constructor(
    /** The transaction every read and write of the unit goes through. */
    readonly tx: Tx,
    /** The clock the unit's services read. */
    readonly clock: Clock,
    /** The record's keys: entries are chained with them, TLP:RED text is sealed and opened with them. */
    readonly keys: RecordKeys,
  ) {}

  /** Adds entries to the record (written at commit, in the order added). */
  record(...entries: AuditRecord[]): void {
    this.#assertOpen();
    this.#records.push(...entries);
  }

  /** Adds messages to the outbox (written at commit, in the order added). */
  send(items: readonly OutboxItem[]): void {
    this.#assertOpen();
    this.#messages.push(...items);
  }

  /** Writes the messages and record entries; called once, as the last step inside the transaction. */
  async commit(): Promise<void> {
    this.#assertOpen();
    this.#committed = true;
    if (this.#messages.length > 0) await enqueueItems(this.tx, this.clock, this.#messages);
    if (this.#records.length > 0) await appendAuditEntries(this.tx, this.clock, this.keys, this.#records, this.caseTlps);
  }

  #assertOpen(): void {
    if (this.#committed) throw new Error("this unit of work has been committed; start a new one");
  }
}

/** Runs `work` as one unit of work in a transaction of its own, and commits it. */
export function inUnitOfWork<T>(store: Pick<Store, "transaction">, clock: Clock, keys: RecordKeys, work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
  return store.transaction(async (tx) => {
    const unit = new UnitOfWork(tx, clock, keys);
    const result = await work(unit);
    await unit.commit();
    return result;
  });
}
