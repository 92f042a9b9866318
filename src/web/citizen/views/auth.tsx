import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { ComponentChildren } from "preact";
import { ACCOUNT_KINDS, SECRET_QUESTIONS, SEXES } from "../../../domain/account.ts";
import { PASSWORD_RULES } from "../../../domain/password.ts";
import {
  Alert,
  Buttons,
  Checkbox,
  Csrf,
  ErrorSummary,
  FranceConnectButton,
  Input,
  NewPassword,
  RadioGroup,
  RequiredNotice,
  Select,
  SubmitButton,
  type Errors,
  type Values,
} from "../../views/components.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { IMAGE_HEIGHT, IMAGE_WIDTH } from "../../../services/captcha.ts";
import { addStaticRoot, asset } from "../../static.ts";

/**
 * The files of the ALTCHA widget that the sign-up page loads, served from the package under
 * hashed URLs like ours (no third party). The build without inline styles nor inline workers
 * ("external"), its stylesheet, its French strings, and the worker of our algorithm.
 */
const ALTCHA_FILES = new Set(["external/altcha.min.js", "external/altcha.css", "i18n/fr-fr.js", "workers/pbkdf2.js"]);
// Its package.json is not exported; its stylesheet is (dist/external/altcha.css).
addStaticRoot("altcha", dirname(dirname(createRequire(import.meta.url).resolve("altcha/altcha.css"))), (path) => ALTCHA_FILES.has(path));

/** The ALTCHA widget's element (a custom element, defined by its script in the browser). */
declare module "preact" {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      "altcha-widget": { challenge: string; name: string; language: string; auto: string; configuration: string };
    }
  }
}

/** Pages of SPEC §2: sign-in, account creation, activation, forgotten identifier and password. */

interface FormPage {
  ctx: PageContext;
  errors?: Errors;
  values?: Values;
}

const hasErrors = (errors?: Errors) => Boolean(errors && Object.values(errors).some(Boolean));

/** A page that only tells something: a title, an alert and what to do next. */
export function MessagePage(p: {
  ctx: PageContext;
  title: string;
  type: "success" | "error" | "info" | "warning";
  heading?: string;
  message: ComponentChildren;
  children?: ComponentChildren;
}) {
  return (
    <Layout ctx={p.ctx} title={p.title}>
      <h1>{p.title}</h1>
      <Alert type={p.type} title={p.heading}>
        {p.message}
      </Alert>
      {p.children}
    </Layout>
  );
}

export type SigninNotice = "signed_out" | "password_changed" | "link_franceconnect" | "session_expired" | "franceconnect_failed";

const SIGNIN_NOTICES: Record<SigninNotice, { type: "success" | "info" | "error"; text: string }> = {
  signed_out: { type: "success", text: "Vous êtes déconnecté." },
  password_changed: { type: "success", text: "Votre mot de passe a été modifié. Connectez-vous avec votre nouveau mot de passe." },
  link_franceconnect: {
    type: "info",
    text: "Un compte existe déjà avec l'adresse mél de votre identité FranceConnect. Connectez-vous une fois avec votre identifiant et votre mot de passe : votre compte sera alors relié à FranceConnect.",
  },
  session_expired: { type: "info", text: "Connectez-vous pour accéder à cette page." },
  franceconnect_failed: {
    type: "error",
    text: "La connexion avec FranceConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre identifiant.",
  },
};

