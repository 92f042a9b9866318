import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captchas } from "../../src/db/schema.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError, summaryErrors } from "../helpers/client.ts";
import { createActiveAccount, solveAltcha, submitSignup } from "../helpers/flows.ts";

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

    // The code as an image: a PNG rasterised on the server, no SVG (no glyph path to match).
    const image = await t.app.inject(`/captcha/${captchaId}/image.png`);
    expect(image.statusCode).toBe(200);
    expect(image.headers["content-type"]).toBe("image/png");
    expect(image.headers["cache-control"]).toBe("no-store");
    expect(image.rawPayload.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(image.rawPayload.includes("<path")).toBe(false);
    expect(image.rawPayload.includes("<svg")).toBe(false);
    expect(image.rawPayload.includes(await t.captchaAnswer(captchaId))).toBe(false); // digits are drawn, not written
    expect(page.html.querySelector("img.captcha-image")!.getAttribute("alt")).toContain("6 chiffres");

    const audio = await t.app.inject(`/captcha/${captchaId}/audio.wav`);
    expect(audio.statusCode).toBe(200);
    expect(audio.rawPayload.subarray(0, 4).toString("ascii")).toBe("RIFF");
    expect(audio.rawPayload.subarray(8, 12).toString("ascii")).toBe("WAVE");
    expect(audio.rawPayload.length).toBeGreaterThan(100_000); // six spoken digits

    expect((await t.app.inject("/captcha/00000000-0000-4000-8000-000000000000/image.png")).statusCode).toBe(404);
    for (const bad of [`${captchaId}x`, "notauuid", "-".repeat(36), "%00", "%2E%2E", "x".repeat(90)]) {
      for (const media of ["image.png", "audio.wav"]) {
        const res = await t.app.inject(`/captcha/${bad}/${media}`);
        expect(res.statusCode, `${bad.slice(0, 40)} ${media}`).toBe(404);
        expect(res.body).not.toMatch(/select|insert|captchas|params|\.ts:\d/i); // no SQL, parameter or stack
      }
    }

    // With JavaScript, the ALTCHA widget takes their place: served here, with no inline script or style.
    expect(page.html.querySelector("altcha-widget")!.getAttribute("challenge")).toBe("/captcha/altcha");
    expect(page.html.querySelector("[data-captcha-widget]")!.hasAttribute("hidden")).toBe(true);
    const loaded = [...page.html.querySelectorAll("script[src]").map((el) => el.getAttribute("src")!), ...page.html.querySelectorAll('link[rel="stylesheet"]').map((el) => el.getAttribute("href")!)];
    const pageFiles = ["captcha.js"].map((name) => {
      const url = loaded.find((u) => u.endsWith(`/${name}`));
      expect(url, name).toMatch(/^\/static\/[0-9a-f]{16}\//);
      return url!;
    });
    // The widget's own files are fetched by captcha.js once the page is shown (never before its first paint).
    const box = page.html.querySelector("[data-captcha]")!;
    const widgetFiles = (
      [
        ["data-widget-script", "altcha/external/altcha.min.js"],
        ["data-widget-language", "altcha/i18n/fr-fr.js"],
        ["data-widget-style", "altcha/external/altcha.css"],
        ["data-worker", "altcha/workers/pbkdf2.js"],
      ] as const
    ).map(([attribute, name]) => {
      const url = box.getAttribute(attribute)!;
      expect(url, name).toMatch(new RegExp(`^/static/[0-9a-f]{16}/${name.replace(/\./g, "\\.")}$`));
      expect(loaded).not.toContain(url);
      return url;
    });
    for (const url of [...pageFiles, ...widgetFiles]) expect((await t.app.inject(url)).statusCode, url).toBe(200);
    expect(page.html.querySelectorAll("script:not([src]), style, [style]")).toHaveLength(0);
    // Only those files of the package: not the build that injects inline styles (even at its right hashed URL).
    const inlineBuild = readFileSync(join(dirname(dirname(createRequire(import.meta.url).resolve("altcha/altcha.css"))), "main", "altcha.js"));
    const inlineHash = createHash("sha256").update(inlineBuild).digest("hex").slice(0, 16);
    expect((await t.app.inject(`/static/${inlineHash}/altcha/main/altcha.js`)).statusCode).toBe(404);
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
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

describe("the captcha of JE CRÉE UN COMPTE (issue 6, items 12 and 13)", { timeout: 60_000 }, () => {
  const form = (email: string, extra: Record<string, string>) => ({
    kind: "particulier", familyName: "Garnier", givenName: "Anne", email, cgu: "oui", ...extra,
  });
  const captchaRows = async () => (await t.db.db.select({ n: count() }).from(captchas))[0]!.n;

  it("writes no captcha row for 200 views of the page", async () => {
    const before = await captchaRows();
    const browser = freshBrowser();
    const tokens = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const page = await t.app.inject({ url: "/compte/creer", remoteAddress: browser.ip });
      expect(page.statusCode).toBe(200);
      tokens.add(/name="captchaId" value="([^"]+)"/.exec(page.body)![1]!);
    }
    expect(tokens.size).toBe(200);
    expect(await captchaRows()).toBe(before);
    // Nor a session row: that part is the session's (the CSRF secret leaves the session; see security.test.ts).
  });

  it("serves a challenge's image and audio five times each, then asks for a new code", async () => {
    const { captchaId } = await signupForm(freshBrowser());
    for (let i = 0; i < 5; i++) expect((await t.app.inject(`/captcha/${captchaId}/image.png`)).statusCode).toBe(200);
    const sixth = await t.app.inject(`/captcha/${captchaId}/image.png`);
    expect(sixth.statusCode).toBe(410);
    expect(sixth.body).toContain("demandez un nouveau code");
    expect((await t.app.inject(`/captcha/${captchaId}/audio.wav`)).statusCode).toBe(200); // counted apart
  });

  it("refuses a token whose expiry was changed, even with its code", async () => {
    const browser = freshBrowser();
    const { captchaId } = await signupForm(browser);
    const answer = await t.captchaAnswer(captchaId);
    const [id, expires, signature] = captchaId.split(".") as [string, string, string];
    const page = await browser.post("/compte/creer", form("prolonge@example.fr", { captchaId: `${id}.${Number(expires) + 86_400}.${signature}`, captcha: answer }));
    expect(page.status).toBe(400);
    expect(fieldError(page, "captcha")).toBe("Le code saisi ne correspond pas à l'image. Recopiez le nouveau code affiché.");
  });

  it("accepts the widget's proof of work instead of the code, once", async () => {
    const altcha = await solveAltcha(t);
    const browser = freshBrowser();
    const { captchaId } = await signupForm(browser);
    const page = await browser.post("/compte/creer", form("preuve@example.fr", { captchaId, captcha: "", altcha }));
    expect(page.url).toBe("/compte/creer/envoye");
    expect(await t.mailsTo("preuve@example.fr")).toHaveLength(1);

    // The same proof again (another visitor, another page): refused.
    const replayer = freshBrowser();
    const again = await signupForm(replayer);
    const replay = await replayer.post("/compte/creer", form("rejeu@example.fr", { captchaId: again.captchaId, captcha: "", altcha }));
    expect(replay.status).toBe(400);
    expect(fieldError(replay, "captcha")).toBe("La vérification anti-robot a échoué ou a expiré. Cochez à nouveau la case « Je ne suis pas un robot ».");
    expect(await t.mailsTo("rejeu@example.fr")).toHaveLength(0);
  });

  it("refuses a tampered proof, and says when the widget had not finished", async () => {
    const altcha = await solveAltcha(t);
    const decoded = JSON.parse(Buffer.from(altcha, "base64").toString("utf8")) as { challenge: { parameters: { expiresAt: number } } };
    decoded.challenge.parameters.expiresAt += 86_400;
    const browser = freshBrowser();
    const { captchaId } = await signupForm(browser);
    const tampered = await browser.post("/compte/creer", form("falsifie@example.fr", { captchaId, captcha: "", altcha: Buffer.from(JSON.stringify(decoded)).toString("base64") }));
    expect(tampered.status).toBe(400);
    expect(fieldError(tampered, "captcha")).toBe("La vérification anti-robot a échoué ou a expiré. Cochez à nouveau la case « Je ne suis pas un robot ».");

    const early = await browser.post("/compte/creer", form("tot@example.fr", { captchaId: (await signupForm(browser)).captchaId, captcha: "", altcha: "" }));
    expect(early.status).toBe(400);
    expect(fieldError(early, "captcha")).toBe("La vérification anti-robot n'est pas terminée. Cochez la case « Je ne suis pas un robot » et attendez qu'elle soit validée.");
    expect(early.html.querySelector("#captcha-widget-error")!.textContent).toContain("pas terminée");
  });
});
