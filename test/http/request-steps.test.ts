import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requests } from "../../src/db/schema.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError, summaryErrors, type Form, type Page } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { pdf, PNG, stamp, STEP1_PERTE, STEP2, STEP3, upload } from "../helpers/requests.ts";

/** The request wizard, steps 1 to 3 and the draft: guards, motif, bad inputs, saving and resuming. */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };
const PREMIER_PERMIS = { beneficiaire: "moi", pour: "majeur", group: "inscription", inscription: "premier_permis" };

let accounts = 0;
/** A new, activated and signed-in account, each from its own address (rate limits are per address). */
async function newUser(kind: "particulier" | "professionnel" = "particulier"): Promise<Browser> {
  accounts++;
  const b = new Browser(t.app, `198.51.100.${accounts}`);
  await createActiveAccount(t, b, { email: `etapes-${accounts}@example.fr`, kind });
  return b;
}

/** The step-1 motif form: creates the draft and returns its id. */
async function newDraft(b: Browser, choice: Form = PERTE): Promise<string> {
  await b.get("/demandes/nouvelle");
  const page = await b.post("/demandes/nouvelle", choice);
  const match = /^\/demandes\/([0-9a-f-]{36})\/etape\/1$/.exec(page.url);
  if (!match) throw new Error(`no draft: ${page.status} ${page.url} ${summaryErrors(page).join(" | ")}`);
  return match[1]!;
}

function expectAt(page: Page, url: string) {
  expect(summaryErrors(page)).toEqual([]);
  expect(page.url).toBe(url);
}

/** Fills steps 1 to `upTo` of a perte draft with valid answers (classic photo). */
async function fill(b: Browser, id: string, upTo: number, step2: Form = STEP2) {
  const answers: Form[] = [STEP1_PERTE, step2, STEP3, { photoOption: "classique", action: "suivant" }];
  for (let step = 1; step <= Math.min(upTo, 4); step++) expectAt(await b.post(`/demandes/${id}/etape/${step}`, answers[step - 1]!), `/demandes/${id}/etape/${step + 1}`);
  if (upTo >= 5) {
    await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(2) });
    await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
    expectAt(await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" }), `/demandes/${id}/etape/6`);
  }
}

async function rowOf(id: string) {
  const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
  return row!;
}

const value = (page: Page, name: string) => page.html.querySelector(`input[name="${name}"]`)?.getAttribute("value");
const checked = (page: Page, name: string) =>
  page.html
    .querySelectorAll(`input[name="${name}"]`)
    .filter((i) => i.hasAttribute("checked"))
    .map((i) => i.getAttribute("value"));
const selected = (page: Page, name: string) => page.html.querySelector(`select[name="${name}"] option[selected]`)?.getAttribute("value");

describe("step guards", () => {
  it("keeps a new draft's later steps closed until steps 1 and 2 are valid (303 to the first incomplete step)", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    const closed = await b.get(`/demandes/${id}/etape/3`, { follow: false });
    expect(closed.status).toBe(303);
    expect(closed.headers.location).toBe(`/demandes/${id}/etape/1`);
    const followed = await b.get(`/demandes/${id}/etape/3`);
    expect(followed.url).toBe(`/demandes/${id}/etape/1`);
    expect(followed.text(".fr-stepper__title")).toContain("Motif de demande");

    // Posting to a closed step does not save anything either.
    const posted = await b.post(`/demandes/${id}/etape/3`, STEP3, { follow: false });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe(`/demandes/${id}/etape/1`);
    expect((await rowOf(id)).data.step3).toBeUndefined();

    await fill(b, id, 1);
    const stillClosed = await b.get(`/demandes/${id}/etape/3`, { follow: false });
    expect(stillClosed.headers.location).toBe(`/demandes/${id}/etape/2`);
    await fill(b, id, 2);
    const open = await b.get(`/demandes/${id}/etape/3`);
    expect(open.status).toBe(200);
    expect(open.url).toBe(`/demandes/${id}/etape/3`);
    expect(open.text(".fr-stepper__title")).toContain("Adresse et contact");
  });

  it("redirects step 7 of a draft to its first incomplete step, and the récapitulatif only opens once steps 1 to 5 are valid", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    await fill(b, id, 2);
    const seven = await b.get(`/demandes/${id}/etape/7`, { follow: false });
    expect(seven.status).toBe(303);
    expect(seven.headers.location).toBe(`/demandes/${id}/etape/3`);
    expect((await b.get(`/demandes/${id}/etape/6`, { follow: false })).headers.location).toBe(`/demandes/${id}/etape/3`);
    await fill(b, id, 5);
    expect((await b.get(`/demandes/${id}/etape/7`, { follow: false })).headers.location).toBe(`/demandes/${id}/etape/6`);
    expect((await b.get(`/demandes/${id}/etape/6`)).status).toBe(200);
  });

  it("answers 404 for a step that does not exist", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    for (const step of ["0", "8", "abc"]) expect((await b.get(`/demandes/${id}/etape/${step}`)).status).toBe(404);
    expect((await b.post(`/demandes/${id}/etape/6`, { action: "suivant" })).status).toBe(404);
  });
});

