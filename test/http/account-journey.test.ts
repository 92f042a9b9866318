import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identifierIn, linkIn, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { ACTIVATION_FORM, GOOD_PASSWORD, signIn, submitSignup } from "../helpers/flows.ts";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("account journey over HTTP", () => {
  it("creates, activates, mails the identifier, signs out and signs in", async () => {
    const browser = new Browser(t.app);
    const sent = await submitSignup(t, browser, { email: "sylvie.dupont@example.fr" });
    expect(sent.url).toBe("/compte/creer/envoye");
    expect(sent.text(".fr-alert")).toContain("Un mél d'activation de votre compte vient de vous être envoyé.");

    const [activation] = await t.mailsTo("sylvie.dupont@example.fr");
    expect(activation!.subject).toContain("Activez votre compte");
    const link = linkIn(activation, "/compte/activer/");
    const form = await browser.get(link);
    expect(form.text("h1")).toBe("VOUS Y ÊTES PRESQUE !");

    const home = await browser.post(link, ACTIVATION_FORM);
    expect(home.url).toBe("/mon-espace");
    expect(home.text("h1")).toBe("Bienvenue Sylvie Dupont");
    expect(home.text("#requests-table tbody")).toBe("Aucune demande à afficher");
    expect(home.text("#espace-conducteur-title")).toBe("MON ESPACE CONDUCTEUR");

    const mails = await t.mailsTo("sylvie.dupont@example.fr");
    expect(mails).toHaveLength(2);
    const identifier = identifierIn(mails[1]);
    expect(identifier).toMatch(/^sdupont\d{4}$/);
    expect(identifier).not.toContain("@");

    const out = await browser.post("/deconnexion", {});
    expect(out.url).toBe("/connexion?deconnecte=1");
    expect(out.text(".fr-alert")).toBe("Vous êtes déconnecté.");
    expect((await browser.get("/mon-espace")).url).toMatch(/^\/connexion\?retour=/);

    const back = await signIn(browser, identifier, GOOD_PASSWORD);
    expect(back.url).toBe("/mon-espace");
    expect(back.text("main")).toContain("Dernière connexion");
  });
});
