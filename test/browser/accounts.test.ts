import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { expectAccessible, expectAccessible as checkPage, launchChromium, newContext, startLiveService, type LiveService } from "../helpers/browser.ts";
import { ANGELA } from "../helpers/franceconnect.ts";

let live: LiveService;
let chromium: Browser;
beforeAll(async () => {
  live = await startLiveService();
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
  await live?.close();
});

const PASSWORD = "Conduire#2026";

/** Creates an account through the pages, reading each mail from the SMTP server. */
async function accountJourney(page: Page, email: string, javaScript: boolean) {
  // axe-core runs as a script in the page: it checks the pages with JavaScript on (the same HTML).
  const expectAccessible = javaScript ? checkPage : async (_page: Page) => {};
  // Nothing the pages load (the captcha widget included) may need more than the CSP allows.
  const blocked: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
  });
  await page.goto(`${live.url}/`);
  await expectAccessible(page);
  await page.getByRole("link", { name: "Créer un compte" }).first().click();
  await page.waitForURL(/\/compte\/creer$/);
  await expectAccessible(page);

  // A first try with nothing filled in: errors at the top and beside each field.
  await page.getByRole("button", { name: "CRÉER MON COMPTE" }).click();
  expect(await page.title()).toMatch(/^Erreur : /);
  expect(await page.locator("#error-summary li").count()).toBe(5);
  if (javaScript) expect(await page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
  await expectAccessible(page);

  await page.getByLabel("Je suis ...").selectOption({ label: "Particulier" });
  await page.getByLabel("Nom de famille").fill("Lambert");
  await page.getByLabel("Prénom").fill("Sylvie");
  await page.getByLabel("Adresse mél").fill(email);
  if (javaScript) {
    // The ALTCHA widget took the place of the image and audio code (its files were fetched when
    // the form got the focus): no code to type.
    await page.locator('[data-captcha][data-mode="widget"]').waitFor({ state: "attached" });
    expect(await page.getByLabel("Saisir le code ci-dessus").isVisible()).toBe(false);
    expect(await page.locator("img.captcha-image").isVisible()).toBe(false);
  } else {
    expect(await page.locator("altcha-widget").isVisible()).toBe(false);
    const captchaId = await page.locator('input[name="captchaId"]').inputValue();
    await page.getByLabel("Saisir le code ci-dessus").fill(await live.t.captchaAnswer(captchaId));
  }
  // As a keyboard user would (the DSFR draws the box on the label).
  await page.getByLabel("J'accepte les conditions générales").focus();
  await page.keyboard.press("Space");
  expect(await page.getByLabel("J'accepte les conditions générales").isChecked()).toBe(true);
  if (javaScript) {
    // The widget's proof of work started once it was in place (see the test below for files
    // arriving after the fields are filled); the box ticks itself once the work is done. The work
    // is production's (4,000 to 8,000 tries of 1,000 PBKDF2 rounds): about 15 s alone on a slow
    // 2-core host, more while the rest of the suite runs beside it.
    await page.locator("altcha-widget .altcha[data-state='verified']").waitFor({ timeout: 240_000 });
    expect(await page.locator('altcha-widget input[type="checkbox"]').isChecked()).toBe(true);
    expect(await page.locator('altcha-widget input[name="altcha"]').inputValue()).not.toBe("");
    expect(blocked).toEqual([]);
    await expectAccessible(page);
  }
  await page.getByRole("button", { name: "CRÉER MON COMPTE" }).click();
  await page.waitForURL(/\/compte\/creer\/envoye$/);
  expect(await page.locator(".fr-alert").innerText()).toContain("Un mél d'activation de votre compte vient de vous être envoyé.");
  await expectAccessible(page);

  const activation = await live.smtp.waitFor((m) => m.to.includes(email) && m.subject.startsWith("Activez"));
  const link = /http:\/\/\S+\/compte\/activer\/\S+/.exec(activation.text)![0];
  await page.goto(link);
  expect(await page.locator("h1").innerText()).toBe("VOUS Y ÊTES PRESQUE !");
  await expectAccessible(page);

  // A weak password first: the unmet parts are named.
  await page.getByLabel("Femme").focus();
  await page.keyboard.press("Space");
  expect(await page.getByLabel("Femme").isChecked()).toBe(true);
  await page.getByLabel("Mot de passe", { exact: false }).first().fill("faible");
  await page.getByLabel("Confirmez le mot de passe").fill("faible");
  await page.getByLabel(/^Question secrète/).selectOption({ label: "Quel est le prénom de votre père ?" });
  await page.getByLabel("Réponse à votre question secrète").fill("Jean");
  await page.getByRole("button", { name: "ME CONNECTER" }).click();
  expect(await page.locator("#password-message-error").innerText()).toContain("une lettre majuscule");
  await expectAccessible(page);

  await page.locator("#password").fill(PASSWORD);
  await page.getByLabel("Confirmez le mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "ME CONNECTER" }).click();
  await page.waitForURL(/\/mon-espace$/);
  expect(await page.locator("h1").innerText()).toBe("Bienvenue Sylvie Lambert");
  expect(await page.locator("#requests-table tbody").innerText()).toContain("Aucune demande à afficher");
  await expectAccessible(page);

  const identifierMail = await live.smtp.waitFor((m) => m.to.includes(email) && m.subject.startsWith("Votre identifiant"));
  const identifier = /Votre identifiant est : (\S+)/.exec(identifierMail.text)![1]!;

  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(/\/connexion\?deconnecte=1$/);
  await expectAccessible(page);
  await page.getByLabel(/^Identifiant/).fill(identifier);
  await page.locator("#password").fill(PASSWORD);
  await page.getByRole("button", { name: "ME CONNECTER" }).click();
  await page.waitForURL(/\/mon-espace$/);
  expect(await page.locator("h1").innerText()).toBe("Bienvenue Sylvie Lambert");
}

/** Holds the widget's script back (its request waits) until the returned function is called. */
async function holdWidgetScript(page: Page): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/altcha\.min\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

describe("in a real browser", { timeout: 120_000 }, () => {
  it("creates an account, activates it from the mail, signs out and back in with the identifier — with JavaScript", { timeout: 360_000 }, async () => {
    const context = await newContext(chromium, true);
    try {
      await accountJourney(await context.newPage(), "navigateur@example.fr", true);
    } finally {
      await context.close();
    }
  });

  it("does the same journey with JavaScript disabled", async () => {
    const context = await newContext(chromium, false);
    try {
      await accountJourney(await context.newPage(), "sans-js@example.fr", false);
    } finally {
      await context.close();
    }
  });

  it("keeps the image and audio code for someone already typing it when the widget's files arrive late", async () => {
    const context = await newContext(chromium, true);
    try {
      const page = await context.newPage();
      // The widget's script is held back, as on a slow phone, until the code is being typed.
      const release = await holdWidgetScript(page);
      await page.goto(`${live.url}/compte/creer`);
      const code = page.getByLabel("Saisir le code ci-dessus");
      await code.fill("12");
      release();
      // captcha.js has loaded the widget's files, then settled on the code.
      await page.locator("[data-captcha][data-mode]").waitFor({ state: "attached" });
      expect(await page.locator("[data-captcha]").getAttribute("data-mode")).toBe("code");
      expect(await page.evaluate(() => customElements.get("altcha-widget") !== undefined)).toBe(true);
      expect(await code.isVisible()).toBe(true);
      expect(await code.inputValue()).toBe("12");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("captcha");
      expect(await page.locator("[data-captcha-widget]").isVisible()).toBe(false);
    } finally {
      await context.close();
    }
  });

  it("starts the widget's proof of work as soon as it is in place, for someone who filled the form before its files arrived", { timeout: 120_000 }, async () => {
    const context = await newContext(chromium, true);
    try {
      const page = await context.newPage();
      // The widget's script is held back, as on a slow phone, until the fields are filled.
      const release = await holdWidgetScript(page);
      await page.goto(`${live.url}/compte/creer`);
      await page.getByLabel("Je suis ...").selectOption({ label: "Particulier" });
      await page.getByLabel("Nom de famille").fill("Lambert");
      await page.getByLabel("Prénom").fill("Sylvie");
      await page.getByLabel("Adresse mél").fill("lente@example.fr");
      release();
      await page.locator('[data-captcha][data-mode="widget"]').waitFor({ state: "attached" });
      // No other focus, click or key: the work starts by itself, and the focus stays where it was.
      await page.locator("altcha-widget .altcha:is([data-state='verifying'], [data-state='verified'])").waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("email");
      expect(await page.getByLabel("Adresse mél").inputValue()).toBe("lente@example.fr");
    } finally {
      await context.close();
    }
  });

  it("fetches the widget's files only once someone starts on the form, not while the page loads", async () => {
    const context = await newContext(chromium, true);
    try {
      const page = await context.newPage();
      const widgetFiles: string[] = [];
      page.on("request", (request) => {
        if (/\/altcha\//.test(request.url())) widgetFiles.push(request.url());
      });
      await page.goto(`${live.url}/compte/creer`, { waitUntil: "load" });
      await page.waitForTimeout(1_000);
      // Loaded, shown, untouched: the image and audio code is there, the widget is not fetched.
      expect(widgetFiles).toEqual([]);
      expect(await page.locator("[data-captcha]").getAttribute("data-mode")).toBeNull();
      expect(await page.getByLabel("Saisir le code ci-dessus").isVisible()).toBe(true);
      // The first field of the form gets the focus: the widget comes and takes the code's place.
      await page.getByLabel("Nom de famille").focus();
      await page.locator('[data-captcha][data-mode="widget"]').waitFor({ state: "attached" });
      expect(widgetFiles.some((url) => url.endsWith("/altcha.min.js"))).toBe(true);
      expect(await page.getByLabel("Saisir le code ci-dessus").isVisible()).toBe(false);
      expect(await page.locator("[data-captcha-widget]").isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("signs in and out with FranceConnect against the demonstration provider", async () => {
    const context = await newContext(chromium, true);
    try {
      const page = await context.newPage();
      await page.goto(`${live.url}/connexion`);
      await page.getByRole("link", { name: "S’identifier avec FranceConnect" }).click();
      await page.waitForURL(new RegExp(`^${live.provider.issuer}/interaction/`));
      await page.getByRole("button", { name: `Se connecter en tant que ${ANGELA.given_name} ${ANGELA.family_name}` }).click();
      await page.waitForURL(/\/mon-espace$/);
      expect(await page.locator("h1").innerText()).toBe("Bienvenue Angela Claire Louise DUBOIS");
      await expectAccessible(page);
      await page.getByRole("button", { name: "Se déconnecter" }).click();
      await page.waitForURL(new RegExp(`^${live.provider.issuer}/`));
      await page.getByRole("button", { name: "Se déconnecter" }).click();
      await page.waitForURL(/\/connexion\?deconnecte=1$/);
    } finally {
      await context.close();
    }
  });

  it("fetches the display settings' pictograms only when their dialog opens", async () => {
    const context = await newContext(chromium, true);
    try {
      const page = await context.newPage();
      const pictograms: string[] = [];
      page.on("request", (request) => {
        if (request.url().includes("/artwork/pictograms/")) pictograms.push(new URL(request.url()).pathname);
      });
      await page.goto(`${live.url}/connexion`, { waitUntil: "load" });
      await page.waitForTimeout(500);
      expect(pictograms).toEqual([]);
      // The files the dialog names: sun, moon and system.
      const uses = page.locator("#fr-theme-modal use");
      expect(await uses.count()).toBe(9);
      const named = new Set((await uses.evaluateAll((all) => all.map((use) => use.getAttribute("data-href") ?? ""))).map((href) => href.split("#")[0] ?? ""));
      expect([...named].map((path) => path.replace(/^.*\//, "").split(/[.-]/)[0]).sort()).toEqual(["moon", "sun", "system"]);
      await page.getByRole("button", { name: "Paramètres d'affichage" }).click();
      await page.locator("#fr-theme-modal").waitFor({ state: "visible" });
      // Each pictogram's three layers now point at its file, which is fetched.
      expect(await uses.evaluateAll((all) => all.filter((use) => use.getAttribute("href") && !use.hasAttribute("data-href")).length)).toBe(9);
      await expect.poll(() => new Set(pictograms).size).toBe(3);
      expect(new Set(pictograms)).toEqual(named);
      const sun = page.locator("#fr-theme-modal .fr-radio-rich__pictogram svg").first();
      expect((await sun.boundingBox())?.width).toBeGreaterThan(0);
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });

  it("has no accessibility violation on the other pages", async () => {
    const context = await newContext(chromium, true);
    try {
      const page = await context.newPage();
      // The DSFR's script runs in production mode: it starts (data-fr-js) and writes nothing to the console.
      const dsfrMessages: string[] = [];
      page.on("console", (message) => {
        if (/dsfr/i.test(message.text())) dsfrMessages.push(message.text());
      });
      for (const path of ["/identifiant-oublie", "/mot-de-passe-oublie", "/compte/activation/renvoyer", "/accessibilite", "/mentions-legales", "/donnees-personnelles", "/cookies", "/cgu", "/nulle-part", "/compte/activer/inconnu", "/dev/mails"]) {
        await page.goto(`${live.url}${path}`);
        await expectAccessible(page);
      }
      // Forms in their error state.
      await page.goto(`${live.url}/mot-de-passe-oublie`);
      await page.getByRole("button", { name: "Recevoir un lien de réinitialisation" }).click();
      expect(await page.locator("#error-summary li").count()).toBe(3);
      await expectAccessible(page);
      await page.goto(`${live.url}/connexion`);
      await page.getByRole("button", { name: "ME CONNECTER" }).click();
      await expectAccessible(page);
      // The display settings dialog (JavaScript).
      await page.getByRole("button", { name: "Paramètres d'affichage" }).click();
      await page.getByText("Thème sombre").click();
      expect(await page.evaluate(() => document.documentElement.getAttribute("data-fr-theme"))).toBe("dark");
      await page.getByRole("button", { name: "Fermer" }).first().click();
      await page.locator("#fr-theme-modal").waitFor({ state: "hidden" });
      await page.waitForTimeout(500); // the DSFR's colour transition
      await expectAccessible(page);
      expect(await page.evaluate(() => document.documentElement.getAttribute("data-fr-js"))).toBe("true");
      expect(dsfrMessages).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
