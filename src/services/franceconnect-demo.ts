import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";
import { FRANCECONNECT_SCOPES } from "./franceconnect.ts";

/**
 * DEMONSTRATION identity provider, for development and tests only: a real OpenID Connect
 * provider (oidc-provider) with a handful of fictitious identities, standing in for
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

export interface DemoProviderOptions {
  port: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
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

export interface DemoProvider {
  issuer: string;
  close(): Promise<void>;
}

const SCOPES = FRANCECONNECT_SCOPES.split(" ");
const CLAIMS = SCOPES.filter((s) => s !== "openid");

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} — Fournisseur d'identité de démonstration</title>
<style>body{font-family:Arial,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#161616}
.banner{background:#ffe9e6;border-left:4px solid #ce0500;padding:1rem}button{font:inherit;padding:.5rem 1rem;margin:.25rem 0;background:#000091;color:#fff;border:0;cursor:pointer}
button.secondary{background:#fff;color:#000091;border:1px solid #000091}li{margin:.75rem 0;list-style:none}ul{padding:0}</style></head>
<body><main><p class="banner"><strong>Fournisseur d'identité de démonstration.</strong> Ce n'est pas FranceConnect : aucune donnée réelle, pour le développement et les tests uniquement.</p>
<h1>${escape(title)}</h1>${body}</main></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 10_000) throw new Error("form too large");
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

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

export async function startDemoProvider(options: DemoProviderOptions): Promise<DemoProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const issuer = `http://localhost:${port}`;

  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: "demo", use: "sig", alg: "ES256" };

  const misbehave = options.misbehave ?? {};
  const acr = misbehave.acr ?? DEMO_ACR;
  const provider = new Provider(issuer, {
    // Like FranceConnect v2: the ID token carries the level reached (`acr`), the userinfo
    // answer is a JWT signed with the provider's key (published at its jwks_uri).
    acrValues: [...new Set(["eidas1", "eidas2", "eidas3", acr])],
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: DEMO_SIGNING_ALG,
        ...(misbehave.userinfo === "unsigned" ? {} : { userinfo_signed_response_alg: DEMO_SIGNING_ALG }),
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: Object.fromEntries([["openid", ["sub"]], ...CLAIMS.map((c) => [c, [c]])]),
    scopes: SCOPES,
    pkce: { required: () => true },
    // Short lifetimes, set explicitly (the provider warns about its defaults otherwise).
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Grant: 3600, Session: 3600 },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // FranceConnect ends its session without asking; so does the demonstration,
        // through a form that submits itself (or a button, without JavaScript).
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.body = page(
            "Déconnexion",
            `${form}<p>Vous allez être déconnecté du fournisseur d'identité de démonstration.</p>
<button type="submit" form="op.logoutForm" value="yes" name="logout">Se déconnecter</button>`,
          );
        },
      },
    },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const identity = DEMO_IDENTITIES.find((i) => i.sub === sub);
      if (!identity) return undefined;
      return { accountId: sub, claims: async () => ({ ...identity }) };
    },
    // Consent is implied for the one client of this provider.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(SCOPES.join(" "));
      grant.addOIDCClaims(CLAIMS);
      await grant.save();
      return grant;
    },
    async renderError(ctx: KoaContextWithOIDC, out: Record<string, string>) {
      ctx.type = "html";
      ctx.body = page("Erreur", `<p>${escape(out.error_description ?? out.error ?? "Erreur inconnue")}</p>`);
    },
  } as never);
  const oidcHandler = provider.callback();

  server.on("request", async (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    // FranceConnect ends a session only for the ID token it issued: id_token_hint is required.
    if (req.method === "GET" && url.pathname === "/session/end" && !url.searchParams.get("id_token_hint")) {
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      res.end(page("Erreur", "<p>Le paramètre id_token_hint est obligatoire pour la déconnexion.</p>"));
      return;
    }
    if (misbehave.userinfo === "bad-signature" && url.pathname === "/me") breakJwtSignature(res);
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? "");
    if (!match) return oidcHandler(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === "POST" && match[2]) {
        const sub = (await readForm(req)).get("sub") ?? "";
        if (!DEMO_IDENTITIES.some((i) => i.sub === sub)) throw new Error("unknown identity");
        await provider.interactionFinished(req, res, { login: { accountId: sub, acr } }, { mergeWithLastSubmission: false });
        return;
      }
      const list = DEMO_IDENTITIES.map(
        (i) => `<li><form method="post" action="/interaction/${escape(details.uid)}/login">
<input type="hidden" name="sub" value="${escape(i.sub)}">
<button type="submit">Se connecter en tant que ${escape(i.given_name)} ${escape(i.family_name)}</button>
<br><small>Né(e) le ${escape(i.birthdate)} — ${escape(i.email)}</small></form></li>`,
      ).join("");
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(page("Choisissez une identité de test", `<ul>${list}</ul>`));
    } catch (error) {
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      res.end(page("Erreur", `<p>${escape(error instanceof Error ? error.message : "Erreur")}</p>`));
    }
  });

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
