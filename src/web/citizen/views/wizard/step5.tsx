import { MAX_PIECE_COMMENT, PIECE_TYPES, type PieceId } from "../../../../domain/request/pieces.ts";
import { commentField } from "../../../../domain/request/steps.ts";
import { Input, Messages, type Errors } from "../../../views/components.tsx";
import type { PageContext } from "../../../views/layout.tsx";
import { single, StepForm, WizardFrame, type MultiValues } from "../../../views/wizard-parts.tsx";

export interface PieceView {
  id: PieceId;
  label: string;
  hint?: string | undefined;
  maxPages: number;
  kind: "file" | "stamp";
  /** Has a "Commentaire" field (seed 001, step 5). */
  comment?: boolean | undefined;
  reasons: string[];
  pages: number;
  files: Array<{ id: string; name: string; pages: number; scan?: ScanView; advice?: string[] | undefined }>;
}

/** Where the antivirus is with a file: "pending" (analyse en cours), "infected" (refused and deleted), "ok". */
export type ScanView = "pending" | "infected" | "ok";

/**
 * A piece's file input and its "Joindre un fichier" button, controls of step 5's one form
 * ("etape-form", through their `form` attribute): the button sends the whole form, as
 * multipart, to the upload route, so what is typed on the page (stamp number, comments) is kept
 * whichever button is pressed. The file input is named after its piece. Works without JavaScript.
 */
export function UploadField({ requestId, piece, additional, error, label }: { requestId: string; piece?: PieceId; additional?: boolean; error?: string | undefined; label: string }) {
  const id = additional ? "upload-additional" : `piece-${piece}`;
  const target = additional ? "complementaire" : piece!;
  return (
    <div class="fr-mt-2w">
      {additional && (
        <div class="fr-select-group">
          <label class="fr-label" for="additional-piece">
            Type de pièce justificative à ajouter
          </label>
          <select class="fr-select" id="additional-piece" name="type-complementaire" form="etape-form">
            <option value="" selected>
              Choisir un type de pièce
            </option>
            {(Object.keys(PIECE_TYPES) as PieceId[])
              .filter((k) => PIECE_TYPES[k].kind === "file")
              .map((k) => (
                <option value={k}>{PIECE_TYPES[k].label}</option>
              ))}
          </select>
        </div>
      )}
      <div class={`fr-upload-group${error ? " fr-upload-group--error" : ""}`}>
        <label class="fr-label" for={id}>
          {label}
          <span class="fr-hint-text">JPG, PNG, BMP, TIFF, PDF (11Mo maximum)</span>
        </label>
        <input
          class="fr-upload"
          type="file"
          id={id}
          name={`fichier-${target}`}
          form="etape-form"
          accept=".jpg,.jpeg,.png,.bmp,.tif,.tiff,.pdf,image/jpeg,image/png,image/bmp,image/tiff,application/pdf"
          aria-describedby={`${id}-messages`}
          aria-invalid={error ? "true" : undefined}
        />
        <Messages id={id} error={error} />
      </div>
      <button
        type="submit"
        form="etape-form"
        formaction={`/demandes/${requestId}/pieces`}
        formenctype="multipart/form-data"
        name="joindre"
        value={target}
        class="fr-btn fr-btn--secondary fr-btn--sm fr-mt-1w"
      >
        Joindre un fichier
        {/* One button per piece: its name says which (a list of buttons read out of context). */}
        <span class="fr-sr-only"> : {additional ? "pièce complémentaire" : label}</span>
      </button>
    </div>
  );
}

