import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssetRegistry, buildStylesheet, usedClasses } from "../../src/web/static.ts";
import { createAgent, createService, type TestAgent } from "../helpers/agents.ts";
import { launchChromium, startLiveService, type LiveService } from "../helpers/browser.ts";
import { Browser as HttpBrowser } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { sendRequest, signInAgentPage, signInUser, type SentRequest } from "../helpers/life.ts";

/**
 * Issue 8, goal 1: the icons come from one sprite (src/web/icon-sprite.ts) — one SVG document
 * per page instead of one per icon. The pages must look exactly as they did with each icon
 * written into the stylesheet: both are drawn, and compared pixel by pixel.
 */

let live: LiveService;
let chromium: Browser;
let identifier: string;
/** A request sent by its owner, in the service of `agent`. */
let sent: SentRequest;
let agent: TestAgent;
/** The stylesheet as it was, each icon inline (same rules, same fonts' URLs). */
let inline: string;

beforeAll(async () => {
  live = await startLiveService();
  chromium = await launchChromium();
  identifier = await createActiveAccount(live.t, new HttpBrowser(live.t.app, "192.0.2.71"), { email: "icones@example.fr" });
  await createService(live.t.services, "cert-icones", ["75056"]);
  agent = await createAgent(live.t.services, { role: "instruction", serviceIds: ["cert-icones"], givenName: "Irène", familyName: "Icônes" });
  sent = await sendRequest(live.t, 72, "perte");
  inline = buildStylesheet(new AssetRegistry(), usedClasses(), { sprite: false }).css;
});
afterAll(async () => {
  await chromium?.close();
  await live?.close();
});

type Setting = { width: number; height: number; scheme: "light" | "dark"; scale?: number };

/** A screenshot of `path` once everything has loaded (the sprite too), the per-load captcha hidden. */
async function shot(page: Page, path: string, prepare?: (page: Page) => Promise<void>): Promise<Buffer> {
  await page.goto(`${live.url}${path}`, { waitUntil: "networkidle" });
  await page.evaluate(() => document.querySelectorAll<HTMLElement>("img.captcha-image, audio").forEach((e) => (e.style.visibility = "hidden")));
  if (prepare) await prepare(page);
  await page.evaluate(() => document.fonts.ready);
  return page.screenshot({ fullPage: !prepare, animations: "disabled", caret: "hide" });
}

/**
 * The distinct mask images the page's pseudo-elements show, and those of them drawn in a box
 * that is not square (the sprite assumes square boxes: src/web/icon-sprite.ts).
 */
async function maskImages(page: Page): Promise<string[]> {
  const { images, notSquare } = await page.evaluate(() => {
    const found = new Set<string>();
    const odd: string[] = [];
    for (const element of Array.from(document.querySelectorAll("*"))) {
      for (const pseudo of ["::before", "::after"]) {
        const style = getComputedStyle(element, pseudo);
        if (style.display === "none" || !style.maskImage || style.maskImage === "none") continue;
        found.add(style.maskImage);
        if (style.width !== style.height) odd.push(`${element.className}${pseudo} ${style.width} × ${style.height}`);
      }
    }
    return { images: [...found], notSquare: odd };
  });
  expect(notSquare, `${page.url()}: icons in boxes that are not square`).toEqual([]);
  return images;
}

async function differingPixels(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((s) => sharp(s).raw().toBuffer({ resolveWithObject: true })));
  expect([y!.info.width, y!.info.height]).toEqual([x!.info.width, x!.info.height]);
  let differing = 0;
  for (let i = 0; i < x!.data.length; i += x!.info.channels) {
    for (let c = 0; c < x!.info.channels; c++) {
      if (x!.data[i + c] !== y!.data[i + c]) {
        differing++;
        break;
      }
    }
  }
  return differing;
}

type Who = "visitor" | "user" | "owner" | "agent";

async function signIn(page: Page, who: Who): Promise<void> {
  if (who === "user") await signInUser(page, live.url, identifier);
  if (who === "owner") await signInUser(page, live.url, sent.identifier);
  if (who === "agent") await signInAgentPage(page, live.url, live.t, agent);
}

async function compare(path: string, setting: Setting, who: Who, prepare?: (page: Page) => Promise<void>): Promise<void> {
  const context = await chromium.newContext({ viewport: { width: setting.width, height: setting.height }, deviceScaleFactor: setting.scale ?? 1, colorScheme: setting.scheme, locale: "fr-FR" });
  try {
    const page = await context.newPage();
    await signIn(page, who);
    const sprited = await shot(page, path, prepare);
    const masks = await maskImages(page);
    // Every icon of the page from the one sprite: a single SVG image, so a single SVG document.
    expect(masks.length, `${path}: icons shown`).toBeGreaterThan(0);
    expect(masks, path).toEqual([expect.stringMatching(/^url\("http:\/\/127\.0\.0\.1:\d+\/static\/[0-9a-f]{16}\/icons\.svg"\)$/)]);

    await page.route(/\/static\/[0-9a-f]{16}\/styles\.css$/, (route) => route.fulfill({ body: inline, contentType: "text/css; charset=utf-8" }));
    const before = await shot(page, path, prepare);
    expect(await maskImages(page), `${path}: the reference draws each icon from its own data: URL`).not.toEqual(masks);
    expect(await differingPixels(sprited, before), `${path} (${setting.width} px, ${setting.scheme}): pixels that differ`).toBe(0);
  } finally {
    await context.close();
  }
}

const PHONE: Setting = { width: 390, height: 844, scheme: "light" };
const PHONE_DARK: Setting = { ...PHONE, scheme: "dark" };
/** A phone's screen: three device pixels per CSS pixel, where a cell's edge would show first. */
const PHONE_3X: Setting = { ...PHONE, scale: 3 };
const DESKTOP: Setting = { width: 1280, height: 900, scheme: "light" };

describe("icons from one sprite", () => {
  it.each([
    ["/", PHONE, "visitor"],
    ["/", PHONE_DARK, "visitor"],
    ["/", DESKTOP, "visitor"],
    ["/", PHONE_3X, "visitor"],
    ["/connexion", PHONE, "visitor"],
    ["/compte/creer", PHONE, "visitor"],
    ["/compte/creer", DESKTOP, "visitor"],
    ["/aide", DESKTOP, "visitor"],
    ["/mon-espace", PHONE, "user"],
    ["/mon-espace", PHONE_DARK, "user"],
    ["/mon-espace", DESKTOP, "user"],
    ["/demandes/nouvelle", PHONE, "user"],
    ["/demandes/nouvelle", PHONE_3X, "user"],
    ["the request sent", PHONE, "owner"],
    ["/agent/dossiers", DESKTOP, "agent"],
    ["the request in the back-office", DESKTOP, "agent"],
  ] as const)("%s looks the same as with each icon inline (%o, %s)", async (name, setting, who) => {
    const path = name === "the request sent" ? `/demandes/${sent.id}` : name === "the request in the back-office" ? `/agent/dossiers/${sent.id}` : name;
    await compare(path, setting, who);
  });

  it("the phone's open menu (its close button, the account's links) looks the same", async () => {
    await compare("/mon-espace", PHONE, "user", async (page) => {
      await page.getByRole("button", { name: "Menu" }).click();
      await page.locator(".fr-header__menu.fr-modal--opened").waitFor();
      await page.waitForTimeout(400);
    });
  });
});
