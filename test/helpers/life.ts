import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, asc, eq, gt } from "drizzle-orm";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { agents, outbox } from "../../src/db/schema.ts";
import { SMS_TEXTS, type RequestMessage } from "../../src/domain/request/messages.ts";
import { frenchMobileE164 } from "../../src/domain/sms.ts";
import { requestMail } from "../../src/services/mails.tsx";
import type { TestApp } from "./app.ts";
import { currentCode, type TestAgent } from "./agents.ts";
import { Browser as HttpBrowser, summaryErrors, type Form } from "./client.ts";
import { createActiveAccount, GOOD_PASSWORD } from "./flows.ts";
import { pdf, photoCode, PNG, stamp, STEP1_PERTE, STEP2, STEP3, upload } from "./requests.ts";

/**
 * The life of a request in a real browser (issue 9): a request sent over HTTP by its user (what
 * the wizard's own browser tests cover), then moved by agents signed in through the pages, with
 * the user's page, the mails and the SMS of each step checked.
 */

/** The motifs of the journeys: a loss (attestation de droits) and a first licence's inscription (NEPH, attestation d'inscription). */
export const MOTIFS = {
  perte: { form: { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" }, step1: STEP1_PERTE },
  inscription: {
    form: { beneficiaire: "moi", pour: "majeur", group: "inscription", inscription: "premier_permis" },
    step1: { ...STEP1_PERTE, conduiteAccompagnee: "non" },
  },
} as const satisfies Record<string, { form: Form; step1: Form }>;

export interface SentRequest {
  /** The user's HTTP browser (signed in). */
  b: HttpBrowser;
  identifier: string;
  id: string;
  number: string;
  /** The step-3 email and mobile (E.164): where the mails and SMS of the request go. */
  email: string;
  mobile: string;
}

/**
 * A user's request sent over HTTP: a new account (address 192.0.2.`n`), the motif, steps 1 to 3
 * with the step-3 email `contact-<n>@example.fr` and a mobile, a digital photo code (so that the
 * images agent has a photo and a signature to check), a PDF for each piece step 5 asks, the stamp.
 */
export async function sendRequest(t: TestApp, n: number, motif: keyof typeof MOTIFS): Promise<SentRequest> {
  const b = new HttpBrowser(t.app, `192.0.2.${n}`);
  const identifier = await createActiveAccount(t, b, { email: `usager-${n}@example.fr` });
  const email = `contact-${n}@example.fr`;
  const telephone = "06 12 34 56 78";
  await b.get("/demandes/nouvelle");
  const created = await b.post("/demandes/nouvelle", MOTIFS[motif].form);
  const id = /^\/demandes\/([0-9a-f-]{36})\/etape\/1$/.exec(created.url)?.[1];
  if (!id) throw new Error(`no draft: ${created.status} ${created.url} ${summaryErrors(created).join(" | ")}`);
  const steps: Array<[number, Form]> = [
    [1, MOTIFS[motif].step1],
    [2, STEP2],
    [3, { ...STEP3, email, telephone }],
    [4, { photoOption: "numerique", codePhoto: await photoCode(t), action: "suivant" }],
  ];
  for (const [step, answers] of steps) {
    const page = await b.post(`/demandes/${id}/etape/${step}`, answers);
    if (summaryErrors(page).length > 0 || page.url !== `/demandes/${id}/etape/${step + 1}`) {
      throw new Error(`step ${step} refused (${page.url}): ${summaryErrors(page).join(" | ")}`);
    }
  }
  // Every piece step 5 offers (not the complementary one).
  const step5 = await b.get(`/demandes/${id}/etape/5`);
  const pieces = step5.html
    .querySelectorAll('input[type="file"]')
    .map((input) => input.getAttribute("name") ?? "")
    .filter((name) => name.startsWith("fichier-") && name !== "fichier-complementaire")
    .map((name) => name.slice("fichier-".length));
  for (const piece of pieces) {
    const page = await upload(b, id, { piece }, { name: `${piece}.pdf`, type: "application/pdf", content: await pdf(1) });
    if (page.answer.status !== 303) throw new Error(`upload of ${piece} refused: ${summaryErrors(page).join(" | ")}`);
  }
  const hasStamp = step5.html.querySelector('input[name="numeroTimbre"]') !== null;
  const afterStep5 = await b.post(`/demandes/${id}/etape/5`, { ...(hasStamp ? { numeroTimbre: await stamp(t) } : {}), action: "suivant" });
  if (afterStep5.url !== `/demandes/${id}/etape/6`) throw new Error(`step 5 refused: ${summaryErrors(afterStep5).join(" | ")}`);
  const sent = await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" });
  if (sent.url !== `/demandes/${id}/etape/7`) throw new Error(`not sent: ${sent.status} ${sent.url} ${summaryErrors(sent).join(" | ")}`);
  const number = /PC-\d{4}-\d{7}/.exec(sent.text("main"))?.[0];
  if (!number) throw new Error("no request number on the confirmation");
  return { b, identifier, id, number, email, mobile: frenchMobileE164(telephone)! };
}

/** A PNG and a PDF on disk, for the browser's file inputs. */
export async function filesDir(): Promise<{ dir: string; pdf: string; png: string }> {
  const dir = mkdtempSync(join(tmpdir(), "permis-life-"));
  writeFileSync(join(dir, "nouveau-justificatif.pdf"), await pdf(2));
  writeFileSync(join(dir, "image.png"), PNG);
  return { dir, pdf: join(dir, "nouveau-justificatif.pdf"), png: join(dir, "image.png") };
}

/** Signs the user in through the pages. */
export async function signInUser(page: Page, url: string, identifier: string): Promise<void> {
  await page.goto(`${url}/connexion`);
  await page.getByLabel(/^Identifiant/).fill(identifier);
  await page.locator("#password").fill(GOOD_PASSWORD);
  await page.getByRole("button", { name: "ME CONNECTER" }).click();
  await page.waitForURL(/\/mon-espace$/);
}

/**
 * Signs an agent in through the pages: email and password, then the TOTP code of the app's clock.
 * The last accepted step is forgotten first (one agent may sign in twice within 30 seconds).
 * `check` runs on each page (axe-core).
 */
export async function signInAgentPage(page: Page, url: string, t: TestApp, agent: TestAgent, check: (page: Page) => Promise<void> = async () => {}): Promise<void> {
  await t.services.database.db.update(agents).set({ totpLastStep: null }).where(eq(agents.id, agent.id));
  await page.goto(`${url}/agent/connexion`);
  expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Connexion à l'espace agents");
  await check(page);
  await page.getByLabel(/^Adresse électronique professionnelle/).fill(agent.email);
  await page.getByLabel(/^Mot de passe/).fill(agent.password);
  await page.getByRole("button", { name: "Continuer" }).click();
  await page.waitForURL(/\/agent\/connexion\/code$/);
  await check(page);
  await page.getByLabel(/^Code de vérification/).fill(currentCode(t, agent));
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL(/\/agent\/dossiers(\?.*)?$/);
}

/** The state label of the request on the user's own page (the badge beside its meaning). */
export async function userState(page: Page, url: string, id: string): Promise<string> {
  await page.goto(`${url}/demandes/${id}`);
  // textContent: the DSFR badge is drawn in capitals (text-transform), the label is the words.
  return ((await page.locator("main .fr-badge").first().textContent()) ?? "").trim();
}

/** The state badge of the request on the agent's page. */
export async function agentState(page: Page): Promise<string> {
  return ((await page.locator("#etat").textContent()) ?? "").trim();
}

export interface ExpectedMessage {
  channel: "mail" | "sms";
  recipient: string;
  /** The mail's subject, or the SMS's text. */
  text: string;
}

/** What a request's event sends to its step-3 contact (who accepted messages of information). */
export function expectedMessages(r: Pick<SentRequest, "email" | "mobile" | "number">, events: readonly RequestMessage[]): ExpectedMessage[] {
  const out: ExpectedMessage[] = [];
  for (const event of events) {
    const mail = requestMail(r.email, event, { number: r.number, motif: "", optionalMessages: true });
    if (mail) out.push({ channel: "mail", recipient: r.email, text: mail.subject });
    const sms = SMS_TEXTS[event];
    if (sms) out.push({ channel: "sms", recipient: r.mobile, text: sms({ number: r.number }) });
  }
  return sortMessages(out);
}

function sortMessages(list: ExpectedMessage[]): ExpectedMessage[] {
  return [...list].sort((a, b) => `${a.channel}|${a.text}`.localeCompare(`${b.channel}|${b.text}`));
}

/**
 * The outbox of one request, step by step: `next()` gives the messages written since the last
 * call (mails by subject, SMS by text), sorted, so that each step's are checked exactly.
 */
export class RequestOutbox {
  private last = 0;
  constructor(
    private readonly t: TestApp,
    private readonly requestId: string,
  ) {}

  async next(): Promise<ExpectedMessage[]> {
    const rows = await this.t.db.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.requestId, this.requestId), gt(outbox.id, this.last)))
      .orderBy(asc(outbox.id));
    if (rows.length > 0) this.last = rows.at(-1)!.id;
    return sortMessages(rows.map((r) => ({ channel: r.channel, recipient: r.recipient, text: r.channel === "mail" ? r.subject : r.bodyText })));
  }
}

