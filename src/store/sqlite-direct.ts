// Direct statements on the embedded database's connection, for the small writes every command makes (its record
// entry). Through the Prisma client, a transaction of three small statements costs about 0.45 ms and a good deal of
// garbage; run on the connection itself, with its prepared statements kept, it costs a few hundredths of that.
//
// The connection is the one the Prisma client uses: it is taken from the driver adapter when the client connects.
// One lock orders the client's transactions and the direct ones, so that neither runs inside the other: a direct
// transaction waits while a client transaction is open, and the reverse. (The client's statements outside
// transactions are single synchronous calls, which cannot fall inside a direct transaction, itself synchronous.)
// So a direct call must never be made from inside a client transaction's callback: it would wait for that
// transaction to end. Inside one, use the transaction client (appendAuditEntries(tx, ...), not appendAuditNow).
import type { IsolationLevel, SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";
import type { Db } from "./db.js";

/** A Date as Prisma stores it in SQLite ("2026-11-23T10:00:00.000+00:00"), so that stored texts compare in order. */
export function sqliteDate(at: Date): string {
  return at.toISOString().replace("Z", "+00:00");
}

/** A parameter as the client stores it in SQLite: dates as ISO texts, booleans as 0 and 1. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return sqliteDate(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/** Runs statements inside a direct transaction; each SQL text is prepared once per connection. */
export interface DirectStatements {
  /** The first row of a statement that returns rows. */
  get(sql: string, params: readonly unknown[]): Record<string, unknown> | undefined;
  /** Every row of a statement that returns rows. */
  all(sql: string, params: readonly unknown[]): Record<string, unknown>[];
  /** Runs a statement; returns the number of rows changed. */
  run(sql: string, params: readonly unknown[]): number;
}

/** A FIFO lock: acquire() resolves to the function that releases it. */
class Lock {
  #tail: Promise<void> = Promise.resolve();
  #holders = 0;

  /** True while someone holds the lock or waits for it. */
  get busy(): boolean {
    return this.#holders > 0;
  }

  acquire(): Promise<() => void> {
    this.#holders += 1;
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => held);
    return previous.then(() => {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.#holders -= 1;
        release();
      };
    });
  }
}

/** The embedded database's connection, shared with the Prisma client, for direct synchronous transactions. */
export class DirectSqlite {
  readonly #lock = new Lock();
  #connection: Database.Database | undefined;
  #statements = new Map<string, Database.Statement>();

  /**
   * Wraps the client's adapter factory: the adapter it connects is watched for its connection, and its transactions
   * take the shared lock.
   */
  wrap(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
    const connect = async (): Promise<SqlDriverAdapter> => {
      const adapter = await factory.connect();
      // The official adapter keeps its better-sqlite3 connection as `client`. If a later version does not, direct
      // transactions are simply unavailable and callers use the client.
      const candidate: unknown = Reflect.get(adapter, "client");
      if (candidate instanceof Database) {
        this.#connection = candidate;
        this.#statements = new Map();
      }
      return this.guard(adapter);
    };
    return {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect,
      connectToShadowDb: () => factory.connectToShadowDb(),
    };
  }

  /** True while the client is connected through a wrapped factory. */
  get available(): boolean {
    return this.#connection?.open === true;
  }

  /** Runs `work` as one transaction on the connection (all of it or none), in turn with the client's transactions. */
  transaction<T>(work: (statements: DirectStatements) => T): Promise<T> {
    return this.withConnection((connection, statements) => connection.transaction(() => work(statements)).immediate());
  }

  /** Runs one statement's `work` on the connection, outside the client's transactions. */
  statement<T>(work: (statements: DirectStatements) => T): Promise<T> {
    return this.withConnection((_connection, statements) => work(statements));
  }

