import { AGENT_ROLES, type AgentActor } from "../../../domain/actors.ts";
import { Alert, Buttons, Csrf, Input, RequiredNotice, SubmitButton, type Errors, type Values } from "../../views/components.tsx";
import { AgentLayout, SubmitOrCancel } from "./layout.tsx";

/** The agents' sign-in pages: ProConnect, or password then TOTP code (and its enrolment). */

export type AgentSigninNotice = "expired" | "signed_out" | "proconnect_failed" | "second_factor_late";

const NOTICES: Record<AgentSigninNotice, { type: "info" | "success" | "error"; text: string }> = {
  expired: { type: "info", text: "Votre session a expiré (30 minutes sans activité, ou 8 heures après la connexion). Connectez-vous à nouveau." },
  signed_out: { type: "success", text: "Vous êtes déconnecté de l'espace agents." },
  proconnect_failed: { type: "error", text: "La connexion avec ProConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre mot de passe." },
  second_factor_late: { type: "info", text: "Le délai pour saisir le code est dépassé. Saisissez à nouveau votre adresse électronique et votre mot de passe." },
};

export function ProConnectButton() {
  return (
    <div class="fr-connect-group">
      <form method="get" action="/agent/proconnect/connexion">
        <button type="submit" class="fr-connect" id="proconnect">
          <span class="fr-connect__login">S’identifier avec</span> <span class="fr-connect__brand">ProConnect</span>
        </button>
      </form>
      <p>
        <a href="https://www.proconnect.gouv.fr/" target="_blank" rel="noopener" title="Qu’est-ce que ProConnect ? - nouvelle fenêtre">
          Qu’est-ce que ProConnect ?
        </a>
      </p>
    </div>
  );
}

export function AgentSigninPage(p: {
  csrfToken: string;
  proConnect: boolean;
  notice?: AgentSigninNotice | undefined;
  errors?: Errors;
  values?: Values;
  returnTo?: string | undefined;
}) {
  const notice = p.notice ? NOTICES[p.notice] : undefined;
  return (
    <AgentLayout title="Connexion à l'espace agents" errors={p.errors} fieldOrder={["email", "password"]}>
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <h1>Connexion à l'espace agents</h1>
          {notice && (
            <Alert type={notice.type} id="notice">
              {notice.text}
            </Alert>
          )}
          <p>Cet espace est réservé aux agents des services instructeurs. Les comptes sont créés par un administrateur.</p>
          {p.proConnect && (
            <>
              <h2>Avec ProConnect</h2>
              <ProConnectButton />
              <p class="fr-hr-or">ou</p>
            </>
          )}
          <h2>Avec un mot de passe et un code de vérification</h2>
          <form method="post" action="/agent/connexion" novalidate>
            <Csrf token={p.csrfToken} />
            {p.returnTo && <input type="hidden" name="retour" value={p.returnTo} />}
            <RequiredNotice />
            <Input name="email" type="email" label="Adresse électronique professionnelle" autocomplete="username" spellcheck={false} maxLength={254} required errors={p.errors} values={p.values} />
            <Input name="password" type="password" label="Mot de passe" autocomplete="current-password" maxLength={128} required errors={p.errors} />
            <Buttons>
              <li>
                <SubmitButton>Continuer</SubmitButton>
              </li>
            </Buttons>
          </form>
        </div>
      </div>
    </AgentLayout>
  );
}

export function SecondFactorPage(p: { csrfToken: string; errors?: Errors }) {
  return (
    <AgentLayout title="Code de vérification" errors={p.errors} fieldOrder={["code"]}>
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <h1>Code de vérification</h1>
          <p>Ouvrez votre application d'authentification et saisissez le code à 6 chiffres qu'elle affiche pour l'espace agents.</p>
          <form method="post" action="/agent/connexion/code" novalidate>
            <Csrf token={p.csrfToken} />
            <Input
              name="code"
              label="Code de vérification"
              hint="6 chiffres, par exemple 123456. Sans votre téléphone, saisissez un de vos codes de secours (par exemple ABCD-EFGH-JKMN)."
              autocomplete="one-time-code"
              inputmode="text"
              spellcheck={false}
              maxLength={20}
              required
              errors={p.errors}
            />
            <Buttons>
              <li>
                <SubmitButton>Se connecter</SubmitButton>
              </li>
            </Buttons>
          </form>
          <p>
            <a href="/agent/connexion">Recommencer la connexion</a>
          </p>
        </div>
      </div>
    </AgentLayout>
  );
}

export function EnrolmentPage(p: { csrfToken: string; secret: string; qrSvg: string; errors?: Errors }) {
  const grouped = p.secret.match(/.{1,4}/g)?.join(" ") ?? p.secret;
  const qrDataUrl = `data:image/svg+xml;base64,${Buffer.from(p.qrSvg, "utf8").toString("base64")}`;
  return (
    <AgentLayout title="Activer la double authentification" errors={p.errors} fieldOrder={["code"]}>
      <h1>Activer la double authentification</h1>
      <p>
        Pour vous connecter avec un mot de passe, un second facteur est obligatoire : un code à 6 chiffres, renouvelé toutes les
        30 secondes par une application d'authentification (par exemple FreeOTP, Aegis, Google Authenticator ou l'application
        de votre ministère).
      </p>
      <ol>
        <li>
          <p>Dans l'application, ajoutez un compte en scannant ce code QR :</p>
          <p>
            <img src={qrDataUrl} width={220} height={220} alt="Code QR à scanner avec votre application d'authentification (la clé est aussi écrite ci-dessous)" id="totp-qr" />
          </p>
          <p>
            ou saisissez cette clé à la main : <code id="totp-secret">{grouped}</code>
          </p>
        </li>
        <li>
          <p>Saisissez ci-dessous le code que l'application affiche, pour confirmer.</p>
        </li>
      </ol>
      <form method="post" action="/agent/connexion/double-authentification" novalidate>
        <Csrf token={p.csrfToken} />
        <Input name="code" label="Code affiché par l'application" hint="6 chiffres, par exemple 123456" autocomplete="one-time-code" inputmode="numeric" maxLength={7} required errors={p.errors} />
        <Buttons>
          <li>
            <SubmitButton>Activer et se connecter</SubmitButton>
          </li>
        </Buttons>
      </form>
    </AgentLayout>
  );
}

