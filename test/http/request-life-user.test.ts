import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completionItems, requestDocuments, requests } from "../../src/db/schema.ts";
import type { AgentActor } from "../../src/domain/actors.ts";
import { REQUEST_STATES, type Transition } from "../../src/domain/request/state.ts";
import type { FrozenRequest, TransitionDetails } from "../../src/services/requests/index.ts";
import { COMPLETION_MESSAGES, completionItemLabel, STALE_MESSAGE } from "../../src/services/requests/index.ts";
import { TRACK_MESSAGES } from "../../src/web/citizen/account.tsx";
import { createAgent } from "../helpers/agents.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, summaryErrors, type Form, type Page } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { sendRequest, type SentRequest } from "../helpers/life.ts";
import { pdf, PNG, stamp, STEP2, STEP3, upload } from "../helpers/requests.ts";

/**
 * The user's side of the life of a request (issue 9 §4 and §6): the request's page in each state
 * (its meaning, history, what to do now, motive, documents), "A compléter" (only the ticked items
 * can change; "Renvoyer ma demande"), "Faire une nouvelle demande" after a rejection, "Savoir où
 * en est ma demande", and another account getting 404 everywhere.
 */

let t: TestApp;
let admin: AgentActor;
let intruder: Browser;

beforeAll(async () => {
  t = await startTestApp();
  const agent = await createAgent(t.services, { role: "admin" });
  admin = { kind: "agent", agentId: agent.id, role: "admin", serviceIds: [], name: "Admin Test" };
  intruder = new Browser(t.app, "198.51.100.250");
  await createActiveAccount(t, intruder, { email: "curieux-vie@example.fr" });
}, 120_000);
afterAll(() => t.close());

/** An agent's action through transition(), as the back-office does it. */
async function act(id: string, name: Transition, details: TransitionDetails = {}) {
  const outcome = await t.services.requests.act(id, name, admin, details);
  expect(outcome.kind).toBe("done");
}

async function rowOf(id: string) {
  const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
  return row!;
}

function stateOf(page: Page): string {
  return page.text("#etat .fr-badge");
}

function historyOf(page: Page): string[] {
  return page.html.querySelectorAll("#historique li").map((li) => li.text.replace(/\s+/g, " ").trim());
}

function documentsOf(page: Page): string[] {
  return page.html.querySelectorAll("#documents a").map((a) => a.getAttribute("href") ?? "");
}

