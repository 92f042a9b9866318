import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, completionItems, requestEvents, requests } from "../../src/db/schema.ts";
import { searchName } from "../../src/domain/request/queues.ts";
import { STALE_MESSAGE } from "../../src/services/backoffice.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { fieldError, summaryErrors, type Browser, type Page } from "../helpers/client.ts";
import { createAgent, createService, signInAgent, type TestAgent } from "../helpers/agents.ts";
import { draftAtStep5, pdf, photoCode, PNG, stamp, upload } from "../helpers/requests.ts";

/**
 * The back-office over HTTP (issue 9 §3-4): queues, search, a request's page and previews, taking
 * a request, the agents' actions and their effects; every route scoped to the agent's services.
 */

let t: TestApp;
const agents: Record<string, TestAgent> = {};
const browsers: Record<string, Browser> = {};
/** A request sent over HTTP to service A (préfecture 75056), with a PDF, a PNG and a digital photo. */
let source: { b: Browser; id: string };

beforeAll(async () => {
  t = await startTestApp();
  await createService(t.services, "cert-a", ["75056"]);
  await createService(t.services, "cert-b");
  for (const [name, role, services] of [
    ["imagesA", "images", ["cert-a"]],
    ["imagesA2", "images", ["cert-a"]],
    ["instrA", "instruction", ["cert-a"]],
    ["instrA2", "instruction", ["cert-a"]],
    ["imagesB", "images", ["cert-b"]],
    ["instrB", "instruction", ["cert-b"]],
    ["admin", "admin", []],
  ] as const) {
    agents[name] = await createAgent(t.services, { role, serviceIds: services, familyName: name });
    browsers[name] = await signInAgent(t, agents[name]!);
  }
  source = await sendRequest("bo-source", { digitalPhoto: true });
}, 120_000);
afterAll(() => t.close());