describe("step 1: the motif", () => {
  it("requires who the request is for and what it is, keeping the answers given", async () => {
    const b = await newUser();
    await b.get("/demandes/nouvelle");
    const page = await b.post("/demandes/nouvelle", { beneficiaire: "moi" });
    expect(page.status).toBe(400);
    expect(summaryErrors(page)).toEqual(["Indiquez pour quelle personne vous effectuez la demande.", "Indiquez de quelle demande il s'agit."]);
    expect(fieldError(page, "pour")).toBe("Indiquez pour quelle personne vous effectuez la demande.");
    expect(fieldError(page, "group")).toBe("Indiquez de quelle demande il s'agit.");
    expect(checked(page, "beneficiaire")).toEqual(["moi"]);

    const noReason = await b.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication" });
    expect(noReason.status).toBe(400);
    expect(fieldError(noReason, "fabrication")).toBe("Indiquez pourquoi un nouveau permis doit être fabriqué.");
    expect(checked(noReason, "group")).toEqual(["fabrication"]);
    expect(checked(noReason, "pour")).toEqual(["majeur"]);
    expect((await b.get("/mon-espace")).text("#requests-table tbody")).toBe("Aucune demande à afficher");
  });

  it("shows the locked motif on step 1 of a draft and never changes it when another motif is posted", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    const step1 = await b.get(`/demandes/${id}/etape/1`);
    expect(step1.text(".fr-callout__text")).toBe(
      "Vous effectuez la demande pour une personne majeure ou mineure émancipée. La demande du titre est effectuée à la suite de la perte du précédent titre.",
    );
    expect(step1.text(".fr-callout")).toContain("Le motif n'est pas modifiable");
    expect(step1.html.querySelector('input[name="group"]')).toBeNull();
    expect(step1.html.querySelector('input[name="fabrication"]')).toBeNull();

    const next = await b.post(`/demandes/${id}/etape/1`, { ...STEP1_PERTE, group: "fabrication", fabrication: "vol", pour: "mineur" });
    expectAt(next, `/demandes/${id}/etape/2`);
    expect((await rowOf(id)).motif).toBe("fabrication.perte");
    await fill(b, id, 5);
    const recap = await b.get(`/demandes/${id}/etape/6`);
    expect(recap.text("main")).toContain("La demande du titre est effectuée à la suite de la perte du précédent titre.");
    expect(recap.text("main")).not.toContain("vol du précédent titre");
    expect(recap.text("main")).toContain("pour vous-même en tant que personne majeure ou mineure émancipée");
    // A theft would need the police declaration: it is not asked.
    expect(recap.text("main")).not.toContain("Déclaration de vol");
    // The step-2 form has no legal representative: the request is still for an adult.
    expect((await b.get(`/demandes/${id}/etape/2`)).html.querySelector('input[name="repNom"]')).toBeNull();
  });

  it("does not let a driving school file an international licence, a correction or a loss, but lets it file an inscription", async () => {
    const school = await newUser("professionnel");
    const form = await school.get("/demandes/nouvelle");
    expect(form.html.querySelector('input[name="beneficiaire"]')).toBeNull();
    expect(form.html.querySelector('input[name="group"][value="permis_international"]')).toBeNull();
    expect(form.html.querySelector('input[name="group"][value="correction"]')).toBeNull();
    // Seed 002: only inscriptions and titles after an exam or a training; the other choices are not offered.
    const offered = (name: string) => form.html.querySelectorAll(`input[name="${name}"]`).map((i) => i.getAttribute("value"));
    expect(offered("group")).toEqual(["inscription", "fabrication", "invalidation_annulation"]);
    expect(offered("fabrication")).toEqual(["reussite_examen", "formation"]);
    // A citizen is offered them all.
    const citizen = await (await newUser()).get("/demandes/nouvelle");
    expect(citizen.html.querySelectorAll('input[name="fabrication"]').map((i) => i.getAttribute("value"))).toEqual([
      "perte",
      "vol",
      "deterioration",
      "expiration",
      "prorogation_poids_lourds",
      "changement_etat_civil",
      "reussite_examen",
      "formation",
    ]);
    const refusal = "Une école de conduite ne peut pas déposer cette demande : seul le titulaire du permis peut la faire depuis son compte.";
    for (const choice of [{ group: "fabrication", fabrication: "perte" }]) {
      const page = await school.post("/demandes/nouvelle", { pour: "majeur", ...choice });
      expect(page.status).toBe(400);
      expect(fieldError(page, "group")).toBe(refusal);
      expect(summaryErrors(page)).toEqual([refusal]);
      expect(checked(page, "pour")).toEqual(["majeur"]);
    }
    // The two démarches of their own are not options of « Il s'agit » any more (seed 001's notification).
    for (const group of ["permis_international", "correction"]) {
      const page = await school.post("/demandes/nouvelle", { pour: "majeur", group });
      expect(page.status).toBe(400);
      expect(fieldError(page, "group")).toBe("Indiquez de quelle demande il s'agit.");
    }
    // Seed 001: "Ecole de conduite : vous ne devez pas utiliser les deux nouvelles démarches".
    for (const path of ["permis-international", "correction"]) {
      const start = await school.get(`/demandes/nouvelle/${path}`);
      expect(start.status).toBe(403);
      expect(start.text(".fr-alert--error")).toContain(refusal);
      expect(start.html.querySelector(`form[action="/demandes/nouvelle/${path}"]`)).toBeNull();
      const posted = await school.post(`/demandes/nouvelle/${path}`, { pour: "majeur", beneficiaire: "moi", numeroPermis: "12AB34567890" });
      expect(posted.status).toBe(403);
    }
    const home = await school.get("/mon-espace");
    expect(home.text("#requests-table tbody")).toBe("Aucune demande à afficher");

    const id = await newDraft(school, { pour: "majeur", group: "inscription", inscription: "premier_permis" });
    expect((await rowOf(id)).motif).toBe("inscription.premier_permis");
    expect((await school.get(`/demandes/${id}/etape/1`)).text(".fr-callout__text")).toContain("Il s'agit d'une inscription au permis de conduire pour un premier permis.");
  });
});