/** Downloads what the link `name` of the page gives, and returns its bytes and suggested name. */
export async function download(page: Page, name: string | RegExp): Promise<{ bytes: Buffer; fileName: string }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
  const path = await file.path();
  return { bytes: readFileSync(path), fileName: file.suggestedFilename() };
}

/** The text of a PDF, by poppler's pdftotext (layout kept, one space for runs of spaces). */
export function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "permis-pdf-"));
  const file = join(dir, "document.pdf");
  writeFileSync(file, bytes);
  return execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" }).replace(/[ \t]+/g, " ");
}

/**
 * axe-core (WCAG 2.1 A and AA, as test/helpers/browser.ts's expectAccessible) as a soft assertion:
 * a page's violations fail the test, with the page's address, but the journey goes on so that
 * the violations of every later page are reported in the same run.
 */
export async function checkAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
  expect.soft(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/**
 * On the page "Modifier la demande" (A compléter): removes the current file of `piece`, then
 * joins `file` in its place, as a user does.
 */
export async function replacePiece(page: Page, piece: string, label: string, file: string): Promise<void> {
  const section = page.locator(`#item-${piece}`);
  const remove = section.getByRole("button", { name: "Supprimer" });
  while ((await remove.count()) > 0) {
    await remove.first().click();
    await page.waitForLoadState();
  }
  await page.getByLabel(new RegExp(`^Ajouter un fichier : ${label}`)).setInputFiles(file);
  await section.locator(`button[name="joindre"][value="${piece}"]`).click();
  await page.waitForLoadState();
}

/** The subject of the mail of `event` about the request. */
export function mailSubject(r: Pick<SentRequest, "email" | "number">, event: RequestMessage): string {
  return requestMail(r.email, event, { number: r.number, motif: "", optionalMessages: true })!.subject;
}

/**
 * Clicks the button `name` (in `scope`, the whole page by default) and waits for the page its
 * form leads to (the next document's load: with or without JavaScript).
 */
export async function press(page: Page, name: string, scope?: string): Promise<void> {
  const button = (scope ? page.locator(scope) : page).getByRole("button", { name, exact: true });
  await Promise.all([page.waitForEvent("load"), button.click()]);
}
