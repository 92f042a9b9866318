import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { waitInFrench } from "../../domain/throttle.ts";
import { normaliseEmail, SECOND_FACTOR_WINDOW_MS } from "../../services/agents.ts";
import { qrCodeSvg } from "../../services/totp.ts";
import type { WebDeps } from "../deps.ts";
import { formInput, sendPage, servedOverHttps } from "../http.ts";
import { agentDevice, knownDevice, rememberDevice } from "../security/device.ts";
import { takePending, writePending, type PendingCookie } from "../security/oidc-pending.ts";
import { safeReturnPath } from "../security/session.ts";
import { AGENT_OIDC_COOKIE, currentSession, endAgentSession, requireAgent, sessionExpired, startAgentSession, startPendingSession, takeFlash } from "./session.ts";
import {
  AgentAccountPage,
  AgentSigninPage,
  EnrolmentPage,
  ProConnectDonePage,
  ProConnectRefusedPage,
  RecoveryCodesPage,
  SecondFactorPage,
  SignOutPage,
  type AgentSigninNotice,
} from "./views/auth.tsx";

/**
 * The agents' sign-in (issue 9 §2): ProConnect, or a password followed by a TOTP code (enrolled
 * by QR code at the first sign-in) or a single-use recovery code. Agents are never created here.
 */
const field = (input: Record<string, unknown>, name: string, max: number): string => {
  const v = input[name];
  return typeof v === "string" ? v.slice(0, max) : "";
};

/** Only a path of the agents' area is a destination after sign-in. */
function areaPath(value: unknown, publicUrl: string): string | undefined {
  const path = safeReturnPath(value, publicUrl);
  return path && (path === "/agent" || path.startsWith("/agent/")) && !path.startsWith("/agent/connexion") ? path : undefined;
}