describe("the request's page, state by state (a loss)", () => {
  let r: SentRequest;
  beforeAll(async () => {
    r = await sendRequest(t, 201, "perte");
  }, 120_000);

  it("Envoyée: its meaning, its history with a date, nothing to do, the récépissé; the person may not drive yet", async () => {
    const page = await r.b.get(`/demandes/${r.id}`);
    expect(page.status).toBe(200);
    expect(stateOf(page)).toBe("Envoyée");
    expect(page.text("#etat-signification")).toBe(REQUEST_STATES.envoyee.meaning);
    expect(historyOf(page)).toHaveLength(1);
    expect(historyOf(page)[0]).toMatch(/^\d{2}\/\d{2}\/\d{4} .*Envoyée$/);
    expect(page.text("#actions")).toContain("Aucune action, merci de patienter");
    expect(page.html.querySelector('form[action$="/renvoyer"]')).toBeNull();
    expect(documentsOf(page)).toEqual([`/demandes/${r.id}/recepisse.pdf`]);
    expect(page.text("main")).toContain("Dans l'attente de ce document, vous n'êtes pas autorisé à conduire un véhicule.");
    expect((await r.b.get(`/demandes/${r.id}/attestation-droits.pdf`)).status).toBe(404);
  });

  it("Vérification des images, then En cours d'instruction: each step in the history", async () => {
    await act(r.id, "verifier_images");
    let page = await r.b.get(`/demandes/${r.id}`);
    expect(stateOf(page)).toBe("Vérification des images");
    await act(r.id, "accepter_images");
    page = await r.b.get(`/demandes/${r.id}`);
    expect(stateOf(page)).toBe("En cours d'instruction");
    expect(page.text("#etat-signification")).toBe(REQUEST_STATES.en_instruction.meaning);
    expect(historyOf(page).map((h) => h.replace(/^\S+ \S+ - /, ""))).toEqual(["Envoyée", "Vérification des images", "En cours d'instruction"]);
  });

  it("A compléter: exactly the ticked items with the agent's words; only those can change; Renvoyer re-freezes and goes back to instruction", async () => {
    await act(r.id, "demander_complement", {
      items: [
        { item: "domicile", reason: "Le justificatif de domicile a plus de 6 mois." },
        { item: "etape-3", reason: "Le nom de la voie est incomplet." },
      ],
    });
    const page = await r.b.get(`/demandes/${r.id}`);
    expect(stateOf(page)).toBe("A compléter");
    const items = page.html.querySelectorAll("#elements-a-completer li").map((li) => li.text.replace(/\s+/g, " ").trim());
    expect(items).toHaveLength(2);
    expect(items[0]).toContain("Justificatif de domicile");
    expect(items[0]).toContain("Le justificatif de domicile a plus de 6 mois.");
    expect(items[1]).toContain("Adresse et contact");
    expect(items[1]).toContain("Le nom de la voie est incomplet.");
    expect(page.html.querySelector(`a[href="/demandes/${r.id}/completer"]`)?.text).toContain("Modifier la demande");
    const version = page.html.querySelector('form[action$="/renvoyer"] input[name="version"]')!.getAttribute("value");
    expect(Number(version)).toBe((await rowOf(r.id)).version);

    // The completion page: the ticked piece and section, nothing else.
    const completion = await r.b.get(`/demandes/${r.id}/completer`);
    expect(completion.status).toBe(200);
    expect(completion.html.querySelectorAll('input[type="file"]').map((i) => i.getAttribute("name"))).toEqual(["fichier-domicile"]);
    expect(completion.html.querySelector(`a[href="/demandes/${r.id}/etape/3"]`)).not.toBeNull();

    // Renvoyer before changing anything: refused, each item named.
    const early = await r.b.post(`/demandes/${r.id}/renvoyer`, { version: version! });
    expect(early.status).toBe(409);
    expect(summaryErrors(early)).toEqual([COMPLETION_MESSAGES.unchanged(completionItemLabel("domicile")), COMPLETION_MESSAGES.unchanged(completionItemLabel("etape-3"))]);
    expect((await rowOf(r.id)).state).toBe("a_completer");

    // A piece that was not ticked: no upload, no removal, no form of another step.
    const docs = await t.db.db.select().from(requestDocuments).where(eq(requestDocuments.requestId, r.id));
    const identite = docs.find((d) => d.piece === "identite")!;
    const before = docs.length;
    const refused = await upload(r.b, r.id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(1) }, { csrf: completion.csrf! });
    expect(refused.answer.status).toBe(303);
    expect(refused.url).toBe(`/demandes/${r.id}/completer`);
    expect(summaryErrors(refused)).toContain(COMPLETION_MESSAGES.notRequested);
    expect(await t.db.db.select().from(requestDocuments).where(eq(requestDocuments.requestId, r.id))).toHaveLength(before);
    expect((await r.b.post(`/demandes/${r.id}/pieces/${identite.id}/supprimer`, {}, { csrf: completion.csrf! })).status).toBe(404);
    expect((await r.b.get(`/demandes/${r.id}/etape/2`)).url).toBe(`/demandes/${r.id}/completer`);
    expect((await r.b.post(`/demandes/${r.id}/etape/2`, { nomNaissance: "AUTRE" }, { csrf: completion.csrf! })).status).toBe(404);
    expect((await rowOf(r.id)).data.step2?.nomNaissance).not.toBe("AUTRE");

    // The ticked piece: the old file removed, a new one joined (the step-5 pipeline).
    const domicile = docs.find((d) => d.piece === "domicile")!;
    const removed = await r.b.post(`/demandes/${r.id}/pieces/${domicile.id}/supprimer`, {}, { csrf: completion.csrf! });
    expect(removed.url).toBe(`/demandes/${r.id}/completer`);
    const joined = await upload(r.b, r.id, { piece: "domicile" }, { name: "facture-recente.png", type: "image/png", content: PNG }, { csrf: removed.csrf! });
    expect(joined.url).toBe(`/demandes/${r.id}/completer`);
    expect(summaryErrors(joined)).toEqual([]);

    // The ticked section: its step's form, in completion mode.
    const form = await r.b.get(`/demandes/${r.id}/etape/3`);
    expect(form.status).toBe(200);
    expect(form.text("h1")).toContain("Compléter la demande");
    const saved = await r.b.post(`/demandes/${r.id}/etape/3`, { ...STEP3, nomVoie: "de Grenelle prolongée" });
    expect(saved.url).toBe(`/demandes/${r.id}/completer`);
    const changed = await t.db.db.select().from(completionItems).where(eq(completionItems.requestId, r.id));
    expect(changed.every((i) => i.changedAt !== null)).toBe(true);

    // A stale version is refused and changes nothing.
    const stale = await r.b.post(`/demandes/${r.id}/renvoyer`, { version: String(Number(version) - 1) });
    expect(stale.status).toBe(409);
    expect(summaryErrors(stale)).toContain(STALE_MESSAGE);
    expect((await rowOf(r.id)).state).toBe("a_completer");

    const sent = await r.b.post(`/demandes/${r.id}/renvoyer`, { version: version! });
    expect(sent.url).toBe(`/demandes/${r.id}`);
    expect(stateOf(sent)).toBe("En cours d'instruction");
    const row = await rowOf(r.id);
    expect(row.state).toBe("en_instruction");
    const frozen = row.frozen as FrozenRequest;
    expect(frozen.number).toBe(r.number);
    expect(frozen.content.adresse?.nomVoie).toBe("de Grenelle prolongée");
    expect(frozen.content.pieces.find((p) => p.id === "domicile")?.files.map((f) => f.name)).toEqual(["facture-recente.png"]);
    expect((await t.db.db.select().from(completionItems).where(eq(completionItems.requestId, r.id))).every((i) => i.resolvedAt !== null)).toBe(true);
    // Nothing to change any more.
    expect((await r.b.get(`/demandes/${r.id}/completer`)).url).toBe(`/demandes/${r.id}`);
  });

  it("A compléter on the état civil: the corrected nom de naissance is what the back-office searches", async () => {
    const other = await sendRequest(t, 207, "perte");
    await act(other.id, "verifier_images");
    await act(other.id, "accepter_images");
    const before = await rowOf(other.id);
    expect(before.searchName).toBe("DUPONT");
    await act(other.id, "demander_complement", { items: [{ item: "etape-2", reason: "Le nom de naissance ne correspond pas à la pièce d'identité." }] });
    const form = await other.b.get(`/demandes/${other.id}/etape/2`);
    expect(form.status).toBe(200);
    const saved = await other.b.post(`/demandes/${other.id}/etape/2`, { ...STEP2, nomNaissance: "Dupont-Lefèvre" });
    expect(saved.url).toBe(`/demandes/${other.id}/completer`);
    const page = await other.b.get(`/demandes/${other.id}`);
    const version = page.html.querySelector('form[action$="/renvoyer"] input[name="version"]')!.getAttribute("value")!;
    const sent = await other.b.post(`/demandes/${other.id}/renvoyer`, { version });
    expect(stateOf(sent)).toBe("En cours d'instruction");
    const row = await rowOf(other.id);
    expect((row.frozen as FrozenRequest).content.etatCivil?.nomNaissance).toBe("DUPONT-LEFÈVRE");
    expect(row.searchName).toBe("DUPONT-LEFEVRE");
    // The service instructing it keeps it.
    expect(row.serviceId).toBe(before.serviceId);
  }, 120_000);

  it("Validée: the licence comes by secure mail (La Poste, 15 days); the attestation de droits à conduire is downloadable", async () => {
    await act(r.id, "valider");
    const page = await r.b.get(`/demandes/${r.id}`);
    expect(stateOf(page)).toBe("Validée par l'administration");
    expect(page.text("#envoi-titre")).toContain("courrier sécurisé");
    expect(page.text("#envoi-titre")).toContain("15 jours à La Poste");
    expect(page.text("main")).not.toContain("vous n'êtes pas autorisé à conduire");
    expect(documentsOf(page)).toContain(`/demandes/${r.id}/attestation-droits.pdf`);
    const attestation = await r.b.get(`/demandes/${r.id}/attestation-droits.pdf`);
    expect(attestation.status).toBe(200);
    expect(attestation.headers["content-type"]).toBe("application/pdf");
    expect(page.html.querySelector('form[action$="/nouvelle-demande"]')).toBeNull();
  });

  it("another account: every page, document and action of it is a 404", async () => {
    for (const path of ["", "/completer", "/attestation-droits.pdf", "/recepisse.pdf", "/etape/3"]) {
      expect((await intruder.get(`/demandes/${r.id}${path}`)).status, path).toBe(404);
    }
    const home = await intruder.get("/mon-espace");
    for (const path of ["/renvoyer", "/nouvelle-demande", "/etape/3"]) {
      expect((await intruder.post(`/demandes/${r.id}${path}`, { version: "0", ...STEP3 }, { csrf: home.csrf! })).status, path).toBe(404);
    }
    // "Savoir où en est ma demande": someone else's number is not found, as an unknown one.
    const other = await intruder.get(`/mon-espace/ou-en-est?numero=${encodeURIComponent(r.number)}`);
    const unknown = await intruder.get(`/mon-espace/ou-en-est?numero=PC-2000-0000001`);
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(summaryErrors(other)).toEqual([TRACK_MESSAGES.notFound]);
    expect(summaryErrors(unknown)).toEqual([TRACK_MESSAGES.notFound]);
  });

  it("« Savoir où en est ma demande de permis de conduire » opens the user's own request by its numéro", async () => {
    const home = await r.b.get("/mon-espace");
    const link = home.html.querySelectorAll("a").find((a) => a.text.trim() === "Savoir où en est ma demande de permis de conduire");
    expect(link?.getAttribute("href")).toBe("/mon-espace/ou-en-est");
    const found = await r.b.get(`/mon-espace/ou-en-est?numero=${encodeURIComponent(` ${r.number.toLowerCase()} `)}`);
    expect(found.url).toBe(`/demandes/${r.id}`);
    const invalid = await r.b.get("/mon-espace/ou-en-est?numero=abc");
    expect(invalid.status).toBe(400);
    expect(summaryErrors(invalid)).toEqual([TRACK_MESSAGES.invalid]);
  });
});

