import * as oidc from "openid-client";
import type { FranceConnectIdentity } from "./accounts.ts";

/**
 * FranceConnect (OpenID Connect): authorization-code flow with PKCE, state and nonce.
 * The provider's metadata is discovered on first use and kept.
 */
export const FRANCECONNECT_SCOPES = "openid given_name family_name birthdate gender birthplace birthcountry email";

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
        this.options.clientSecret,
        undefined,
        this.options.allowInsecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
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
      acr_values: "eidas1",
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
    if (!claims || !tokens.id_token) throw new Error("FranceConnect: no ID token");
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    const text = (key: string) => (typeof info[key] === "string" ? (info[key] as string) : undefined);
    const givenName = text("given_name");
    const familyName = text("family_name");
    const email = text("email");
    if (!givenName || !familyName || !email) throw new Error("FranceConnect: incomplete identity");
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
