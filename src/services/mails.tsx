import { render } from "preact-render-to-string";
import type { MailToSend } from "../db/repositories/outbox.ts";
import { REQUEST_MESSAGES, type RequestMessage } from "../domain/request/messages.ts";
import { REQUEST_STATES } from "../domain/request/state.ts";

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

  /** Step 7's confirmation (always sent: the procedure needs it). */
  requestSent: (to: string, r: RequestMailFacts) => requestMailContent(to, "envoyee", r),
};

/** What a mail about a request says, and to whom. */
export interface RequestMailFacts {
  number: string;
  /** The motif's sentence of the récapitulatif. */
  motif: string;
  /**
   * The request's page. Given only when the recipient is the account holder: the person a
   * request was made for cannot open it (it belongs to the account of whoever filed it).
   */
  url?: string | undefined;
  /** Who filed the request for the recipient ("Sylvie Dupont"), when it was made for someone else. */
  filedBy?: string | undefined;
  classicPhoto?: boolean;
  /** The consent of step 3 (see src/domain/request/messages.ts). */
  optionalMessages: boolean;
  /** The day the request will be deleted ("28/02/2027"), for `suppression_proche`. */
  deletionDay?: string | undefined;
  /** The documents to download before then (their labels), for `suppression_proche`. */
  documents?: readonly string[] | undefined;
}

const SUBJECTS: Record<RequestMessage, (n: string) => string> = {
  envoyee: (n) => `Votre demande n° ${n} a bien été envoyée`,
  verification_images: (n) => `Votre demande n° ${n} : vérification de la photo et de la signature`,
  en_instruction: (n) => `Votre demande n° ${n} est en cours d'instruction`,
  a_completer: (n) => `Votre demande n° ${n} est à compléter`,
  rejet_images: (n) => `Votre demande n° ${n} : photo ou signature non conforme`,
  rejet_instruction: (n) => `Votre demande n° ${n} a été rejetée`,
  validee: (n) => `Votre demande n° ${n} a été validée`,
  inscription_validee: (n) => `Votre inscription au permis de conduire est validée (demande n° ${n})`,
  attestation_droits: (n) => `Votre attestation de droits à conduire est disponible (demande n° ${n})`,
  attestation_depot: (n) => `Votre attestation de dépôt est disponible (demande n° ${n})`,
  suppression_proche: (n) => `Votre demande n° ${n} sera bientôt supprimée : téléchargez vos documents`,
};

/** What the message tells, and what to do (REQUEST_STATES' words for the states). */
function news(message: RequestMessage, r: RequestMailFacts): Paragraph[] {
  switch (message) {
    case "attestation_depot":
      return [
        [
          "Vous pouvez désormais télécharger l'attestation de dépôt de votre demande de permis de conduire international, à joindre à votre demande par courrier papier.",
        ],
      ];
    case "suppression_proche": {
      const documents = r.documents ?? [];
      return [
        ["Comme toutes les demandes, votre demande sera supprimée 6 mois après sa création, le ", { strong: r.deletionDay ?? "" }, ", avec ses documents."],
        documents.length > 0
          ? ["Téléchargez avant cette date, depuis votre espace, les documents que vous souhaitez conserver :", ...documents.flatMap((d) => ["\n", `- ${d}`])]
          : ["Aucun document n'est à télécharger pour cette demande."],
      ];
    }
    case "envoyee":
      return [["Votre demande de permis de conduire a bien été enregistrée et envoyée à l'administration."]];
    case "attestation_droits":
      return [["Votre attestation de droits à conduire est disponible : vous pouvez de nouveau conduire en la gardant sur vous jusqu'à la réception de votre nouveau permis."]];
    case "inscription_validee":
      return [
        ["Votre inscription au permis de conduire est validée : votre numéro NEPH est actif. Il vous sert à vous inscrire à l'examen du code de la route."],
        ["Votre attestation d'inscription au permis de conduire est disponible au téléchargement sur la page de la demande, dans votre espace."],
      ];
    case "validee":
      return [
        [`${REQUEST_STATES.validee.meaning}.`],
        ["Il est envoyé à votre domicile par courrier sécurisé. En cas d'absence, vous avez 15 jours après le passage du facteur pour le retirer à La Poste."],
      ];
    default: {
      const state = REQUEST_STATES[message];
      return [[`${state.meaning}.`], [`Ce que vous pouvez faire : ${state.userActions}.`]];
    }
  }
}

/**
 * A mail about a request to the person of step 3, or undefined when their consent does not
 * allow it (a progress update to someone who answered « Non »). The one place the consent is
 * applied to mails: the confirmation and, later, each state change go through it.
 */
/**
 * To whoever filed a request for someone else (a driving school for its client, seed 002: « vous
 * recevez un courriel confirmant son bon enregistrement »): the request was sent, and the person
 * it was made for is told at the address given for them.
 */
export function requestFiledMail(to: string, r: { number: string; motif: string; url: string; beneficiary: string }): MailToSend {
  return mail(to, {
    subject: `La demande n° ${r.number} a bien été enregistrée`,
    paragraphs: [
      ["La demande que vous avez faite pour ", { strong: r.beneficiary }, " a bien été enregistrée et envoyée à l'administration."],
      ["Numéro de demande : ", { strong: r.number }],
      [r.motif],
      ["La personne concernée en est informée aux coordonnées que vous avez indiquées pour elle."],
      ["Vous pouvez suivre l'avancement de la demande depuis votre espace : ", { link: r.url }],
    ],
  });
}

export function requestMail(to: string, message: RequestMessage, r: RequestMailFacts): MailToSend | undefined {
  if (!REQUEST_MESSAGES[message].essential && !r.optionalMessages) return undefined;
  return requestMailContent(to, message, r);
}

function requestMailContent(to: string, message: RequestMessage, r: RequestMailFacts): MailToSend {
  const follow: Paragraph[] = r.filedBy
    ? [
        [
          "Cette demande a été faite pour vous par ",
          { strong: r.filedBy },
          ` depuis son compte sur le service ${SERVICE_NAME}. C'est cette personne qui la suit et qui peut la consulter ou la compléter depuis son espace : adressez-vous à elle pour toute question.`,
        ],
      ]
    : r.url
      ? [["Vous pouvez suivre son avancement et télécharger vos documents depuis votre espace : ", { link: r.url }]]
      : [];
  const informed: Paragraph = r.optionalMessages
    ? ["Vous serez informé par mél de chaque étape de son traitement, à cette adresse."]
    : ["Vous serez informé par mél, à cette adresse, quand la demande nécessitera une action et de la décision prise (vous n'avez pas accepté de recevoir les autres informations)."];
  return mail(to, {
    subject: SUBJECTS[message](r.number),
    paragraphs: [
      ...news(message, r),
      ["Numéro de demande : ", { strong: r.number }],
      [r.motif],
      ...follow,
      ...(message === "envoyee" && r.classicPhoto
        ? [
            [
              "N'oubliez pas : imprimez le formulaire de dépôt de photo et de signature, collez-y votre photo, signez-le à l'encre noire et envoyez-le par courrier simple à : CTN, CS 80168, 53102 MAYENNE CEDEX.",
            ] as Paragraph,
          ]
        : []),
      ...(message === "envoyee" ? [informed] : []),
    ],
  });
}
