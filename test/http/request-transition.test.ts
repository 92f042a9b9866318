import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agents, auditLog, instructionServices, notifications, outbox, requestEvents, requests, servicePrefectures } from "../../src/db/schema.ts";
import { STALE_MESSAGE } from "../../src/services/requests/index.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { summaryErrors, type Browser } from "../helpers/client.ts";
import { draftAtStep5, pdf, PNG, stamp, STEP2, upload } from "../helpers/requests.ts";

/** Sending over HTTP goes through transition("envoyer"): one history row, the routing columns copied, the confirmation once. */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.db.db.insert(instructionServices).values({ id: "cert-paris", name: "CERT de Paris" });
});
afterAll(() => t.close());

/** A perte draft sent over HTTP (steps 5 to 7), with a nom de naissance of our choice. */
async function sent(label: string, nomNaissance = "Dupont"): Promise<{ b: Browser; id: string }> {
  const { b, id } = await draftAtStep5(t, label);
  if (nomNaissance !== STEP2.nomNaissance) {
    const page = await b.post(`/demandes/${id}/etape/2`, { ...STEP2, nomNaissance });
    expect(summaryErrors(page)).toEqual([]);
    await b.get(`/demandes/${id}/etape/5`);
  }
  await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(1) });
  await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
  expect(summaryErrors(await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" }))).toEqual([]);
  const page = await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" });
  expect(summaryErrors(page)).toEqual([]);
  expect(page.url).toBe(`/demandes/${id}/etape/7`);
  return { b, id };
}

async function rowOf(id: string) {
  const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
  return row!;
}

describe("sending through transition()", () => {
  it("writes « Envoyée » with version 1, one history row by the user, no audit entry, and the confirmation once", async () => {
    const { id } = await sent("transition-envoi");
    const row = await rowOf(id);
    expect(row).toMatchObject({ state: "envoyee", version: 1, assignedAgentId: null, decidedAt: null, neph: null });
    expect(row.stateChangedAt).toEqual(row.sentAt);
    const events = await t.db.db.select().from(requestEvents).where(eq(requestEvents.requestId, id));
    expect(events).toHaveLength(1);
    expect(events[0]!.at).toEqual(row.sentAt);
    expect(events[0]).toMatchObject({ transition: "envoyer", fromState: "brouillon", toState: "envoyee", actorKind: "usager", agentId: null });
    expect(await t.services.requests.history(id)).toMatchObject([{ transition: "envoyer", actorKind: "usager", agentName: undefined }]);
    expect(await t.db.db.select().from(auditLog).where(eq(auditLog.requestId, id))).toEqual([]);
    // The confirmation, once: one mail to the step-3 address, one notice on the account.
    const mails = (await t.mailsTo("sylvie.dupont@example.fr")).filter((m) => m.subject.includes(row.number!));
    expect(mails).toHaveLength(1);
    const notices = await t.db.db.select().from(notifications).where(eq(notifications.accountId, row.accountId));
    expect(notices.filter((n) => n.message.includes(row.number!))).toHaveLength(1);
  });

  it("copies the préfecture, its service (none while unmapped) and the searched name", async () => {
    const before = await rowOf((await sent("transition-sans-service", "Lefèvre")).id);
    expect(before).toMatchObject({ prefectureId: "75056", serviceId: null, searchName: "LEFEVRE" });
    expect((before.frozen as { content: { adresse: { prefecture: { id: string } } } }).content.adresse.prefecture.id).toBe("75056");

    await t.db.db.insert(servicePrefectures).values({ prefectureId: "75056", serviceId: "cert-paris" });
    const after = await rowOf((await sent("transition-service", "Œuvray")).id);
    expect(after).toMatchObject({ prefectureId: "75056", serviceId: "cert-paris", searchName: "OEUVRAY" });
    // The routing is frozen: remapping the préfecture later does not move a sent request.
    await t.db.db.delete(servicePrefectures).where(eq(servicePrefectures.prefectureId, "75056"));
    expect((await rowOf(after.id)).serviceId).toBe("cert-paris");
  });

  it("refuses a second sending of the same request: nothing more is written", async () => {
    const { b, id } = await sent("transition-double");
    const row = await rowOf(id);
    const again = await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" });
    expect(again.status).not.toBe(200);
    expect(await rowOf(id)).toEqual(row);
    expect(await t.db.db.select().from(requestEvents).where(eq(requestEvents.requestId, id))).toHaveLength(1);
    const mails = await t.db.db.select().from(outbox).where(and(eq(outbox.channel, "mail"), eq(outbox.recipient, "sylvie.dupont@example.fr")));
    expect(mails.filter((m) => m.subject.includes(row.number!))).toHaveLength(1);
  });

  it("moves on through the service only from the version shown; a stale one changes nothing", async () => {
    const { id } = await sent("transition-version");
    const admin = { kind: "agent" as const, agentId: "00000000-0000-4000-8000-000000000000", role: "admin" as const, serviceIds: [], name: "Ada Admin" };
    await t.db.db.insert(agents).values({ id: admin.agentId, email: "ada@interieur.gouv.fr", givenName: "Ada", familyName: "Admin", role: "admin" });
    const shown = await rowOf(id);
    expect(await t.services.requests.act(id, "verifier_images", admin, { version: shown.version })).toMatchObject({ kind: "done", state: "verification_images", version: 2 });
    const moved = await rowOf(id);
    expect(await t.services.requests.act(id, "accepter_images", admin, { version: shown.version })).toEqual({ kind: "stale" });
    expect(await rowOf(id)).toEqual(moved);
    expect(STALE_MESSAGE).toBe("Ce dossier a été modifié entre-temps");
    expect((await t.services.requests.history(id)).map((e) => [e.transition, e.agentName])).toEqual([
      ["envoyer", undefined],
      ["verifier_images", "Ada Admin"],
    ]);
  });
});
