import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOTIFS } from "../../src/domain/request/motifs.ts";
import { requiredPieces, type RequestFacts } from "../../src/domain/request/pieces.ts";
import { HELP_PAGES } from "../../src/web/citizen/views/help/frame.tsx";
import { demarcheTitle, SITUATIONS } from "../../src/web/citizen/views/help/pieces.tsx";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, type Page } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { STEP1_PERTE, STEP2, STEP3 } from "../helpers/requests.ts";

/** The "Aide" section (seeds 000 and 004): every page answers, and the pieces are those of step 5's rule. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const visitor = () => new Browser(t.app, "192.0.2.90");

describe("the help pages", () => {
  it.each([{ path: "/aide", title: "Aide" }, ...HELP_PAGES.map((p) => ({ path: p.path, title: p.title }))])("$path answers 200 with its title « $title »", async ({ path, title }) => {
    const page = await visitor().get(path);
    expect(page.status).toBe(200);
    expect(page.text("h1")).toBe(title);
    expect(page.text("title")).toContain(title);
  });

  it("are reached from the header of every page, signed in or not", async () => {
    for (const path of ["/", "/connexion", "/photographes", "/aide/neph"]) {
      const page = await visitor().get(path);
      expect(page.html.querySelector('header #header-navigation a[href="/aide"]'), path).not.toBeNull();
    }
  });

  it.each<{ path: string; says: string[] }>([
    { path: "/aide/numeriser", says: ["JPG, PNG, BMP, TIFF et PDF", "11 Mo", "lumière du jour"] },
    { path: "/aide/justificatif-de-domicile", says: ["moins de 6 mois", "Attestation d'hébergement", "Pièce d'identité de l'hébergeant"] },
    { path: "/aide/photo", says: ["22 chiffres", "valable 6 mois", "CTN, CS 80168, 53102 MAYENNE CEDEX"] },
    { path: "/aide/conduire-en-attendant", says: ["permis actuel", "brevet militaire, accompagné de l'attestation de dépôt", "attestation de droits à conduire"] },
    { path: "/aide/etat-civil", says: ["nom de naissance", "00/00/1970", "Code n'Go", "Objectif Code"] },
    { path: "/aide/neph", says: ["instruite", "demarches-simplifiees.fr", "48 heures"] },
    { path: "/aide/timbre-fiscal", says: ["25 €", "buraliste", "18 mois"] },
    { path: "/aide/accompagnement", says: ["Points numériques", "médiateur", "école de conduite"] },
    { path: "/aide/suivi", says: ["A compléter", "6 mois après leur création"] },
  ])("$path says what the citizen needs", async ({ path, says }) => {
    const main = (await visitor().get(path)).text("main");
    for (const s of says) expect(main).toContain(s);
  });

  it("searches the photographers from the photo help without JavaScript (a GET form to /photographes)", async () => {
    const page = await visitor().get("/aide/photo");
    const form = page.html.querySelector('form[action="/photographes"]')!;
    expect(form.getAttribute("method")).toBe("get");
    expect(form.querySelector('input[name="q"]')).not.toBeNull();
    // The same search bar as the photographers page: no italic placeholder (issue 8).
    expect(form.querySelectorAll("input[placeholder]")).toHaveLength(0);
  });
});

describe("the pieces to prepare, from the rule of step 5 (requiredPieces)", () => {
  const today = new Date();
  /** An adult with no particular situation. */
  const base = (motif: (typeof MOTIFS)[number]): RequestFacts => ({
    motif,
    pour: "majeur",
    categories: [],
    visiteMedicale: false,
    conduiteAccompagnee: false,
    declarations: { affection: false, pension: false, vehiculeAmenage: false },
    justificatifAuNom: true,
    on: today,
  });
  const ids = (page: Page, selector: string) => page.html.querySelectorAll(`${selector} li[data-piece]`).map((li) => li.getAttribute("data-piece"));

  it("lists every démarche", async () => {
    const index = await visitor().get("/aide/pieces");
    for (const motif of MOTIFS) expect(index.html.querySelector(`a[href="/aide/pieces/${motif.id}"]`), motif.id).not.toBeNull();
  });

  it.each(MOTIFS.map((m) => ({ id: m.id, motif: m })))("$id: the same pieces as requiredPieces", async ({ motif }) => {
    const page = await visitor().get(`/aide/pieces/${motif.id}`);
    expect(page.status).toBe(200);
    expect(page.text("h1")).toBe(demarcheTitle(motif));
    const always = requiredPieces(base(motif));
    expect(ids(page, "#pieces-always")).toEqual(always.map((p) => p.id));
    for (const piece of always) expect(page.text(`#pieces-always li[data-piece="${piece.id}"] strong`)).toBe(piece.label);
    for (const situation of SITUATIONS) {
      const added = requiredPieces({ ...base(motif), ...situation.facts(today) })
        .map((p) => p.id)
        .filter((id) => !always.some((p) => p.id === id));
      expect(ids(page, `#pieces-${situation.id}`), situation.id).toEqual(added);
    }
  });

  it.each<{ motif: string; piece: string }>([
    { motif: "fabrication.perte", piece: "Timbre fiscal électronique de 25 €" },
    { motif: "fabrication.vol", piece: "Déclaration de vol" },
    { motif: "fabrication.changement_etat_civil", piece: "Livret de famille ou jugement" },
    { motif: "brevet_militaire", piece: "Brevet militaire" },
    { motif: "fabrication.reussite_examen.premier_permis", piece: "Certificat d'examen du permis de conduire (CEPC)" },
  ])("$motif asks for « $piece »", async ({ motif, piece }) => {
    expect((await visitor().get(`/aide/pieces/${motif}`)).text("#pieces-always")).toContain(piece);
  });

  it("answers 404 for an unknown démarche", async () => {
    expect((await visitor().get("/aide/pieces/inconnue")).status).toBe(404);
  });
});

describe("help from the steps where it matters", () => {
  it("step 4 links to the photo help, step 5 to scanning, domicile proofs and the fiscal stamp", async () => {
    const b = new Browser(t.app, "192.0.2.91");
    await createActiveAccount(t, b, { email: "aide-etapes@example.fr" });
    await b.get("/demandes/nouvelle");
    const id = (await b.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" })).url.split("/")[2]!;
    await b.post(`/demandes/${id}/etape/1`, STEP1_PERTE);
    await b.post(`/demandes/${id}/etape/2`, STEP2);
    const step4 = await b.post(`/demandes/${id}/etape/3`, STEP3);
    expect(step4.url).toBe(`/demandes/${id}/etape/4`);
    expect(step4.html.querySelector('a[href="/aide/photo"]')).not.toBeNull();
    const step5 = await b.post(`/demandes/${id}/etape/4`, { photoOption: "classique", action: "suivant" });
    expect(step5.url).toBe(`/demandes/${id}/etape/5`);
    for (const href of ["/aide/numeriser", "/aide/justificatif-de-domicile", "/aide/timbre-fiscal"]) {
      expect(step5.html.querySelector(`a[href="${href}"]`), href).not.toBeNull();
    }
  });
});
