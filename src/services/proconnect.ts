import * as oidc from "openid-client";

/**
 * ProConnect (the State's OpenID Connect federation for civil servants) for the agents' sign-in:
 * authorization-code flow with PKCE, state and nonce; the ID token and the userinfo answer (a
 * JWT, as ProConnect sends it) are checked against the provider's published keys. The identity
 * is then matched to an agent by email (AgentService.proConnectSignin): nobody is created here.
 * The provider's metadata is discovered on first use and kept.
 */
export const PROCONNECT_SCOPES = "openid email given_name usual_name siret uid organization_label";

/** The algorithm ProConnect signs the ID token and the userinfo JWT with, as registered for this client. */
export const PROCONNECT_SIGNING_ALG = "RS256";

export interface ProConnectOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** Plain-http issuer on the loopback (the local demonstration provider only). */
  allowInsecure: boolean;
}

/** Kept between the redirect and the callback. */
export interface ProConnectPending {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface ProConnectIdentity {
  sub: string;
  email: string;
  givenName: string | undefined;
  usualName: string | undefined;
  siret: string | undefined;
  organization: string | undefined;
}

/** A ProConnect answer refused by this client (the code goes to the log, nothing personal). */
export class ProConnectRefused extends Error {
  constructor(readonly code: "PC_NO_ID_TOKEN" | "PC_NO_EMAIL") {
    super(`ProConnect answer refused: ${code}`);
    this.name = "ProConnectRefused";
  }
}

export class ProConnect {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(private readonly options: ProConnectOptions) {}

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
          id_token_signed_response_alg: PROCONNECT_SIGNING_ALG,
          userinfo_signed_response_alg: PROCONNECT_SIGNING_ALG,
        },
        oidc.ClientSecretPost(this.options.clientSecret),
        {
          execute: [...(this.options.allowInsecure ? [oidc.allowInsecureRequests] : []), oidc.enableNonRepudiationChecks],
        },
      )
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }

  async authorizationUrl(): Promise<{ url: string; pending: ProConnectPending }> {
    const config = await this.config();
    // ProConnect asks for state and nonce of at least 32 characters (randomState: 43).
    const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: PROCONNECT_SCOPES,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: "S256",
    });
    return { url: url.href, pending };
  }

  /** Checks the callback (state, nonce, PKCE, signatures) and reads the identity. */
  async callback(currentUrl: URL, pending: ProConnectPending): Promise<{ identity: ProConnectIdentity; idToken: string }> {
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new ProConnectRefused("PC_NO_ID_TOKEN");
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    const text = (key: string) => (typeof info[key] === "string" && (info[key] as string).length <= 320 ? (info[key] as string) : undefined);
    const email = text("email");
    if (!email) throw new ProConnectRefused("PC_NO_EMAIL");
    return {
      idToken: tokens.id_token,
      identity: {
        sub: claims.sub,
        email,
        givenName: text("given_name"),
        usualName: text("usual_name"),
        siret: text("siret"),
        organization: text("organization_label"),
      },
    };
  }

  /** Where to send the agent so that ProConnect ends its own session too. */
  async logoutUrl(idToken: string): Promise<string> {
    const config = await this.config();
    return oidc.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: this.options.postLogoutRedirectUri,
      state: oidc.randomState(),
    }).href;
  }
}
