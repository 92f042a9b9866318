import { AGENT_ROLES, type AgentActor, type AgentRole } from "../../../domain/actors.ts";
import { Buttons, Csrf, Input, Messages, RadioGroup, RequiredNotice, Select, SubmitButton, Table, type Errors, type Values } from "../../views/components.tsx";
import { AgentLayout, SubmitOrCancel } from "./layout.tsx";

/** Administration pages (role admin): agents, services instructeurs and préfectures, audit log. */

const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone: "Europe/Paris" });
const formatDate = (d: Date | null | undefined) => (d ? dateTime.format(d) : "—");

const ADMIN_CRUMB = { label: "Administration", href: "/agent/admin/agents" };

export interface AgentRow {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  services: string[];
  active: boolean;
  lastLoginAt: Date | null;
  secondFactor: boolean;
}

export function AgentsPage(p: { agent: AgentActor; csrfToken: string; rows: readonly AgentRow[]; flash?: string | undefined }) {
  return (
    <AgentLayout title="Agents" agent={p.agent} csrfToken={p.csrfToken} flash={p.flash} breadcrumb={[ADMIN_CRUMB, { label: "Agents" }]}>
      <h1>Agents</h1>
      <p>
        <a class="fr-btn fr-icon-user-add-line fr-btn--icon-left" href="/agent/admin/agents/nouveau">
          Créer un agent
        </a>
      </p>
      <Table id="agents" caption={`Agents (${p.rows.length})`} headers={["Nom", "Adresse électronique", "Rôle", "Services", "Double authentification", "Dernière connexion", "État"]}>
        {p.rows.map((r) => (
          <tr id={`agent-${r.id}`}>
            <td>{r.name}</td>
            <td>{r.email}</td>
            <td>{AGENT_ROLES[r.role].label}</td>
            <td>{r.services.length > 0 ? r.services.join(", ") : r.role === "admin" ? "Tous" : "Aucun"}</td>
            <td>
              {r.secondFactor ? "Activée" : "Non activée"}
              {r.secondFactor && r.id !== p.agent.agentId && (
                <form method="post" action={`/agent/admin/agents/${r.id}/reinitialiser-double-authentification`}>
                  <Csrf token={p.csrfToken} />
                  <button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary" title={`Réinitialiser la double authentification de ${r.name}`}>
                    Réinitialiser
                  </button>
                </form>
              )}
            </td>
            <td>{formatDate(r.lastLoginAt)}</td>
            <td>
              {r.active ? <p class="fr-badge fr-badge--success fr-badge--sm">Actif</p> : <p class="fr-badge fr-badge--error fr-badge--sm">Désactivé</p>}
              {r.id !== p.agent.agentId && (
                <form method="post" action={`/agent/admin/agents/${r.id}/${r.active ? "desactiver" : "reactiver"}`}>
                  <Csrf token={p.csrfToken} />
                  <button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary" title={`${r.active ? "Désactiver" : "Réactiver"} ${r.name}`}>
                    {r.active ? "Désactiver" : "Réactiver"}
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </Table>
    </AgentLayout>
  );
}

export const AGENT_FORM_FIELDS = ["email", "givenName", "familyName", "role", "serviceIds"] as const;

export function NewAgentPage(p: {
  agent: AgentActor;
  csrfToken: string;
  services: ReadonlyArray<{ id: string; name: string }>;
  values?: Values;
  selectedServices?: readonly string[];
  errors?: Errors;
}) {
  const roleOptions = (Object.keys(AGENT_ROLES) as AgentRole[]).map((r) => ({ value: r, label: AGENT_ROLES[r].label }));
  const error = p.errors?.serviceIds;
  return (
    <AgentLayout title="Créer un agent" agent={p.agent} csrfToken={p.csrfToken} errors={p.errors} fieldOrder={AGENT_FORM_FIELDS} breadcrumb={[ADMIN_CRUMB, { label: "Agents", href: "/agent/admin/agents" }, { label: "Créer un agent" }]}>
      <h1>Créer un agent</h1>
      <p>
        L'agent se connecte avec ProConnect (son adresse électronique doit être celle de son compte ProConnect). Sans ProConnect, un
        mot de passe lui est donné par la commande <code>npm run agent:creer -- … --mot-de-passe</code>.
      </p>
      <form method="post" action="/agent/admin/agents" novalidate>
        <Csrf token={p.csrfToken} />
        <RequiredNotice />
        <Input name="email" type="email" label="Adresse électronique professionnelle" autocomplete="off" spellcheck={false} maxLength={254} required errors={p.errors} values={p.values} />
        <Input name="givenName" label="Prénom" autocomplete="off" maxLength={100} required errors={p.errors} values={p.values} />
        <Input name="familyName" label="Nom" autocomplete="off" maxLength={100} required errors={p.errors} values={p.values} />
        <RadioGroup name="role" label="Rôle" options={roleOptions} required errors={p.errors} values={p.values} />
        <fieldset class={`fr-fieldset${error ? " fr-fieldset--error" : ""}`} id="serviceIds-fieldset" aria-labelledby="serviceIds-legend serviceIds-messages">
          <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id="serviceIds-legend">
            Services instructeurs
            <span class="fr-hint-text">Au moins un pour les rôles « Vérification des images » et « Instruction ». Un administrateur voit tous les services.</span>
          </legend>
          {p.services.map((s, i) => (
            <div class="fr-fieldset__element">
              <div class="fr-checkbox-group">
                <input type="checkbox" id={i === 0 ? "serviceIds" : `serviceIds-${s.id}`} name="serviceIds" value={s.id} checked={p.selectedServices?.includes(s.id)} />
                <label class="fr-label" for={i === 0 ? "serviceIds" : `serviceIds-${s.id}`}>
                  {s.name}
                </label>
              </div>
            </div>
          ))}
          {p.services.length === 0 && <p>Aucun service instructeur : créez-en un d'abord.</p>}
          <Messages id="serviceIds" error={error} />
        </fieldset>
        <SubmitOrCancel submit="Créer l'agent" cancelHref="/agent/admin/agents" />
      </form>
    </AgentLayout>
  );
}

export function ServicesPage(p: {
  agent: AgentActor;
  csrfToken: string;
  services: ReadonlyArray<{ id: string; name: string; prefectures: number }>;
  unmapped: number;
  values?: Values;
  errors?: Errors;
  flash?: string | undefined;
}) {
  return (
    <AgentLayout title="Services instructeurs" agent={p.agent} csrfToken={p.csrfToken} errors={p.errors} fieldOrder={["name", "id"]} flash={p.flash} breadcrumb={[ADMIN_CRUMB, { label: "Services instructeurs" }]}>
      <h1>Services instructeurs</h1>
      <p>
        Chaque préfecture de rattachement (choisie par l'usager à l'étape 3) est instruite par un service. Préfectures sans service :{" "}
        <strong id="unmapped">{p.unmapped}</strong>.
      </p>
      <Table id="services" caption={`Services instructeurs (${p.services.length})`} headers={["Service", "Identifiant", "Préfectures rattachées"]}>
        {p.services.map((s) => (
          <tr>
            <td>
              <a href={`/agent/admin/services/${s.id}`}>{s.name}</a>
            </td>
            <td>
              <code>{s.id}</code>
            </td>
            <td>{s.prefectures}</td>
          </tr>
        ))}
      </Table>
      <h2>Créer un service</h2>
      <form method="post" action="/agent/admin/services" novalidate>
        <Csrf token={p.csrfToken} />
        <RequiredNotice />
        <Input name="name" label="Nom du service" hint="Par exemple : CERT Nord" maxLength={100} required errors={p.errors} values={p.values} />
        <Input name="id" label="Identifiant" hint="Facultatif : tiré du nom (lettres minuscules, chiffres et tirets), par exemple cert-nord" maxLength={40} spellcheck={false} errors={p.errors} values={p.values} />
        <Buttons>
          <li>
            <SubmitButton>Créer le service</SubmitButton>
          </li>
        </Buttons>
      </form>
    </AgentLayout>
  );
}

export interface PrefectureRow {
  id: string;
  label: string;
  departement: string;
  /** The service it is mapped to (name), if any. */
  service: string | undefined;
}

export function ServicePage(p: {
  agent: AgentActor;
  csrfToken: string;
  service: { id: string; name: string };
  mapped: readonly PrefectureRow[];
  all: readonly PrefectureRow[];
  errors?: Errors;
  flash?: string | undefined;
}) {
  return (
    <AgentLayout
      title={p.service.name}
      agent={p.agent}
      csrfToken={p.csrfToken}
      errors={p.errors}
      fieldOrder={["prefectureId"]}
      flash={p.flash}
      breadcrumb={[ADMIN_CRUMB, { label: "Services instructeurs", href: "/agent/admin/services" }, { label: p.service.name }]}
    >
      <h1>{p.service.name}</h1>
      <h2>Rattacher une préfecture</h2>
      <form method="post" action={`/agent/admin/services/${p.service.id}/prefectures`} novalidate>
        <Csrf token={p.csrfToken} />
        <Select
          name="prefectureId"
          label="Préfecture ou sous-préfecture"
          hint="Une préfecture déjà rattachée à un autre service change de service."
          required
          placeholder="Choisir une préfecture"
          options={p.all.map((r) => ({ value: r.id, label: `${r.departement} — ${r.label}${r.service ? ` (${r.service})` : ""}` }))}
          errors={p.errors}
        />
        <Buttons>
          <li>
            <SubmitButton>Rattacher à ce service</SubmitButton>
          </li>
        </Buttons>
      </form>
      <Table id="prefectures" caption={`Préfectures rattachées (${p.mapped.length})`} headers={["Département", "Préfecture", "Code commune"]}>
        {p.mapped.map((r) => (
          <tr>
            <td>{r.departement}</td>
            <td>{r.label}</td>
            <td>{r.id}</td>
          </tr>
        ))}
      </Table>
    </AgentLayout>
  );
}

export const AUDIT_ACTIONS: Record<string, string> = {
  agent_cree: "Agent créé",
  agent_desactive: "Agent désactivé",
  agent_reactive: "Agent réactivé",
  service_cree: "Service créé",
  prefecture_rattachee: "Préfecture rattachée",
  double_authentification_reinitialisee: "Double authentification réinitialisée",
  prendre: "Dossier pris",
  liberer: "Dossier libéré",
  reattribuer: "Dossier réattribué",
  verifier_images: "Vérification des images",
  accepter_images: "Images acceptées",
  rejeter_images: "Images rejetées",
  demander_complement: "Complément demandé",
  rejeter: "Rejet par l'instruction",
  valider: "Validée par l'administration",
};

export interface AuditRow {
  id: number;
  at: Date;
  agentName: string | null;
  action: string;
  requestNumber: string | null;
  fromState: string | null;
  toState: string | null;
  motive: string | null;
}

export function AuditPage(p: { agent: AgentActor; csrfToken: string; rows: readonly AuditRow[]; next: number | undefined; first: boolean; stateLabel: (s: string) => string }) {
  return (
    <AgentLayout title="Journal d'audit" agent={p.agent} csrfToken={p.csrfToken} breadcrumb={[ADMIN_CRUMB, { label: "Journal d'audit" }]}>
      <h1>Journal d'audit</h1>
      <p>Toutes les actions des agents, les plus récentes d'abord. Le journal ne peut être ni modifié ni effacé.</p>
      {p.rows.length === 0 ? (
        <p id="audit-empty">Aucune action enregistrée.</p>
      ) : (
        <Table id="audit" caption="Actions des agents" headers={["Date", "Agent", "Action", "Demande", "De", "Vers", "Motif ou détail"]}>
          {p.rows.map((r) => (
            <tr>
              <td>{formatDate(r.at)}</td>
              <td>{r.agentName ?? "Système ou ligne de commande"}</td>
              <td>{AUDIT_ACTIONS[r.action] ?? r.action}</td>
              <td>{r.requestNumber ?? "—"}</td>
              <td>{r.fromState ? p.stateLabel(r.fromState) : "—"}</td>
              <td>{r.toState ? p.stateLabel(r.toState) : "—"}</td>
              <td>{r.motive ?? "—"}</td>
            </tr>
          ))}
        </Table>
      )}
      <nav role="navigation" class="fr-pagination" aria-label="Pagination du journal">
        <ul class="fr-pagination__list">
          {!p.first && (
            <li>
              <a class="fr-pagination__link fr-pagination__link--first" href="/agent/admin/journal">
                Entrées les plus récentes
              </a>
            </li>
          )}
          {p.next !== undefined && (
            <li>
              <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href={`/agent/admin/journal?avant=${p.next}`} id="audit-next">
                Entrées plus anciennes
              </a>
            </li>
          )}
        </ul>
      </nav>
    </AgentLayout>
  );
}
