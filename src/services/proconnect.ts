import { OidcClient, textClaim, type OidcClientOptions, type OidcPending } from "./oidc.ts";

/**
 * ProConnect (the State's OpenID Connect federation for civil servants) for the agents' sign-in,
 * through ./oidc.ts: authorization-code flow with PKCE, state and nonce; the ID token and the
 * userinfo answer (a JWT, as ProConnect sends it) are checked against the provider's published
 * keys. The identity is then matched to an agent by email (AgentService.proConnectSignin):
 * nobody is created here. The ID token's `acr` tells whether the sign-in used two factors.
 */
export const PROCONNECT_SCOPES = "openid email given_name usual_name siret uid organization_label";

/**
 * The `acr` values by which ProConnect says the sign-in used two factors (its documentation and
 * the federation's: eIDAS substantial and high, and its own "-2fa" levels). Every sign-in asks for
 * one of them, as a wish; an administrator's requires one (see AgentService.proConnectSignin).
 */
export const PROCONNECT_ACR_SELF_ASSERTED_2FA = "https://proconnect.gouv.fr/assurance/self-asserted-2fa";
export const PROCONNECT_MFA_ACRS: readonly string[] = ["eidas2", "eidas3", PROCONNECT_ACR_SELF_ASSERTED_2FA, "https://proconnect.gouv.fr/assurance/consistency-checked-2fa"];

/** The algorithm ProConnect signs the ID token and the userinfo JWT with, as registered for this client. */
export const PROCONNECT_SIGNING_ALG = "RS256";

export type ProConnectOptions = OidcClientOptions;

/** Kept between the redirect and the callback. */
export type ProConnectPending = OidcPending;

export interface ProConnectIdentity {
  sub: string;
  email: string;
  givenName: string | undefined;
  usualName: string | undefined;
  siret: string | undefined;
  organization: string | undefined;
  /** Whether the sign-in used two factors (the ID token's `acr` is one of PROCONNECT_MFA_ACRS). */
  twoFactors: boolean;
}

/** A ProConnect answer refused by this client (the code goes to the log, nothing personal). */
export class ProConnectRefused extends Error {
  constructor(readonly code: "PC_NO_ID_TOKEN" | "PC_NO_EMAIL") {
    super(`ProConnect answer refused: ${code}`);
    this.name = "ProConnectRefused";
  }
}

export class ProConnect extends OidcClient<ProConnectIdentity> {
  constructor(options: ProConnectOptions) {
    super(options, {
      scopes: PROCONNECT_SCOPES,
      signingAlg: PROCONNECT_SIGNING_ALG,
      // Two factors wished for on every sign-in; required (essential) when `strong` is asked.
      claimsRequest: (strong) => ({ id_token: { acr: { essential: strong, values: PROCONNECT_MFA_ACRS } } }),
      noIdToken: () => new ProConnectRefused("PC_NO_ID_TOKEN"),
      identity: (claims, info) => {
        const text = (key: string) => textClaim(info, key, 320);
        const email = text("email");
        if (!email) throw new ProConnectRefused("PC_NO_EMAIL");
        return {
          sub: claims.sub,
          email,
          givenName: text("given_name"),
          usualName: text("usual_name"),
          siret: text("siret"),
          organization: text("organization_label"),
          twoFactors: typeof claims.acr === "string" && PROCONNECT_MFA_ACRS.includes(claims.acr),
        };
      },
    });
  }
}
