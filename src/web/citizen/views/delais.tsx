import { formatDate } from "../../../domain/dates.ts";
import { formatDays } from "../../../domain/request/processing-times.ts";
import type { ProcessingTimesReport } from "../../../services/processing-times.ts";
import { Table } from "../../views/components.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

/** Public: "Délais de traitement" per service instructeur (issue 9 §6). */
export function DelaisPage({ ctx, report, windowDays }: { ctx: PageContext; report: ProcessingTimesReport; windowDays: number }) {
  return (
    <Layout ctx={ctx} title="Délais de traitement">
      <h1>Délais de traitement</h1>
      <p class="fr-text--lead">
        Le temps qu'il faut, pour chaque service instructeur, entre l'envoi d'une demande et la décision de l'administration
        (validation ou rejet).
      </p>
      <p>
        Ces délais sont calculés sur les décisions prises au cours des {windowDays} derniers jours (du {formatDate(report.since)} au{" "}
        {formatDate(report.until)}) à partir de l'historique des demandes. La <strong>médiane</strong> est le délai en deçà duquel
        la moitié des demandes ont reçu une décision ; le <strong>9e décile</strong>, celui en deçà duquel 9 demandes sur 10 en ont
        reçu une. Le temps passé par une demande « A compléter » est compté. Les demandes en attente de traitement sont celles
        envoyées, en vérification des images ou en cours d'instruction.
      </p>
      {report.services.length === 0 ? (
        <p>Aucun service instructeur n'est encore ouvert.</p>
      ) : (
        <Table
          id="delais"
          caption={`Délais de traitement par service instructeur (${windowDays} derniers jours)`}
          headers={["Service instructeur", "Délai médian", "9 demandes sur 10 traitées en", "Décisions prises", "Demandes en attente de traitement"]}
        >
          {report.services.map((s) => (
            <tr data-service={s.serviceId}>
              <th scope="row">{s.serviceName}</th>
              <td>{formatDays(s.median)}</td>
              <td>{formatDays(s.p90)}</td>
              <td>{s.count}</td>
              <td>{s.waiting}</td>
            </tr>
          ))}
        </Table>
      )}
      <p class="fr-text--sm">« — » : aucune décision sur la période.</p>
    </Layout>
  );
}
