import { createServer, type IncomingMessage, type Server } from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";
import { DEMO_AGENT_PASSWORD, DEMO_AGENTS } from "./demo.ts";
import { PROCONNECT_SCOPES, PROCONNECT_SIGNING_ALG } from "./proconnect.ts";
import { totpCode } from "./totp.ts";
import { AGENT_ROLES } from "../domain/actors.ts";

/**
 * DEMONSTRATION ProConnect provider, for development and tests only: a real OpenID Connect
 * provider (oidc-provider) whose identities are the demonstration agents (src/services/demo.ts)
 * plus one civil servant who is no agent of this service, standing in for ProConnect when no
 * PROCONNECT_ISSUER is configured. Never started in production.
 */
export interface ProConnectDemoIdentity {
  sub: string;
  email: string;
  given_name: string;
  usual_name: string;
  uid: string;
  siret: string;
  organization_label: string;
  /** Shown on the sign-in page. */
  description: string;
}

/** SIRET of a fictitious ministry directorate (demonstration only). */
const DEMO_SIRET = "11000000000000";

export const PROCONNECT_DEMO_IDENTITIES: readonly ProConnectDemoIdentity[] = [
  ...DEMO_AGENTS.map((a) => ({
    sub: `demo-agent-${a.email.split("@")[0]!.replace(/\./g, "-")}`,
    email: a.email,
    given_name: a.givenName,
    usual_name: a.familyName,
    uid: a.email.split("@")[0]!,
    siret: DEMO_SIRET,
    organization_label: "Ministère de l'Intérieur (démonstration)",
    description: `${AGENT_ROLES[a.role].label}${a.serviceIds.length > 0 ? ` — ${a.serviceIds.map((s) => (s === "cert-nord" ? "CERT Nord" : s === "cert-sud" ? "CERT Sud" : s)).join(", ")}` : ""}`,
  })),
  {
    sub: "demo-agent-inconnu",
    email: "inconnu@demo.permis.localhost",
    given_name: "Claude",
    usual_name: "INCONNU",
    uid: "inconnu",
    siret: DEMO_SIRET,
    organization_label: "Ministère de l'Intérieur (démonstration)",
    description: "Agent public sans compte dans ce service (connexion refusée)",
  },
];

export interface ProConnectDemoOptions {
  port: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
}

export interface ProConnectDemoProvider {
  issuer: string;
  close(): Promise<void>;
}

const SCOPES = PROCONNECT_SCOPES.split(" ");
const CLAIMS = SCOPES.filter((s) => s !== "openid");

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} — ProConnect de démonstration</title>
<style>body{font-family:Arial,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#161616}
.banner{background:#ffe9e6;border-left:4px solid #ce0500;padding:1rem}button{font:inherit;padding:.5rem 1rem;margin:.25rem 0;background:#000091;color:#fff;border:0;cursor:pointer}
li{margin:.75rem 0;list-style:none}ul{padding:0}code{background:#eee;padding:0 .25rem}</style></head>
<body><main><p class="banner"><strong>ProConnect de démonstration.</strong> Ce n'est pas ProConnect : identités fictives, pour le développement et les tests uniquement.</p>
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

export async function startProConnectDemo(options: ProConnectDemoOptions): Promise<ProConnectDemoProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const issuer = `http://localhost:${port}`;

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: "demo-proconnect", use: "sig", alg: PROCONNECT_SIGNING_ALG };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: PROCONNECT_SIGNING_ALG,
        // Like ProConnect: userinfo is a JWT signed with the provider's key.
        userinfo_signed_response_alg: PROCONNECT_SIGNING_ALG,
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: Object.fromEntries([["openid", ["sub"]], ...CLAIMS.map((c) => [c, [c]])]),
    scopes: SCOPES,
    pkce: { required: () => true },
    ttl: { AccessToken: 60, AuthorizationCode: 30, IdToken: 600, Interaction: 600, Grant: 3600, Session: 3600 },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.body = page(
            "Déconnexion",
            `${form}<p>Vous allez être déconnecté du ProConnect de démonstration.</p>
<button type="submit" form="op.logoutForm" value="yes" name="logout">Se déconnecter</button>`,
          );
        },
      },
    },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const identity = PROCONNECT_DEMO_IDENTITIES.find((i) => i.sub === sub);
      if (!identity) return undefined;
      const { description: _description, ...claims } = identity;
      return { accountId: sub, claims: async () => ({ ...claims }) };
    },
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
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? "");
    if (!match) return oidcHandler(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === "POST" && match[2]) {
        const sub = (await readForm(req)).get("sub") ?? "";
        if (!PROCONNECT_DEMO_IDENTITIES.some((i) => i.sub === sub)) throw new Error("unknown identity");
        await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
        return;
      }
      const now = new Date();
      const list = PROCONNECT_DEMO_IDENTITIES.map((i) => {
        const demo = DEMO_AGENTS.find((a) => a.email === i.email);
        const password = demo
          ? `<br><small>Sans ProConnect : mot de passe <code>${escape(DEMO_AGENT_PASSWORD)}</code>, code TOTP actuel <code>${escape(totpCode(demo.totpSecret, now))}</code></small>`
          : "";
        return `<li><form method="post" action="/interaction/${escape(details.uid)}/login">
<input type="hidden" name="sub" value="${escape(i.sub)}">
<button type="submit">Se connecter en tant que ${escape(i.given_name)} ${escape(i.usual_name)}</button>
<br><small>${escape(i.description)} — ${escape(i.email)}</small>${password}</form></li>`;
      }).join("");
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(page("Choisissez un agent de démonstration", `<ul>${list}</ul>`));
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