describe("an international licence", () => {
  it("offers the attestation de dépôt as soon as it is sent", async () => {
    const b = new Browser(t.app, "198.51.100.240");
    await createActiveAccount(t, b, { email: "international-vie@example.fr" });
    await b.get("/demandes/nouvelle/permis-international");
    const id = /^\/demandes\/([0-9a-f-]{36})\/etape\/1$/.exec((await b.post("/demandes/nouvelle/permis-international", { beneficiaire: "moi", pour: "majeur" })).url)![1]!;
    for (const [step, answers] of [
      [1, { numeroPermis: "", action: "suivant" }],
      [2, STEP2],
      [3, STEP3],
      [4, { photoOption: "classique", action: "suivant" }],
    ] as Array<[number, Form]>) {
      expect((await b.post(`/demandes/${id}/etape/${step}`, answers)).url).toBe(`/demandes/${id}/etape/${step + 1}`);
    }
    const step5 = await b.get(`/demandes/${id}/etape/5`);
    const pieces = step5.html
      .querySelectorAll('input[type="file"]')
      .map((input) => input.getAttribute("name") ?? "")
      .filter((name) => name !== "fichier-complementaire")
      .map((name) => name.slice("fichier-".length));
    for (const piece of pieces) await upload(b, id, { piece }, { name: `${piece}.pdf`, type: "application/pdf", content: await pdf(1) });
    const hasStamp = step5.html.querySelector('input[name="numeroTimbre"]') !== null;
    expect((await b.post(`/demandes/${id}/etape/5`, { ...(hasStamp ? { numeroTimbre: await stamp(t) } : {}), action: "suivant" })).url).toBe(`/demandes/${id}/etape/6`);
    expect((await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" })).url).toBe(`/demandes/${id}/etape/7`);
    const page = await b.get(`/demandes/${id}`);
    expect(stateOf(page)).toBe("Envoyée");
    expect(documentsOf(page)).toEqual([`/demandes/${id}/recepisse.pdf`, `/demandes/${id}/formulaire-photo.pdf`, `/demandes/${id}/attestation-depot.pdf`]);
    const attestation = await b.get(`/demandes/${id}/attestation-depot.pdf`);
    expect(attestation.status).toBe(200);
    expect(attestation.headers["content-type"]).toBe("application/pdf");
    expect((await intruder.get(`/demandes/${id}/attestation-depot.pdf`)).status).toBe(404);
  });
});

describe("an inscription validated", () => {
  it("shows its NEPH and offers the attestation d'inscription au permis de conduire; no title by mail", async () => {
    const r = await sendRequest(t, 204, "inscription");
    let page = await r.b.get(`/demandes/${r.id}`);
    expect(page.text("main")).not.toContain("vous n'êtes pas autorisé à conduire");
    expect(documentsOf(page)).not.toContain(`/demandes/${r.id}/attestation-inscription.pdf`);
    expect((await r.b.get(`/demandes/${r.id}/attestation-inscription.pdf`)).status).toBe(404);
    await act(r.id, "verifier_images");
    await act(r.id, "accepter_images");
    await act(r.id, "valider");
    const neph = (await rowOf(r.id)).neph!;
    expect(neph).toMatch(/^\d{12}$/);
    page = await r.b.get(`/demandes/${r.id}`);
    expect(stateOf(page)).toBe("Validée par l'administration");
    expect(page.text("#neph").replace(/\s/g, "")).toContain(neph);
    expect(page.html.querySelector("#envoi-titre")).toBeNull();
    expect(documentsOf(page)).toEqual([`/demandes/${r.id}/recepisse.pdf`, `/demandes/${r.id}/attestation-inscription.pdf`]);
    const attestation = await r.b.get(`/demandes/${r.id}/attestation-inscription.pdf`);
    expect(attestation.status).toBe(200);
    expect(attestation.headers["content-type"]).toBe("application/pdf");
    expect((await r.b.get(`/demandes/${r.id}/attestation-droits.pdf`)).status).toBe(404);
    expect((await intruder.get(`/demandes/${r.id}/attestation-inscription.pdf`)).status).toBe(404);
  });
});

describe("a rejection, then « Faire une nouvelle demande »", () => {
  it("Rejet des images: the motive and the agent's message; a new draft prefilled but the photo, linked to the rejected one", async () => {
    const r = await sendRequest(t, 202, "perte");
    await act(r.id, "verifier_images");
    await act(r.id, "rejeter_images", { motive: "photo_floue", message: "La photo est floue : refaites-la chez un photographe agréé." });
    const page = await r.b.get(`/demandes/${r.id}`);
    expect(stateOf(page)).toBe("Rejet des images");
    expect(page.text("#motif-rejet")).toContain("Photo floue");
    expect(page.text("#motif-rejet")).toContain("La photo est floue : refaites-la chez un photographe agréé.");
    expect(historyOf(page).at(-1)).toContain("Rejet des images : Photo floue");

    const draft = await r.b.post(`/demandes/${r.id}/nouvelle-demande`, {});
    const id = /^\/demandes\/([0-9a-f-]{36})\/etape\/1$/.exec(draft.url)?.[1];
    expect(id, draft.url).toBeDefined();
    const fresh = await rowOf(id!);
    const old = await rowOf(r.id);
    expect(fresh.state).toBe("brouillon");
    expect(fresh.previousRequestId).toBe(r.id);
    expect(fresh.motif).toBe(old.motif);
    expect(fresh.data.step1).toEqual(old.data.step1);
    expect(fresh.data.step2).toEqual(old.data.step2);
    expect(fresh.data.step3).toEqual(old.data.step3);
    expect(fresh.data.step4).toBeUndefined();
    expect(fresh.data.step5?.numeroTimbre).toBeUndefined();
    // The user reviews each step: step 1 shows the answers given before.
    expect(draft.status).toBe(200);
    // Reviewing goes through: steps 1 to 3 are accepted as they are, step 4 is asked again.
    const step2 = await r.b.post(`/demandes/${id}/etape/1`, { ...(old.data.step1 as Record<string, string>), action: "suivant" });
    expect(step2.url).toBe(`/demandes/${id}/etape/2`);
    // Someone else cannot start one from it.
    const home = await intruder.get("/mon-espace");
    expect((await intruder.post(`/demandes/${r.id}/nouvelle-demande`, {}, { csrf: home.csrf! })).status).toBe(404);
  });

  it("Rejet par l'instruction: the motive read once signed in; the new draft keeps the photo answers; the draft quota applies", async () => {
    const r = await sendRequest(t, 203, "perte");
    await act(r.id, "verifier_images");
    await act(r.id, "accepter_images");
    await act(r.id, "rejeter", { motive: "demande_en_double", message: "Une demande identique est en cours d'instruction." });
    const page = await r.b.get(`/demandes/${r.id}`);
    expect(stateOf(page)).toBe("Rejet par l'instruction");
    expect(page.text("#etat-signification")).toBe(REQUEST_STATES.rejet_instruction.meaning);
    expect(page.text("#motif-rejet")).toContain("Une demande identique est déjà en cours");
    expect(page.html.querySelector('form[action$="/nouvelle-demande"] button')?.text.trim()).toBe("Faire une nouvelle demande");

    const first = await r.b.post(`/demandes/${r.id}/nouvelle-demande`, {});
    const id = /^\/demandes\/([0-9a-f-]{36})\/etape\/1$/.exec(first.url)?.[1];
    expect((await rowOf(id!)).data.step4).toEqual((await rowOf(r.id)).data.step4);
    // Up to the quota of open drafts (5): the sixth is refused with the quota's message.
    for (let i = 0; i < 4; i++) expect((await r.b.post(`/demandes/${r.id}/nouvelle-demande`, {}, { csrf: (await r.b.get(`/demandes/${r.id}`)).csrf! })).url).toMatch(/\/etape\/1$/);
    const refused = await r.b.post(`/demandes/${r.id}/nouvelle-demande`, {}, { csrf: (await r.b.get(`/demandes/${r.id}`)).csrf! });
    expect(refused.status).toBe(409);
    expect(summaryErrors(refused).join(" ")).toContain("brouillons");
  });
});
