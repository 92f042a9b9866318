import { DEMO_AGENT_PASSWORD, DEMO_AGENTS } from "./demo.ts";
import { escapeHtml, startDemoOidcProvider, type DemoClientOptions, type DemoLook, type RunningDemoProvider } from "./oidc-demo.ts";
import { PROCONNECT_ACR_SELF_ASSERTED_2FA, PROCONNECT_SCOPES, PROCONNECT_SIGNING_ALG } from "./proconnect.ts";
import { totpCode } from "./totp.ts";
import { AGENT_ROLES } from "../domain/actors.ts";

/** The demonstration's sign-ins: with two factors (the default), or with a password only. */
export const DEMO_ACR_TWO_FACTORS = PROCONNECT_ACR_SELF_ASSERTED_2FA;
export const DEMO_ACR_ONE_FACTOR = "eidas1";

/**
 * DEMONSTRATION ProConnect provider, for development and tests only: a real OpenID Connect
 * provider (./oidc-demo.ts, RS256 like ProConnect) whose identities are the demonstration agents (src/services/demo.ts)
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

export type ProConnectDemoOptions = DemoClientOptions;

export type ProConnectDemoProvider = RunningDemoProvider;

const LOOK: DemoLook = {
  name: "ProConnect de démonstration",
  banner: "<strong>ProConnect de démonstration.</strong> Ce n'est pas ProConnect : identités fictives, pour le développement et les tests uniquement.",
  width: "46rem",
};

export function startProConnectDemo(options: ProConnectDemoOptions): Promise<ProConnectDemoProvider> {
  return startDemoOidcProvider({
    client: options,
    look: LOOK,
    scopes: PROCONNECT_SCOPES,
    signingAlg: PROCONNECT_SIGNING_ALG,
    kid: "demo-proconnect",
    acr: DEMO_ACR_TWO_FACTORS,
    acrChoices: [DEMO_ACR_ONE_FACTOR],
    claimsParameter: true,
    ttl: { AccessToken: 60, AuthorizationCode: 30 },
    identities: PROCONNECT_DEMO_IDENTITIES,
    claims: ({ description: _description, ...claims }) => ({ ...claims }),
    chooser: {
      title: "Choisissez un agent de démonstration",
      items: (action) => {
        const now = new Date();
        return PROCONNECT_DEMO_IDENTITIES.map((i) => {
          const demo = DEMO_AGENTS.find((a) => a.email === i.email);
          const password = demo
            ? `<br><small>Sans ProConnect : mot de passe <code>${escapeHtml(DEMO_AGENT_PASSWORD)}</code>, code TOTP actuel <code>${escapeHtml(totpCode(demo.totpSecret, now))}</code></small>`
            : "";
          return `<li><form method="post" action="${action}">
<input type="hidden" name="sub" value="${escapeHtml(i.sub)}">
<button type="submit">Se connecter en tant que ${escapeHtml(i.given_name)} ${escapeHtml(i.usual_name)}</button>
<button type="submit" name="acr" value="${DEMO_ACR_ONE_FACTOR}">sans double authentification</button>
<br><small>${escapeHtml(i.description)} — ${escapeHtml(i.email)}</small>${password}</form></li>`;
        }).join("");
      },
    },
    logoutNotice: "Vous allez être déconnecté du ProConnect de démonstration.",
  });
}
