// Statements written once for both databases, for the few queries on the path of every event (claiming it, finding
// who sent it). The SQL uses ? placeholders; on PostgreSQL they become $1, $2, ... and the client runs the statement,
// on the embedded database it runs directly on the connection (sqlite-direct.ts), prepared once.
import type { Db } from "./db.js";
import { directSqliteOf, isSqliteClient } from "./sqlite-direct.js";

/** A statement's parameter. */
export type SqlParameter = string | number | boolean | Date | null;

/** A statement with ? placeholders and its parameters. */
export interface Statement {
  sql: string;
  params: readonly SqlParameter[];
}

const postgresTexts = new Map<string, string>();

/** The statement's text for the client's database: PostgreSQL's placeholders are numbered (no "?" in literals). */
export function forClient(db: Db, sql: string): string {
  if (isSqliteClient(db)) return sql;
  let text = postgresTexts.get(sql);
  if (text === undefined) {
    let index = 0;
    text = sql.replace(/\?/g, () => `$${++index}`);
    postgresTexts.set(sql, text);
  }
  return text;
}

/** The rows a statement returns. Integers may come back as bigint, booleans as 0 and 1 on SQLite. */
export async function selectRows<T>(db: Db, sql: string, params: readonly SqlParameter[]): Promise<T[]> {
  const direct = directSqliteOf(db);
  if (direct) return direct.statement((statements) => statements.all(sql, params) as T[]);
  return db.$queryRawUnsafe<T[]>(forClient(db, sql), ...params);
}

/** Runs a statement; returns the number of rows it changed. */
export async function executeStatement(db: Db, sql: string, params: readonly SqlParameter[]): Promise<number> {
  const direct = directSqliteOf(db);
  if (direct) return direct.statement((statements) => statements.run(sql, params));
  return db.$executeRawUnsafe(forClient(db, sql), ...params);
}