describe("step 1: précisions", () => {
  it("asks for at least one category and every declaration, keeping what was ticked", async () => {
    const b = await newUser();
    const id = await newDraft(b, PREMIER_PERMIS);
    const empty = await b.post(`/demandes/${id}/etape/1`, { action: "suivant" });
    expect(empty.status).toBe(400);
    expect(empty.url).toBe(`/demandes/${id}/etape/1`);
    expect(fieldError(empty, "categories")).toBe("Cochez au moins une catégorie de permis.");
    expect(fieldError(empty, "visiteMedicale")).toBe("Indiquez si une visite médicale est nécessaire.");
    expect(fieldError(empty, "formationComplementaire")).toBe("Indiquez si le permis sera obtenu par formations complémentaires.");
    expect(summaryErrors(empty)).toHaveLength(8);

    const partial = await b.post(`/demandes/${id}/etape/1`, { categories: ["A", "B"], visiteMedicale: "oui", formationComplementaire: "non", conduiteAccompagnee: "non", francais: "oui", vision: "non", action: "suivant" });
    expect(partial.status).toBe(400);
    expect(summaryErrors(partial)).toEqual([
      "Répondez par oui ou non : le candidat déclare devoir conduire un véhicule aménagé.",
      "Répondez par oui ou non : le candidat est atteint à sa connaissance d'une affection et/ou d'un handicap susceptible d'être incompatible avec l'obtention ou le maintien du permis de conduire ou de donner lieu à la délivrance d'un permis de conduire de validité limitée.",
      "Répondez par oui ou non : le candidat est titulaire d'une pension d'invalidité civile ou militaire.",
    ]);
    expect(fieldError(partial, "pension")).toBe("Répondez par oui ou non : le candidat est titulaire d'une pension d'invalidité civile ou militaire.");
    expect(fieldError(partial, "categories")).toBe("");
    expect(checked(partial, "categories")).toEqual(["A", "B"]);
    expect(checked(partial, "visiteMedicale")).toEqual(["oui"]);
    expect(checked(partial, "francais")).toEqual(["oui"]);
    expect(checked(partial, "vision")).toEqual(["non"]);
    expect(checked(partial, "pension")).toEqual([]);
  });

  it("refuses CE for a first licence without C and B", async () => {
    const b = await newUser();
    const id = await newDraft(b, PREMIER_PERMIS);
    const page = await b.post(`/demandes/${id}/etape/1`, { ...STEP1_PERTE, categories: ["CE"] });
    expect(page.status).toBe(400);
    expect(fieldError(page, "categories")).toBe("La catégorie CE nécessite les catégories C, B.");
    expect(summaryErrors(page)).toEqual(["La catégorie CE nécessite les catégories C, B."]);
    expect(checked(page, "categories")).toEqual(["CE"]);
    const withC = await b.post(`/demandes/${id}/etape/1`, { ...STEP1_PERTE, categories: ["CE", "C"] });
    expect(fieldError(withC, "categories")).toBe("La catégorie C nécessite la catégorie B. La catégorie CE nécessite la catégorie B.");
    expectAt(await b.post(`/demandes/${id}/etape/1`, { ...STEP1_PERTE, categories: ["B", "C", "CE"], conduiteAccompagnee: "non" }), `/demandes/${id}/etape/2`);
  });
});

