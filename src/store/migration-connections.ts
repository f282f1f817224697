// The migration engine's connections: the application's own driver adapters, each connection tracked so that the
// engine's work ends with every connection closed. PostgreSQL gets one session (the engine's advisory lock covers
// all its statements) and two fixes to adapter-pg that the engine needs.
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
// The PostgreSQL client is loaded only for PostgreSQL (the embedded default starts without it).
import type pg from "pg";
import { ensureSqliteDirectory, postgresConnectionString, sqliteAdapterFactory, type StoreTarget } from "./db.js";

/** An adapter factory for the engine, and how to close every connection it opened. */
export interface EngineConnection {
  factory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

/** The engine's connection to a target. */
export async function engineConnection(target: StoreTarget): Promise<EngineConnection> {
  if (target.provider === "sqlite") {
    ensureSqliteDirectory(target);
    return trackConnections(sqliteAdapterFactory(target.url));
  }
  return postgresEngineConnection(target.url);
}

/** Wraps a factory so that every connection it hands out is disposed by close(). */
export function trackConnections(
  inner: SqlMigrationAwareDriverAdapterFactory,
  onClose?: () => Promise<void>,
): EngineConnection {
  const opened: SqlDriverAdapter[] = [];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = await inner.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: () => Promise.reject(new Error("shadow databases are not used")),
  };
  return {
    factory,
    close: async () => {
      for (const adapter of opened.splice(0)) await adapter.dispose().catch(() => undefined);
      await onClose?.();
    },
  };
}

/**
 * The engine's PostgreSQL connection: a pool of ONE session, so that the advisory lock the engine takes (session
 * level, never explicitly released) covers all of its statements and is released when close() ends the session.
 * Two fixes to adapter-pg for the engine: 'char' columns (OID 18, found in the catalogs) are reported as text,
 * which introspection needs, and a migration script is sent whole (one simple query, so PostgreSQL runs it as one
 * transaction, as `prisma migrate deploy` does) instead of being split at every ";".
 */
export async function postgresEngineConnection(url: string): Promise<EngineConnection> {
  const [{ default: pgModule }, { PrismaPg }] = await Promise.all([import("pg"), import("@prisma/adapter-pg")]);
  const pool = new pgModule.Pool({
    connectionString: postgresConnectionString(url),
    max: 1,
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: 30_000,
  });
  pool.on("connect", (client) => reportCharAsText(client));
  pool.on("error", () => undefined); // an idle session that breaks is reported by the next query
  const inner = new PrismaPg(pool);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => wholeScripts(await inner.connect(), pool),
    connectToShadowDb: () => Promise.reject(new Error("shadow databases are not used")),
  };
  return trackConnections(factory, () => pool.end());
}

type QueryResultLike = { fields?: { dataTypeID: number }[] };

function charAsText<T>(result: T): T {
  for (const one of (Array.isArray(result) ? result : [result]) as (QueryResultLike | undefined)[]) {
    for (const field of one?.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
  }
  return result;
}

function reportCharAsText(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) => last(error, error ? result : charAsText(result));
      return query(...args);
    }
    const result = query(...args);
    return result instanceof Promise ? result.then(charAsText) : result;
  };
}

function wholeScripts(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, key) {
      if (key === "executeScript") {
        return async (script: string) => {
          try {
            await pool.query(script);
          } catch (error) {
            // adapter-pg's own conversion to a DriverAdapterError, which the engine understands.
            const convert = (target as unknown as { onError?: (e: unknown) => never }).onError;
            if (convert) convert.call(target, error);
            throw error;
          }
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