export function SigninPage(p: FormPage & { notice?: SigninNotice | undefined; failure?: string | undefined; returnTo?: string | undefined }) {
  const notice = p.notice ? SIGNIN_NOTICES[p.notice] : undefined;
  return (
    <Layout ctx={p.ctx} title="Se connecter" hasErrors={hasErrors(p.errors) || Boolean(p.failure)}>
      <h1>JE POSSÈDE DÉJÀ UN COMPTE, JE M'IDENTIFIE</h1>
      {notice && <Alert type={notice.type}>{notice.text}</Alert>}
      {p.failure && (
        <div class="fr-alert fr-alert--error fr-mb-4w" id="error-summary" tabIndex={-1} role="alert">
          <p>{p.failure}</p>
        </div>
      )}
      <ErrorSummary errors={p.errors ?? {}} fieldOrder={["identifier", "password"]} />
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-6">
          <h2>Avec mon identifiant</h2>
          <form method="post" action="/connexion" novalidate>
            <Csrf token={p.ctx.csrfToken} />
            {p.returnTo && <input type="hidden" name="returnTo" value={p.returnTo} />}
            <RequiredNotice />
            <Input
              name="identifier"
              label="Identifiant"
              hint="L'identifiant vous a été envoyé par mél à l'activation de votre compte."
              required
              autocomplete="username"
              spellcheck={false}
              errors={p.errors}
              values={p.values}
            />
            <p>
              <a href="/identifiant-oublie" class="fr-link">
                Identifiant oublié ?
              </a>
            </p>
            <Input name="password" type="password" label="Mot de passe" required autocomplete="current-password" errors={p.errors} />
            <p>
              <a href="/mot-de-passe-oublie" class="fr-link">
                Mot de passe oublié ?
              </a>
            </p>
            <SubmitButton>ME CONNECTER</SubmitButton>
          </form>
        </div>
        <div class="fr-col-12 fr-col-md-6">
          <h2>Avec FranceConnect</h2>
          <p>Connectez-vous simplement avec FranceConnect.</p>
          <FranceConnectButton />
          <h2 class="fr-h4">Vous n'avez pas de compte ?</h2>
          <p>
            <a class="fr-link" href="/compte/creer">
              Créer un compte
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}

export function SignupPage(p: FormPage & { captchaToken: string; throttled?: string | undefined }) {
  return (
    <Layout ctx={p.ctx} title="Créer un compte" hasErrors={hasErrors(p.errors) || Boolean(p.throttled)}>
      <h1>JE CRÉE UN COMPTE</h1>
      {p.throttled && (
        <div class="fr-alert fr-alert--error fr-mb-4w" id="error-summary" tabIndex={-1} role="alert">
          <p>{p.throttled}</p>
        </div>
      )}
      <ErrorSummary errors={p.errors ?? {}} fieldOrder={["kind", "familyName", "givenName", "email", "captcha", "cgu"]} />
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-7">
          <form method="post" action="/compte/creer" novalidate>
            <Csrf token={p.ctx.csrfToken} />
            <input type="hidden" name="captchaId" value={p.captchaToken} />
            <p>En remplissant les champs suivants</p>
            <RequiredNotice />
            <Select
              name="kind"
              label="Je suis ..."
              required
              options={ACCOUNT_KINDS}
              errors={p.errors}
              values={{ kind: "particulier", ...p.values }}
            />
            <Input name="familyName" label="Nom de famille" required autocomplete="family-name" errors={p.errors} values={p.values} />
            <Input name="givenName" label="Prénom" required autocomplete="given-name" errors={p.errors} values={p.values} />
            <Input
              name="email"
              type="email"
              label="Adresse mél"
              hint="Format attendu : nom@domaine.fr"
              required
              autocomplete="email"
              spellcheck={false}
              errors={p.errors}
              values={p.values}
            />
            <CaptchaField token={p.captchaToken} errors={p.errors} />
            <Checkbox
              name="cgu"
              required
              label={
                <span>
                  J'accepte les <a href="/cgu">conditions générales d'utilisation et les règles de confidentialité</a>
                </span>
              }
              errors={p.errors}
              values={p.values}
            />
            <div class="fr-mt-4w">
              <SubmitButton>CRÉER MON COMPTE</SubmitButton>
            </div>
          </form>
        </div>
        <div class="fr-col-12 fr-col-md-5">
          <p class="fr-hr-or">ou</p>
          <h2>Avec FranceConnect</h2>
          <p>Créez votre compte en 1 clic avec FranceConnect.</p>
          <FranceConnectButton />
          <h2 class="fr-h4">Qui peut créer un compte ?</h2>
          <p>
            Un compte « Particulier » vous permet d'effectuer vos demandes de permis de conduire en ligne, pour vous-même ou
            pour une personne que vous aidez. Un compte « Professionnel » est destiné aux écoles de conduite, qui déposent les
            demandes de leurs élèves.
          </p>
          <h2 class="fr-h4">La création de mon compte, comment ça se passe ?</h2>
          <p>
            Vous recevez un 1er mél pour activer votre compte : vous y choisissez votre mot de passe. Vous êtes alors
            connecté, et un second mél vous indique l'identifiant qui vous a été attribué.
          </p>
        </div>
      </div>
    </Layout>
  );
}

/**
 * The captcha. Without JavaScript: a code in an image and in audio (both made afresh for this
 * challenge) to type in. With JavaScript (assets/captcha.js), the ALTCHA widget takes their place:
 * the browser proves some work, the person only waits for the box to be ticked. Either is
 * accepted; no time pressure (30 minutes), and "Afficher un autre code" gives a new challenge.
 */
function CaptchaField({ token, errors }: { token: string; errors?: Errors | undefined }) {
  const error = errors?.captcha;
  return (
    <div
      class="fr-mb-3w"
      data-captcha
      data-worker={asset("altcha/workers/pbkdf2.js")}
      data-widget-script={asset("altcha/external/altcha.min.js")}
      data-widget-language={asset("altcha/i18n/fr-fr.js")}
      data-widget-style={asset("altcha/external/altcha.css")}
    >
      {/* Shown in both ways, and painted with the page: the text the widget brings a moment later
          stays below it, so that a phone's largest paint is not delayed by the widget's scripts (issue 8). */}
      <p class="fr-mb-1w" id="captcha-intro">
        Vérification anti-robot : elle montre qu'une personne, et non un programme, crée ce compte. Aucune donnée
        n'est transmise à un tiers.
      </p>
      <div data-captcha-widget hidden>
        <p class="fr-mb-1w" id="captcha-widget-hint">
          Votre navigateur fait un court calcul (quelques secondes au plus). La case ci-dessous se coche d'elle-même
          quand il est terminé ; vous pouvez aussi la cocher pour le lancer.
        </p>
        <altcha-widget
          challenge="/captcha/altcha"
          name="altcha"
          language="fr-fr"
          auto="onfocus"
          configuration='{"hideFooter":true,"hideLogo":true}'
        ></altcha-widget>
        {error && (
          <p class="fr-message fr-message--error fr-mt-1w" id="captcha-widget-error">
            {error}
          </p>
        )}
      </div>
      <div data-captcha-fallback>
        <img
          class="captcha-image fr-mb-1w"
          src={`/captcha/${token}/image.png`}
          // Hidden behind the widget, it is not fetched (without JavaScript, browsers load it at once).
          loading="lazy"
          width={IMAGE_WIDTH}
          height={IMAGE_HEIGHT}
          alt="Code de sécurité : 6 chiffres à recopier. Si vous ne pouvez pas lire l'image, une version audio est proposée juste après."
        />
        <p class="fr-mb-1w">
          <a class="fr-link fr-icon-volume-up-line fr-link--icon-left" href={`/captcha/${token}/audio.wav`}>
            Écouter le code (fichier audio)
          </a>
        </p>
        <audio controls preload="none" src={`/captcha/${token}/audio.wav`} aria-label="Écouter le code de sécurité"></audio>
        <Input
          name="captcha"
          label="Saisir le code ci-dessus"
          hint="Recopiez les 6 chiffres de l'image, ou ceux que vous entendez dans la version audio. Le code reste valable 30 minutes."
          required
          autocomplete="off"
          inputmode="numeric"
          maxLength={12}
          errors={errors}
          value=""
        />
        <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-refresh-line fr-btn--icon-left" name="action" value="new-captcha">
          Afficher un autre code
        </button>
      </div>
      <script type="module" src={asset("captcha.js")}></script>
    </div>
  );
}

export function SignupSentPage({ ctx }: { ctx: PageContext }) {
  return (
    <MessagePage
      ctx={ctx}
      title="JE CRÉE UN COMPTE"
      type="success"
      heading="Succès !"
      message="Un mél d'activation de votre compte vient de vous être envoyé."
    >
      <p>
        Cliquez sur le lien qu'il contient dans les 24 heures pour choisir votre mot de passe : sans activation, le compte
        est supprimé.
      </p>
      <p>
        Vous n'avez rien reçu ? Vérifiez vos courriers indésirables, puis{" "}
        <a href="/compte/activation/renvoyer">demandez un nouveau mél d'activation</a>.
      </p>
    </MessagePage>
  );
}

export function ActivationPage(p: FormPage & { token: string; unmetRules?: string[] | undefined }) {
  return (
    <Layout ctx={p.ctx} title="Activer mon compte" hasErrors={hasErrors(p.errors)}>
      <h1>VOUS Y ÊTES PRESQUE !</h1>
      <ErrorSummary
        errors={p.errors ?? {}}
        fieldOrder={["sex", "password", "passwordConfirmation", "secretQuestion", "secretAnswer"]}
      />
      <form method="post" action={`/compte/activer/${p.token}`} novalidate class="fr-col-md-8">
        <Csrf token={p.ctx.csrfToken} />
        <p>Veuillez compléter le formulaire ci-dessous :</p>
        <RequiredNotice />
        <RadioGroup name="sex" label="Sexe" required inline options={SEXES} errors={p.errors} values={p.values} />
        <NewPassword name="password" label="Mot de passe" rules={PASSWORD_RULES} unmet={p.unmetRules} errors={p.errors} />
        <PasswordConfirmation errors={p.errors} />
        <Select
          name="secretQuestion"
          label="Question secrète"
          hint="Elle vous sera demandée si vous oubliez votre mot de passe."
          required
          options={SECRET_QUESTIONS}
          errors={p.errors}
          values={p.values}
          placeholder="Choisir une question"
        />
        <Input
          name="secretAnswer"
          label="Réponse à votre question secrète"
          hint="Les majuscules et les accents ne comptent pas."
          required
          autocomplete="off"
          errors={p.errors}
          values={p.values}
        />
        <SubmitButton>ME CONNECTER</SubmitButton>
      </form>
    </Layout>
  );
}

export function EmailRequestPage(p: FormPage & { title: string; intro: string; action: string; button: string }) {
  return (
    <Layout ctx={p.ctx} title={p.title} hasErrors={hasErrors(p.errors)}>
      <h1>{p.title}</h1>
      <ErrorSummary errors={p.errors ?? {}} />
      <form method="post" action={p.action} novalidate class="fr-col-md-8">
        <Csrf token={p.ctx.csrfToken} />
        <p>{p.intro}</p>
        <RequiredNotice />
        <Input name="email" type="email" label="Adresse mél" hint="Format attendu : nom@domaine.fr" required autocomplete="email" errors={p.errors} values={p.values} />
        <SubmitButton>{p.button}</SubmitButton>
      </form>
    </Layout>
  );
}

export function ForgotPasswordPage(p: FormPage) {
  return (
    <Layout ctx={p.ctx} title="Mot de passe oublié" hasErrors={hasErrors(p.errors)}>
      <h1>Mot de passe oublié</h1>
      <ErrorSummary errors={p.errors ?? {}} fieldOrder={["identifier", "secretQuestion", "secretAnswer"]} />
      <form method="post" action="/mot-de-passe-oublie" novalidate class="fr-col-md-8">
        <Csrf token={p.ctx.csrfToken} />
        <p>
          Indiquez votre identifiant, la question secrète choisie à l'activation de votre compte et sa réponse. Si elles sont
          exactes, vous recevrez par mél un lien pour choisir un nouveau mot de passe.
        </p>
        <RequiredNotice />
        <Input name="identifier" label="Identifiant" required autocomplete="username" spellcheck={false} errors={p.errors} values={p.values} />
        <p>
          <a href="/identifiant-oublie" class="fr-link">
            Identifiant oublié ?
          </a>
        </p>
        <Select name="secretQuestion" label="Question secrète" required options={SECRET_QUESTIONS} errors={p.errors} values={p.values} placeholder="Choisir votre question" />
        <Input name="secretAnswer" label="Réponse à votre question secrète" required autocomplete="off" errors={p.errors} values={p.values} />
        <SubmitButton>Recevoir un lien de réinitialisation</SubmitButton>
      </form>
    </Layout>
  );
}

export function ResetPasswordPage(p: FormPage & { token: string; unmetRules?: string[] | undefined }) {
  return (
    <Layout ctx={p.ctx} title="Choisir un nouveau mot de passe" hasErrors={hasErrors(p.errors)}>
      <h1>Choisir un nouveau mot de passe</h1>
      <ErrorSummary errors={p.errors ?? {}} fieldOrder={["password", "passwordConfirmation"]} />
      <form method="post" action={`/mot-de-passe/reinitialiser/${p.token}`} novalidate class="fr-col-md-8">
        <Csrf token={p.ctx.csrfToken} />
        <RequiredNotice />
        <NewPassword name="password" label="Nouveau mot de passe" rules={PASSWORD_RULES} unmet={p.unmetRules} errors={p.errors} />
        <PasswordConfirmation errors={p.errors} />
        <Buttons>
          <li>
            <SubmitButton>Enregistrer le mot de passe</SubmitButton>
          </li>
        </Buttons>
      </form>
    </Layout>
  );
}

/** An activation or reset link that cannot be used: why, and what to do instead. */
export function InvalidLinkPage({ ctx, purpose, state }: { ctx: PageContext; purpose: "activation" | "password_reset"; state: "expired" | "used" | "unknown" }) {
  if (purpose === "activation") {
    const message = {
      expired: "Ce lien d'activation a expiré : il était valable 24 heures.",
      used: "Ce lien d'activation a déjà été utilisé : votre compte est activé.",
      unknown: "Ce lien d'activation n'est pas valide. Il a peut-être expiré et le compte non activé a été supprimé.",
    }[state];
    return (
      <MessagePage ctx={ctx} title="Lien d'activation" type="error" heading="Ce lien ne peut plus servir" message={message}>
        {state === "used" ? (
          <p>
            Connectez-vous avec l'identifiant reçu par mél : <a href="/connexion">se connecter</a>. Vous l'avez perdu ?{" "}
            <a href="/identifiant-oublie">Identifiant oublié ?</a>
          </p>
        ) : (
          <p>
            <a class="fr-btn" href="/compte/activation/renvoyer">
              Recevoir un nouveau mél d'activation
            </a>
          </p>
        )}
      </MessagePage>
    );
  }
  const message = {
    expired: "Ce lien de réinitialisation a expiré : il était valable 1 heure.",
    used: "Ce lien de réinitialisation a déjà été utilisé.",
    unknown: "Ce lien de réinitialisation n'est pas valide.",
  }[state];
  return (
    <MessagePage ctx={ctx} title="Lien de réinitialisation" type="error" heading="Ce lien ne peut plus servir" message={message}>
      <p>
        <a class="fr-btn" href="/mot-de-passe-oublie">
          Faire une nouvelle demande
        </a>
      </p>
    </MessagePage>
  );
}

/** The new password typed again (activation and reset). */
function PasswordConfirmation({ errors }: { errors?: Errors | undefined }) {
  return <Input name="passwordConfirmation" type="password" label="Confirmez le mot de passe" required autocomplete="new-password" errors={errors} class="fr-mt-3w" />;
}
