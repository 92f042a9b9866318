import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOwnRequest, insertRequest, saveDraftData } from "../../src/db/repositories/requests.ts";
import { accounts, requests } from "../../src/db/schema.ts";
import { testDatabase, type TestDatabase } from "../helpers/db.ts";

/** The step POST's two statements are named prepared statements: same answers, inside and outside a transaction, many times over. */
let t: TestDatabase;
let owner: string;
let other: string;
beforeAll(async () => {
  t = await testDatabase();
  const made = await t.db
    .insert(accounts)
    .values([
      { kind: "particulier", status: "active", familyName: "Martin", givenName: "Léa", email: "lea.martin@example.fr" },
      { kind: "particulier", status: "active", familyName: "Durand", givenName: "Paul", email: "paul.durand@example.fr" },
    ])
    .returning({ id: accounts.id });
  [owner, other] = [made[0]!.id, made[1]!.id];
});
afterAll(() => t.dispose());

describe("the draft's prepared statements", () => {
  it("read only the owner's request, and write a draft's answers and time exactly", async () => {
    const created = await insertRequest(t.db, { accountId: owner, motif: "fabrication.perte", data: {}, now: new Date("2026-11-01T10:00:00Z") });
    const answers = { step2: { nomNaissance: "Martin", prenom1: "Léa \"Lou\" <b>", autres: ["a", "b"] }, motif: { pour: "majeur" } };
    const at = new Date("2026-11-29T23:59:59.123Z");
    expect(await saveDraftData(t.db, created.id, answers, at)).toBe(true);
    const read = await findOwnRequest(t.db, owner, created.id);
    expect(read?.data).toEqual(answers);
    expect(read?.updatedAt.toISOString()).toBe(at.toISOString());
    expect(await findOwnRequest(t.db, other, created.id)).toBeUndefined();
    expect(await findOwnRequest(t.db, owner, "not-a-uuid")).toBeUndefined();
  });

  it("answer the same in transactions (their own executors) and when repeated on every pooled connection", async () => {
    const created = await insertRequest(t.db, { accountId: owner, motif: "fabrication.perte", data: {}, now: new Date() });
    for (let round = 0; round < 3; round++) {
      await t.db.transaction(async (tx) => {
        expect(await saveDraftData(tx, created.id, { step1: { n: String(round) } }, new Date())).toBe(true);
        expect((await findOwnRequest(tx, owner, created.id))?.data).toEqual({ step1: { n: String(round) } });
      });
    }
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => saveDraftData(t.db, created.id, { step1: { n: `p${i}` } }, new Date())));
    expect(results.every(Boolean)).toBe(true);
    const reads = await Promise.all(Array.from({ length: 20 }, () => findOwnRequest(t.db, owner, created.id)));
    expect(new Set(reads.map((r) => r?.id))).toEqual(new Set([created.id]));
  });

  it("write nothing once the request is no longer a draft", async () => {
    const created = await insertRequest(t.db, { accountId: owner, motif: "fabrication.perte", data: { step1: { a: "1" } }, now: new Date() });
    await t.db.update(requests).set({ state: "envoyee" }).where(eq(requests.id, created.id));
    expect(await saveDraftData(t.db, created.id, { step1: { a: "2" } }, new Date())).toBe(false);
    expect((await findOwnRequest(t.db, owner, created.id))?.data).toEqual({ step1: { a: "1" } });
  });
});
