import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { createActiveAccount, signIn } from "../helpers/flows.ts";
import { pdf, photoCode, PNG, stamp, STEP1_PERTE, STEP2, STEP3, upload } from "../helpers/requests.ts";

let t: TestApp;
let identifier: string;
beforeAll(async () => {
  t = await startTestApp();
  identifier = await createActiveAccount(t, new Browser(t.app, "192.0.2.1"), { email: "demandeuse@example.fr" });
});
afterAll(() => t.close());

describe("a loss request (perte), end to end over HTTP", () => {
  it("files it in 7 steps and sees it Envoyée", async () => {
    const b = new Browser(t.app);
    await signIn(b, identifier);
    await b.get("/demandes/nouvelle");
    const step1 = await b.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" });
    expect(step1.url).toMatch(/^\/demandes\/[0-9a-f-]{36}\/etape\/1$/);
    const id = step1.url.split("/")[2]!;
    const step2 = await b.post(`/demandes/${id}/etape/1`, STEP1_PERTE);
    expect(step2.url).toBe(`/demandes/${id}/etape/2`);
    const step3 = await b.post(`/demandes/${id}/etape/2`, STEP2);
    expect(step3.text("#error-summary")).toBe("");
    expect(step3.url).toBe(`/demandes/${id}/etape/3`);
    const step4 = await b.post(`/demandes/${id}/etape/3`, STEP3);
    expect(step4.text("#error-summary")).toBe("");
    expect(step4.url).toBe(`/demandes/${id}/etape/4`);
    const code = await photoCode(t);
    const step5 = await b.post(`/demandes/${id}/etape/4`, { photoOption: "numerique", codePhoto: code, action: "suivant" });
    expect(step5.text("#error-summary")).toBe("");
    expect(step5.url).toBe(`/demandes/${id}/etape/5`);
    expect(step5.text("#title-identite")).toBe("Pièce d'identité (0 page / 2 pages maximum)");
    const up1 = await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(2) });
    expect(up1.text(".fr-alert--success")).toContain("document valide");
    await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
    const numero = await stamp(t);
    const step6 = await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: numero, action: "suivant" });
    expect(step6.text("#error-summary")).toBe("");
    expect(step6.url).toBe(`/demandes/${id}/etape/6`);
    expect(step6.text("main")).toContain("La demande du titre est effectuée à la suite de la perte du précédent titre.");
    const step7 = await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" });
    expect(step7.url).toBe(`/demandes/${id}/etape/7`);
    expect(step7.text(".fr-alert--success")).toMatch(/Numéro de demande : PC-\d{4}-\d{7}/);
    const home = await b.get("/mon-espace");
    expect(home.text("#requests-table tbody")).toContain("Envoyée");
    const receipt = await b.get(`/demandes/${id}/recepisse.pdf`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers["content-type"]).toBe("application/pdf");
    const mails = await t.mailsTo("sylvie.dupont@example.fr");
    expect(mails.at(-1)!.subject).toMatch(/^Votre demande n° PC-/);
  });
});
