import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDate } from "../../src/domain/dates.ts";
import { deletionDate } from "../../src/domain/request/state.ts";
import { accounts } from "../../src/db/schema.ts";
import { deleteExpiredRequests } from "../../src/jobs/periodic.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { ManualClock } from "../helpers/clock.ts";

/**
 * Seed 004: « Les demandes sont supprimées après un délai de 6 mois, quel que soit leur statut ».
 * The deletion job deletes a request on the day its page announces, at month ends and in Paris time.
 */
let t: TestApp;
const clock = new ManualClock(new Date("2026-08-31T09:00:00Z"));
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };
const moveTo = (iso: string) => clock.advance(new Date(iso).getTime() - clock.now().getTime());

describe("deletion 6 months after creation", () => {
  it("deletes a request created on 31 August on 28 February, and one created on 1 September (Paris) on 1 March", async () => {
    const [account] = await t.db.db
      .insert(accounts)
      .values({ kind: "particulier", status: "active", familyName: "Martin", givenName: "Léa", email: "six-mois@example.fr" })
      .returning();
    const august = await t.services.requests.create(account!, PERTE);
    moveTo("2026-08-31T22:30:00Z"); // 00:30 on 1 September in Paris
    const september = await t.services.requests.create(account!, PERTE);
    if (august.kind !== "created" || september.kind !== "created") throw new Error("drafts not created");
    const find = (id: string) => t.services.requests.find(account!.id, id);

    // The dates the request's page shows.
    expect(formatDate(deletionDate((await find(august.id))!.createdAt))).toBe("28/02/2027");
    expect(formatDate(deletionDate((await find(september.id))!.createdAt))).toBe("01/03/2027");

    const storage = t.services.storage;
    expect(await deleteExpiredRequests(t.db.db, storage, new Date("2027-02-27T22:30:00Z"))).toBe(0); // 27/02 23:30 in Paris
    expect(await find(august.id)).toBeDefined();

    expect(await deleteExpiredRequests(t.db.db, storage, new Date("2027-02-27T23:30:00Z"))).toBe(1); // 28/02 00:30 in Paris
    expect(await find(august.id)).toBeUndefined();
    expect(await find(september.id)).toBeDefined();

    expect(await deleteExpiredRequests(t.db.db, storage, new Date("2027-02-28T22:59:00Z"))).toBe(0); // 28/02 23:59 in Paris
    expect(await deleteExpiredRequests(t.db.db, storage, new Date("2027-02-28T23:00:00Z"))).toBe(1); // 01/03 00:00 in Paris
    expect(await find(september.id)).toBeUndefined();
  });
});
