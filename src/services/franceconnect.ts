import * as oidc from "openid-client";
import type { FranceConnectIdentity } from "./accounts.ts";

/**
 * FranceConnect v2 (OpenID Connect): authorization-code flow with PKCE, state and nonce, level
 * `eidas1` asked for and checked in the ID token's `acr`, userinfo received as a JWT whose
 * signature is checked against the provider's published keys (as is the ID token's).
 * The provider's metadata is discovered on first use and kept.
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

export interface FranceConnectOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** Plain-http issuer on the loopback (the local demonstration provider only). */
  allowInsecure: boolean;
}

/** Kept in the user's session between the redirect and the callback. */
export interface PendingAuthorization {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export class FranceConnect {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(private readonly options: FranceConnectOptions) {}

  get issuerOrigin(): string {
    return new URL(this.options.issuer).origin;
  }

  private config(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(
        new URL(this.options.issuer),
        this.options.clientId,
        {
          client_secret: this.options.clientSecret,
          id_token_signed_response_alg: FRANCECONNECT_SIGNING_ALG,
          // Userinfo must come as a JWT signed with this algorithm: plain JSON is refused.
          userinfo_signed_response_alg: FRANCECONNECT_SIGNING_ALG,
        },
        oidc.ClientSecretPost(this.options.clientSecret),
        {
          execute: [
            ...(this.options.allowInsecure ? [oidc.allowInsecureRequests] : []),
            // Check the signatures of the ID token and of the userinfo JWT with the provider's JWKS.
            oidc.enableNonRepudiationChecks,
          ],
        },
      )
      .catch((error: unknown) => {
        this.configuration = undefined; // try discovery again next time
        throw error;
      });
    return this.configuration;
  }

  async authorizationUrl(): Promise<{ url: string; pending: PendingAuthorization }> {
    const config = await this.config();
    const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: FRANCECONNECT_SCOPES,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: "S256",
      acr_values: REQUIRED_ACR,
    });
    return { url: url.href, pending };
  }

  /** Checks the callback (state, nonce, PKCE, ID token) and reads the identity. */
  async callback(currentUrl: URL, pending: PendingAuthorization): Promise<{ identity: FranceConnectIdentity; idToken: string }> {
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new FranceConnectRefused("FC_NO_ID_TOKEN");
    if (!acrSatisfies(claims.acr)) throw new FranceConnectRefused("FC_ACR_TOO_LOW");
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    const text = (key: string) => (typeof info[key] === "string" ? (info[key] as string) : undefined);
    const givenName = text("given_name");
    const familyName = text("family_name");
    const email = text("email");
    if (!givenName || !familyName || !email) throw new FranceConnectRefused("FC_INCOMPLETE_IDENTITY");
    return {
      idToken: tokens.id_token,
      identity: {
        sub: claims.sub,
        givenName,
        familyName,
        email,
        gender: text("gender"),
        birthdate: text("birthdate"),
        birthplace: text("birthplace"),
        birthcountry: text("birthcountry"),
      },
    };
  }

  /** Where to send the user so that FranceConnect ends its own session too. */
  async logoutUrl(idToken: string): Promise<string> {
    const config = await this.config();
    return oidc.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: this.options.postLogoutRedirectUri,
      state: oidc.randomState(),
    }).href;
  }
}
