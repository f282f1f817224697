// Writing to the outbox: the messages a unit of work causes, stored in its transaction with the change that causes
// them, in order per stream. The delivery worker (outbox.ts) sends them.
import type { Destination } from "../core/adapter.js";
import type { Clock } from "../core/clock.js";
import type { OutboundMessage } from "../core/message.js";
import { newId } from "../core/ids.js";
import type { Db } from "../store/db.js";
import { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";
import { reserveCounterValues } from "./counter.js";

/** Where an outbox message goes, resolved when it is delivered (so a thread opened meanwhile is found). */
export type OutboxDestination =
  /**
   * Post the case card in the party's channel and open its thread there. `receiptOf` (a case id) marks the card
   * that reaches the recipient: its first delivery is the case's receipt.
   */
  | { type: "open-case-thread"; caseThreadId: string; receiptOf?: string }
  /** Reply in a party's case thread (opened by an earlier message of the same stream). */
  | { type: "case-thread"; caseThreadId: string }
  /** A direct message to a directory contact, on a platform where they have a linked account. */
  | { type: "contact"; contactId: string }
  /** An explicit platform destination. */
  | { type: "address"; destination: Destination };

/**
 * Told of deliveries that matter beyond the message: a case card reaching its recipient (the case's receipt), and
 * one failing (the issuer must know at once). Called before the message is marked sent, so a crash between them
 * repeats the call, which must therefore be idempotent.
 */
export interface DeliveryReceipts {
  /** The recipient's card of case `caseId` was delivered at `at`. */
  delivered(caseId: string, at: Date): Promise<void>;
  /** Delivering the recipient's card of case `caseId` failed (it is retried unless `permanent`). */
  failed(caseId: string, reason: string, permanent: boolean): Promise<void>;
}

/** One message to write to the outbox. */
export interface OutboxItem {
  /** Messages of one stream are delivered one at a time in the order they were written. */
  streamKey: string;
  destination: OutboxDestination;
  message: OutboundMessage;
  /** At most one message is ever written with this key (once-only steps such as a reminder). */
  onceKey?: string;
  /** Not before this time (default: now). */
  notBefore?: Date;
}

/** The stream key of a case thread. */
export function threadStream(caseThreadId: string): string {
  return `thread:${caseThreadId}`;
}

/** The stream key of a contact's direct messages. */
export function contactStream(contactId: string): string {
  return `contact:${contactId}`;
}

/** An outbox message as it is first written. */
export interface NewOutboxRow {
  id: string;
  seq: number;
  createdAt: Date;
  streamKey: string;
  dueAt: Date;
  destination: string;
  message: string;
  onceKey?: string;
}

/** How outbox rows are read and written (the default: prismaOutboxStorage, on both databases). */
export interface OutboxStorage {
  /** The once-only keys among `keys` that were already written. */
  usedOnceKeys(tx: Tx | Db, keys: readonly string[]): Promise<Set<string>>;
  /** Inserts the rows, except those whose onceKey was already written; returns the ids of the rows inserted. */
  insert(tx: Tx, rows: NewOutboxRow[]): Promise<Set<string>>;
}

/** Most values in one statement: far under SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_STATEMENT = 500;

/** The outbox storage for both databases: the client's query for the keys, a plain INSERT for the rows. */
export const prismaOutboxStorage: OutboxStorage = {
  async usedOnceKeys(tx, keys) {
    const used = new Set<string>();
    for (let start = 0; start < keys.length; start += ROWS_PER_STATEMENT) {
      const rows = await tx.outboxMessage.findMany({ where: { onceKey: { in: keys.slice(start, start + ROWS_PER_STATEMENT) } }, select: { onceKey: true } });
      for (const row of rows) if (row.onceKey) used.add(row.onceKey);
    }
    return used;
  },
  // Every card, update and relayed message passes here: a raw INSERT costs a fraction of the generated createMany.
  // Rows with a once-only key skip a key already written (ON CONFLICT ... DO NOTHING: SQLite 3.24 and PostgreSQL 9.5
  // alike; RETURNING, SQLite 3.35), also one another transaction writes meanwhile (PostgreSQL waits for it to end).
  async insert(tx, rows) {
    const inserted = new Set<string>();
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
      const values = Prisma.join(chunk.map((row) => Prisma.sql`(${row.id}, ${row.seq}, ${row.createdAt}, ${row.streamKey}, 'pending', ${row.dueAt}, 0, ${row.destination}, ${row.message}, ${row.onceKey ?? null})`));
      const insert = Prisma.sql`INSERT INTO "OutboxMessage" ("id", "seq", "createdAt", "streamKey", "state", "dueAt", "attempts", "destination", "message", "onceKey") VALUES ${values}`;
      if (chunk.some((row) => row.onceKey !== undefined)) {
        for (const row of await tx.$queryRaw<{ id: string }[]>`${insert} ON CONFLICT ("onceKey") DO NOTHING RETURNING "id"`) inserted.add(row.id);
      } else {
        await tx.$executeRaw`${insert}`;
        for (const row of chunk) inserted.add(row.id);
      }
    }
    return inserted;
  },
};

/**
 * Writes messages to the outbox inside the caller's transaction, so they exist exactly when the change that causes
 * them is committed. Items whose onceKey was already used (or repeats one earlier in the batch) are skipped, also
 * when another process writes the key meanwhile (the insert skips it): nothing is ever sent twice. Returns the items
 * written.
 */
export async function enqueueItems(tx: Tx, clock: Clock, items: readonly OutboxItem[], storage: OutboxStorage = prismaOutboxStorage): Promise<OutboxItem[]> {
  const keys = new Set<string>();
  const unique = items.filter((item) => {
    if (item.onceKey === undefined) return true;
    if (keys.has(item.onceKey)) return false;
    keys.add(item.onceKey);
    return true;
  });
  if (unique.length === 0) return [];
  // One reservation of consecutive sequence numbers and one insert for the whole batch (a skipped item leaves a gap
  // in the sequence, which only orders messages).
  const firstSeq = await reserveCounterValues(tx, "outbox", unique.length);
  const now = clock.now();
  // One message often goes to several people and threads: encode it once.
  const encoded = new Map<OutboundMessage, string>();
  const encode = (message: OutboundMessage): string => {
    let text = encoded.get(message);
    if (text === undefined) encoded.set(message, (text = JSON.stringify(message)));
    return text;
  };
  const rows = unique.map((item, index) => ({
    id: newId(),
    seq: firstSeq + index,
    createdAt: now,
    streamKey: item.streamKey,
    dueAt: item.notBefore && item.notBefore > now ? item.notBefore : now,
    destination: JSON.stringify(item.destination),
    message: encode(item.message),
    ...(item.onceKey !== undefined ? { onceKey: item.onceKey } : {}),
  }));
  const inserted = await storage.insert(tx, rows);
  return unique.filter((_, index) => inserted.has((rows[index] as NewOutboxRow).id));
}

/** Writes messages to the outbox (see enqueueItems); returns how many were written. */
export async function enqueue(tx: Tx, clock: Clock, items: readonly OutboxItem[]): Promise<number> {
  return (await enqueueItems(tx, clock, items)).length;
}
