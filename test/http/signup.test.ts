import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError, summaryErrors } from "../helpers/client.ts";
import { createActiveAccount, submitSignup } from "../helpers/flows.ts";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

let ipCounter = 1;
/** Each test browses from its own address, so rate limits of one test don't leak into another. */
const freshBrowser = () => new Browser(t.app, `198.51.100.${ipCounter++}`);

async function signupForm(browser: Browser) {
  const page = await browser.get("/compte/creer");
  return { page, captchaId: page.html.querySelector('input[name="captchaId"]')!.getAttribute("value")! };
}

describe("JE CRÉE UN COMPTE", () => {
  it("shows the form with its verbatim labels, an image and an audio captcha", async () => {
    const { page, captchaId } = await signupForm(freshBrowser());
    expect(page.status).toBe(200);
    expect(page.text("h1")).toBe("JE CRÉE UN COMPTE");
    for (const [id, label] of [
      ["kind", "Je suis ..."],
      ["familyName", "Nom de famille"],
      ["givenName", "Prénom"],
      ["email", "Adresse mél"],
      ["captcha", "Saisir le code ci-dessus"],
    ]) {
      expect(page.text(`label[for="${id}"]`)).toContain(label);
    }
    expect(page.text('label[for="cgu"]')).toContain(
      "J'accepte les conditions générales d'utilisation et les règles de confidentialité",
    );
    expect(page.text('button[type="submit"]:not([name])')).toBe("CRÉER MON COMPTE");
    expect(page.html.querySelectorAll("select#kind option").map((o) => o.textContent)).toEqual(
      expect.arrayContaining(["Particulier", "Professionnel"]),
    );

    const image = await t.app.inject(`/captcha/${captchaId}/image.svg`);
    expect(image.statusCode).toBe(200);
    expect(image.headers["content-type"]).toContain("image/svg+xml");
    expect(image.body).toContain("<path");
    expect(image.body).not.toContain(await t.captchaAnswer(captchaId)); // digits are drawn, not written

    const audio = await t.app.inject(`/captcha/${captchaId}/audio.wav`);
    expect(audio.statusCode).toBe(200);
    expect(audio.rawPayload.subarray(0, 4).toString("ascii")).toBe("RIFF");
    expect(audio.rawPayload.subarray(8, 12).toString("ascii")).toBe("WAVE");
    expect(audio.rawPayload.length).toBeGreaterThan(100_000); // six spoken digits

    expect((await t.app.inject("/captcha/00000000-0000-4000-8000-000000000000/image.svg")).statusCode).toBe(404);
  });

  it("lists every missing field at the top and beside each field, keeping nothing lost", async () => {
    const browser = freshBrowser();
    await signupForm(browser);
    const page = await browser.post("/compte/creer", { kind: "particulier" });
    expect(page.status).toBe(400);
    expect(page.html.querySelector("title")!.textContent).toMatch(/^Erreur : /);
    expect(summaryErrors(page)).toEqual([
      "Saisissez votre nom de famille.",
      "Saisissez votre prénom.",
      "Saisissez votre adresse mél.",
      "Saisissez le code affiché dans l'image.",
      "Vous devez accepter les conditions générales d'utilisation et les règles de confidentialité.",
    ]);
    expect(fieldError(page, "familyName")).toBe("Saisissez votre nom de famille.");
    expect(page.html.querySelector("#error-summary a")!.getAttribute("href")).toBe("#familyName");
    expect(page.html.querySelector("#familyName")!.getAttribute("aria-describedby")).toBe("familyName-messages");
  });

  it.each([
    ["a malformed email", { email: "sylvie.dupont@" }, "email", "Saisissez une adresse mél valide, au format nom@domaine.fr."],
    ["digits in a name", { familyName: "Dup0nt" }, "familyName", "Le champ « nom de famille » ne peut contenir que des lettres, des espaces, des tirets et des apostrophes."],
    ["an unknown account kind", { kind: "entreprise" }, "kind", "Indiquez si vous êtes un particulier ou un professionnel."],
    ["the CGU not accepted", { cgu: undefined }, "cgu", "Vous devez accepter les conditions générales d'utilisation et les règles de confidentialité."],
  ])("refuses %s and keeps what was typed", async (_label, change, field, message) => {
    const browser = freshBrowser();
    const { captchaId } = await signupForm(browser);
    const form = {
      kind: "particulier",
      familyName: "Dupont",
      givenName: "Sylvie",
      email: "sylvie@example.fr",
      captchaId,
      captcha: await t.captchaAnswer(captchaId),
      cgu: "oui",
      ...change,
    };
    const page = await browser.post("/compte/creer", form);
    expect(page.status).toBe(400);
    expect(fieldError(page, field)).toBe(message);
    expect(page.html.querySelector("#givenName")!.getAttribute("value")).toBe("Sylvie");
    if (field !== "email") expect(page.html.querySelector("#email")!.getAttribute("value")).toBe("sylvie@example.fr");
    expect(await t.mailsTo("sylvie@example.fr")).toHaveLength(0);
  });

  it("refuses a wrong captcha, spends it, and offers a new one", async () => {
    const browser = freshBrowser();
    const { captchaId } = await signupForm(browser);
    const answer = await t.captchaAnswer(captchaId);
    const wrong = answer === "000000" ? "111111" : "000000";
    const page = await browser.post("/compte/creer", {
      kind: "particulier", familyName: "Martin", givenName: "Luc", email: "luc@example.fr", captchaId, captcha: wrong, cgu: "oui",
    });
    expect(page.status).toBe(400);
    expect(fieldError(page, "captcha")).toBe("Le code saisi ne correspond pas à l'image. Recopiez le nouveau code affiché.");
    const next = page.html.querySelector('input[name="captchaId"]')!.getAttribute("value");
    expect(next).not.toBe(captchaId);
    // The old challenge cannot be replayed, even with the right answer.
    const replay = await browser.post("/compte/creer", {
      kind: "particulier", familyName: "Martin", givenName: "Luc", email: "luc@example.fr", captchaId, captcha: answer, cgu: "oui",
    });
    expect(replay.status).toBe(400);
    expect(await t.mailsTo("luc@example.fr")).toHaveLength(0);
  });

  it("renews the captcha on request without showing errors", async () => {
    const browser = freshBrowser();
    const { captchaId } = await signupForm(browser);
    const page = await browser.post("/compte/creer", { action: "new-captcha", familyName: "Petit", captchaId });
    expect(page.status).toBe(200);
    expect(page.html.querySelector("#error-summary")).toBeNull();
    expect(page.html.querySelector("#familyName")!.getAttribute("value")).toBe("Petit");
    expect(page.html.querySelector('input[name="captchaId"]')!.getAttribute("value")).not.toBe(captchaId);
  });

  it("refuses a form without CSRF token", async () => {
    const browser = freshBrowser();
    const { captchaId } = await signupForm(browser);
    const page = await browser.post(
      "/compte/creer",
      { kind: "particulier", familyName: "Roux", givenName: "Léa", email: "lea@example.fr", captchaId, captcha: await t.captchaAnswer(captchaId), cgu: "oui" },
      { csrf: false },
    );
    expect(page.status).toBe(403);
    expect(page.text("h1")).toBe("Formulaire expiré");
    expect(await t.mailsTo("lea@example.fr")).toHaveLength(0);
  });

  it("answers the same for an address that already has an account, and tells its owner by mail", async () => {
    const email = "deja.inscrite@example.fr";
    const identifier = await createActiveAccount(t, freshBrowser(), { email });
    const first = await submitSignup(t, freshBrowser(), { email: "nouvelle@example.fr" });
    const again = await submitSignup(t, freshBrowser(), { email: email.toUpperCase() });
    expect(again.url).toBe(first.url);
    expect(again.text("main")).toBe(first.text("main"));
    const mails = await t.mailsTo(email);
    expect(mails.at(-1)!.subject).toContain("Vous avez déjà un compte");
    expect(mails.at(-1)!.bodyText).toContain(identifier);
  });

  it("sends a new activation link for a pending account, and only the newest works", async () => {
    const email = "en.attente@example.fr";
    await submitSignup(t, freshBrowser(), { email });
    await submitSignup(t, freshBrowser(), { email });
    const mails = await t.mailsTo(email);
    expect(mails).toHaveLength(2);
    const browser = freshBrowser();
    const old = await browser.get(mails[0]!.bodyText.match(/\/compte\/activer\/\S+/)![0]);
    expect(old.status).toBe(410);
    const fresh = await browser.get(mails[1]!.bodyText.match(/\/compte\/activer\/\S+/)![0]);
    expect(fresh.status).toBe(200);
  });

  it("limits account creations from one address, with growing delays", async () => {
    const browser = freshBrowser();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const page = await submitSignup(t, browser, { email: `serie${i}@example.fr` });
      statuses.push(page.status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
    const blocked = browser.lastPage!;
    expect(blocked.headers["retry-after"]).toBeDefined();
    expect(blocked.text("#error-summary")).toMatch(/Trop de tentatives\. Pour protéger les comptes, réessayez dans \d+ (secondes|minute)/);
    expect(await t.mailsTo("serie5@example.fr")).toHaveLength(0);
    // Another address is not affected.
    expect((await submitSignup(t, freshBrowser(), { email: "ailleurs@example.fr" })).status).toBe(200);
  });
});
