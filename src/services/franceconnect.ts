import type { FranceConnectIdentity } from "./accounts.ts";
import { OidcClient, textClaim, type OidcClientOptions, type OidcPending } from "./oidc.ts";

/**
 * FranceConnect v2 (OpenID Connect, through ./oidc.ts): authorization-code flow with PKCE, state
 * and nonce, level `eidas1` asked for and checked in the ID token's `acr`, userinfo received as a
 * JWT whose signature is checked against the provider's published keys (as is the ID token's).
 */
export const FRANCECONNECT_SCOPES = "openid given_name family_name birthdate gender birthplace birthcountry email";

/** eIDAS levels of guarantee, lowest first; the service asks for `eidas1` and accepts it or higher. */
const ACR_LEVELS = ["eidas1", "eidas2", "eidas3"] as const;
export const REQUIRED_ACR = "eidas1";

/**
 * The algorithm FranceConnect signs the ID token and the userinfo JWT with, as registered for
 * this client (FranceConnect v2 offers ES256 and RS256).
 */
export const FRANCECONNECT_SIGNING_ALG = "ES256";

/** Whether `acr` (from the ID token) is at least `required`. */
export function acrSatisfies(acr: unknown, required: (typeof ACR_LEVELS)[number] = REQUIRED_ACR): boolean {
  const level = ACR_LEVELS.indexOf(acr as (typeof ACR_LEVELS)[number]);
  return level >= 0 && level >= ACR_LEVELS.indexOf(required);
}

/** A FranceConnect answer refused by this client (the code goes to the log, nothing personal). */
export class FranceConnectRefused extends Error {
  constructor(readonly code: "FC_NO_ID_TOKEN" | "FC_ACR_TOO_LOW" | "FC_INCOMPLETE_IDENTITY") {
    super(`FranceConnect answer refused: ${code}`);
    this.name = "FranceConnectRefused";
  }
}

export type FranceConnectOptions = OidcClientOptions;

/** Kept in the user's session between the redirect and the callback. */
export type PendingAuthorization = OidcPending;

export class FranceConnect extends OidcClient<FranceConnectIdentity> {
  constructor(options: FranceConnectOptions) {
    super(options, {
      scopes: FRANCECONNECT_SCOPES,
      signingAlg: FRANCECONNECT_SIGNING_ALG,
      acrValues: REQUIRED_ACR,
      noIdToken: () => new FranceConnectRefused("FC_NO_ID_TOKEN"),
      checkClaims: (claims) => {
        if (!acrSatisfies(claims.acr)) throw new FranceConnectRefused("FC_ACR_TOO_LOW");
      },
      identity: (claims, info) => {
        const text = (key: string) => textClaim(info, key);
        const givenName = text("given_name");
        const familyName = text("family_name");
        const email = text("email");
        if (!givenName || !familyName || !email) throw new FranceConnectRefused("FC_INCOMPLETE_IDENTITY");
        return {
          sub: claims.sub,
          givenName,
          familyName,
          email,
          gender: text("gender"),
          birthdate: text("birthdate"),
          birthplace: text("birthplace"),
          birthcountry: text("birthcountry"),
        };
      },
    });
  }
}