describe("step 1 as the seeds show it (issue 7)", () => {
  const radioLabels = (page: Page) =>
    page.html.querySelectorAll('input[type="radio"]').map((input) => page.html.querySelector(`label[for="${input.getAttribute("id")}"]`)?.textContent.replace(/\s+/g, " ").trim());
  const revealOf = (page: Page, name: string) => page.html.querySelector(`input[name="${name}"]`)?.closest("[data-reveal-when]");

  it("never shows two radios with the same label, and puts each précision in the group of its motif (seed 001: « Une fois le motif sélectionné, des précisions apparaissent »)", async () => {
    const b = await newUser();
    const form = await b.get("/demandes/nouvelle");
    const labels = radioLabels(form);
    expect(labels.length).toBeGreaterThan(20);
    expect(labels.filter((l, i) => labels.indexOf(l) !== i)).toEqual([]);
    expect(labels.filter((l) => l === "d'un premier permis de conduire")).toHaveLength(1);
    expect(revealOf(form, "inscription")?.getAttribute("data-reveal-when")).toBe("group=inscription");
    expect(revealOf(form, "fabrication")?.getAttribute("data-reveal-when")).toBe("group=fabrication");
    expect(revealOf(form, "examen")?.getAttribute("data-reveal-when")).toBe("fabrication=reussite_examen");
    expect(revealOf(form, "formation")?.getAttribute("data-reveal-when")).toBe("fabrication=formation");
    expect(revealOf(form, "amSeul")?.getAttribute("data-reveal-when")).toBe("group=invalidation_annulation group=suspension");
    // Without JavaScript a first form shows every précision (nothing is hidden by the server)…
    expect(form.html.querySelectorAll("[data-reveal-when][hidden]")).toHaveLength(0);
    // …and no inline script: the reveal is app.js's (the CSP forbids inline scripts).
    expect(form.html.querySelectorAll("script:not([src])")).toHaveLength(0);

    // Sent back with a motif chosen, only that motif's précisions are shown.
    const back = await b.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "reussite_examen" });
    expect(back.status).toBe(400);
    expect(fieldError(back, "examen")).toBe("Indiquez s'il s'agit d'un premier permis ou d'une nouvelle catégorie.");
    const shown = (name: string) => !revealOf(back, name)!.hasAttribute("hidden");
    expect(["inscription", "fabrication", "examen", "formation", "amSeul"].map(shown)).toEqual([false, true, true, false, false]);
  });

  it("a loss asks neither « formations complémentaires » nor the candidate's declaration, and goes on with the categories and the visit", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    const step1 = await b.get(`/demandes/${id}/etape/1`);
    expect(step1.html.querySelector('input[name="formationComplementaire"]')).toBeNull();
    for (const name of ["francais", "vehiculeAmenage", "vision", "affection", "pension"]) expect(step1.html.querySelector(`input[name="${name}"]`)).toBeNull();
    expect(step1.text("main")).not.toContain("Déclaration du candidat");
    expect(step1.html.querySelector('input[name="visiteMedicale"]')).not.toBeNull();
    expectAt(await b.post(`/demandes/${id}/etape/1`, { categories: ["B", "CE"], visiteMedicale: "non", action: "suivant" }), `/demandes/${id}/etape/2`);
  });

  it("refuses a « prorogation des catégories poids lourds » with no heavy category ticked", async () => {
    const b = await newUser();
    const id = await newDraft(b, { ...PERTE, fabrication: "prorogation_poids_lourds" });
    const page = await b.post(`/demandes/${id}/etape/1`, { categories: ["B"], visiteMedicale: "non", action: "suivant" });
    expect(page.status).toBe(400);
    expect(fieldError(page, "categories")).toBe("La prorogation des catégories poids lourds concerne les catégories C1, C1E, C, CE, D1, D1E, D, DE : cochez celles de votre permis à proroger.");
    expectAt(await b.post(`/demandes/${id}/etape/1`, { categories: ["B", "C"], visiteMedicale: "non", action: "suivant" }), `/demandes/${id}/etape/2`);
  });

  it("asks a brevet militaire whether a licence is already held, and asks the ASSR2 for a first title (seed 002)", async () => {
    const b = await newUser();
    const id = await newDraft(b, { beneficiaire: "moi", pour: "majeur", group: "brevet_militaire" });
    const answers = { categories: ["B"], visiteMedicale: "non", formationComplementaire: "non", francais: "oui", vehiculeAmenage: "non", vision: "non", affection: "non", pension: "non", action: "suivant" };
    const missing = await b.post(`/demandes/${id}/etape/1`, answers);
    expect(fieldError(missing, "dejaTitulaire")).toBe("Indiquez si la personne est déjà titulaire d'un permis de conduire.");
    expectAt(await b.post(`/demandes/${id}/etape/1`, { ...answers, dejaTitulaire: "non" }), `/demandes/${id}/etape/2`);
    for (const [step, form] of [[2, { ...STEP2, naissanceAnnee: "1995" }], [3, STEP3], [4, { photoOption: "classique", action: "suivant" }]] as Array<[number, Form]>) {
      expectAt(await b.post(`/demandes/${id}/etape/${step}`, form), `/demandes/${id}/etape/${step + 1}`);
    }
    const step5 = await b.get(`/demandes/${id}/etape/5`);
    expect(step5.text("#title-assr")).toContain("ASSR2 ou ASR");
    expect(step5.html.querySelector("#title-permis")).toBeNull();
  });
});

