import type { FastifyInstance } from "fastify";
import { pageContext, sendPage, servedOverHttps } from "../http.ts";
import { takePending, writePending, type PendingCookie } from "../security/oidc-pending.ts";
import { startSignedInSession } from "../security/session.ts";
import { MessagePage } from "./views/auth.tsx";
import type { WebDeps } from "../deps.ts";

/** FranceConnect sign-in and one-click account creation (SPEC §2). */
export async function franceConnectRoutes(app: FastifyInstance, deps: WebDeps) {
  const { franceConnect, accounts } = deps;
  const secure = servedOverHttps(deps.config.publicUrl);
  /** The pending authorization's own signed cookie (security/oidc-pending.ts): an anonymous click writes no session row. */
  const pendingCookie: PendingCookie = { name: secure ? "__Secure-permis_fc" : "permis_fc", path: "/franceconnect", secure };

  app.get("/franceconnect/connexion", async (request, reply) => {
    if (!franceConnect) {
      return sendPage(
        reply,
        <MessagePage ctx={pageContext(request, reply, deps.devTools)} title="FranceConnect" type="error" message="La connexion avec FranceConnect n'est pas disponible pour le moment. Connectez-vous avec votre identifiant." />,
        503,
      );
    }
    try {
      const { url, pending } = await franceConnect.authorizationUrl();
      writePending(reply, pendingCookie, pending, deps.clock.now());
      return reply.redirect(url, 303);
    } catch (error) {
      request.log.warn({ err: (error as Error).name }, "franceconnect unavailable");
      return reply.redirect("/connexion?fc=echec", 303);
    }
  });

  app.get("/franceconnect/callback", async (request, reply) => {
    const pending = takePending(request, reply, pendingCookie, deps.clock.now());
    const query = request.query as Record<string, string | undefined>;
    if (!franceConnect || !pending || query.error) return reply.redirect("/connexion?fc=echec", 303);
    let outcome;
    try {
      outcome = await franceConnect.callback(new URL(request.url, deps.config.publicUrl), pending);
    } catch (error) {
      request.log.warn({ err: (error as Error).name, code: (error as { code?: string }).code }, "franceconnect callback refused");
      return reply.redirect("/connexion?fc=echec", 303);
    }
    const result = await accounts.franceConnectSignin(outcome.identity);
    if (result.kind === "email_taken") {
      request.session.franceConnectLink = { sub: outcome.identity.sub, email: outcome.identity.email.toLowerCase() };
      return reply.redirect("/connexion", 303);
    }
    await startSignedInSession(request, result.account, result.created ? null : result.previousLoginAt);
    request.session.franceConnectIdToken = outcome.idToken;
    if (result.created) request.session.flash = "Votre compte a été créé avec FranceConnect.";
    return reply.redirect("/mon-espace", 303);
  });

  // FranceConnect sends the user back here once its own session has ended.
  app.get("/franceconnect/deconnexion", async (_request, reply) => reply.redirect("/connexion?deconnecte=1", 303));
}
