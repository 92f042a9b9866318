import type { ServerResponse } from "node:http";
import { FRANCECONNECT_SCOPES } from "./franceconnect.ts";
import { demoPage, escapeHtml, startDemoOidcProvider, type DemoClientOptions, type DemoLook, type RunningDemoProvider } from "./oidc-demo.ts";

/**
 * DEMONSTRATION identity provider, for development and tests only: a real OpenID Connect
 * provider (./oidc-demo.ts, ES256 like FranceConnect v2) with a handful of fictitious identities, standing in for
 * FranceConnect when no FRANCECONNECT_ISSUER is configured. Never started in production.
 */
export interface DemoIdentity {
  sub: string;
  given_name: string;
  family_name: string;
  birthdate: string;
  gender: "female" | "male";
  /** INSEE code of the birth commune (empty when born abroad). */
  birthplace: string;
  /** INSEE code of the birth country (99100: France). */
  birthcountry: string;
  email: string;
}

export const DEMO_IDENTITIES: readonly DemoIdentity[] = [
  {
    sub: "demo-angela-dubois",
    given_name: "Angela Claire Louise",
    family_name: "DUBOIS",
    birthdate: "1962-08-24",
    gender: "female",
    birthplace: "75107",
    birthcountry: "99100",
    email: "angela.dubois@demo.permis.localhost",
  },
  {
    sub: "demo-pierre-martin",
    given_name: "Pierre",
    family_name: "MARTIN",
    birthdate: "2006-03-15",
    gender: "male",
    birthplace: "69123",
    birthcountry: "99100",
    email: "pierre.martin@demo.permis.localhost",
  },
  {
    sub: "demo-amina-benali",
    given_name: "Amina",
    family_name: "BEN ALI",
    birthdate: "1990-11-02",
    gender: "female",
    birthplace: "",
    birthcountry: "99350",
    email: "amina.benali@demo.permis.localhost",
  },
];

export interface DemoProviderOptions extends DemoClientOptions {
  /**
   * Tests only: answers that a genuine FranceConnect never gives, to prove that the client
   * refuses them: userinfo as plain JSON or with a broken signature, a lower `acr`.
   */
  misbehave?: { userinfo?: "unsigned" | "bad-signature"; acr?: string };
}

/**
 * Levels of guarantee of FranceConnect (eIDAS): the service asks for `eidas1`; the demonstration
 * identities are authenticated at that level.
 */
export const DEMO_ACR = "eidas1";
/** Signing algorithm of the ID token and of the userinfo JWT (FranceConnect v2: ES256 or RS256). */
export const DEMO_SIGNING_ALG = "ES256";

export type DemoProvider = RunningDemoProvider;

const LOOK: DemoLook = {
  name: "Fournisseur d'identité de démonstration",
  banner: "<strong>Fournisseur d'identité de démonstration.</strong> Ce n'est pas FranceConnect : aucune donnée réelle, pour le développement et les tests uniquement.",
  width: "40rem",
};

/**
 * Tests only: alters one character of the signature of the JWT this response carries (same
 * length, so the announced Content-Length stays right), as a tampered answer would look.
 */
function breakJwtSignature(res: ServerResponse): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : undefined;
    const parts = text?.split(".");
    if (text && parts?.length === 3 && parts[2]) {
      const signature = parts[2];
      parts[2] = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
      return end(parts.join("."), ...rest);
    }
    return end(chunk, ...rest);
  }) as typeof res.end;
}

export function startDemoProvider(options: DemoProviderOptions): Promise<DemoProvider> {
  const { misbehave = {}, ...client } = options;
  return startDemoOidcProvider({
    client,
    look: LOOK,
    scopes: FRANCECONNECT_SCOPES,
    signingAlg: DEMO_SIGNING_ALG,
    kid: "demo",
    unsignedUserinfo: misbehave.userinfo === "unsigned",
    // Like FranceConnect v2: the ID token carries the level reached (`acr`).
    acr: misbehave.acr ?? DEMO_ACR,
    ttl: { AccessToken: 600, AuthorizationCode: 60 },
    identities: DEMO_IDENTITIES,
    claims: (identity) => ({ ...identity }),
    chooser: {
      title: "Choisissez une identité de test",
      items: (action) =>
        DEMO_IDENTITIES.map(
          (i) => `<li><form method="post" action="${action}">
<input type="hidden" name="sub" value="${escapeHtml(i.sub)}">
<button type="submit">Se connecter en tant que ${escapeHtml(i.given_name)} ${escapeHtml(i.family_name)}</button>
<br><small>Né(e) le ${escapeHtml(i.birthdate)} — ${escapeHtml(i.email)}</small></form></li>`,
        ).join(""),
    },
    logoutNotice: "Vous allez être déconnecté du fournisseur d'identité de démonstration.",
    intercept: (req, res, url) => {
      // FranceConnect ends a session only for the ID token it issued: id_token_hint is required.
      if (req.method === "GET" && url.pathname === "/session/end" && !url.searchParams.get("id_token_hint")) {
        res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
        res.end(demoPage(LOOK, "Erreur", "<p>Le paramètre id_token_hint est obligatoire pour la déconnexion.</p>"));
        return true;
      }
      if (misbehave.userinfo === "bad-signature" && url.pathname === "/me") breakJwtSignature(res);
      return false;
    },
  });
}