export function RecoveryCodesPage(p: { codes: readonly string[] }) {
  return (
    <AgentLayout title="Vos codes de secours">
      <h1>Vos codes de secours</h1>
      <Alert type="warning" title="Notez-les maintenant : ils ne seront plus affichés">
        <p>
          Chacun de ces 10 codes remplace une seule fois le code de l'application, si vous n'avez plus votre téléphone. Gardez-les
          en lieu sûr, hors de votre téléphone.
        </p>
      </Alert>
      <ul id="recovery-codes" class="fr-text--lg">
        {p.codes.map((c) => (
          <li>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <p>
        <a class="fr-btn" href="/agent">
          Accéder à l'espace agents
        </a>
      </p>
    </AgentLayout>
  );
}

export function SignOutPage(p: { csrfToken: string }) {
  return (
    <AgentLayout title="Déconnexion">
      <h1>Déconnexion</h1>
      <p>Voulez-vous vous déconnecter de l'espace agents ?</p>
      <form method="post" action="/agent/deconnexion">
        <Csrf token={p.csrfToken} />
        <SubmitOrCancel submit="Se déconnecter" cancelHref="/agent" />
      </form>
    </AgentLayout>
  );
}

/** After ProConnect: this page (same site) leads to the area, so that the SameSite=Strict cookie is sent. */
export function ProConnectDonePage() {
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content="0;url=/agent" />
        <title>Connexion réussie - Espace agents</title>
      </head>
      <body>
        <main>
          <p>
            Connexion réussie. <a href="/agent">Accéder à l'espace agents</a>
          </p>
        </main>
      </body>
    </html>
  );
}

export function ProConnectRefusedPage(p: { reason: "unknown" | "inactive" | "two_factors_required" }) {
  if (p.reason === "two_factors_required") {
    return (
      <AgentLayout title="Double authentification requise">
        <h1>Double authentification requise</h1>
        <Alert type="error" title="Un compte administrateur se connecte avec la double authentification">
          <p>
            Vous vous êtes identifié avec ProConnect sans double authentification. Activez la double authentification sur votre compte ProConnect, puis
            reconnectez-vous : ProConnect vous la demandera.
          </p>
        </Alert>
        <Buttons>
          <li>
            <a class="fr-btn" href="/agent/proconnect/connexion?double-authentification=1">
              Se reconnecter avec la double authentification
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href="/agent/connexion">
              Retour à la page de connexion
            </a>
          </li>
        </Buttons>
      </AgentLayout>
    );
  }
  return (
    <AgentLayout title="Accès refusé">
      <h1>Accès refusé</h1>
      <Alert type="error" title={p.reason === "unknown" ? "Aucun compte agent n'est associé à cette adresse" : "Votre compte agent est désactivé"}>
        <p>
          {p.reason === "unknown"
            ? "Vous vous êtes bien identifié avec ProConnect, mais votre adresse électronique ne correspond à aucun agent de ce service. Les comptes des agents sont créés par un administrateur : demandez-lui de vous en créer un avec l'adresse de votre compte ProConnect."
            : "Votre compte a été désactivé par un administrateur. Adressez-vous à lui si vous devez à nouveau accéder à l'espace agents."}
        </p>
      </Alert>
      <p>
        <a href="/agent/connexion">Retour à la page de connexion</a>
      </p>
    </AgentLayout>
  );
}

/** The signed-in agent's own page: who they are, their role and services, their second factor. */
export function AgentAccountPage(p: {
  agent: AgentActor;
  email: string;
  services: ReadonlyArray<{ id: string; name: string }>;
  method: string | undefined;
  recoveryCodesLeft: number | undefined;
  flash?: string | undefined;
}) {
  return (
    <AgentLayout title="Mon compte agent" agent={p.agent} flash={p.flash}>
      <h1>Mon compte agent</h1>
      <dl>
        <dt>Nom</dt>
        <dd id="account-name">{p.agent.name}</dd>
        <dt>Adresse électronique</dt>
        <dd id="account-email">{p.email}</dd>
        <dt>Rôle</dt>
        <dd id="account-role">{AGENT_ROLES[p.agent.role].label}</dd>
        <dt>Services instructeurs</dt>
        <dd id="account-services">{p.services.length > 0 ? p.services.map((s) => s.name).join(", ") : p.agent.role === "admin" ? "Tous (administrateur)" : "Aucun"}</dd>
        <dt>Connexion</dt>
        <dd id="account-method">{p.method === "proconnect" ? "ProConnect" : "Mot de passe et code de vérification"}</dd>
        {p.recoveryCodesLeft !== undefined && (
          <>
            <dt>Codes de secours restants</dt>
            <dd id="account-recovery">{p.recoveryCodesLeft}</dd>
          </>
        )}
      </dl>
    </AgentLayout>
  );
}