async function sendRequest(label: string, o: { digitalPhoto?: boolean } = {}): Promise<{ b: Browser; id: string }> {
  const { b, id } = await draftAtStep5(t, label);
  if (o.digitalPhoto) {
    const code = await photoCode(t);
    expect(summaryErrors(await b.post(`/demandes/${id}/etape/4`, { photoOption: "numerique", codePhoto: code, action: "suivant" }))).toEqual([]);
  }
  await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(2) });
  await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
  expect(summaryErrors(await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" }))).toEqual([]);
  const page = await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" });
  expect(page.url).toBe(`/demandes/${id}/etape/7`);
  return { b, id };
}

let clones = 0;
/**
 * A copy of the source request, as if another user had sent it (its frozen content, documents and
 * first history row): to service `service`, with its own number, name, motif, categories and date.
 */
async function cloneRequest(o: { service?: string | null; name?: string; motif?: string; categories?: string[]; sentAt?: Date } = {}): Promise<{ id: string; number: string }> {
  clones++;
  const number = `PC-2026-9${String(clones).padStart(6, "0")}`;
  const name = o.name ?? "Dupont";
  const motif = o.motif ?? "fabrication.perte";
  const sentAt = (o.sentAt ?? new Date(Date.UTC(2026, 0, 1) + clones * 60_000)).toISOString();
  const service = o.service === undefined ? "cert-a" : o.service;
  const result = await t.db.db.execute(sql`
    INSERT INTO requests (account_id, motif, state, data, frozen, number, created_at, updated_at, sent_at, version, prefecture_id, service_id, search_name, state_changed_at)
    SELECT account_id, ${motif}, 'envoyee', data,
      jsonb_set(jsonb_set(jsonb_set(jsonb_set(frozen, '{number}', to_jsonb(${number}::text)), '{motifId}', to_jsonb(${motif}::text)),
        '{content,etatCivil,nomNaissance}', to_jsonb(${name}::text)), '{content,step1,categories}', ${JSON.stringify(o.categories ?? ["B"])}::jsonb),
      ${number}, now(), now(), ${sentAt}::timestamptz, 1, prefecture_id, ${service}, ${searchName(name)}, ${sentAt}::timestamptz
    FROM requests WHERE id = ${source.id} RETURNING id`);
  const id = (result as unknown as { rows: Array<{ id: string }> }).rows[0]!.id;
  await t.db.db.execute(sql`
    INSERT INTO request_documents (request_id, piece, additional, file_name, mime, size, pages, storage_key, iv, tag, created_at, scan_status, readability)
    SELECT ${id}, piece, additional, file_name, mime, size, pages, storage_key, iv, tag, created_at, scan_status, readability FROM request_documents WHERE request_id = ${source.id}`);
  await t.db.db.execute(sql`
    INSERT INTO request_events (request_id, at, transition, from_state, to_state, actor_kind) VALUES (${id}, ${sentAt}::timestamptz, 'envoyer', 'brouillon', 'envoyee', 'usager')`);
  return { id, number };
}

async function rowOf(id: string) {
  const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
  return row!;
}

async function eventsOf(id: string) {
  return t.db.db.select().from(requestEvents).where(eq(requestEvents.requestId, id)).orderBy(asc(requestEvents.id));
}

async function auditOf(id: string) {
  return t.db.db.select().from(auditLog).where(eq(auditLog.requestId, id)).orderBy(asc(auditLog.id));
}

function numbersIn(page: Page): string[] {
  return page.html.querySelectorAll("#dossiers tbody tr td:first-child a").map((a) => a.textContent.trim());
}

function raw(b: Browser, url: string) {
  return t.app.inject({ method: "GET", url, remoteAddress: b.ip, headers: { cookie: `agent_sid=${b.cookie("agent_sid") ?? ""}` } });
}

/** Opens the request's page, then posts one of its forms (with the page's CSRF token and version). */
async function act(b: Browser, id: string, path: string, form: Record<string, string | string[]> = {}): Promise<Page> {
  const page = await b.get(`/agent/dossiers/${id}`);
  const version = page.html.querySelector('input[name="version"]')?.getAttribute("value");
  return b.post(`/agent/dossiers/${id}/${path}`, { ...(version !== undefined ? { version } : {}), ...form });
}

/** Puts a request in `state` held by `agent` (direct SQL: the preparation of a test, not what is tested). */
async function prepare(id: string, state: string, agent?: TestAgent) {
  await t.db.db
    .update(requests)
    .set({ state, assignedAgentId: agent?.id ?? null, assignedAt: agent ? new Date() : null, version: sql`${requests.version} + 1` })
    .where(eq(requests.id, id));
}

describe("the agents' area is for agents only", () => {
  it("sends a signed-in user (not an agent) to the agents' sign-in", async () => {
    const page = await source.b.get("/agent/dossiers");
    expect(page.url).toMatch(/^\/agent\/connexion/);
    expect((await source.b.get(`/agent/dossiers/${source.id}`)).url).toMatch(/^\/agent\/connexion/);
    const post = await source.b.post(`/agent/dossiers/${source.id}/prendre`, {}, { follow: false, csrf: false });
    expect([303, 403]).toContain(post.status);
    expect((await rowOf(source.id)).assignedAgentId).toBeNull();
  });

  it("/agent leads to the queues", async () => {
    const page = await browsers.imagesA!.get("/agent");
    expect(page.url).toBe("/agent/dossiers");
    expect(page.status).toBe(200);
  });
});

describe("a request of another service is a 404 everywhere", () => {
  it("is neither listed, found, opened, previewed, downloaded, taken nor acted on", async () => {
    const other = await cloneRequest({ service: "cert-b", name: "Étrangère" });
    const [doc] = await t.db.db.execute(sql`SELECT id FROM request_documents WHERE request_id = ${other.id} AND piece = 'identite'`).then((r) => (r as unknown as { rows: Array<{ id: string }> }).rows);
    const a = browsers.imagesA!;
    expect(numbersIn(await a.get("/agent/dossiers?file=a_verifier"))).not.toContain(other.number);
    for (const q of [other.number, "Étrangère", "ETRANGERE"]) {
      const search = await a.get(`/agent/dossiers?q=${encodeURIComponent(q)}`);
      expect(search.status).toBe(200);
      expect(numbersIn(search)).toEqual([]);
    }
    for (const url of [
      `/agent/dossiers/${other.id}`,
      `/agent/dossiers/${other.id}/photo`,
      `/agent/dossiers/${other.id}/signature`,
      `/agent/dossiers/${other.id}/pieces/${doc!.id}/apercu/1`,
      `/agent/dossiers/${other.id}/pieces/${doc!.id}/fichier`,
    ]) {
      expect((await raw(a, url)).statusCode, url).toBe(404);
    }
    await a.get("/agent/dossiers");
    expect((await a.post(`/agent/dossiers/${other.id}/prendre`, {})).status).toBe(404);
    for (const action of ["accepter_images", "rejeter_images", "valider"]) {
      await a.get("/agent/dossiers");
      expect((await a.post(`/agent/dossiers/${other.id}/actions/${action}`, { version: "1", motif: "photo_floue", message: "x" })).status).toBe(404);
    }
    expect(await rowOf(other.id)).toMatchObject({ state: "envoyee", assignedAgentId: null, version: 1 });
    expect(await auditOf(other.id)).toEqual([]);

    // Its own service's agents and the administrator see it.
    expect(numbersIn(await browsers.imagesB!.get(`/agent/dossiers?q=${other.number}`))).toEqual([other.number]);
    expect((await browsers.admin!.get(`/agent/dossiers/${other.id}`)).status).toBe(200);
    expect(numbersIn(await browsers.admin!.get("/agent/dossiers?q=ETRANGERE"))).toEqual([other.number]);
  });

  it("a malformed id is a 404, never an error", async () => {
    expect((await raw(browsers.imagesA!, "/agent/dossiers/pas-un-uuid")).statusCode).toBe(404);
    expect((await raw(browsers.imagesA!, `/agent/dossiers/${source.id}/pieces/x/apercu/1`)).statusCode).toBe(404);
    expect((await raw(browsers.imagesA!, `/agent/dossiers/${source.id}/pieces/${source.id}/apercu/0`)).statusCode).toBe(404);
  });
});

describe("queues", () => {
  it("lists the role's queues with counts, oldest first, a page at a time (keyset)", async () => {
    const made: string[] = [];
    for (let i = 0; i < 53; i++) made.push((await cloneRequest({ name: "Pagination", sentAt: new Date(Date.UTC(2025, 5, 1, 8, i)) })).number);
    const a = browsers.imagesA!;
    const first = await a.get("/agent/dossiers?file=a_verifier&du=2025-06-01&au=2025-06-01");
    expect(first.status).toBe(200);
    const tags = first.html.querySelectorAll(".fr-tags-group a").map((x) => x.textContent.trim());
    expect(tags.map((x) => x.replace(/ \(.*$/, ""))).toEqual(["À vérifier", "Images en cours", "Traitées"]);
    expect(first.text('a[aria-current="page"]')).toMatch(/^À vérifier \(\d+\)$/);
    const page1 = numbersIn(first);
    expect(page1).toEqual(made.slice(0, 50));
    const next = first.html.querySelector('a[rel="next"]')!.getAttribute("href")!;
    const second = await a.get(next);
    expect(numbersIn(second)).toEqual(made.slice(50));
    expect(second.html.querySelector('a[rel="next"]')).toBeNull();
    // An instruction agent's queues are others.
    const instr = await browsers.instrA!.get("/agent/dossiers");
    expect(instr.html.querySelectorAll(".fr-tags-group a").map((x) => x.textContent.trim().replace(/ \(.*$/, ""))).toEqual(["À instruire", "En attente de l'usager", "Traitées"]);
  });

  it("filters by motif, catégorie and dates, and searches by numéro, nom de naissance and NEPH", async () => {
    const day = new Date(Date.UTC(2025, 2, 3, 9));
    const perte = await cloneRequest({ name: "Lefèvre", sentAt: day });
    const inscription = await cloneRequest({ name: "Martin", motif: "inscription.premier_permis", categories: ["A", "B"], sentAt: new Date(day.getTime() + 60_000) });
    const a = browsers.imagesA!;
    const base = "/agent/dossiers?file=a_verifier&du=2025-03-03&au=2025-03-03";
    expect(numbersIn(await a.get(base))).toEqual([perte.number, inscription.number]);
    expect(numbersIn(await a.get(`${base}&motif=inscription`))).toEqual([inscription.number]);
    expect(numbersIn(await a.get(`${base}&motif=fabrication`))).toEqual([perte.number]);
    expect(numbersIn(await a.get(`${base}&categorie=A`))).toEqual([inscription.number]);
    expect(numbersIn(await a.get("/agent/dossiers?file=a_verifier&du=2025-03-04&au=2025-03-05"))).toEqual([]);
    expect(numbersIn(await a.get(`/agent/dossiers?q=${inscription.number.toLowerCase()}`))).toEqual([inscription.number]);
    expect(numbersIn(await a.get("/agent/dossiers?q=lefevre"))).toEqual([perte.number]);
    await t.db.db.update(requests).set({ neph: "250000000777" }).where(eq(requests.id, inscription.id));
    expect(numbersIn(await a.get("/agent/dossiers?q=25%2000000%2000777"))).toEqual([inscription.number]);
  });

  it("refuses a bad filter with the error at the top and beside the field", async () => {
    const page = await browsers.imagesA!.get("/agent/dossiers?file=a_verifier&du=2025-13-45&etat=brouillon");
    expect(page.status).toBe(400);
    expect(summaryErrors(page)).toEqual(["Choisissez un état dans la liste.", "La date « du » doit être une date valide au format AAAA-MM-JJ."]);
    expect(fieldError(page, "du")).toBe("La date « du » doit être une date valide au format AAAA-MM-JJ.");
    const service = await browsers.imagesA!.get("/agent/dossiers?file=a_verifier&service=cert-b");
    expect(fieldError(service, "service")).toBe("Choisissez un service dans la liste.");
  });
});

describe("a request's page", () => {
  it("shows the frozen request, its history, its messages, the photo and signature, and previews made by the service", async () => {
    const page = await browsers.imagesA!.get(`/agent/dossiers/${source.id}`);
    expect(page.status).toBe(200);
    const row = await rowOf(source.id);
    expect(page.text("h1")).toBe(`Demande n° ${row.number}`);
    expect(page.text("#etat")).toBe("Envoyée");
    // The state's meaning in an agent's words, not the user's (« Votre demande … »).
    expect(page.html.querySelector("#etat")!.parentNode!.text.replace(/\s+/g, " ").trim()).toBe("Envoyée Envoyée par l'usager : la photo et la signature sont à vérifier.");
    // The photo and signature are figures named by their captions; the files' section has a name of its own.
    expect(page.html.querySelectorAll("#photo-signature figure[role], #photo-signature figure[aria-label]")).toHaveLength(0);
    expect(page.text("#pieces-titre")).toBe("Fichiers des pièces justificatives");
    expect(page.body).toContain("Nom de naissance");
    expect(page.text("#historique tbody")).toContain("Demande envoyée");
    expect(page.text("#messages tbody")).toContain("Courriel");
    expect(page.text("#pris-par")).toBe("Personne n'a pris ce dossier.");
    const images = page.html.querySelectorAll("#photo-signature img").map((i) => i.getAttribute("src"));
    expect(images).toEqual([`/agent/dossiers/${source.id}/photo`, `/agent/dossiers/${source.id}/signature`]);
    const previews = page.html.querySelectorAll('img[src*="/apercu/"]').map((i) => i.getAttribute("src")!);
    expect(previews).toHaveLength(3); // a 2-page PDF and a PNG
    for (const url of [...previews, ...images.map((s) => s!)]) {
      const response = await raw(browsers.imagesA!, url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers["content-type"]).toBe("image/jpeg");
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      expect(String(response.headers["content-security-policy"])).toMatch(/sandbox/);
      expect(response.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    }
    // A page past the PDF's last one has no preview; the original is an attachment, never inline.
    const pdfDoc = previews.find((u) => u.endsWith("/apercu/2"))!.replace(/\/apercu\/2$/, "");
    expect((await raw(browsers.imagesA!, `${pdfDoc}/apercu/3`)).statusCode).toBe(404);
    const original = await raw(browsers.imagesA!, `${pdfDoc}/fichier`);
    expect(original.statusCode).toBe(200);
    expect(original.headers["content-disposition"]).toMatch(/^attachment;/);
    expect(original.headers["content-type"]).toBe("application/octet-stream");
  });
});

describe("taking a request", () => {
  it("two agents at once: exactly one wins, the other is told who has it; taking starts the image check", async () => {
    const { id } = await cloneRequest();
    const [one, two] = [browsers.imagesA!, browsers.imagesA2!];
    await one.get(`/agent/dossiers/${id}`);
    await two.get(`/agent/dossiers/${id}`);
    const [p1, p2] = await Promise.all([one.post(`/agent/dossiers/${id}/prendre`, {}, { follow: false }), two.post(`/agent/dossiers/${id}/prendre`, {}, { follow: false })]);
    expect([p1.status, p2.status].sort()).toEqual([303, 409]);
    const [winner, loser] = p1.status === 303 ? [agents.imagesA!, p2] : [agents.imagesA2!, p1];
    expect(loser.text("#alerte")).toContain(`Ce dossier a déjà été pris par Agent ${winner === agents.imagesA ? "imagesA" : "imagesA2"}.`);
    const row = await rowOf(id);
    expect(row).toMatchObject({ state: "verification_images", assignedAgentId: winner.id, version: 2 });
    const events = await eventsOf(id);
    expect(events.map((e) => [e.transition, e.agentId])).toEqual([
      ["envoyer", null],
      ["verifier_images", winner.id],
    ]);
    expect((await auditOf(id)).map((a) => [a.action, a.agentId, a.fromState, a.toState])).toEqual([["verifier_images", winner.id, "envoyee", "verification_images"]]);
  });

  it("an agent releases a request; an administrator reassigns it", async () => {
    const { id } = await cloneRequest();
    const a = browsers.imagesA!;
    await a.get(`/agent/dossiers/${id}`);
    expect((await a.post(`/agent/dossiers/${id}/prendre`, {})).text("#flash")).toBe("Vous avez pris ce dossier.");
    expect((await a.post(`/agent/dossiers/${id}/liberer`, {})).text("#flash")).toBe("Vous avez libéré ce dossier.");
    expect((await rowOf(id)).assignedAgentId).toBeNull();
    const admin = browsers.admin!;
    const page = await admin.get(`/agent/dossiers/${id}`);
    const options = page.html.querySelectorAll("#reattribuer-agent option").map((o) => o.textContent.trim());
    expect(options).toContain("Agent imagesA2");
    expect(options).not.toContain("Agent instrA"); // instruction does not work on this state
    expect(options).not.toContain("Agent imagesB"); // another service
    const refused = await admin.post(`/agent/dossiers/${id}/reattribuer`, { agent: agents.imagesB!.id });
    expect(refused.status).toBe(400);
    expect(summaryErrors(refused)).toEqual(["Choisissez un agent dans la liste."]);
    const done = await admin.post(`/agent/dossiers/${id}/reattribuer`, { agent: agents.imagesA2!.id });
    expect(done.text("#flash")).toBe("Le dossier a été attribué à Agent imagesA2.");
    expect((await rowOf(id)).assignedAgentId).toBe(agents.imagesA2!.id);
    expect((await auditOf(id)).map((x) => x.action)).toEqual(["verifier_images", "liberer", "reattribuer"]);
    // Only an administrator reassigns.
    expect((await a.post(`/agent/dossiers/${id}/reattribuer`, { agent: agents.imagesA!.id })).status).toBe(403);
  });
});

describe("actions", () => {
  it("images: accept → « En cours d'instruction », in the history and the audit log; the holder is released", async () => {
    const { id } = await cloneRequest();
    const a = browsers.imagesA!;
    await a.get(`/agent/dossiers/${id}`);
    await a.post(`/agent/dossiers/${id}/prendre`, {});
    const page = await act(a, id, "actions/accepter_images");
    expect(page.text("#flash")).toBe("Les images ont été acceptées : la demande est en cours d'instruction.");
    expect(await rowOf(id)).toMatchObject({ state: "en_instruction", assignedAgentId: null, version: 3 });
    expect((await eventsOf(id)).at(-1)).toMatchObject({ transition: "accepter_images", toState: "en_instruction", agentId: agents.imagesA!.id });
    expect((await auditOf(id)).at(-1)).toMatchObject({ action: "accepter_images", fromState: "verification_images", toState: "en_instruction" });
  });

  it("images: reject needs a motive from the list and a message; then « Rejet des images »", async () => {
    const { id } = await cloneRequest();
    const a = browsers.imagesA!;
    await a.get(`/agent/dossiers/${id}`);
    await a.post(`/agent/dossiers/${id}/prendre`, {});
    const before = await rowOf(id);
    const refused = await act(a, id, "actions/rejeter_images", { motif: "inconnu", message: "" });
    expect(refused.status).toBe(400);
    expect(summaryErrors(refused)).toEqual(["Choisissez un motif dans la liste.", "Écrivez à l'usager ce qui ne va pas dans sa photo ou sa signature."]);
    expect(fieldError(refused, "rejet-images-motif")).toBe("Choisissez un motif dans la liste.");
    expect(await rowOf(id)).toEqual(before);
    const done = await act(a, id, "actions/rejeter_images", { motif: "photo_floue", message: "La photo est floue : refaites-la chez un photographe agréé." });
    expect(done.text("#flash")).toBe("Les images ont été rejetées : l'usager en est informé.");
    expect((await rowOf(id)).state).toBe("rejet_images");
    expect((await eventsOf(id)).at(-1)).toMatchObject({ transition: "rejeter_images", motive: "photo_floue", message: "La photo est floue : refaites-la chez un photographe agréé." });
    expect((await auditOf(id)).at(-1)).toMatchObject({ action: "rejeter_images", motive: "photo_floue", toState: "rejet_images" });
    expect(done.text("#historique tbody")).toContain("Photo floue");
  });

  it("an images agent cannot instruct", async () => {
    const { id } = await cloneRequest();
    await prepare(id, "en_instruction", agents.imagesA);
    const before = await rowOf(id);
    const page = await browsers.imagesA!.get(`/agent/dossiers/${id}`);
    expect(page.html.querySelector("#valider")).toBeNull();
    for (const [action, form] of [
      ["valider", {}],
      ["rejeter", { motif: "conditions_age" }],
      ["demander_complement", { elements: "identite", "raison-identite": "Illisible" }],
    ] as const) {
      const refused = await browsers.imagesA!.post(`/agent/dossiers/${id}/actions/${action}`, { version: String(before.version), ...form });
      expect(refused.status).toBe(403);
      expect(refused.text("#alerte")).toContain("Vous ne pouvez pas faire cette action sur ce dossier.");
    }
    expect(await rowOf(id)).toEqual(before);
    expect(await auditOf(id)).toEqual([]);
  });

  it("a stale action is refused and changes nothing", async () => {
    const { id } = await cloneRequest();
    await prepare(id, "en_instruction", agents.instrA);
    const b = browsers.instrA!;
    const shown = await b.get(`/agent/dossiers/${id}`);
    const version = shown.html.querySelector('#valider input[name="version"]')!.getAttribute("value")!;
    // Meanwhile the request moves (another tab, an administrator...).
    await t.db.db.update(requests).set({ version: sql`${requests.version} + 1` }).where(eq(requests.id, id));
    const before = await rowOf(id);
    const eventsBefore = await eventsOf(id);
    const page = await b.post(`/agent/dossiers/${id}/actions/valider`, { version });
    expect(page.status).toBe(409);
    expect(page.text("#alerte")).toContain(STALE_MESSAGE);
    expect(await rowOf(id)).toEqual(before);
    expect(await eventsOf(id)).toEqual(eventsBefore);
    expect(await auditOf(id)).toEqual([]);
  });

  it("instruction: « A compléter » with a reason for each ticked item, then the user's changes are shown", async () => {
    const { id } = await cloneRequest();
    await prepare(id, "en_instruction");
    const b = browsers.instrA!;
    await b.get(`/agent/dossiers/${id}`);
    await b.post(`/agent/dossiers/${id}/prendre`, {});
    const page = await b.get(`/agent/dossiers/${id}`);
    const choices = page.html.querySelectorAll('input[name="elements"]').map((i) => i.getAttribute("value"));
    expect(choices).toEqual(expect.arrayContaining(["identite", "domicile", "etape-1", "etape-2", "etape-3", "etape-4"]));

    const none = await act(b, id, "actions/demander_complement", {});
    expect(none.status).toBe(400);
    expect(summaryErrors(none)).toEqual(["Cochez au moins une pièce ou une partie de la demande à compléter."]);
    const noReason = await act(b, id, "actions/demander_complement", { elements: ["identite", "etape-3"], "raison-identite": "Le verso manque." });
    expect(summaryErrors(noReason)).toEqual(["Indiquez ce qui manque ou ce qui est incorrect pour « Adresse et contact (étape 3) »."]);
    expect(fieldError(noReason, "raison-etape-3")).toBe("Indiquez ce qui manque ou ce qui est incorrect pour « Adresse et contact (étape 3) ».");
    expect(noReason.html.querySelector("#complement-identite")!.hasAttribute("checked")).toBe(true);
    expect((await rowOf(id)).state).toBe("en_instruction");

    const done = await act(b, id, "actions/demander_complement", { elements: ["identite", "etape-3"], "raison-identite": "Le verso manque.", "raison-etape-3": "Le complément d'adresse est incomplet." });
    expect(done.text("#flash")).toBe("La demande a été passée « A compléter » : l'usager en est informé.");
    const row = await rowOf(id);
    expect(row).toMatchObject({ state: "a_completer", assignedAgentId: agents.instrA!.id });
    const items = await t.db.db.select().from(completionItems).where(eq(completionItems.requestId, id)).orderBy(asc(completionItems.id));
    expect(items.map((i) => [i.item, i.reason])).toEqual([
      ["identite", "Le verso manque."],
      ["etape-3", "Le complément d'adresse est incomplet."],
    ]);
    expect((await auditOf(id)).at(-1)).toMatchObject({ action: "demander_complement", toState: "a_completer" });

    // The user changes the identity piece and sends the request back ("Renvoyer ma demande").
    await t.db.db.update(completionItems).set({ changedAt: new Date() }).where(and(eq(completionItems.requestId, id), eq(completionItems.item, "identite")));
    const back = await t.services.requests.act(id, "completer", { kind: "usager", accountId: row.accountId }, { version: row.version });
    expect(back.kind).toBe("done");
    const after = await b.get(`/agent/dossiers/${id}`);
    expect(after.text("#etat")).toBe("En cours d'instruction");
    expect(after.text("#ce-qui-a-change")).toContain("Pièce d'identité : modifié le");
    expect(after.text("#ce-qui-a-change")).not.toContain("Adresse et contact");
  });

  it("instruction: reject with a motive; validate", async () => {
    const rejected = await cloneRequest();
    await prepare(rejected.id, "en_instruction", agents.instrA);
    const b = browsers.instrA!;
    const refused = await act(b, rejected.id, "actions/rejeter", { motif: "autre_instruction", message: "" });
    expect(summaryErrors(refused)).toEqual(["Précisez le motif du rejet dans le message à l'usager."]);
    const page = await act(b, rejected.id, "actions/rejeter", { motif: "conditions_age" });
    expect(page.text("#flash")).toBe("La demande a été rejetée : l'usager en est informé.");
    expect(await rowOf(rejected.id)).toMatchObject({ state: "rejet_instruction", assignedAgentId: null });
    expect((await auditOf(rejected.id)).at(-1)).toMatchObject({ action: "rejeter", motive: "conditions_age", toState: "rejet_instruction" });

    const validated = await cloneRequest({ motif: "inscription.premier_permis" });
    await prepare(validated.id, "en_instruction", agents.instrA);
    // Another instruction agent of the service does not hold it: no action for them.
    expect((await browsers.instrA2!.get(`/agent/dossiers/${validated.id}`)).html.querySelector("#valider")).toBeNull();
    const ok = await act(b, validated.id, "actions/valider");
    expect(ok.text("#flash")).toBe("La demande a été validée : l'usager en est informé.");
    const row = await rowOf(validated.id);
    expect(row.state).toBe("validee");
    expect(row.neph).toMatch(/^\d{12}$/);
    expect(ok.body).not.toContain("vous sera envoyé");
    expect((await eventsOf(validated.id)).at(-1)).toMatchObject({ transition: "valider", agentId: agents.instrA!.id });
    expect((await auditOf(validated.id)).at(-1)).toMatchObject({ action: "valider", toState: "validee" });
    // A decided request offers no action any more.
    expect(ok.html.querySelector("#actions-titre")).toBeNull();
  });
});
