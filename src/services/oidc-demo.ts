import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

/**
 * DEMONSTRATION OpenID Connect providers, for development and tests only: a real provider
 * (oidc-provider) on the loopback, with one client, consent implied, PKCE required, the ID token
 * and the userinfo JWT signed with a key made at start, and a page listing fictitious identities
 * to sign in with. The FranceConnect and ProConnect stand-ins (./franceconnect-demo.ts,
 * ./proconnect-demo.ts) are built on it. Never started in production.
 */

export interface DemoClientOptions {
  port: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
}

export interface RunningDemoProvider {
  issuer: string;
  close(): Promise<void>;
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** How a demonstration provider's pages present it. */
export interface DemoLook {
  /** After each page's title (HTML): "ProConnect de démonstration". */
  name: string;
  /** The banner's warning, HTML: "<strong>…</strong> Ce n'est pas …". */
  banner: string;
  /** Maximum width of the page (CSS). */
  width: string;
}

/** A page of a demonstration provider: its warning banner, then `body` (HTML) under the title. */
export function demoPage(look: DemoLook, title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — ${look.name}</title>
<style>body{font-family:Arial,sans-serif;max-width:${look.width};margin:2rem auto;padding:0 1rem;color:#161616}
.banner{background:#ffe9e6;border-left:4px solid #ce0500;padding:1rem}button{font:inherit;padding:.5rem 1rem;margin:.25rem 0;background:#000091;color:#fff;border:0;cursor:pointer}
li{margin:.75rem 0;list-style:none}ul{padding:0}code{background:#eee;padding:0 .25rem}</style></head>
<body><main><p class="banner">${look.banner}</p>
<h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
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

export interface DemoProviderConfig<I extends { sub: string }> {
  client: DemoClientOptions;
  look: DemoLook;
  /** Space-separated, "openid" first; each other scope is the claim of the same name. */
  scopes: string;
  /** Signing algorithm of the ID token and of the userinfo JWT; the key is made at start. */
  signingAlg: "ES256" | "RS256";
  kid: string;
  /** Tests only: userinfo as plain JSON (a genuine provider never sends it). */
  unsignedUserinfo?: boolean;
  /** The `acr` of every sign-in (also announced, with the eIDAS levels). */
  acr?: string;
  /** Other `acr` values a sign-in may choose (the chooser's forms post one as `acr`); announced too. */
  acrChoices?: readonly string[];
  /** Honour the `claims` request parameter (ProConnect's way of asking for two factors). */
  claimsParameter?: boolean;
  ttl: { AccessToken: number; AuthorizationCode: number };
  identities: readonly I[];
  /** The claims released for an identity. */
  claims: (identity: I) => Record<string, unknown>;
  /** The page listing the identities: its title and its `<li>` items, one per identity, each a form posting `sub` to `action`. */
  chooser: { title: string; items: (action: string) => string };
  /** Shown before the sign-out button. */
  logoutNotice: string;
  /** Runs first on every request (with its URL); true when it has answered. */
  intercept?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
}

export async function startDemoOidcProvider<I extends { sub: string }>(config: DemoProviderConfig<I>): Promise<RunningDemoProvider> {
  const { client, look } = config;
  const page = (title: string, body: string) => demoPage(look, title, body);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(client.port, client.host ?? "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : client.port;
  const issuer = `http://localhost:${port}`;

  const { privateKey } =
    config.signingAlg === "ES256" ? generateKeyPairSync("ec", { namedCurve: "P-256" }) : generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: config.kid, use: "sig", alg: config.signingAlg };
  const scopes = config.scopes.split(" ");
  const claims = scopes.filter((s) => s !== "openid");

  const provider = new Provider(issuer, {
    ...(config.acr ? { acrValues: [...new Set(["eidas1", "eidas2", "eidas3", config.acr, ...(config.acrChoices ?? [])])] } : {}),
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [client.redirectUri],
        post_logout_redirect_uris: [client.postLogoutRedirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: config.signingAlg,
        // Like FranceConnect and ProConnect: userinfo is a JWT signed with the provider's key.
        ...(config.unsignedUserinfo ? {} : { userinfo_signed_response_alg: config.signingAlg }),
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: Object.fromEntries([["openid", ["sub"]], ...claims.map((c) => [c, [c]])]),
    scopes,
    pkce: { required: () => true },
    // Short lifetimes, set explicitly (the provider warns about its defaults otherwise).
    ttl: { ...config.ttl, IdToken: 600, Interaction: 600, Grant: 3600, Session: 3600 },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      claimsParameter: { enabled: config.claimsParameter === true },
      rpInitiatedLogout: {
        enabled: true,
        // The real providers end their session without asking; the demonstration does it
        // through a form that submits itself (or a button, without JavaScript).
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.body = page(
            "Déconnexion",
            `${form}<p>${config.logoutNotice}</p>
<button type="submit" form="op.logoutForm" value="yes" name="logout">Se déconnecter</button>`,
          );
        },
      },
    },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const identity = config.identities.find((i) => i.sub === sub);
      if (!identity) return undefined;
      return { accountId: sub, claims: async () => config.claims(identity) };
    },
    // Consent is implied for the one client of this provider.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(scopes.join(" "));
      grant.addOIDCClaims(claims);
      await grant.save();
      return grant;
    },
    async renderError(ctx: KoaContextWithOIDC, out: Record<string, string>) {
      ctx.type = "html";
      ctx.body = page("Erreur", `<p>${escapeHtml(out.error_description ?? out.error ?? "Erreur inconnue")}</p>`);
    },
  } as never);
  const oidcHandler = provider.callback();

  server.on("request", async (req, res) => {
    if (config.intercept?.(req, res, new URL(req.url ?? "/", issuer))) return;
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? "");
    if (!match) return oidcHandler(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === "POST" && match[2]) {
        const form = await readForm(req);
        const sub = form.get("sub") ?? "";
        if (!config.identities.some((i) => i.sub === sub)) throw new Error("unknown identity");
        const chosen = form.get("acr");
        const acr = chosen !== null && config.acrChoices?.includes(chosen) ? chosen : config.acr;
        await provider.interactionFinished(req, res, { login: { accountId: sub, ...(acr ? { acr } : {}) } }, { mergeWithLastSubmission: false });
        return;
      }
      const action = `/interaction/${escapeHtml(details.uid)}/login`;
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(page(config.chooser.title, `<ul>${config.chooser.items(action)}</ul>`));
    } catch (error) {
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      res.end(page("Erreur", `<p>${escapeHtml(error instanceof Error ? error.message : "Erreur")}</p>`));
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
