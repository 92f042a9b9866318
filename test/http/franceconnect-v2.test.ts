import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts } from "../../src/db/schema.ts";
import { DEMO_IDENTITIES, type DemoProvider, type DemoProviderOptions } from "../../src/services/franceconnect-demo.ts";
import { acrSatisfies, FranceConnect } from "../../src/services/franceconnect.ts";
import { PUBLIC_URL, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { ANGELA, FC_ENV, ProviderBrowser, startTestProvider } from "../helpers/franceconnect.ts";

/**
 * Issue 6, item 15: FranceConnect as it really is (v2). The demonstration provider signs its
 * userinfo answer (a JWT), puts the level reached in the ID token's `acr` and ends a session
 * only for an `id_token_hint`; the client asks for `eidas1`, checks the signatures and the level.
 */
const providers: DemoProvider[] = [];
async function provider(misbehave?: DemoProviderOptions["misbehave"]): Promise<DemoProvider> {
  const started = await startTestProvider(PUBLIC_URL, misbehave);
  providers.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(providers.map((p) => p.close()));
});

/** The service's FranceConnect client, as the app builds it, pointed at `issuer`. */
function client(issuer: string): FranceConnect {
  return new FranceConnect({
    issuer,
    clientId: FC_ENV.FRANCECONNECT_CLIENT_ID,
    clientSecret: FC_ENV.FRANCECONNECT_CLIENT_SECRET,
    redirectUri: `${PUBLIC_URL}/franceconnect/callback`,
    postLogoutRedirectUri: `${PUBLIC_URL}/franceconnect/deconnexion`,
    allowInsecure: true,
  });
}

/** Authorization through the provider, as `sub`; the callback URL the provider sends back. */
async function authorize(fc: FranceConnect, sub: string) {
  const { url, pending } = await fc.authorizationUrl();
  const idp = new ProviderBrowser();
  const back = await idp.chooseIdentity(await idp.follow(url), sub);
  expect(back.url).toMatch(/^\/franceconnect\/callback\?/);
  return { authorizeUrl: new URL(url), callbackUrl: new URL(back.url, PUBLIC_URL), pending };
}

const decodeJwt = (jwt: string, part: 0 | 1) => JSON.parse(Buffer.from(jwt.split(".")[part]!, "base64url").toString("utf8")) as Record<string, unknown>;

describe("the FranceConnect client against a provider behaving as FranceConnect v2", () => {
  it("asks for eidas1, receives a signed ID token at that level and a signed userinfo, and reads the identity", async () => {
    const idp = await provider();
    const fc = client(idp.issuer);
    const { authorizeUrl, callbackUrl, pending } = await authorize(fc, ANGELA.sub);
    expect(authorizeUrl.searchParams.get("acr_values")).toBe("eidas1");
    const { identity, idToken } = await fc.callback(callbackUrl, pending);
    expect(identity).toMatchObject({ sub: ANGELA.sub, givenName: ANGELA.given_name, familyName: ANGELA.family_name, email: ANGELA.email, birthdate: ANGELA.birthdate });
    expect(decodeJwt(idToken, 0).alg).toBe("ES256");
    expect(decodeJwt(idToken, 1).acr).toBe("eidas1");

    // The provider's userinfo for this client is a JWT signed with its published key.
    const metadata = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.userinfo_signing_alg_values_supported).toContain("ES256");
    expect(metadata.acr_values_supported).toContain("eidas1");

    // Logout carries the ID token; the provider refuses one without it.
    const logout = new URL(await fc.logoutUrl(idToken));
    expect(logout.searchParams.get("id_token_hint")).toBe(idToken);
    expect((await fetch(logout.href, { redirect: "manual" })).status).toBe(200);
    logout.searchParams.delete("id_token_hint");
    const refused = await fetch(logout.href, { redirect: "manual" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("id_token_hint est obligatoire");
  });

  it.each<[string, DemoProviderOptions["misbehave"], RegExp]>([
    ["a userinfo answer in plain JSON (unsigned)", { userinfo: "unsigned" }, /JWT UserInfo Response expected/],
    ["a userinfo JWT whose signature is broken", { userinfo: "bad-signature" }, /JWT signature verification failed/],
    ["an ID token at a level lower than eidas1", { acr: "eidas0" }, /FC_ACR_TOO_LOW/],
  ])("refuses %s", async (_label, misbehave, reason) => {
    const idp = await provider(misbehave);
    const fc = client(idp.issuer);
    const { callbackUrl, pending } = await authorize(fc, DEMO_IDENTITIES[1]!.sub);
    const refusal = await fc.callback(callbackUrl, pending).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(refusal).toBeInstanceOf(Error);
    // The reason, down the chain of causes (openid-client wraps its checks' errors).
    const reasons: string[] = [];
    for (let e: unknown = refusal; e instanceof Error; e = e.cause) reasons.push(e.message, String((e as { code?: string }).code));
    expect(reasons.join(" | ")).toMatch(reason);
  });
});

describe("the sign-in route with a forged userinfo", () => {
  let t: TestApp;
  let idp: DemoProvider;
  beforeAll(async () => {
    idp = await provider({ userinfo: "bad-signature" });
    t = await startTestApp({ franceConnectIssuer: idp.issuer, env: FC_ENV });
  }, 180_000);
  afterAll(() => t.close());

  it("ends on the sign-in page with the FranceConnect failure, and creates no account", async () => {
    const browser = new Browser(t.app);
    const start = await browser.get("/franceconnect/connexion", { follow: false });
    const idpBrowser = new ProviderBrowser();
    const back = await idpBrowser.chooseIdentity(await idpBrowser.follow(String(start.headers.location)), ANGELA.sub);
    const page = await browser.get(back.url);
    expect(page.url).toBe("/connexion?fc=echec");
    expect(page.text(".fr-alert")).toContain("La connexion avec FranceConnect n'a pas abouti");
    expect(await t.db.db.select().from(accounts).where(eq(accounts.franceConnectSub, ANGELA.sub))).toHaveLength(0);
  });
});

describe("acrSatisfies", () => {
  it.each<[unknown, boolean]>([
    ["eidas1", true],
    ["eidas2", true],
    ["eidas3", true],
    ["eidas0", false],
    ["", false],
    [undefined, false],
    ["EIDAS1", false],
    [1, false],
  ])("%j -> %s", (acr, ok) => {
    expect(acrSatisfies(acr)).toBe(ok);
  });
});
