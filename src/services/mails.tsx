import { render } from "preact-render-to-string";
import type { MailToSend } from "../db/repositories/outbox.ts";

/**
 * The service's mails, in French, each written once as paragraphs and rendered both as
 * plain text and as HTML.
 */
export const SERVICE_NAME = "Permis de conduire";

type Segment = string | { link: string } | { strong: string };
type Paragraph = Segment[];

interface MailContent {
  subject: string;
  paragraphs: Paragraph[];
}

const GREETING: Paragraph = ["Bonjour,"];
const SIGNATURE: Paragraph = ["Cordialement,", "\n", `Le service ${SERVICE_NAME}`];
const AUTOMATIC: Paragraph = ["Ce message vous est envoyé automatiquement, merci de ne pas y répondre."];

function toText(p: Paragraph): string {
  return p.map((s) => (typeof s === "string" ? s : "link" in s ? s.link : s.strong)).join("");
}

function Html({ content }: { content: MailContent }) {
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <title>{content.subject}</title>
      </head>
      <body style="font-family: Arial, sans-serif; color: #161616; line-height: 1.5">
        <p style="font-weight: bold">
          République Française
          <br />
          {SERVICE_NAME}
        </p>
        {content.paragraphs.map((p) => (
          <p>
            {p.map((s) =>
              typeof s === "string" ? (
                s === "\n" ? <br /> : s
              ) : "link" in s ? (
                <a href={s.link}>{s.link}</a>
              ) : (
                <strong>{s.strong}</strong>
              ),
            )}
          </p>
        ))}
      </body>
    </html>
  );
}

function mail(to: string, content: MailContent): MailToSend {
  const all = { ...content, paragraphs: [GREETING, ...content.paragraphs, SIGNATURE, AUTOMATIC] };
  return {
    to,
    subject: `${content.subject} — ${SERVICE_NAME}`,
    text: all.paragraphs.map(toText).join("\n\n") + "\n",
    html: "<!doctype html>" + render(<Html content={all} />),
  };
}

export const mails = {
  activation: (to: string, link: string) =>
    mail(to, {
      subject: "Activez votre compte",
      paragraphs: [
        [`Plus qu'une seule étape pour activer votre compte et profiter du service ${SERVICE_NAME}.`],
        ["Cliquez sur le lien ci-dessous pour confirmer votre adresse électronique et définir votre mot de passe :"],
        [{ link }],
        ["* Attention, sans activation de votre part dans les 24 heures, le compte sera supprimé."],
        ["* Une fois votre compte activé, vous recevrez par courriel votre identifiant de connexion."],
      ],
    }),

  identifier: (to: string, identifier: string, signinUrl: string) =>
    mail(to, {
      subject: "Votre identifiant de connexion",
      paragraphs: [
        [`Vous êtes inscrit sur le service ${SERVICE_NAME}.`],
        ["Votre identifiant est : ", { strong: identifier }],
        [
          "Cet identifiant est à conserver. Avec le mot de passe que vous avez choisi, il vous permet d'accéder à votre espace : ",
          { link: signinUrl },
        ],
      ],
    }),

  alreadyRegistered: (to: string, identifier: string | null, signinUrl: string) =>
    mail(to, {
      subject: "Vous avez déjà un compte",
      paragraphs: [
        ["Une demande de création de compte vient d'être faite avec votre adresse mél, qui a déjà un compte."],
        identifier
          ? ["Votre identifiant est : ", { strong: identifier }]
          : ["Votre compte est relié à FranceConnect : connectez-vous avec le bouton « S’identifier avec FranceConnect »."],
        ["Pour vous connecter : ", { link: signinUrl }],
        ["Si vous n'êtes pas à l'origine de cette demande, vous pouvez ignorer ce message."],
      ],
    }),

  forgottenIdentifier: (to: string, identifier: string, signinUrl: string) =>
    mail(to, {
      subject: "Votre identifiant de connexion",
      paragraphs: [
        ["Vous avez demandé à recevoir votre identifiant."],
        ["Votre identifiant est : ", { strong: identifier }],
        ["Pour vous connecter : ", { link: signinUrl }],
        ["Si vous n'êtes pas à l'origine de cette demande, vous pouvez ignorer ce message."],
      ],
    }),

  passwordReset: (to: string, link: string) =>
    mail(to, {
      subject: "Réinitialisez votre mot de passe",
      paragraphs: [
        ["Vous avez demandé à changer votre mot de passe. Cliquez sur le lien ci-dessous pour en choisir un nouveau :"],
        [{ link }],
        ["Ce lien est valable 1 heure et ne peut servir qu'une fois."],
        ["Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé."],
      ],
    }),

  passwordChanged: (to: string, forgotUrl: string) =>
    mail(to, {
      subject: "Votre mot de passe a été modifié",
      paragraphs: [
        ["Le mot de passe de votre compte vient d'être modifié."],
        ["Si vous n'êtes pas à l'origine de ce changement, faites une nouvelle demande sans attendre : ", { link: forgotUrl }],
      ],
    }),

  requestSent: (to: string, r: { number: string; motif: string; url: string; classicPhoto: boolean }) =>
    mail(to, {
      subject: `Votre demande n° ${r.number} a bien été envoyée`,
      paragraphs: [
        ["Votre demande de permis de conduire a bien été enregistrée et envoyée à l'administration."],
        ["Numéro de demande : ", { strong: r.number }],
        [r.motif],
        ["Vous pouvez suivre son avancement et télécharger votre récépissé de dépôt depuis votre espace : ", { link: r.url }],
        ...(r.classicPhoto
          ? [
              [
                "N'oubliez pas : imprimez le formulaire de dépôt de photo et de signature, collez-y votre photo, signez-le à l'encre noire et envoyez-le par courrier simple à : CTN, CS 80168, 53102 MAYENNE CEDEX.",
              ] as Paragraph,
            ]
          : []),
        ["Vous serez informé par mél et par SMS de chaque étape de son traitement."],
      ],
    }),
};
