import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgent, createService, type TestAgent } from "../helpers/agents.ts";
import { launchChromium, startLiveService, type LiveService } from "../helpers/browser.ts";
import { Browser as HttpBrowser } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { signInAgentPage, signInUser } from "../helpers/life.ts";

/**
 * Issue 8, goal 1: the pages preload the Marianne faces they draw before the first paint
 * (src/web/views/layout.tsx, `FontPreloads`, in the citizens' and the agents' layouts). A
 * preloaded face that a page does not draw is 59 kB taken from a phone's bandwidth for nothing
 * (and a warning in the console); a face drawn but not preloaded is discovered by the first style
 * recalculation, after the stylesheet, and Lighthouse's simulation counts its download before the
 * first paint (docs/PERFORMANCE.md, seventh pass).
 */

let live: LiveService;
let chromium: Browser;
let identifier: string;
let agent: TestAgent;
beforeAll(async () => {
  live = await startLiveService();
  chromium = await launchChromium();
  identifier = await createActiveAccount(live.t, new HttpBrowser(live.t.app, "192.0.2.73"), { email: "polices@example.fr" });
  await createService(live.t.services, "cert-polices", ["75056"]);
  agent = await createAgent(live.t.services, { role: "instruction", serviceIds: ["cert-polices"], givenName: "Paule", familyName: "Polices" });
});
afterAll(async () => {
  await chromium?.close();
  await live?.close();
});

/** The DSFR's faces of Marianne by file (its @font-face rules: dsfr/core). */
const WEIGHT_OF_FILE: Record<string, string> = { "Marianne-Regular.woff2": "400", "Marianne-Medium.woff2": "500", "Marianne-Bold.woff2": "700" };

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

describe("the fonts the pages preload", { timeout: 120_000 }, () => {
  it.each([
    ["/", PHONE, "visitor"],
    ["/", DESKTOP, "visitor"],
    ["/connexion", PHONE, "visitor"],
    ["/compte/creer", PHONE, "visitor"],
    ["/mot-de-passe-oublie", PHONE, "visitor"],
    ["/aide", PHONE, "visitor"],
    ["/mon-espace", PHONE, "user"],
    ["/mon-espace", DESKTOP, "user"],
    ["/demandes/nouvelle", PHONE, "user"],
    ["/agent/connexion", DESKTOP, "visitor"],
    ["/agent/dossiers", DESKTOP, "agent"],
  ] as const)("%s (%o, %s): the preloaded faces are the ones the page draws on load", async (path, viewport, who) => {
    const context = await chromium.newContext({ viewport, locale: "fr-FR" });
    try {
      const page = await context.newPage();
      if (who === "user") await signInUser(page, live.url, identifier);
      if (who === "agent") await signInAgentPage(page, live.url, live.t, agent);
      await page.goto(`${live.url}${path}`, { waitUntil: "load" });
      // A layout first (the faces a page draws are requested by it), then every face it asked for.
      await page.evaluate(async () => {
        void document.body.getBoundingClientRect();
        await document.fonts.ready;
      });
      const preloaded = await page.locator('head link[rel="preload"][as="font"]').evaluateAll((links) => links.map((l) => l.getAttribute("href")!.split("/").at(-1)!));
      const drawn = await page.evaluate(() => {
        const weights: string[] = [];
        document.fonts.forEach((f) => {
          if (f.family.replace(/["']/g, "") === "Marianne" && f.style === "normal" && f.status === "loaded") weights.push(f.weight);
        });
        return weights;
      });
      expect(preloaded.map((file) => WEIGHT_OF_FILE[file] ?? file).sort(), `${path}: preloaded`).toEqual([...new Set(drawn)].sort());
    } finally {
      await context.close();
    }
  });
});
