import { sql } from "drizzle-orm";
import type { Executor } from "../client.ts";

/** Per service instructeur: the days from "Envoyée" to each decision in the window, and how many wait. */
export interface ServiceDurations {
  serviceId: string;
  serviceName: string;
  /** Days (fractional) from the request's sending to its decision, for decisions made in the window. */
  days: number[];
  /** Requests waiting for the administration (Envoyée, Vérification des images, En cours d'instruction). */
  waiting: number;
}

/**
 * One query over the history (request_events): decisions (to a rejet or validée) made in
 * [since, until], each measured from the request's "envoyer" event; and the waiting count per
 * service from the requests' states (index requests_queue_idx).
 */
export async function serviceDurations(db: Executor, since: Date, until: Date): Promise<ServiceDurations[]> {
  const result = await db.execute(sql`
    WITH decided AS (
      SELECT r.service_id,
             GREATEST(0, EXTRACT(EPOCH FROM (d.at - sent.at)) / 86400.0)::float8 AS days
      FROM request_events d
      JOIN requests r ON r.id = d.request_id
      JOIN LATERAL (
        SELECT min(e.at) AS at FROM request_events e WHERE e.request_id = d.request_id AND e.transition = 'envoyer'
      ) sent ON sent.at IS NOT NULL
      WHERE d.to_state IN ('rejet_images', 'rejet_instruction', 'validee')
        AND d.at >= ${since.toISOString()} AND d.at <= ${until.toISOString()}
        AND r.service_id IS NOT NULL
    ),
    waiting AS (
      SELECT service_id, count(*)::int AS n FROM requests
      WHERE state IN ('envoyee', 'verification_images', 'en_instruction') AND service_id IS NOT NULL
      GROUP BY service_id
    )
    SELECT s.id, s.name,
           coalesce((SELECT array_agg(decided.days) FROM decided WHERE decided.service_id = s.id), '{}'::float8[]) AS days,
           coalesce(w.n, 0) AS waiting
    FROM instruction_services s
    LEFT JOIN waiting w ON w.service_id = s.id
    ORDER BY s.name, s.id`);
  const rows = (result as unknown as { rows: Array<{ id: string; name: string; days: unknown; waiting: number | string }> }).rows;
  return rows.map((r) => ({ serviceId: r.id, serviceName: r.name, days: parseFloatArray(r.days), waiting: Number(r.waiting) }));
}

/** float8[] comes back as a JS array (node-postgres, PGlite) or, on some paths, as its text form "{1.5,2}". */
function parseFloatArray(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number);
  if (typeof value === "string") {
    const inner = value.replace(/^\{|\}$/g, "");
    return inner === "" ? [] : inner.split(",").map(Number);
  }
  return [];
}
