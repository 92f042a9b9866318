import { solveChallenge, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import { identifierIn, linkIn, type TestApp } from "./app.ts";
import type { Browser, Page } from "./client.ts";

export const GOOD_PASSWORD = "Permis#2026ok";

export interface SignupInput {
  email: string;
  familyName?: string;
  givenName?: string;
  kind?: "particulier" | "professionnel";
}

/**
 * What the ALTCHA widget does in a browser with JavaScript: fetches a challenge from the service
 * and solves it (the real proof of work, with altcha-lib's solver); returns the form's `altcha` value.
 */
export async function solveAltcha(t: TestApp): Promise<string> {
  const response = await t.app.inject("/captcha/altcha");
  if (response.statusCode !== 200) throw new Error(`no ALTCHA challenge: ${response.statusCode}`);
  const challenge = response.json<Challenge>();
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error("ALTCHA challenge not solved");
  return Buffer.from(JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution })).toString("base64");
}

/** Fills "JE CRÉE UN COMPTE" with the right captcha (the code typed, as without JavaScript). */
export async function submitSignup(t: TestApp, browser: Browser, input: SignupInput, extra: Record<string, string> = {}): Promise<Page> {
  const form = await browser.get("/compte/creer");
  const captchaId = form.html.querySelector('input[name="captchaId"]')!.getAttribute("value")!;
  return browser.post("/compte/creer", {
    kind: input.kind ?? "particulier",
    familyName: input.familyName ?? "Dupont",
    givenName: input.givenName ?? "Sylvie",
    email: input.email,
    captchaId,
    captcha: await t.captchaAnswer(captchaId),
    cgu: "oui",
    ...extra,
  });
}

export const ACTIVATION_FORM = {
  sex: "F",
  password: GOOD_PASSWORD,
  passwordConfirmation: GOOD_PASSWORD,
  secretQuestion: "pere",
  secretAnswer: "Jean-Édouard",
};

/** Creates and activates an account; returns its identifier (from the second mail). */
export async function createActiveAccount(t: TestApp, browser: Browser, input: SignupInput): Promise<string> {
  await submitSignup(t, browser, input);
  const [activation] = await t.mailsTo(input.email);
  const page = await browser.post(linkIn(activation, "/compte/activer/"), ACTIVATION_FORM, { csrf: (await browser.get(linkIn(activation, "/compte/activer/"))).csrf });
  if (page.url !== "/mon-espace") throw new Error(`activation failed: ${page.status} ${page.url}`);
  const mails = await t.mailsTo(input.email);
  return identifierIn(mails.at(-1));
}

export async function signIn(browser: Browser, identifier: string, password = GOOD_PASSWORD): Promise<Page> {
  await browser.get("/connexion");
  return browser.post("/connexion", { identifier, password });
}
