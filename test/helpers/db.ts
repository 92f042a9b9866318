import { randomBytes } from "node:crypto";
import pg from "pg";
import { userInfo } from "node:os";
import { openDatabase, type Database } from "../../src/db/client.ts";

/** The PostgreSQL server under test, if any (see README: `DATABASE_URL=postgres://127.0.0.1:5432/test npm test`). */
export const serverUrl = process.env.DATABASE_URL || undefined;

export interface TestDatabase extends Database {
  /** Set for a server database: its URL, so that another process can open it. */
  url?: string;
  dispose(): Promise<void>;
}

function withUser(url: string): string {
  const u = new URL(url);
  if (!u.username) u.username = process.env.PGUSER || userInfo().username;
  return u.toString();
}

/** A fresh, migrated database: PGlite in memory, or a new database on the server. */
export async function testDatabase(): Promise<TestDatabase> {
  if (!serverUrl) {
    const database = await openDatabase({ dataDir: "memory://" });
    await database.migrate();
    return { ...database, dispose: () => database.close() };
  }
  const { url, drop } = await createServerDatabase();
  const database = await openDatabase({ url, poolSize: 5 });
  await database.migrate();
  return {
    ...database,
    url,
    async dispose() {
      await database.close();
      await drop();
    },
  };
}

/** An empty database on the server, dropped by `drop()`. */
export async function createServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!serverUrl) throw new Error("DATABASE_URL is not set");
  const admin = new pg.Client({ connectionString: withUser(serverUrl) });
  await admin.connect();
  const name = `permis_test_${randomBytes(6).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(withUser(serverUrl));
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: withUser(serverUrl!) });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
