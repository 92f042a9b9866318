import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, oneTimeTokens } from "../../src/db/schema.ts";
import { linkIn, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError, summaryErrors } from "../helpers/client.ts";
import { HOUR, ManualClock } from "../helpers/clock.ts";
import { ACTIVATION_FORM, GOOD_PASSWORD, submitSignup } from "../helpers/flows.ts";

let t: TestApp;
const clock = new ManualClock();
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

let n = 0;
async function pendingAccount() {
  const email = `activation${++n}@example.fr`;
  const browser = new Browser(t.app, `192.0.2.${n}`);
  await submitSignup(t, browser, { email, givenName: "Élise", familyName: "Lefèvre-Dubois" });
  const [mail] = await t.mailsTo(email);
  return { email, browser, link: linkIn(mail, "/compte/activer/") };
}

describe("VOUS Y ÊTES PRESQUE !", () => {
  it("shows the password rule before anything is typed, with every field labelled", async () => {
    const { browser, link } = await pendingAccount();
    const page = await browser.get(link);
    expect(page.status).toBe(200);
    const rules = page.html.querySelectorAll("#password-messages .fr-message--info").map((p) => p.textContent);
    expect(rules).toEqual(["8 caractères minimum", "une lettre majuscule", "une lettre minuscule", "un chiffre", "un caractère spécial (@, ?, /…)"]);
    expect(page.text("#sex-legend")).toContain("Sexe");
    expect(page.text('label[for="password"]')).toContain("Mot de passe");
    expect(page.text('label[for="passwordConfirmation"]')).toContain("Confirmez le mot de passe");
    expect(page.text('label[for="secretQuestion"]')).toContain("Question secrète");
    expect(page.text('label[for="secretAnswer"]')).toContain("Réponse à votre question secrète");
    expect(page.html.querySelectorAll("#secretQuestion option").map((o) => o.textContent)).toContain("Quel est le prénom de votre père ?");
  });

  it.each([
    ["Ab1!", ["length"]],
    ["permis#2026", ["upper"]],
    ["PERMIS#2026", ["lower"]],
    ["Permis#deux", ["digit"]],
    ["Permis2026", ["special"]],
    ["permis", ["length", "upper", "digit", "special"]],
  ])("names each unmet part of the password %s", async (password, unmet) => {
    const { browser, link } = await pendingAccount();
    await browser.get(link);
    const page = await browser.post(link, { ...ACTIVATION_FORM, password, passwordConfirmation: password });
    expect(page.status).toBe(400);
    const error = fieldError(page, "password");
    expect(error).toMatch(/^Le mot de passe doit contenir : /);
    const marked = page.html.querySelectorAll("#password-messages .fr-message--error[id^=password-rule-]").map((p) => p.id.replace("password-rule-", ""));
    expect(marked).toEqual(unmet);
    // The other fields are kept; passwords never are.
    expect(page.html.querySelector("#secretAnswer")!.getAttribute("value")).toBe(ACTIVATION_FORM.secretAnswer);
    expect(page.html.querySelector("#sex")!.hasAttribute("checked")).toBe(true);
    expect(page.html.querySelector("#password")!.getAttribute("value")).toBeUndefined();
  });

  it("refuses a confirmation that differs and missing fields", async () => {
    const { browser, link } = await pendingAccount();
    await browser.get(link);
    const page = await browser.post(link, { password: GOOD_PASSWORD, passwordConfirmation: "Autre#2026" });
    expect(page.status).toBe(400);
    expect(summaryErrors(page)).toEqual([
      "Indiquez votre sexe.",
      "La confirmation ne correspond pas au mot de passe.",
      "Choisissez une question secrète.",
      "Saisissez la réponse à votre question secrète.",
    ]);
  });

  it("activates, signs in at once, and mails an identifier that is not the email address", async () => {
    const { email, browser, link } = await pendingAccount();
    await browser.get(link);
    const home = await browser.post(link, ACTIVATION_FORM);
    expect(home.url).toBe("/mon-espace");
    expect(home.text(".fr-alert--success")).toContain("Votre compte est activé");
    const mails = await t.mailsTo(email);
    expect(mails.map((m) => m.subject)).toEqual([
      "Activez votre compte — Permis de conduire",
      "Votre identifiant de connexion — Permis de conduire",
    ]);
    expect(mails[1]!.bodyText).toMatch(/Votre identifiant est : elefevredubois\d{4}/);
    expect(mails[1]!.bodyHtml).toContain("<strong>elefevredubois");
    const [row] = await t.db.db.select().from(accounts).where(eq(accounts.email, email));
    expect(row!.status).toBe("active");
    expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row!.secretAnswerHash).toMatch(/^\$argon2id\$/);
    expect(row!.secretAnswerHash).not.toContain("douard");
  });

  it("says a used link was used, and offers to sign in", async () => {
    const { browser, link } = await pendingAccount();
    await browser.get(link);
    await browser.post(link, ACTIVATION_FORM);
    const other = new Browser(t.app);
    const page = await other.get(link);
    expect(page.status).toBe(410);
    expect(page.text(".fr-alert")).toContain("Ce lien d'activation a déjà été utilisé");
    expect(page.html.querySelector('a[href="/connexion"]')).not.toBeNull();
    // Posting the form again changes nothing.
    await other.get("/connexion");
    expect((await other.post(link, ACTIVATION_FORM)).status).toBe(410);
  });

  it("says an expired link expired, and sends a new one on request", async () => {
    const { email, browser, link } = await pendingAccount();
    clock.advance(25 * HOUR);
    try {
      const page = await browser.get(link);
      expect(page.status).toBe(410);
      expect(page.text(".fr-alert")).toContain("Ce lien d'activation a expiré : il était valable 24 heures.");
      const resend = await browser.get("/compte/activation/renvoyer");
      expect(resend.text("h1")).toBe("Recevoir un nouveau mél d'activation");
      const done = await browser.post("/compte/activation/renvoyer", { email });
      expect(done.text(".fr-alert")).toContain("Si un compte en attente d'activation correspond à cette adresse");
      const mails = await t.mailsTo(email);
      expect(mails).toHaveLength(2);
      const fresh = await browser.get(linkIn(mails[1], "/compte/activer/"));
      expect(fresh.status).toBe(200);
    } finally {
      clock.advance(-25 * HOUR);
    }
  });

  it("answers an unknown link with 404 and a way forward", async () => {
    const page = await new Browser(t.app).get("/compte/activer/inconnu-ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    expect(page.status).toBe(404);
    expect(page.text(".fr-alert")).toContain("Ce lien d'activation n'est pas valide.");
    expect(page.html.querySelector('a[href="/compte/activation/renvoyer"]')).not.toBeNull();
  });

  it("lets only one of two simultaneous activations win", async () => {
    const { browser, link } = await pendingAccount();
    const page = await browser.get(link);
    const second = new Browser(t.app);
    const secondPage = await second.get(link);
    const [a, b] = await Promise.all([
      browser.post(link, ACTIVATION_FORM, { csrf: page.csrf }),
      second.post(link, { ...ACTIVATION_FORM, password: "Autre#Mot2026", passwordConfirmation: "Autre#Mot2026" }, { csrf: secondPage.csrf }),
    ]);
    const statuses = [a, b].map((p) => (p.url === "/mon-espace" ? "signed in" : p.status));
    expect(statuses.sort()).toEqual([410, "signed in"]);
    const tokenHashes = await t.db.db.select().from(oneTimeTokens).where(sql`${oneTimeTokens.usedAt} IS NOT NULL`);
    expect(tokenHashes.every((row) => row.tokenHash.length === 64)).toBe(true);
  });
});
