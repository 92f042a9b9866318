import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOTIFS } from "../../src/domain/request/motifs.ts";
import { HELP_PAGES } from "../../src/web/citizen/views/help/frame.tsx";
import { expectAccessible, launchChromium, newContext, startLiveService, type LiveService } from "../helpers/browser.ts";
import { Browser as HttpBrowser } from "../helpers/client.ts";
import { createActiveAccount, GOOD_PASSWORD } from "../helpers/flows.ts";

/** The help pages, the photographers' search and the account home, checked by axe-core (WCAG 2.1 A and AA) in Chromium. */
let live: LiveService;
let chromium: Browser;
beforeAll(async () => {
  live = await startLiveService();
  chromium = await launchChromium();
  await live.t.services.photoCodes.addProvider({ name: "Studio Bellecour", kind: "photographe", address: "2 place Bellecour", postcode: "69002", commune: "Lyon" });
});
afterAll(async () => {
  await chromium?.close();
  await live?.close();
});

const PATHS = ["/aide", ...HELP_PAGES.map((p) => p.path), `/aide/pieces/${MOTIFS[0]!.id}`, "/aide/pieces/fabrication.perte", "/photographes?q=69100"];

describe("help pages in a browser", { timeout: 240_000 }, () => {
  it("are reached from the header's « Aide »", async () => {
    const context = await newContext(chromium, true);
    const page = await context.newPage();
    try {
      await page.goto(`${live.url}/`);
      await page.locator('#header-navigation a[href="/aide"]').click();
      await page.waitForURL(/\/aide$/);
      expect(await page.locator("h1").innerText()).toBe("Aide");
    } finally {
      await context.close();
    }
  });

  it.each(PATHS)("%s is accessible (axe-core)", async (path) => {
    const context = await newContext(chromium, true);
    const page = await context.newPage();
    try {
      await page.goto(`${live.url}${path}`);
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });

  it("finds a photographer from the photo help, without JavaScript", async () => {
    const context = await newContext(chromium, false);
    const page = await context.newPage();
    try {
      await page.goto(`${live.url}/aide/photo`);
      await page.getByLabel("Commune ou code postal").fill("Villeurbanne");
      await page.getByRole("button", { name: "Rechercher" }).click();
      await page.waitForURL(/\/photographes\?q=Villeurbanne/);
      expect(await page.locator("#photographers-table tbody tr").first().innerText()).toContain("Studio Bellecour");
    } finally {
      await context.close();
    }
  });

  it("the account home, with its search, is accessible", async () => {
    const identifier = await createActiveAccount(live.t, new HttpBrowser(live.t.app, "192.0.2.150"), { email: "aide-navigateur@example.fr" });
    const context = await newContext(chromium, true);
    const page = await context.newPage();
    try {
      await page.goto(`${live.url}/connexion`);
      await page.getByLabel(/^Identifiant/).fill(identifier);
      await page.locator("#password").fill(GOOD_PASSWORD);
      await page.getByRole("button", { name: "ME CONNECTER" }).click();
      await page.waitForURL(/\/mon-espace$/);
      await expectAccessible(page);
      await page.getByLabel("Rechercher dans la liste").fill("Brouillon");
      await page.locator('section[aria-labelledby="mes-demandes"] form[role="search"] button[type="submit"]').click();
      await page.waitForURL(/\/mon-espace\?q=Brouillon/);
      expect(await page.locator("#search-result").innerText()).toContain("Aucune demande ne correspond à « Brouillon »");
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });
});
