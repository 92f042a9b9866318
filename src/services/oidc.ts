import * as oidc from "openid-client";

/**
 * The OpenID Connect client shared by FranceConnect (citizens) and ProConnect (agents):
 * authorization-code flow with PKCE, state and nonce; the ID token and the userinfo answer (a
 * JWT, as both providers send it; plain JSON is refused) are checked against the provider's
 * published keys. The provider's metadata is discovered on first use and kept (discovery is
 * tried again after a failure). What differs between the providers — scopes, signing algorithm,
 * level of guarantee, the identity read from the answers — is the client's profile.
 */

export interface OidcClientOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** Plain-http issuer on the loopback (the local demonstration provider only). */
  allowInsecure: boolean;
}

/** Kept between the redirect to the provider and the callback. */
export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcProfile<Identity> {
  scopes: string;
  /** The algorithm the provider signs the ID token and the userinfo JWT with, as registered for this client. */
  signingAlg: string;
  /** `acr_values` asked for, if any. */
  acrValues?: string;
  /**
   * The `claims` request parameter (OpenID Connect Core §5.5), if any: e.g. the `acr` values
   * wanted in the ID token. `strong` is what the caller of authorizationUrl asked for.
   */
  claimsRequest?: (strong: boolean) => Record<string, unknown>;
  /** The error thrown when the token response has no ID token. */
  noIdToken: () => Error;
  /** Checks the ID token's claims before the userinfo is asked for (e.g. its `acr`); throws to refuse. */
  checkClaims?: (claims: oidc.IDToken) => void;
  /** The identity from the ID token's claims and the userinfo answer; throws to refuse. */
  identity: (claims: oidc.IDToken, userinfo: oidc.UserInfoResponse) => Identity;
}

/** A string claim of `userinfo`, if it is one (and not longer than `maxLength` when given). */
export function textClaim(userinfo: oidc.UserInfoResponse, key: string, maxLength?: number): string | undefined {
  const value = userinfo[key];
  return typeof value === "string" && (maxLength === undefined || value.length <= maxLength) ? value : undefined;
}

export class OidcClient<Identity> {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly options: OidcClientOptions,
    private readonly profile: OidcProfile<Identity>,
  ) {}

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
          id_token_signed_response_alg: this.profile.signingAlg,
          // Userinfo must come as a JWT signed with this algorithm: plain JSON is refused.
          userinfo_signed_response_alg: this.profile.signingAlg,
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

  /** `strong`: ask the provider for its strongest sign-in (see OidcProfile.claimsRequest). */
  async authorizationUrl(options: { strong?: boolean } = {}): Promise<{ url: string; pending: OidcPending }> {
    const config = await this.config();
    // State and nonce of 43 characters (ProConnect asks for at least 32).
    const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: this.profile.scopes,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: "S256",
      ...(this.profile.acrValues ? { acr_values: this.profile.acrValues } : {}),
      ...(this.profile.claimsRequest ? { claims: JSON.stringify(this.profile.claimsRequest(options.strong === true)) } : {}),
    });
    return { url: url.href, pending };
  }

  /** Checks the callback (state, nonce, PKCE, signatures) and reads the identity. */
  async callback(currentUrl: URL, pending: OidcPending): Promise<{ identity: Identity; idToken: string }> {
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw this.profile.noIdToken();
    this.profile.checkClaims?.(claims);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    return { idToken: tokens.id_token, identity: this.profile.identity(claims, userinfo) };
  }

  /** Where to send the person so that the provider ends its own session too. */
  async logoutUrl(idToken: string): Promise<string> {
    const config = await this.config();
    return oidc.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: this.options.postLogoutRedirectUri,
      state: oidc.randomState(),
    }).href;
  }
}
