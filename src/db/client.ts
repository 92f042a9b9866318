import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import pg from "pg";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import * as schema from "./schema.ts";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction or the database itself: repositories accept either. */
export type Executor = Pick<Db, "select" | "insert" | "update" | "delete" | "execute" | "transaction">;

/**
 * The smallest raw-SQL interface, shared by pg.Pool and PGlite (used by the session store). On a
 * PostgreSQL server each distinct text is sent as a named prepared statement (parsed and planned
 * once per connection: the session's read spent 75 µs planning for 6 µs running): for the fixed
 * texts of a library only, never for text built from values.
 */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface Database {
  kind: "pglite" | "postgres";
  db: Db;
  sql: SqlClient;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));
/** Key of the advisory lock that serialises migrations when several instances start at once. */
const MIGRATION_LOCK_KEY = 7_242_001;

export interface DatabaseOptions {
  /** A PostgreSQL server: postgres://… */
  url?: string | undefined;
  /** Embedded PGlite: a folder, or "memory://" for a throw-away database. */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options.dataDir ?? "./data");
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // Like libpq, a URL without a user name connects as the operating-system user.
  const parsed = new URL(url);
  if (!parsed.username) parsed.username = process.env.PGUSER || userInfo().username;
  const pool = new pg.Pool({ connectionString: parsed.toString(), max: poolSize, application_name: "permis-en-ligne" });
  // An idle client losing its connection must not crash the process: the pool replaces it.
  pool.on("error", () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: "postgres",
    db,
    sql: preparing(pool),
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Beyond this many distinct texts (a misuse: text built from values), the others go unnamed. */
const MAX_NAMED_TEXTS = 50;

function preparing(pool: pg.Pool): SqlClient {
  const names = new Map<string, string>();
  return {
    async query<R>(text: string, params?: unknown[]) {
      let name = names.get(text);
      if (name === undefined && names.size < MAX_NAMED_TEXTS) names.set(text, (name = `sql_${names.size + 1}`));
      const result = await pool.query(name === undefined ? { text, values: params } : { name, text, values: params });
      return { rows: result.rows as R[] };
    },
  };
}

/** PGlite and its drivers are loaded only here: a service on a PostgreSQL server never holds them (issue 8, memory). */
async function openPglite(dataDir: string): Promise<Database> {
  if (dataDir !== "memory://" && !dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
  ]);
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    sql: client as unknown as SqlClient,
    // PGlite is one connection owned by this process: no concurrent migrator can exist.
    migrate: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder }),
    close: () => client.close(),
  };
}