export function FileList({ requestId, files }: { requestId: string; files: PieceView["files"] }) {
  if (files.length === 0) return null;
  return (
    <ul class="fr-mt-1w">
      {files.map((f) => (
        <li>
          {f.scan === "pending" || f.scan === "infected" ? (
            <span>{f.name}</span>
          ) : (
            <a href={`/demandes/${requestId}/pieces/${f.id}`} target="_blank" rel="noopener" title={`${f.name} - nouvelle fenêtre`}>
              {f.name}
            </a>
          )}{" "}
          ({f.pages} page{f.pages > 1 ? "s" : ""}){" "}
          {f.scan === "pending" ? (
            <span class="fr-badge fr-badge--info fr-badge--sm">Analyse en cours</span>
          ) : f.scan === "infected" ? (
            <span class="fr-badge fr-badge--error fr-badge--sm">Virus détecté : fichier supprimé</span>
          ) : (
            <span class="fr-badge fr-badge--success fr-badge--sm">document valide</span>
          )}{" "}
          {/* Part of step 5's form: what is typed on the page is saved with the removal. */}
          <button
            type="submit"
            form="etape-form"
            formaction={`/demandes/${requestId}/pieces/${f.id}/supprimer`}
            class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm fr-icon-delete-line fr-btn--icon-left"
            title={`Supprimer ${f.name}`}
          >
            Supprimer
          </button>
          {f.advice && f.advice.length > 0 && (
            // Readability advice (scan-quality.ts), measured at upload: the file is kept.
            <div class="fr-alert fr-alert--warning fr-alert--sm fr-mt-1w readability">
              {f.advice.map((text) => (
                <p>{text}</p>
              ))}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

export function Step5Page(p: {
  ctx: PageContext;
  requestId: string;
  pieces: PieceView[];
  additional: Array<{ id: string; name: string; pages: number; label: string; scan?: ScanView; advice?: string[] | undefined }>;
  maxAdditional: number;
  errors?: Errors;
  /** The refusal of the last upload, and for which piece ("additional" for a complementary one). */
  upload?: { target: string; error: string } | undefined;
  values: MultiValues;
  notice?: string | undefined;
}) {
  const v = single(p.values);
  const stamp = p.pieces.find((x) => x.kind === "stamp");
  const errors: Errors = { ...(p.errors ?? {}) };
  if (p.upload) errors[p.upload.target === "additional" ? "upload-additional" : `piece-${p.upload.target}`] = p.upload.error;
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={5} errors={errors} notice={p.notice}>
      <h2 class="fr-h4">Pièces justificatives</h2>
      <p>
        Joignez les pièces justificatives numérisées demandées. Formats acceptés : JPG, PNG, BMP, TIFF et PDF, 11 Mo maximum par fichier. Une pièce illisible sera
        refusée lors de l'instruction.
      </p>
      <ul class="fr-links-group fr-mb-3w">
        <li>
          <a class="fr-link fr-icon-question-line fr-link--icon-left" href="/aide/numeriser">
            Aide : comment numériser vos documents
          </a>
        </li>
        <li>
          <a class="fr-link fr-icon-question-line fr-link--icon-left" href="/aide/justificatif-de-domicile">
            Aide : les justificatifs de domicile acceptés, et si vous êtes hébergé
          </a>
        </li>
      </ul>
      {/* Step 5 is one form ("etape-form", below): its token is its first control, so that an
          upload's multipart body starts with it (read and checked before the file). */}
      <input type="hidden" name="_csrf" value={p.ctx.csrfToken} form="etape-form" />
      {/* The Enter key in a field submits the form with its first button in the page: "Etape
          suivante", never a "Supprimer" or "Joindre un fichier" further down. */}
      <button type="submit" form="etape-form" name="action" value="suivant" class="fr-sr-only" tabindex={-1} aria-hidden="true">
        Etape suivante
      </button>
      {p.pieces
        .filter((piece) => piece.kind === "file")
        .map((piece) => (
          <section class="fr-mb-4w piece" aria-labelledby={`title-${piece.id}`}>
            <h3 class="fr-h6 fr-mb-1w" id={`title-${piece.id}`}>
              {piece.label} ({piece.pages} page{piece.pages > 1 ? "s" : ""} / {piece.maxPages} page{piece.maxPages > 1 ? "s" : ""} maximum)
            </h3>
            <p class="fr-text--sm fr-mb-1w">
              Demandée {piece.reasons.join(" ; ")}.{piece.hint ? ` ${piece.hint}` : ""}
            </p>
            {piece.comment && (
              // Part of the step's form (the "form" attribute), though shown beside its piece.
              <div class={`fr-input-group${errors[commentField(piece.id)] ? " fr-input-group--error" : ""}`}>
                <label class="fr-label" for={commentField(piece.id)}>
                  Commentaire
                  <span class="fr-hint-text">Facultatif, {MAX_PIECE_COMMENT} caractères maximum. Enregistré avec « Enregistrer » ou « Etape suivante ».</span>
                </label>
                <textarea
                  class="fr-input"
                  id={commentField(piece.id)}
                  name={commentField(piece.id)}
                  form="etape-form"
                  rows={3}
                  maxLength={MAX_PIECE_COMMENT + 100}
                  aria-invalid={errors[commentField(piece.id)] ? "true" : undefined}
                  aria-describedby={`${commentField(piece.id)}-messages`}
                >
                  {v[commentField(piece.id)] ?? ""}
                </textarea>
                <Messages id={commentField(piece.id)} error={errors[commentField(piece.id)]} />
              </div>
            )}
            <FileList requestId={p.requestId} files={piece.files} />
            {piece.pages < piece.maxPages && (
              <UploadField requestId={p.requestId} piece={piece.id} label={`Ajouter un fichier : ${piece.label}`} error={errors[`piece-${piece.id}`]} />
            )}
            {piece.pages >= piece.maxPages && errors[`piece-${piece.id}`] && <p class="fr-error-text">{errors[`piece-${piece.id}`]}</p>}
          </section>
        ))}
      <section class="fr-mb-4w" aria-labelledby="title-additional">
        <h3 class="fr-h6" id="title-additional">
          Pièces complémentaires
        </h3>
        <p class="fr-text--sm">Vous pouvez également ajouter jusqu'à {p.maxAdditional} pièces justificatives que vous jugez nécessaires.</p>
        <FileList requestId={p.requestId} files={p.additional.map((a) => ({ ...a, name: `${a.label} : ${a.name}` }))} />
        {p.additional.length < p.maxAdditional && <UploadField requestId={p.requestId} additional label="Fichier de la pièce complémentaire" error={errors["upload-additional"]} />}
      </section>
      <StepForm ctx={p.ctx} requestId={p.requestId} step={5} csrf={false}>
        {stamp && (
          <>
            <h3 class="fr-h6">{stamp.label}</h3>
            <p class="fr-text--sm">Demandé {stamp.reasons.join(" ; ")}. Achetez-le sur timbres.impots.gouv.fr ou chez un buraliste ; un timbre ne sert qu'une fois. <a href="/aide/timbre-fiscal">Aide : le timbre fiscal</a></p>
            <Input name="numeroTimbre" label="Numéro du timbre fiscal électronique" hint="16 chiffres" required inputmode="numeric" autocomplete="off" maxLength={24} errors={p.errors} values={v} />
          </>
        )}
      </StepForm>
    </WizardFrame>
  );
}