describe("step 4: the code field", () => {
  it("is in a part shown only with the digital option, and ignored without it", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    await fill(b, id, 3);
    const step4 = await b.get(`/demandes/${id}/etape/4`);
    const part = step4.html.querySelector('input[name="codePhoto"]')?.closest("[data-reveal-when]");
    expect(part?.getAttribute("data-reveal-when")).toBe("photoOption=numerique");
    expect(part?.hasAttribute("hidden")).toBe(false);
    // "photo d'identité classique" with a (wrong) code typed: the code is ignored.
    expectAt(await b.post(`/demandes/${id}/etape/4`, { photoOption: "classique", codePhoto: "123", action: "suivant" }), `/demandes/${id}/etape/5`);
    const again = await b.get(`/demandes/${id}/etape/4`);
    expect(again.html.querySelector('input[name="codePhoto"]')?.closest("[data-reveal-when]")?.hasAttribute("hidden")).toBe(true);
  });
});

describe("step 5: the « Commentaire » of the diplôme (seed 001)", () => {
  it("is kept with the step and shown in the récapitulatif", async () => {
    const b = await newUser();
    const id = await newDraft(b, { beneficiaire: "moi", pour: "majeur", group: "diplome_professionnel" });
    const answers = { categories: ["B", "C"], dejaTitulaire: "oui", visiteMedicale: "non", formationComplementaire: "cap", francais: "oui", vehiculeAmenage: "non", vision: "non", affection: "non", pension: "non", action: "suivant" };
    for (const [step, form] of [[1, answers], [2, STEP2], [3, STEP3], [4, { photoOption: "classique", action: "suivant" }]] as Array<[number, Form]>) {
      expectAt(await b.post(`/demandes/${id}/etape/${step}`, form), `/demandes/${id}/etape/${step + 1}`);
    }
    const step5 = await b.get(`/demandes/${id}/etape/5`);
    const comment = step5.html.querySelector("textarea#commentaire-diplome");
    expect(comment?.getAttribute("form")).toBe("etape-form");
    expect(step5.html.querySelector("form#etape-form")).not.toBeNull();
    expect(step5.html.querySelector('label[for="commentaire-diplome"]')?.textContent).toContain("Commentaire");
    const tooLong = await b.post(`/demandes/${id}/etape/5`, { "commentaire-diplome": "x".repeat(301), action: "suivant" });
    expect(tooLong.status).toBe(400);
    expect(fieldError(tooLong, "commentaire-diplome")).toBe("Le commentaire ne doit pas dépasser 300 caractères (vous en avez saisi 301).");
    expect(tooLong.html.querySelector("textarea#commentaire-diplome")?.textContent).toBe("x".repeat(301));
    for (const [piece, name] of [["identite", "cni.pdf"], ["domicile", "facture.png"], ["diplome", "cap.png"], ["permis", "permis.png"], ["avis_medical", "avis.png"]]) {
      await upload(b, id, { piece: piece! }, name!.endsWith(".pdf") ? { name: name!, type: "application/pdf", content: await pdf(2) } : { name: name!, type: "image/png", content: PNG });
    }
    expectAt(await b.post(`/demandes/${id}/etape/5`, { "commentaire-diplome": "CAP conducteur routier, obtenu en juin 2026", action: "suivant" }), `/demandes/${id}/etape/6`);
    const recap = await b.get(`/demandes/${id}/etape/6`);
    expect(recap.text("main")).toContain("CAP conducteur routier, obtenu en juin 2026");
  });
});