  private async withConnection<T>(work: (connection: Database.Database, statements: DirectStatements) => T): Promise<T> {
    // A free lock is taken at once; only a wait behind a client transaction is timed.
    const contended = this.#lock.busy;
    const acquiring = this.#lock.acquire();
    const release = await (contended ? withTimeLimit(acquiring, LOCK_WAIT_LIMIT_MS) : acquiring).catch((error: unknown) => {
      // Given up: when the lock comes after all, it is let go at once.
      void acquiring.then((late) => late());
      throw error;
    });
    try {
      const connection = this.#connection;
      if (!connection?.open) throw new Error("the embedded database is not connected");
      // Never nest: a transaction left open here would silently take these statements with it.
      if (connection.inTransaction) throw new Error("the embedded database's connection is inside a transaction that has no owner");
      // Statements are kept prepared (bound anew on each call, never with bind(), which would fix the values).
      return work(connection, {
        get: (sql, params) => this.prepare(connection, sql).get(...params.map(sqliteValue)) as Record<string, unknown> | undefined,
        all: (sql, params) => this.prepare(connection, sql).all(...params.map(sqliteValue)) as Record<string, unknown>[],
        run: (sql, params) => this.prepare(connection, sql).run(...params.map(sqliteValue)).changes,
      });
    } finally {
      release();
    }
  }

  private prepare(connection: Database.Database, sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = connection.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** The adapter, with transactions that hold the lock from their start until commit or rollback. */
  private guard(adapter: SqlDriverAdapter): SqlDriverAdapter {
    const lock = this.#lock;
    // A failed COMMIT is followed by rollback() without a ROLLBACK statement: the connection would stay inside the
    // transaction, and the next one on it would nest into it. It is rolled back before the lock is let go.
    const endOpenTransaction = () => {
      const connection = this.#connection;
      if (connection?.open && connection.inTransaction) connection.exec("ROLLBACK");
    };
    const onDispose = () => {
      if (Reflect.get(adapter, "client") === this.#connection) {
        this.#connection = undefined;
        this.#statements = new Map();
      }
    };
    return new Proxy(adapter, {
      get(target, key) {
        if (key === "startTransaction") {
          return async (isolationLevel?: IsolationLevel): Promise<Transaction> => {
            const release = await lock.acquire();
            try {
              return releasingOnEnd(await target.startTransaction(isolationLevel), () => {
                try {
                  endOpenTransaction();
                } finally {
                  release();
                }
              });
            } catch (error) {
              release();
              throw error;
            }
          };
        }
        if (key === "dispose") {
          return async () => {
            onDispose();
            await target.dispose();
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
}

/** How long a direct statement waits for the client's transactions before it fails, saying why. */
const LOCK_WAIT_LIMIT_MS = 60_000;

/** `promise`, or an error saying why after `limitMs` (a direct call from inside a client transaction waits for itself). */
async function withTimeLimit<T>(promise: Promise<T>, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`a direct statement waited ${limitMs / 1000} s for a transaction of the client to end (was it called from inside one?)`)),
      limitMs,
    );
    timer.unref();
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A transaction that calls `release` once it is committed or rolled back. */
function releasingOnEnd(transaction: Transaction, release: () => void): Transaction {
  return new Proxy(transaction, {
    get(target, key) {
      if (key === "commit" || key === "rollback") {
        return async () => {
          try {
            await (key === "commit" ? target.commit() : target.rollback());
          } finally {
            release();
          }
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const directByClient = new WeakMap<Db, DirectSqlite>();

/** Notes that `db` can run direct transactions through `direct`. */
export function registerDirectSqlite(db: Db, direct: DirectSqlite): void {
  directByClient.set(db, direct);
}

/** True when the client is one of the embedded database's. */
export function isSqliteClient(db: Db): boolean {
  return directByClient.has(db);
}

/** Direct transactions for the client's database, when it is the embedded one and connected. */
export function directSqliteOf(db: Db): DirectSqlite | undefined {
  const direct = directByClient.get(db);
  return direct?.available ? direct : undefined;
}
