import { NATIONALITES, QUALITES_REPRESENTANT } from "../../../../domain/request/steps.ts";
import { Input, RadioGroup, Select, type Errors, type Option } from "../../../views/components.tsx";
import type { PageContext } from "../../../views/layout.tsx";
import { DateFields, single, StepForm, WizardFrame, type MultiValues } from "../../../views/wizard-parts.tsx";

export function Step2Page(p: {
  ctx: PageContext;
  requestId: string;
  withRepresentative: boolean;
  countries: readonly Option[];
  departements: readonly Option[];
  firstNames: number;
  errors?: Errors;
  values: MultiValues;
  notice?: string | undefined;
}) {
  const v = single(p.values);
  const order = ["nomNaissance", "nomUsage", "sexe", "prenom1", "prenom2", "prenom3", "prenom4", "naissance", "nationalite", "paysNaissance", "departementNaissance", "communeNaissance", "repNom", "repPrenom", "repQualite"];
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={2} errors={p.errors} notice={p.notice} fieldOrder={order}>
      <StepForm ctx={p.ctx} requestId={p.requestId} step={2}>
        <h2 class="fr-h4">État civil de la personne concernée par le titre</h2>
        <input type="hidden" name="prenomCount" value={String(p.firstNames)} />
        <Input name="nomNaissance" label="Nom de naissance" hint="(Nom figurant sur votre acte de naissance)" required autocomplete="family-name" errors={p.errors} values={v} />
        <Input name="nomUsage" label="Nom d'usage" hint="(si nécessaire, ex : nom d'épouse)" autocomplete="off" errors={p.errors} values={v} />
        <RadioGroup name="sexe" label="Sexe" required inline options={[{ value: "F", label: "Femme" }, { value: "M", label: "Homme" }]} errors={p.errors} values={v} />
        {Array.from({ length: p.firstNames }, (_, i) => (
          <Input
            name={`prenom${i + 1}`}
            label={i === 0 ? "1er prénom" : `${i + 1}ème prénom`}
            hint={i === 0 ? "(Entrez vos prénoms dans l'ordre de l'état civil. Les prénoms composés sont séparés par un tiret 'ex: Jean-Pierre')" : undefined}
            required={i === 0}
            autocomplete={i === 0 ? "given-name" : "additional-name"}
            errors={p.errors}
            values={v}
          />
        ))}
        {p.firstNames < 4 && (
          <p>
            <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm" name="action" value="ajouter-prenom">
              + Ajouter un prénom
            </button>
          </p>
        )}
        <DateFields name="naissance" prefix="naissance" legend="Date de naissance" hint="(JJ/MM/AAAA) — si le jour ou le mois est inconnu sur l'acte de naissance, saisissez 00" errors={p.errors} values={v} birth />
        <RadioGroup name="nationalite" label="Nationalité" required options={NATIONALITES} errors={p.errors} values={v} />
        <Select name="paysNaissance" label="Pays de naissance" required options={p.countries} errors={p.errors} values={v} placeholder="Choisir un pays" />
        <Select
          name="departementNaissance"
          label="Département ou Collectivité d'outre-mer de naissance"
          hint="Si vous êtes né(e) en France."
          options={p.departements}
          errors={p.errors}
          values={v}
          placeholder="Choisir un département (naissance en France)"
        />
        <Input name="communeNaissance" label="Commune de naissance" hint="Pour une naissance à l'étranger, la ville de naissance." required autocomplete="off" errors={p.errors} values={v} />
        {p.withRepresentative && (
          <>
            <h2 class="fr-h4 fr-mt-4w">Représentant légal</h2>
            <p>Pour une personne mineure ou sous tutelle, le représentant légal renseigne son état civil ; sa pièce d'identité et sa signature sont demandées à l'étape 5.</p>
            <Input name="repNom" label="Nom du représentant légal" required autocomplete="off" errors={p.errors} values={v} />
            <Input name="repPrenom" label="Prénom du représentant légal" required autocomplete="off" errors={p.errors} values={v} />
            <RadioGroup name="repQualite" label="Qualité du représentant légal" required inline options={QUALITES_REPRESENTANT} errors={p.errors} values={v} />
          </>
        )}
      </StepForm>
    </WizardFrame>
  );
}
