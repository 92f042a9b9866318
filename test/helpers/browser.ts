import { execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import type { DemoProvider } from "../../src/services/franceconnect-demo.ts";
import { startTestApp, type TestApp } from "./app.ts";
import { FC_ENV, startTestProvider } from "./franceconnect.ts";
import { startSmtp, type TestSmtp } from "./smtp.ts";

/**
 * Journeys in a real browser: Debian's Chromium driven by playwright-core (no browser is
 * downloaded), against the service listening on a real port, with a real SMTP server and
 * the demonstration FranceConnect provider.
 */
export interface LiveService {
  url: string;
  t: TestApp;
  smtp: TestSmtp;
  provider: DemoProvider;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startLiveService(): Promise<LiveService> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const smtp = await startSmtp();
  const provider = await startTestProvider(url);
  const t = await startTestApp({ franceConnectIssuer: provider.issuer, env: { ...FC_ENV, PUBLIC_URL: url, SMTP_URL: smtp.url } });
  t.services.outbox.start();
  await t.app.listen({ port, host: "127.0.0.1" });
  return {
    url,
    t,
    smtp,
    provider,
    async close() {
      await t.close();
      await provider.close();
      await smtp.close();
    },
  };
}

function chromiumPath(): string {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("Debian's chromium is required for the browser tests: apt-get install chromium (.ci/run does it).");
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export async function newContext(browser: Browser, javaScriptEnabled: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled, locale: "fr-FR" });
  // A step that cannot happen fails with its own message, well before the test's time limit.
  context.setDefaultTimeout(10_000);
  return context;
}

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page; fails with the list of violations. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/**
 * Ticks a DSFR radio button or checkbox the way a mouse user does: by clicking its label (the
 * DSFR draws the box on the label and hides the input, which Playwright's check() waits on).
 */
export async function tick(page: Page, label: string | RegExp): Promise<void> {
  const input = page.getByLabel(label, { exact: typeof label === "string" }).first();
  const id = await input.getAttribute("id");
  await page.locator(`label[for="${id}"]`).click({ position: { x: 8, y: 8 } });
  expect(await input.isChecked()).toBe(true);
}

/** Picks the option `value` of the radio group `name` by clicking its label. */
export async function choose(page: Page, name: string, value: string): Promise<void> {
  const input = page.locator(`input[name="${name}"][value="${value}"]`);
  const id = await input.getAttribute("id");
  await page.locator(`label[for="${id}"]`).click({ position: { x: 8, y: 8 } });
  expect(await input.isChecked()).toBe(true);
}
