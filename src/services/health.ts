import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";

/** `GET /sante`: one query, so a load balancer sees an instance that has lost its database. */
export async function checkDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
