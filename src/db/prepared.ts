import type { Executor } from "./client.ts";

/**
 * Statements built once per executor (the database, or a transaction, which is an executor of its
 * own) and sent as named prepared statements: drizzle does not build their SQL again at each call,
 * and PostgreSQL parses and plans each once per connection (issue 8: planning was most of the
 * database's time for the dashboard's statement). Only for statements whose text never changes.
 */
export function perExecutor<T>(build: (db: Executor) => T): (db: Executor) => T {
  const built = new WeakMap<Executor, T>();
  return (db) => {
    let statements = built.get(db);
    if (statements === undefined) built.set(db, (statements = build(db)));
    return statements;
  };
}
