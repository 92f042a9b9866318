import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  parseActivation,
  parseForgotIdentifier,
  parseForgotPassword,
  parseNewPassword,
  parseSignin,
  parseSignup,
} from "../../domain/account.ts";
import { field, type FieldErrors } from "../../domain/forms.ts";
import { unmetPasswordRules } from "../../domain/password.ts";
import { waitInFrench } from "../../domain/throttle.ts";
import type { ThrottleTarget } from "../../services/throttle.ts";
import { formInput, keepValues, pageContext, sendPage, servedOverHttps } from "../http.ts";
import { citizenDevice, knownDevice, rememberDevice } from "../security/device.ts";
import { endSession, safeReturnPath, startSignedInSession } from "../security/session.ts";
import {
  ActivationPage,
  EmailRequestPage,
  ForgotPasswordPage,
  InvalidLinkPage,
  MessagePage,
  ResetPasswordPage,
  SigninPage,
  SignupPage,
  SignupSentPage,
  type SigninNotice,
} from "./views/auth.tsx";
import type { WebDeps } from "../deps.ts";

/** SPEC §2: sign-in and sign-out, account creation and activation, forgotten identifier and password. */
export async function authRoutes(app: FastifyInstance, deps: WebDeps) {
  const secure = servedOverHttps(deps.config.publicUrl);
  const device = citizenDevice(secure);
  const { accounts, captcha, throttle, franceConnect } = deps;
  const ctx = (request: FastifyRequest, reply: FastifyReply) => pageContext(request, reply, deps.devTools);

  /** Counts this attempt, atomically with the check; refuses with 429 when one of the targets is blocked. */
  async function tooMany(targets: readonly ThrottleTarget[], reply: FastifyReply): Promise<string | undefined> {
    const admission = await throttle.take(targets);
    if (!admission.allowed) {
      reply.header("retry-after", String(admission.waitSeconds));
      return `Trop de tentatives. Pour protéger les comptes, réessayez dans ${waitInFrench(admission.waitSeconds)}.`;
    }
    return undefined;
  }

  /* ---- Sign-in ---- */

  app.get("/connexion", async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const notice: SigninNotice | undefined = q.deconnecte
      ? "signed_out"
      : q.motdepasse
        ? "password_changed"
        : q.fc === "echec"
          ? "franceconnect_failed"
          : request.session.franceConnectLink
            ? "link_franceconnect"
            : q.retour
              ? "session_expired"
              : undefined;
    return sendPage(reply, <SigninPage ctx={ctx(request, reply)} notice={notice} returnTo={safeReturnPath(q.retour, deps.config.publicUrl)} />);
  });

  app.post("/connexion", async (request, reply) => {
    const input = formInput(request);
    const returnTo = safeReturnPath(input.returnTo, deps.config.publicUrl);
    const values = keepValues(input, "identifier");
    const parsed = parseSignin(input);
    if (!parsed.ok) {
      return sendPage(reply, <SigninPage ctx={ctx(request, reply)} errors={parsed.errors} values={values} returnTo={returnTo} />, 400);
    }
    const { identifier } = parsed.value;
    const result = await accounts.signin(identifier, parsed.value.password, request.ip, knownDevice(request, device, identifier));
    if (result.kind !== "ok") {
      const throttled = result.kind === "throttled";
      if (throttled) reply.header("retry-after", String(result.waitSeconds));
      const failure = throttled
        ? `Trop de tentatives de connexion. Pour protéger votre compte, réessayez dans ${waitInFrench(result.waitSeconds)}.`
        : "Identifiant ou mot de passe incorrect.";
      return sendPage(reply, <SigninPage ctx={ctx(request, reply)} failure={failure} values={values} returnTo={returnTo} />, throttled ? 429 : 400);
    }
    const pendingLink = request.session.franceConnectLink;
    await startSignedInSession(request, result.account, result.previousLoginAt);
    rememberDevice(request, reply, device, identifier);
    // Linked only to the account of the identity's address (a link planted in this browser by
    // someone else names their address, not this account's).
    if (pendingLink && (await accounts.linkFranceConnect(result.account, pendingLink))) {
      request.session.flash = "Votre compte est désormais relié à FranceConnect.";
    }
    return reply.redirect(returnTo ?? "/mon-espace", 303);
  });

  app.post("/deconnexion", async (request, reply) => {
    const idToken = request.session.franceConnectIdToken;
    await endSession(request, reply, secure);
    if (idToken && franceConnect) {
      try {
        return reply.redirect(await franceConnect.logoutUrl(idToken), 303);
      } catch (error) {
        request.log.warn({ err: (error as Error).name }, "franceconnect logout unavailable");
      }
    }
    return reply.redirect("/connexion?deconnecte=1", 303);
  });

  /* ---- Account creation ---- */

  const signupPage = async (request: FastifyRequest, reply: FastifyReply, status: number, extra: { errors?: FieldErrors; values?: Record<string, string>; throttled?: string } = {}) =>
    sendPage(reply, <SignupPage ctx={ctx(request, reply)} captchaToken={captcha.create()} {...extra} />, status);

  app.get("/compte/creer", (request, reply) => signupPage(request, reply, 200));

  app.post("/compte/creer", async (request, reply) => {
    const input = formInput(request);
    const values = keepValues(input, "kind", "familyName", "givenName", "email", "cgu");
    if (field(input, "action") === "new-captcha") return signupPage(request, reply, 200, { values });
    const throttled = await tooMany([["signupIp", request.ip]], reply);
    if (throttled) return signupPage(request, reply, 429, { values, throttled });
    // The captcha: the widget's proof of work (JavaScript), or else the code typed from the image or audio.
    const proof = field(input, "altcha");
    const typed = field(input, "captcha");
    const proofOk = proof !== "" && (await captcha.verifyAltcha(proof));
    const captchaOk = proofOk || (typed !== "" && (await captcha.verify(field(input, "captchaId"), typed)));
    // The domain only asks for a non-empty code; a valid proof of work stands for it.
    const parsed = parseSignup(proofOk ? { ...input, captcha: "-" } : input);
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    if (!captchaOk) errors.captcha = captchaError(input, proof, typed, errors.captcha);
    if (!parsed.ok || !captchaOk) return signupPage(request, reply, 400, { errors, values });
    const mailbox = await tooMany([["mailTarget", parsed.value.email]], reply);
    if (mailbox) return signupPage(request, reply, 429, { values, throttled: mailbox });
    await accounts.signup(parsed.value);
    return reply.redirect("/compte/creer/envoye", 303);
  });

  app.get("/compte/creer/envoye", async (request, reply) => sendPage(reply, <SignupSentPage ctx={ctx(request, reply)} />));

  /* ---- Activation ---- */

  app.get("/compte/activer/:token", async (request, reply) => {
    const { token } = request.params as { token: string };
    const check = await accounts.checkToken("activation", token);
    if (check.state !== "valid") {
      return sendPage(reply, <InvalidLinkPage ctx={ctx(request, reply)} purpose="activation" state={check.state} />, check.state === "unknown" ? 404 : 410);
    }
    return sendPage(reply, <ActivationPage ctx={ctx(request, reply)} token={token} />);
  });

  app.post("/compte/activer/:token", async (request, reply) => {
    const { token } = request.params as { token: string };
    const input = formInput(request);
    const check = await accounts.checkToken("activation", token);
    if (check.state !== "valid") {
      return sendPage(reply, <InvalidLinkPage ctx={ctx(request, reply)} purpose="activation" state={check.state} />, check.state === "unknown" ? 404 : 410);
    }
    const parsed = parseActivation(input);
    if (!parsed.ok) {
      const unmet = parsed.errors.password && typeof input.password === "string" ? unmetPasswordRules(input.password).map((r) => r.id) : undefined;
      return sendPage(
        reply,
        <ActivationPage ctx={ctx(request, reply)} token={token} errors={parsed.errors} values={keepValues(input, "sex", "secretQuestion", "secretAnswer")} unmetRules={unmet} />,
        400,
      );
    }
    const result = await accounts.activate(token, parsed.value);
    if (result.state !== "valid") {
      return sendPage(reply, <InvalidLinkPage ctx={ctx(request, reply)} purpose="activation" state={result.state} />, 410);
    }
    await startSignedInSession(request, result.account, null);
    request.session.flash = "Votre compte est activé. Votre identifiant de connexion vient de vous être envoyé par mél : conservez-le.";
    return reply.redirect("/mon-espace", 303);
  });

  /* ---- New activation mail, forgotten identifier, forgotten password ---- */

  const emailRequest = (kind: "activation" | "identifier") =>
    kind === "activation"
      ? {
          title: "Recevoir un nouveau mél d'activation",
          intro: "Indiquez l'adresse mél saisie à la création de votre compte : si ce compte attend son activation, un nouveau lien vous sera envoyé.",
          action: "/compte/activation/renvoyer",
          button: "Recevoir un nouveau mél",
          done: "Si un compte en attente d'activation correspond à cette adresse, un nouveau mél d'activation vient de lui être envoyé. Si vous ne recevez rien, créez à nouveau votre compte.",
        }
      : {
          title: "Identifiant oublié",
          intro: "Indiquez l'adresse mél de votre compte : votre identifiant vous sera envoyé par mél.",
          action: "/identifiant-oublie",
          button: "Recevoir mon identifiant",
          done: "Si un compte correspond à cette adresse, votre identifiant vient de vous être envoyé par mél.",
        };

  for (const kind of ["activation", "identifier"] as const) {
    const text = emailRequest(kind);
    app.get(text.action, async (request, reply) => sendPage(reply, <EmailRequestPage ctx={ctx(request, reply)} {...text} />));
    app.post(text.action, async (request, reply) => {
      const input = formInput(request);
      const parsed = parseForgotIdentifier(input);
      if (!parsed.ok) {
        return sendPage(reply, <EmailRequestPage ctx={ctx(request, reply)} {...text} errors={parsed.errors} values={keepValues(input, "email")} />, 400);
      }
      const throttled = await tooMany([["recoveryIp", request.ip], ["mailTarget", parsed.value.email]], reply);
      if (throttled) {
        return sendPage(reply, <MessagePage ctx={ctx(request, reply)} title={text.title} type="error" message={throttled} />, 429);
      }
      if (kind === "activation") await accounts.resendActivation(parsed.value.email);
      else await accounts.forgotIdentifier(parsed.value.email);
      return sendPage(reply, <MessagePage ctx={ctx(request, reply)} title={text.title} type="info" message={text.done} />);
    });
  }

  app.get("/mot-de-passe-oublie", async (request, reply) => sendPage(reply, <ForgotPasswordPage ctx={ctx(request, reply)} />));

  app.post("/mot-de-passe-oublie", async (request, reply) => {
    const input = formInput(request);
    const parsed = parseForgotPassword(input);
    if (!parsed.ok) {
      return sendPage(reply, <ForgotPasswordPage ctx={ctx(request, reply)} errors={parsed.errors} values={keepValues(input, "identifier", "secretQuestion")} />, 400);
    }
    // The identifier's limit counts everyone's requests together, except in a browser that
    // signed in to it before (security/device.ts): nobody can lock its owner out of a reset there.
    const { identifier } = parsed.value;
    const known = knownDevice(request, device, identifier);
    const throttled = await tooMany([["recoveryIp", request.ip], ["mailTarget", known ? `${identifier} ${known}` : identifier]], reply);
    if (throttled) {
      return sendPage(reply, <MessagePage ctx={ctx(request, reply)} title="Mot de passe oublié" type="error" message={throttled} />, 429);
    }
    await accounts.forgotPassword(parsed.value.identifier, parsed.value.secretQuestion, parsed.value.secretAnswer);
    return sendPage(
      reply,
      <MessagePage
        ctx={ctx(request, reply)}
        title="Mot de passe oublié"
        type="info"
        message="Si ces informations correspondent à un compte, un mél contenant un lien pour choisir un nouveau mot de passe vient d'être envoyé. Ce lien est valable 1 heure. Sans mél, vérifiez l'identifiant, la question et la réponse."
      />,
    );
  });

  app.get("/mot-de-passe/reinitialiser/:token", async (request, reply) => {
    const { token } = request.params as { token: string };
    const check = await accounts.checkToken("password_reset", token);
    if (check.state !== "valid") {
      return sendPage(reply, <InvalidLinkPage ctx={ctx(request, reply)} purpose="password_reset" state={check.state} />, check.state === "unknown" ? 404 : 410);
    }
    return sendPage(reply, <ResetPasswordPage ctx={ctx(request, reply)} token={token} />);
  });

  app.post("/mot-de-passe/reinitialiser/:token", async (request, reply) => {
    const { token } = request.params as { token: string };
    const input = formInput(request);
    const parsed = parseNewPassword(input);
    if (!parsed.ok) {
      const unmet = parsed.errors.password && typeof input.password === "string" ? unmetPasswordRules(input.password).map((r) => r.id) : undefined;
      return sendPage(reply, <ResetPasswordPage ctx={ctx(request, reply)} token={token} errors={parsed.errors} unmetRules={unmet} />, 400);
    }
    const result = await accounts.resetPassword(token, parsed.value.password);
    if (result.state !== "valid") {
      return sendPage(reply, <InvalidLinkPage ctx={ctx(request, reply)} purpose="password_reset" state={result.state} />, result.state === "unknown" ? 404 : 410);
    }
    // Every session of the account was closed, this one included.
    await request.session.regenerate();
    return reply.redirect("/connexion?motdepasse=1", 303);
  });
}

/** Why the captcha was refused, for the way the visitor took (widget, or code typed). */
function captchaError(input: Record<string, unknown>, proof: string, typed: string, domainError: string | undefined): string {
  if (typed !== "") return domainError ?? "Le code saisi ne correspond pas à l'image. Recopiez le nouveau code affiché.";
  if (proof !== "") return "La vérification anti-robot a échoué ou a expiré. Cochez à nouveau la case « Je ne suis pas un robot ».";
  // The widget's field is in the form (empty): JavaScript ran, the proof of work was not finished.
  if ("altcha" in input) return "La vérification anti-robot n'est pas terminée. Cochez la case « Je ne suis pas un robot » et attendez qu'elle soit validée.";
  return domainError ?? "Saisissez le code affiché dans l'image.";
}
