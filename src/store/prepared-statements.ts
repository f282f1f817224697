// Named prepared statements on PostgreSQL. Without a name, the server parses and plans each statement at every
// execution: the case aggregate of a relay took 2.3 ms of planning each time on the benchmark's host. A named
// statement is parsed once per connection, and after five executions PostgreSQL keeps a generic plan when it costs
// about what the custom ones did (PostgreSQL documentation, PREPARE: "plan_cache_mode"), so planning stops too.
//
// Every name is a statement the server keeps for the life of the connection, so the names are bounded: statements
// whose text depends on the size of a list (an IN list of 300 ids) are not named, and after MAX_NAMED_STATEMENTS
// distinct texts no new one is. Nor are statements without parameters: the driver sends those as simple queries,
// which may hold several commands (a prepared statement may not), and they are cheap to plan. An unnamed statement
// runs as before.

/** Most distinct statement texts a process names (each is prepared once on each pooled connection that runs it). */
export const MAX_NAMED_STATEMENTS = 1000;

/** Statements with more parameters than this are not named: their text usually varies with the size of a list. */
export const MAX_NAMED_PARAMETERS = 64;

/** A statement as the driver adapter hands it over. */
interface Statement {
  sql: string;
  args: readonly unknown[];
}

/**
 * A statement-name function for the PostgreSQL driver adapter: the same name for the same text, "" (unnamed) for
 * statements with no parameters or many, and once `maxNames` texts have names.
 */
export function preparedStatementNames(maxNames = MAX_NAMED_STATEMENTS, maxParameters = MAX_NAMED_PARAMETERS): (statement: Statement) => string {
  const names = new Map<string, string>();
  return (statement) => {
    if (statement.args.length === 0 || statement.args.length > maxParameters) return "";
    const known = names.get(statement.sql);
    if (known !== undefined) return known;
    if (names.size >= maxNames) return "";
    const name = `liaison_${names.size + 1}`;
    names.set(statement.sql, name);
    return name;
  };
}