export async function agentAuthRoutes(app: FastifyInstance, deps: WebDeps) {
  const { agents, proConnect, clock } = deps;
  const secure = servedOverHttps(deps.config.publicUrl);
  const device = agentDevice(secure);

  /** After both factors: this browser is one the agent signed in from (its own count of failed passwords). */
  async function rememberAgentDevice(request: FastifyRequest, reply: FastifyReply, agentId: string): Promise<void> {
    const agent = await agents.find(agentId);
    if (agent) rememberDevice(request, reply, device, normaliseEmail(agent.email));
  }

  /** The password step, if done less than 5 minutes ago. */
  function passwordStep(request: FastifyRequest): string | undefined {
    const step = currentSession(request)?.passwordOk;
    if (!step || clock.now().getTime() - step.at > SECOND_FACTOR_WINDOW_MS) return undefined;
    return step.agentId;
  }

  function signinPage(request: FastifyRequest, reply: FastifyReply, extra: Partial<Parameters<typeof AgentSigninPage>[0]> = {}, status = 200) {
    return sendPage(reply, <AgentSigninPage csrfToken={reply.generateCsrf()} proConnect={proConnect !== undefined} {...extra} />, status);
  }

  async function afterSignIn(request: FastifyRequest): Promise<string> {
    return currentSession(request)?.returnTo ?? "/agent";
  }

  app.get("/connexion", async (request, reply) => {
    if (currentSession(request)?.agentId) return reply.redirect("/agent", 303);
    const query = request.query as Record<string, string | undefined>;
    const notice: AgentSigninNotice | undefined =
      query.expiree === "1" || sessionExpired(request)
        ? "expired"
        : query.deconnecte === "1"
          ? "signed_out"
          : query.pc === "echec"
            ? "proconnect_failed"
            : query.delai === "1"
              ? "second_factor_late"
              : undefined;
    return signinPage(request, reply, { notice, returnTo: areaPath(query.retour, deps.config.publicUrl) });
  });

  app.post("/connexion", async (request, reply) => {
    const input = formInput(request) as Record<string, unknown>;
    const email = field(input, "email", 320).trim();
    const password = field(input, "password", 256);
    const returnTo = areaPath(input.retour, deps.config.publicUrl);
    const errors: Record<string, string> = {};
    if (!email) errors.email = "Saisissez votre adresse électronique professionnelle.";
    if (!password) errors.password = "Saisissez votre mot de passe.";
    if (Object.keys(errors).length > 0) return signinPage(request, reply, { errors, values: { email }, returnTo }, 400);
    const outcome = await agents.checkPassword(email, password, request.ip, knownDevice(request, device, normaliseEmail(email)));
    if (outcome.kind === "throttled") {
      const message = `Trop de tentatives de connexion. Réessayez dans ${waitInFrench(outcome.waitSeconds)}.`;
      return signinPage(request, reply, { errors: { email: message }, values: { email }, returnTo }, 429);
    }
    if (outcome.kind === "refused") {
      const message = "Adresse électronique ou mot de passe incorrect.";
      return signinPage(request, reply, { errors: { email: message, password: "Vérifiez votre mot de passe." }, values: { email }, returnTo }, 400);
    }
    // A new session for the password step (never a token the browser brought: fixation).
    await startPendingSession(request, reply, { passwordOk: { agentId: outcome.agentId, at: clock.now().getTime() }, ...(returnTo ? { returnTo } : {}) });
    return reply.redirect(outcome.enrolled ? "/agent/connexion/code" : "/agent/connexion/double-authentification", 303);
  });

  app.get("/connexion/code", async (request, reply) => {
    if (!passwordStep(request)) return reply.redirect("/agent/connexion?delai=1", 303);
    return sendPage(reply, <SecondFactorPage csrfToken={reply.generateCsrf()} />);
  });

  app.post("/connexion/code", async (request, reply) => {
    const agentId = passwordStep(request);
    if (!agentId) return reply.redirect("/agent/connexion?delai=1", 303);
    const code = field(formInput(request) as Record<string, unknown>, "code", 64).trim();
    const refuse = (message: string, status: number) => sendPage(reply, <SecondFactorPage csrfToken={reply.generateCsrf()} errors={{ code: message }} />, status);
    if (!code) return refuse("Saisissez le code affiché par votre application d'authentification.", 400);
    const outcome = await agents.checkSecondFactor(agentId, code, request.ip);
    if (outcome.kind === "throttled") return refuse(`Trop de tentatives. Réessayez dans ${waitInFrench(outcome.waitSeconds)}.`, 429);
    if (outcome.kind === "refused") {
      return refuse(
        outcome.reason === "replayed"
          ? "Ce code a déjà été utilisé. Attendez que votre application affiche le code suivant, puis saisissez-le."
          : "Code incorrect ou expiré. Saisissez le code à 6 chiffres affiché en ce moment par votre application, ou un code de secours.",
        400,
      );
    }
    const back = await afterSignIn(request);
    const left = outcome.usedRecoveryCode ? await agents.unusedRecoveryCodes(agentId) : undefined;
    await startAgentSession(request, reply, agentId, "mot_de_passe", {
      ...(left !== undefined ? { flash: `Vous vous êtes connecté avec un code de secours. Il vous en reste ${left}.` } : {}),
    });
    await rememberAgentDevice(request, reply, agentId);
    return reply.redirect(back, 303);
  });

  app.get("/connexion/double-authentification", async (request, reply) => {
    const agentId = passwordStep(request);
    if (!agentId) return reply.redirect("/agent/connexion?delai=1", 303);
    const pending = await agents.pendingEnrolment(agentId);
    if (!pending) return reply.redirect("/agent/connexion/code", 303);
    return sendPage(reply, <EnrolmentPage csrfToken={reply.generateCsrf()} secret={pending.secret} qrSvg={await qrCodeSvg(pending.uri)} />);
  });

  app.post("/connexion/double-authentification", async (request, reply) => {
    const agentId = passwordStep(request);
    if (!agentId) return reply.redirect("/agent/connexion?delai=1", 303);
    const code = field(formInput(request) as Record<string, unknown>, "code", 64).trim();
    const outcome = code ? await agents.confirmEnrolment(agentId, code, request.ip) : ({ kind: "refused" } as const);
    if (outcome.kind !== "ok") {
      const pending = await agents.pendingEnrolment(agentId);
      if (!pending) return reply.redirect("/agent/connexion/code", 303);
      const message =
        outcome.kind === "throttled"
          ? `Trop de tentatives. Réessayez dans ${waitInFrench(outcome.waitSeconds)}.`
          : code
            ? "Code incorrect ou expiré. Saisissez le code à 6 chiffres affiché en ce moment par votre application."
            : "Saisissez le code affiché par votre application d'authentification.";
      return sendPage(
        reply,
        <EnrolmentPage csrfToken={reply.generateCsrf()} secret={pending.secret} qrSvg={await qrCodeSvg(pending.uri)} errors={{ code: message }} />,
        outcome.kind === "throttled" ? 429 : 400,
      );
    }
    await startAgentSession(request, reply, agentId, "mot_de_passe");
    await rememberAgentDevice(request, reply, agentId);
    return sendPage(reply, <RecoveryCodesPage codes={outcome.recoveryCodes} />);
  });

  app.get("/mon-compte", { preHandler: requireAgent() }, async (request, reply) => {
    const agent = await agents.find(request.agent.agentId);
    const all = await agents.services();
    const method = currentSession(request)?.method;
    const left = agent?.totpEnabledAt ? await agents.unusedRecoveryCodes(request.agent.agentId) : undefined;
    return sendPage(
      reply,
      <AgentAccountPage
        agent={request.agent}
        email={agent?.email ?? ""}
        services={all.filter((s) => request.agent.serviceIds.includes(s.id))}
        method={method}
        recoveryCodesLeft={left}
        flash={takeFlash(request)}
      />,
    );
  });

  app.get("/deconnexion", async (request, reply) => {
    if (!currentSession(request)?.agentId) return reply.redirect("/agent/connexion", 303);
    return sendPage(reply, <SignOutPage csrfToken={reply.generateCsrf()} />);
  });

  app.post("/deconnexion", async (request, reply) => {
    const idToken = currentSession(request)?.proConnectIdToken;
    await endAgentSession(request, reply);
    if (idToken && proConnect) {
      try {
        return reply.redirect(await proConnect.logoutUrl(idToken), 303);
      } catch (error) {
        request.log.warn({ err: (error as Error).name }, "proconnect logout unavailable");
      }
    }
    return reply.redirect("/agent/connexion?deconnecte=1", 303);
  });

  /* ---------------------------------------------------------------- ProConnect */

  /** The pending authorization's own signed cookie (security/oidc-pending.ts): no row for an anonymous click. */
  const oidcCookie: PendingCookie = { name: AGENT_OIDC_COOKIE, path: "/agent/proconnect", secure };

  // `?double-authentification=1`: two factors required of ProConnect (after an administrator's refusal).
  app.get("/proconnect/connexion", async (request, reply) => {
    if (!proConnect) return reply.redirect("/agent/connexion?pc=echec", 303);
    const strong = (request.query as Record<string, unknown>)["double-authentification"] === "1";
    try {
      const { url, pending } = await proConnect.authorizationUrl({ strong });
      // Coming back from ProConnect is a navigation from another site: the Strict session
      // cookie is not sent then, so the pending authorization has its own Lax cookie.
      writePending(reply, oidcCookie, pending, clock.now());
      return reply.redirect(url, 303);
    } catch (error) {
      request.log.warn({ err: (error as Error).name }, "proconnect unavailable");
      return reply.redirect("/agent/connexion?pc=echec", 303);
    }
  });

  app.get("/proconnect/callback", async (request, reply) => {
    const pending = takePending(request, reply, oidcCookie, clock.now());
    const query = request.query as Record<string, string | undefined>;
    if (!proConnect || !pending || query.error) return reply.redirect("/agent/connexion?pc=echec", 303);
    let outcome;
    try {
      outcome = await proConnect.callback(new URL(request.url, deps.config.publicUrl), pending);
    } catch (error) {
      request.log.warn({ err: (error as Error).name, code: (error as { code?: string }).code }, "proconnect callback refused");
      return reply.redirect("/agent/connexion?pc=echec", 303);
    }
    const result = await agents.proConnectSignin(outcome.identity.email, outcome.identity.twoFactors);
    if (result.kind !== "ok") {
      // The reason only: nothing personal in the log (a refused administrator's one-factor sign-in may be a stolen password).
      request.log.info({ reason: result.kind }, "proconnect sign-in refused");
      return sendPage(reply, <ProConnectRefusedPage reason={result.kind} />, 403);
    }
    await startAgentSession(request, reply, result.agentId, "proconnect", { proConnectIdToken: outcome.idToken });
    return sendPage(reply, <ProConnectDonePage />);
  });

  // ProConnect sends the agent back here once its own session has ended.
  app.get("/proconnect/deconnexion", async (_request, reply) => reply.redirect("/agent/connexion?deconnecte=1", 303));
}
