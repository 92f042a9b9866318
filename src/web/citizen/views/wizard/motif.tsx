import { Alert, Csrf, ErrorSummary, Input, RadioGroup, RequiredNotice, type Errors } from "../../../views/components.tsx";
import { BENEFICIAIRES, DEMARCHES, EXAM_TYPES, FABRICATION_REASONS, INSCRIPTION_TYPES, MOTIF_GROUPS, openToSchools, POUR, TRAININGS, type Demarche } from "../../../../domain/request/motifs.ts";
import { OUI_NON } from "../../../../domain/request/steps.ts";
import { Layout, type PageContext } from "../../../views/layout.tsx";
import { AM_GROUPS, hasErrors, Reveal, single, Stepper, WITH_PRECISIONS, type MultiValues } from "../../../views/wizard-parts.tsx";

export function MotifChoicePage(p: { ctx: PageContext; professional: boolean; errors?: Errors; values?: MultiValues; /** Too many drafts already (helper "clamav"'s quotas). */ quota?: string | undefined }) {
  const v = single(p.values ?? {});
  return (
    <Layout
      ctx={p.ctx}
      title="Motif de demande - Faire une nouvelle demande"
      hasErrors={hasErrors(p.errors)}
      breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: "Nouvelle demande : Motif de demande" }]}
    >
      <h1>Faire une nouvelle demande</h1>
      <Stepper current={1} />
      {p.quota && <Alert type="warning">{p.quota}</Alert>}
      <ErrorSummary errors={p.errors ?? {}} fieldOrder={["beneficiaire", "pour", "group", "inscription", "fabrication", "examen", "formation", "amSeul"]} />
      <form method="post" action="/demandes/nouvelle" novalidate>
        <Csrf token={p.ctx.csrfToken} />
        <h2 class="fr-h4">Motif de la demande</h2>
        <RequiredNotice />
        <Alert type="info">Le motif ne pourra plus être modifié une fois la demande commencée.</Alert>
        {!p.professional && <RadioGroup name="beneficiaire" label="La demande est faite" required options={BENEFICIAIRES} errors={p.errors} values={v} />}
        <RadioGroup name="pour" label="Vous effectuez la demande" required options={POUR} errors={p.errors} values={v} />
        <RadioGroup
          name="group"
          label="Il s'agit"
          required
          options={MOTIF_GROUPS.filter((g) => !p.professional || openToSchools(g.value)).map((g) => ({ value: g.value, label: g.label, ...("hint" in g ? { hint: g.hint } : {}) }))}
          errors={p.errors}
          values={v}
        />
        {!p.professional && (
          <p class="fr-text--sm">
            Pour demander un permis de conduire international ou signaler une erreur sur un permis reçu il y a moins de 6 mois, utilisez les démarches dédiées de{" "}
            <a href="/mon-espace">votre espace</a>.
          </p>
        )}
        <Reveal when={WITH_PRECISIONS} values={v}>
          <h2 class="fr-h5 fr-mt-4w">Précisions selon le motif choisi</h2>
        </Reveal>
        <Reveal when={["group=inscription"]} values={v}>
          <RadioGroup name="inscription" label="Inscription au permis : s'agit-il" hint="Si vous avez choisi une inscription au permis." required options={INSCRIPTION_TYPES} errors={p.errors} values={v} />
        </Reveal>
        <Reveal when={["group=fabrication"]} values={v}>
          <RadioGroup name="fabrication" label="Fabrication d'un nouveau permis : pour quelle raison ?" hint="Si vous avez choisi une demande de fabrication d'un nouveau permis." required options={p.professional ? FABRICATION_REASONS.filter((r) => openToSchools(`fabrication.${r.value}`)) : FABRICATION_REASONS} errors={p.errors} values={v} />
        </Reveal>
        <Reveal when={["fabrication=reussite_examen"]} values={v}>
          <RadioGroup name="examen" label="Réussite à l'examen : pour quel titre ?" hint="Si le nouveau permis fait suite à la réussite à l'examen." required options={EXAM_TYPES} errors={p.errors} values={v} />
        </Reveal>
        <Reveal when={["fabrication=formation"]} values={v}>
          <RadioGroup name="formation" label="Formation suivie" hint="Si le nouveau permis fait suite à une formation." required options={TRAININGS} errors={p.errors} values={v} />
        </Reveal>
        <Reveal when={AM_GROUPS} values={v}>
          <RadioGroup
            name="amSeul"
            label="S'agit-il d'une demande d'édition d'un titre doté de la seule catégorie AM ?"
            hint="Après une invalidation, une annulation ou une suspension de permis."
            inline
            options={OUI_NON}
            errors={p.errors}
            values={v}
          />
        </Reveal>
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--right fr-mt-4w">
          <li>
            <button type="submit" class="fr-btn">
              Etape suivante &gt;&gt;
            </button>
          </li>
        </ul>
      </form>
    </Layout>
  );
}

/**
 * The start of a démarche of its own (seed 001's notification, seed 004), from the account home:
 * the international licence (who it is for), or a correction (the licence number, matched to the
 * user's own earlier online request). Not for driving schools: they see the refusal.
 */
export function DemarcheStartPage(p: { ctx: PageContext; demarche: Demarche; professional: boolean; errors?: Errors; values?: MultiValues }) {
  const v = single(p.values ?? {});
  const d = DEMARCHES.find((x) => x.value === p.demarche)!;
  const title = p.demarche === "correction" ? "Signaler une erreur sur mon permis de conduire" : "Demander un permis de conduire international";
  return (
    <Layout ctx={p.ctx} title={`${title} - Faire une nouvelle demande`} hasErrors={hasErrors(p.errors)} breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: title }]}>
      <h1>{title}</h1>
      <p class="fr-text--lead">{d.label}</p>
      {p.professional ? (
        <Alert type="error" title="Démarche réservée au titulaire du permis">
          <p>Une école de conduite ne peut pas déposer cette demande : seul le titulaire du permis peut la faire depuis son compte.</p>
        </Alert>
      ) : (
        <>
          <ErrorSummary errors={p.errors ?? {}} fieldOrder={["beneficiaire", "pour", "numeroPermis", "demarche"]} />
          {p.demarche === "correction" && (
            <div class="fr-callout fr-mb-4w">
              <p class="fr-callout__text">
                Seuls les titres issus d'une demande en ligne, reçus il y a moins de 6 mois, peuvent être corrigés. La photo et la signature seront reprises de la demande initiale et
                ne pourront pas être modifiées.
              </p>
            </div>
          )}
          <form method="post" action={`/demandes/nouvelle/${d.path}`} novalidate>
            <Csrf token={p.ctx.csrfToken} />
            <RequiredNotice />
            {p.demarche === "permis_international" ? (
              <>
                <RadioGroup name="beneficiaire" label="La demande est faite" required options={BENEFICIAIRES} errors={p.errors} values={v} />
                <RadioGroup name="pour" label="Vous effectuez la demande" required options={POUR} errors={p.errors} values={v} />
              </>
            ) : (
              <Input
                name="numeroPermis"
                label="Numéro du permis à corriger"
                hint="Tel qu'il figure sur le permis reçu : il doit être issu de l'une de vos demandes en ligne."
                required
                autocomplete="off"
                spellcheck={false}
                maxLength={40}
                errors={p.errors}
                values={v}
              />
            )}
            <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--right fr-mt-4w">
              <li>
                <button type="submit" class="fr-btn">
                  Commencer la demande
                </button>
              </li>
            </ul>
          </form>
        </>
      )}
    </Layout>
  );
}
