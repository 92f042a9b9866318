import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identifierIn, linkIn, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError } from "../helpers/client.ts";
import { HOUR, ManualClock } from "../helpers/clock.ts";
import { ACTIVATION_FORM, createActiveAccount, GOOD_PASSWORD, signIn } from "../helpers/flows.ts";

let t: TestApp;
const clock = new ManualClock();
beforeAll(async () => {
  t = await startTestApp({ clock });
}, 180_000); // a fresh database takes long to migrate on a loaded machine
afterAll(() => t.close());

let ip = 1;
const browser = () => new Browser(t.app, `203.0.113.${ip++}`);
let n = 0;
async function account() {
  const email = `oubli${++n}@example.fr`;
  return { email, identifier: await createActiveAccount(t, browser(), { email }) };
}

describe("Identifiant oublié ?", () => {
  it("mails the identifier, and answers the same when no account has the address", async () => {
    const { email, identifier } = await account();
    const b = browser();
    await b.get("/identifiant-oublie");
    const known = await b.post("/identifiant-oublie", { email: email.toUpperCase() });
    await b.get("/identifiant-oublie");
    const unknown = await b.post("/identifiant-oublie", { email: "personne@example.fr" });
    expect(known.status).toBe(200);
    expect(known.text("main")).toBe(unknown.text("main"));
    expect(known.text(".fr-alert")).toContain("Si un compte correspond à cette adresse");
    const mails = await t.mailsTo(email);
    expect(identifierIn(mails.at(-1))).toBe(identifier);
    expect(await t.mailsTo("personne@example.fr")).toHaveLength(0);
  });

  it("refuses a malformed address", async () => {
    const b = browser();
    await b.get("/identifiant-oublie");
    const page = await b.post("/identifiant-oublie", { email: "pas une adresse" });
    expect(page.status).toBe(400);
    expect(fieldError(page, "email")).toBe("Saisissez une adresse mél valide, au format nom@domaine.fr.");
    expect(page.html.querySelector("#email")!.getAttribute("value")).toBe("pas une adresse");
  });

  it("limits the mails that can be sent to one address", async () => {
    const { email } = await account(); // the account creation counts as one
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const b = browser();
      await b.get("/identifiant-oublie");
      statuses.push((await b.post("/identifiant-oublie", { email })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect((await t.mailsTo(email)).filter((m) => m.subject.startsWith("Votre identifiant"))).toHaveLength(1 + 4);
  });
});

describe("Mot de passe oublié ?", () => {
  it("mails a single-use reset link when identifier, question and answer match", async () => {
    const { email, identifier } = await account();
    const b = browser();
    await b.get("/mot-de-passe-oublie");
    // The answer is compared without case, accents or punctuation.
    const done = await b.post("/mot-de-passe-oublie", { identifier, secretQuestion: "pere", secretAnswer: "  jean edouard " });
    expect(done.text(".fr-alert")).toContain("Si ces informations correspondent à un compte");
    const reset = linkIn((await t.mailsTo(email)).at(-1), "/mot-de-passe/reinitialiser/");
    const form = await b.get(reset);
    expect(form.text("h1")).toBe("Choisir un nouveau mot de passe");
    const weak = await b.post(reset, { password: "court", passwordConfirmation: "court" });
    expect(weak.status).toBe(400);
    expect(fieldError(weak, "password")).toMatch(/^Le mot de passe doit contenir : /);

    const signedIn = browser();
    await signIn(signedIn, identifier);
    const after = await b.post(reset, { password: "Nouveau#2026", passwordConfirmation: "Nouveau#2026" });
    expect(after.url).toBe("/connexion?motdepasse=1");
    expect(after.text(".fr-alert")).toContain("Votre mot de passe a été modifié");
    // Every open session of the account was closed.
    expect((await signedIn.get("/mon-espace")).url).toMatch(/^\/connexion/);
    expect((await signIn(browser(), identifier, GOOD_PASSWORD)).status).toBe(400);
    expect((await signIn(browser(), identifier, "Nouveau#2026")).url).toBe("/mon-espace");
    expect((await t.mailsTo(email)).at(-1)!.subject).toContain("Votre mot de passe a été modifié");
    // The link is spent.
    const used = await browser().get(reset);
    expect(used.status).toBe(410);
    expect(used.text(".fr-alert")).toContain("Ce lien de réinitialisation a déjà été utilisé.");
  });

  it.each([
    ["a wrong answer", { secretQuestion: "pere", secretAnswer: "Paul" }],
    ["another question", { secretQuestion: "mere", secretAnswer: ACTIVATION_FORM.secretAnswer }],
  ])("sends nothing for %s, with the same answer on screen", async (_label, change) => {
    const { email, identifier } = await account();
    const before = (await t.mailsTo(email)).length;
    const b = browser();
    await b.get("/mot-de-passe-oublie");
    const wrong = await b.post("/mot-de-passe-oublie", { identifier, ...change });
    await b.get("/mot-de-passe-oublie");
    const unknown = await b.post("/mot-de-passe-oublie", { identifier: "inconnu0000", secretQuestion: "pere", secretAnswer: "x" });
    expect(wrong.status).toBe(200);
    expect(wrong.text("main")).toBe(unknown.text("main"));
    expect(await t.mailsTo(email)).toHaveLength(before);
  });

  it("names the missing fields", async () => {
    const b = browser();
    await b.get("/mot-de-passe-oublie");
    const page = await b.post("/mot-de-passe-oublie", { identifier: "abc1234" });
    expect(page.status).toBe(400);
    expect(fieldError(page, "secretQuestion")).toBe("Choisissez votre question secrète.");
    expect(fieldError(page, "secretAnswer")).toBe("Saisissez la réponse à votre question secrète.");
    expect(page.html.querySelector("#identifier")!.getAttribute("value")).toBe("abc1234");
  });

  it("refuses a reset link older than one hour", async () => {
    const { email, identifier } = await account();
    const b = browser();
    await b.get("/mot-de-passe-oublie");
    await b.post("/mot-de-passe-oublie", { identifier, secretQuestion: "pere", secretAnswer: ACTIVATION_FORM.secretAnswer });
    const reset = linkIn((await t.mailsTo(email)).at(-1), "/mot-de-passe/reinitialiser/");
    clock.advance(HOUR + 1000);
    try {
      const page = await b.get(reset);
      expect(page.status).toBe(410);
      expect(page.text(".fr-alert")).toContain("Ce lien de réinitialisation a expiré : il était valable 1 heure.");
      const post = await b.post(reset, { password: "Nouveau#2026", passwordConfirmation: "Nouveau#2026" }, { csrf: (await b.get("/mot-de-passe-oublie")).csrf });
      expect(post.status).toBe(410);
    } finally {
      clock.advance(-(HOUR + 1000));
    }
    expect((await signIn(browser(), identifier)).url).toBe("/mon-espace");
  });

  it("does not let a stranger's requests lock the owner out of a reset in a browser she signed in from", async () => {
    const { email, identifier } = await account();
    const owner = browser();
    expect((await signIn(owner, identifier)).url).toBe("/mon-espace");
    await owner.post("/deconnexion", {});
    // Requests for her identifier from elsewhere (wrong answers): the identifier is blocked for everyone else…
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const b = browser();
      await b.get("/mot-de-passe-oublie");
      statuses.push((await b.post("/mot-de-passe-oublie", { identifier, secretQuestion: "pere", secretAnswer: `faux ${i}` })).status);
    }
    expect(statuses.slice(-1)).toEqual([429]);
    // …not in her browser: the reset link is mailed.
    const before = (await t.mailsTo(email)).length;
    await owner.get("/mot-de-passe-oublie");
    const done = await owner.post("/mot-de-passe-oublie", { identifier, secretQuestion: "pere", secretAnswer: "jean edouard" });
    expect(done.status).toBe(200);
    expect(linkIn((await t.mailsTo(email)).at(-1), "/mot-de-passe/reinitialiser/")).toBeTruthy();
    expect((await t.mailsTo(email)).length).toBe(before + 1);
  });
});