describe("two démarches of their own, from the account home (seed 001's notification, seed 004)", () => {
  it("the account home links to them, and the international licence starts its own draft", async () => {
    const b = await newUser();
    const home = await b.get("/mon-espace");
    const links = home.html.querySelectorAll("a").map((a) => [a.textContent.replace(/\s+/g, " ").trim(), a.getAttribute("href")]);
    expect(links).toContainEqual(["Je demande un permis de conduire international", "/demandes/nouvelle/permis-international"]);
    expect(links).toContainEqual(["Je souhaite signaler une erreur sur mon permis de conduire reçu il y a moins de 6 mois", "/demandes/nouvelle/correction"]);

    const start = await b.get("/demandes/nouvelle/permis-international");
    expect(start.status).toBe(200);
    expect(start.html.querySelector('input[name="group"]')).toBeNull();
    const missing = await b.post("/demandes/nouvelle/permis-international", { beneficiaire: "moi" });
    expect(missing.status).toBe(400);
    expect(fieldError(missing, "pour")).toBe("Indiquez pour quelle personne vous effectuez la demande.");
    const created = await b.post("/demandes/nouvelle/permis-international", { beneficiaire: "moi", pour: "majeur" });
    const id = /^\/demandes\/([0-9a-f-]{36})\/etape\/1$/.exec(created.url)?.[1];
    expect(id).toBeDefined();
    expect((await rowOf(id!)).motif).toBe("permis_international");
    expect(created.text(".fr-callout__text")).toContain("Il s'agit d'une demande de permis de conduire international.");
    expect(created.html.querySelector('input[name="categories"]')).toBeNull();
    expectAt(await b.post(`/demandes/${id}/etape/1`, { numeroPermis: "", action: "suivant" }), `/demandes/${id}/etape/2`);
  });
});

