import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requests } from "../../src/db/schema.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { createAgent } from "../helpers/agents.ts";
import { insertSentRequest, insertService } from "../helpers/notify.ts";

/** A préfecture mapped to another service: its requests waiting for a decision follow it, released; decided ones stay. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("mapping a préfecture to a service", () => {
  it("moves the préfecture's open requests (unassigned), leaves decided ones and other préfectures alone", async () => {
    await insertService(t.db.db, "cert-a", "CERT A");
    await insertService(t.db.db, "cert-b", "CERT B");
    const agent = await createAgent(t.services, { role: "instruction", serviceIds: ["cert-a"] });
    const rows = {
      unmapped: await insertSentRequest(t.db.db, { state: "envoyee" }),
      held: await insertSentRequest(t.db.db, { state: "en_instruction", serviceId: "cert-a" }),
      waitingUser: await insertSentRequest(t.db.db, { state: "a_completer", serviceId: "cert-a" }),
      decided: await insertSentRequest(t.db.db, { state: "validee", serviceId: "cert-a" }),
      otherPrefecture: await insertSentRequest(t.db.db, { state: "envoyee", serviceId: "cert-a" }),
    };
    for (const [name, r] of Object.entries(rows)) {
      await t.db.db
        .update(requests)
        .set({ prefectureId: name === "otherPrefecture" ? "29232" : "75056", ...(name === "held" ? { assignedAgentId: agent.id, assignedAt: new Date() } : {}) })
        .where(eq(requests.id, r.request.id));
    }

    expect(await t.services.agents.mapPrefecture("75056", "cert-b")).toBe(true);

    const after = async (r: { request: { id: string } }) => (await t.db.db.select().from(requests).where(eq(requests.id, r.request.id)))[0]!;
    expect((await after(rows.unmapped)).serviceId).toBe("cert-b");
    const held = await after(rows.held);
    expect([held.serviceId, held.assignedAgentId, held.state]).toEqual(["cert-b", null, "en_instruction"]);
    expect((await after(rows.waitingUser)).serviceId).toBe("cert-b");
    expect((await after(rows.decided)).serviceId).toBe("cert-a");
    expect((await after(rows.otherPrefecture)).serviceId).toBe("cert-a");
  });
});
