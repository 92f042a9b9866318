import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { createActiveAccount, signIn } from "../helpers/flows.ts";
import { STEP1_PERTE, STEP2 } from "../helpers/requests.ts";

/**
 * Issue 8: a signed-in dashboard view costs the session's read and one statement for everything
 * the page shows (account, requests, notifications), and writes nothing; a step POST before step 5
 * reads the draft and writes it, nothing of later steps. Counted at the database client every
 * query goes through (the session store's and Drizzle's), never timed. On a server, each of them
 * is a named prepared statement (planned once per connection).
 */
describe("the database statements of a dashboard view and of a step POST", () => {
  let t: TestApp;
  let b: Browser;
  const statements: string[] = [];
  /** The names of the prepared statements sent (PostgreSQL server). */
  const names: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    b = new Browser(t.app);
    const identifier = await createActiveAccount(t, b, { email: "tableau.de.bord@example.fr" });
    await signIn(b, identifier);
    for (let i = 0; i < 2; i++) {
      await b.get("/demandes/nouvelle");
      const created = await b.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" });
      const id = created.url.split("/")[2]!;
      await b.post(`/demandes/${id}/etape/1`, STEP1_PERTE);
      await b.post(`/demandes/${id}/etape/2`, STEP2);
    }
    await b.get("/mon-espace");
    // The driver's client (pg.Pool or PGlite), under both Drizzle and the session store's SqlClient.
    const client = (t.services.database.db as unknown as { $client: { query: (...args: unknown[]) => Promise<unknown> } }).$client;
    const query = client.query.bind(client);
    client.query = (...args: unknown[]) => {
      const first = args[0];
      statements.push(typeof first === "string" ? first : String((first as { text?: unknown }).text ?? ""));
      const name = typeof first === "object" && first !== null ? (first as { name?: unknown }).name : undefined;
      if (typeof name === "string" && name !== "") names.push(name);
      return query(...args);
    };
  });

  afterAll(async () => {
    await t?.close();
  });

  it("shows the requests, the account and the notifications from one statement after the session's", async () => {
    statements.length = 0;
    names.length = 0;
    const page = await b.get("/mon-espace");
    expect(page.status).toBe(200);
    expect(page.text("main")).toContain("DUPONT");
    expect(page.text("main")).toContain("Sylvie");
    expect(statements).toHaveLength(2);
    expect(statements.filter((s) => /^\s*(insert|update|delete)\b/i.test(s))).toEqual([]);
    if (t.services.database.kind === "postgres") expect(names).toHaveLength(2);
  });

  it("a step POST reads the session and the draft and writes it: no documents, no stamp, no photo code", async () => {
    await b.get("/demandes/nouvelle");
    const created = await b.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" });
    const id = created.url.split("/")[2]!;
    await b.post(`/demandes/${id}/etape/1`, STEP1_PERTE);
    await b.get(`/demandes/${id}/etape/2`);
    statements.length = 0;
    names.length = 0;
    const next = await b.post(`/demandes/${id}/etape/2`, STEP2, { follow: false });
    expect(next.status).toBe(303);
    expect(next.headers.location).toBe(`/demandes/${id}/etape/3`);
    expect(statements).toHaveLength(3);
    expect(statements.filter((s) => /request_documents|fiscal_stamps|photo_codes/.test(s))).toEqual([]);
    if (t.services.database.kind === "postgres") expect(names).toHaveLength(3);
  });

  it("costs the same statements on the next view (nothing written back to the session)", async () => {
    statements.length = 0;
    await b.get("/mon-espace");
    await b.get("/mon-espace");
    expect(statements).toHaveLength(4);
    expect(statements.filter((s) => /^\s*(insert|update|delete)\b/i.test(s))).toEqual([]);
  });
});