describe("step 2: état civil", () => {
  it("lists the missing required fields", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    await fill(b, id, 1);
    const page = await b.post(`/demandes/${id}/etape/2`, { nomUsage: "Martin", action: "suivant" });
    expect(page.status).toBe(400);
    const errors = summaryErrors(page);
    expect(errors).toContain("Saisissez votre nom de naissance.");
    expect(errors).toContain("Indiquez le sexe de la personne.");
    expect(errors).toContain("Saisissez votre 1er prénom.");
    expect(errors).toContain("Saisissez la date de naissance.");
    expect(errors).toContain("Choisissez le pays de naissance dans la liste.");
    expect(fieldError(page, "nomNaissance")).toBe("Saisissez votre nom de naissance.");
    expect(fieldError(page, "naissance")).toBe("Saisissez la date de naissance.");
    expect(fieldError(page, "nomUsage")).toBe("");
    expect(value(page, "nomUsage")).toBe("Martin");
  });

  it("refuses 31/02/1990, keeping every field as typed", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    await fill(b, id, 1);
    const page = await b.post(`/demandes/${id}/etape/2`, { ...STEP2, nomNaissance: "Lefèvre", prenom2: "Anne", naissanceJour: "31", naissanceMois: "02", naissanceAnnee: "1990" });
    expect(page.status).toBe(400);
    expect(summaryErrors(page)).toEqual(["Cette date de naissance n'existe pas : vérifiez le jour et le mois."]);
    expect(fieldError(page, "naissance")).toBe("Cette date de naissance n'existe pas : vérifiez le jour et le mois.");
    expect(value(page, "naissanceJour")).toBe("31");
    expect(value(page, "naissanceMois")).toBe("02");
    expect(value(page, "naissanceAnnee")).toBe("1990");
    expect(value(page, "nomNaissance")).toBe("Lefèvre");
    expect(value(page, "prenom2")).toBe("Anne");
    expect(checked(page, "sexe")).toEqual(["F"]);
    expect(selected(page, "paysNaissance")).toBe("99100");
    expect(selected(page, "departementNaissance")).toBe("42");
    expect(value(page, "communeNaissance")).toBe("Saint-Etienne");
  });

  it("accepts 00/00/1990 and shows it back as entered, in the form and in the récapitulatif", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    await fill(b, id, 5, { ...STEP2, naissanceJour: "00", naissanceMois: "00", naissanceAnnee: "1990" });
    const recap = await b.get(`/demandes/${id}/etape/6`);
    const row = recap.html.querySelectorAll(".summary__row").find((r) => r.querySelector("dt")?.textContent === "Date de naissance");
    expect(row?.querySelector("dd")?.textContent).toBe("00/00/1990");
    const step2 = await b.get(`/demandes/${id}/etape/2`);
    expect([value(step2, "naissanceJour"), value(step2, "naissanceMois"), value(step2, "naissanceAnnee")]).toEqual(["00", "00", "1990"]);
  });

  it("refuses a commune unknown in the chosen département", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    await fill(b, id, 1);
    const page = await b.post(`/demandes/${id}/etape/2`, { ...STEP2, communeNaissance: "Lyon" });
    expect(page.status).toBe(400);
    const message = "Aucune commune « Lyon » n'existe dans ce département (Loire) : vérifiez l'orthographe ou le département.";
    expect(fieldError(page, "communeNaissance")).toBe(message);
    expect(summaryErrors(page)).toEqual([message]);
    expect(value(page, "communeNaissance")).toBe("Lyon");
  });

  it("accepts a birth abroad with a free city name and no département", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    await fill(b, id, 1);
    const page = await b.post(`/demandes/${id}/etape/2`, { ...STEP2, paysNaissance: "99109", departementNaissance: "", communeNaissance: "Berlin-Kreuzberg" });
    expectAt(page, `/demandes/${id}/etape/3`);
    const draft = await b.get(`/demandes/${id}`);
    expect(draft.text("main")).toContain("Allemagne");
    expect(draft.text("main")).toContain("Berlin-Kreuzberg");
  });
});

describe("step 3: adresse et contact", () => {
  async function atStep3() {
    const b = await newUser();
    const id = await newDraft(b);
    await fill(b, id, 2);
    return { b, id };
  }

  it("requires the street and checks the postcode's format", async () => {
    const { b, id } = await atStep3();
    const page = await b.post(`/demandes/${id}/etape/3`, { ...STEP3, nomVoie: "", codePostal: "7500" });
    expect(page.status).toBe(400);
    expect(summaryErrors(page)).toEqual(["Saisissez le nom de la voie.", "Le code postal se compose de 5 chiffres."]);
    expect(fieldError(page, "nomVoie")).toBe("Saisissez le nom de la voie.");
    expect(fieldError(page, "codePostal")).toBe("Le code postal se compose de 5 chiffres.");
    expect(value(page, "codePostal")).toBe("7500");
    expect(value(page, "numero")).toBe("12");
    expect(value(page, "commune")).toBe("Paris");
    expect(value(page, "email")).toBe("sylvie.dupont@example.fr");
    expect(selected(page, "typeVoie")).toBe("rue");
    expect(selected(page, "prefecture")).toBe("75056");
  });

  it("refuses an unknown postcode", async () => {
    const { b, id } = await atStep3();
    const page = await b.post(`/demandes/${id}/etape/3`, { ...STEP3, codePostal: "00000" });
    expect(page.status).toBe(400);
    expect(fieldError(page, "codePostal")).toBe("Ce code postal n'existe pas.");
    expect(value(page, "codePostal")).toBe("00000");
  });

  it("refuses a commune that does not match the postcode, naming the right ones", async () => {
    const { b, id } = await atStep3();
    const page = await b.post(`/demandes/${id}/etape/3`, { ...STEP3, commune: "Lyon" });
    expect(page.status).toBe(400);
    expect(fieldError(page, "commune")).toBe("La commune ne correspond pas au code postal 75007 (Paris).");
    expect(summaryErrors(page)).toEqual(["La commune ne correspond pas au code postal 75007 (Paris)."]);
    expect(value(page, "commune")).toBe("Lyon");
  });

  it("refuses the préfecture of another département", async () => {
    const { b, id } = await atStep3();
    const page = await b.post(`/demandes/${id}/etape/3`, { ...STEP3, prefecture: "69123" });
    expect(page.status).toBe(400);
    expect(fieldError(page, "prefecture")).toBe("Choisissez une préfecture ou sous-préfecture du département de votre domicile.");
    expect(selected(page, "prefecture")).toBe("69123");
  });

  it("refuses a phone number that is not a French mobile", async () => {
    const { b, id } = await atStep3();
    for (const telephone of ["01 23 45 67 89", "06 12 34"]) {
      const page = await b.post(`/demandes/${id}/etape/3`, { ...STEP3, telephone });
      expect(page.status).toBe(400);
      expect(summaryErrors(page)).toEqual(["Saisissez un numéro de téléphone portable français, par exemple 06 12 34 56 78."]);
      expect(fieldError(page, "telephone")).toBe("Saisissez un numéro de téléphone portable français, par exemple 06 12 34 56 78.");
      expect(value(page, "telephone")).toBe(telephone);
    }
    expectAt(await b.post(`/demandes/${id}/etape/3`, { ...STEP3, telephone: "+33 7 12 34 56 78" }), `/demandes/${id}/etape/4`);
  });
});

describe("saving and resuming a draft", () => {
  it("« Enregistrer » saves incomplete answers without checking them, with a notice", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    await fill(b, id, 1);
    const saved = await b.post(`/demandes/${id}/etape/2`, { nomNaissance: "Dupont", naissanceJour: "31", naissanceMois: "02", naissanceAnnee: "1990", action: "enregistrer" });
    expect(saved.status).toBe(200);
    expect(saved.url).toBe(`/demandes/${id}/etape/2`);
    expect(saved.text(".fr-alert--success")).toBe("Votre brouillon a été enregistré. Vous pouvez le reprendre plus tard depuis « MES DEMANDES EN COURS ».");
    expect(saved.text("#error-summary")).toBe("");
    expect(fieldError(saved, "naissance")).toBe("");
    expect(value(saved, "naissanceJour")).toBe("31");
    expect((await rowOf(id)).data.step2).toMatchObject({ nomNaissance: "Dupont", naissanceJour: "31", naissanceMois: "02", naissanceAnnee: "1990" });

    const again = await b.get(`/demandes/${id}/etape/2`);
    expect(value(again, "nomNaissance")).toBe("Dupont");
    expect(value(again, "naissanceJour")).toBe("31");
    expect(again.text(".fr-alert--success")).toBe("");
  });

  it("« << Etape précédente » saves the step, then goes back", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    await fill(b, id, 2);
    const back = await b.post(`/demandes/${id}/etape/3`, { nomVoie: "des Lilas", codePostal: "7500", action: "precedent" }, { follow: false });
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe(`/demandes/${id}/etape/2`);
    const step2 = await b.get(`/demandes/${id}/etape/2`);
    expect(value(step2, "nomNaissance")).toBe("Dupont");
    const step3 = await b.get(`/demandes/${id}/etape/3`);
    expect(value(step3, "nomVoie")).toBe("des Lilas");
    expect(value(step3, "codePostal")).toBe("7500");
    expect(step3.text("#error-summary")).toBe("");
  });

  it("resumes a draft at its first incomplete step, listed as « Brouillon » with « Modifier » and « Supprimer »", async () => {
    const b = await newUser();
    const id = await newDraft(b);
    const fresh = await b.get(`/demandes/${id}/reprendre`, { follow: false });
    expect(fresh.status).toBe(303);
    expect(fresh.headers.location).toBe(`/demandes/${id}/etape/1`);
    await fill(b, id, 2);
    await b.post(`/demandes/${id}/etape/3`, { nomVoie: "de Grenelle", action: "enregistrer" });
    const resumed = await b.get(`/demandes/${id}/reprendre`);
    expect(resumed.url).toBe(`/demandes/${id}/etape/3`);
    expect(value(resumed, "nomVoie")).toBe("de Grenelle");

    const home = await b.get("/mon-espace");
    const line = home.html.querySelectorAll("#requests-table tbody tr").find((tr) => tr.innerHTML.includes(id));
    expect(line).toBeDefined();
    const cells = line!.querySelectorAll("td").map((td) => td.textContent.replace(/\s+/g, " ").trim());
    expect(cells[0]).toBe("Sylvie");
    expect(cells[1]).toBe("DUPONT");
    expect(cells[5]).toBe("Brouillon");
    const actions = line!.querySelectorAll("a").map((a) => [a.textContent.trim(), a.getAttribute("href")]);
    expect(actions).toEqual([
      ["Modifier", `/demandes/${id}/reprendre`],
      ["Supprimer", `/demandes/${id}/supprimer`],
    ]);

    await fill(b, id, 5);
    expect((await b.get(`/demandes/${id}/reprendre`)).url).toBe(`/demandes/${id}/etape/6`);
  });
});
