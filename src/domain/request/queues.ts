import type { Actor, AgentRole } from "../actors.ts";
import { visibleServiceIds } from "./access.ts";
import { compareDates, parisMidnight, type CalendarDate } from "../dates.ts";
import { CATEGORIES, isCategory, type Category } from "./categories.ts";
import { MOTIF_GROUPS, DEMARCHES, MOTIFS } from "./motifs.ts";
import { REQUEST_STATES, isRequestState, type RequestState } from "./state.ts";

/**
 * The back-office queues (issue 9 §3), their filters, the search and the keyset cursor. Pure:
 * the repository turns typed filters into one scoped, indexed query (oldest first, keyset on
 * (sent_at, id)).
 */
export type QueueId = "a_verifier" | "images_en_cours" | "a_instruire" | "attente_usager" | "traitees";

export interface Queue {
  id: QueueId;
  label: string;
  states: readonly RequestState[];
}

export const QUEUES: readonly Queue[] = [
  { id: "a_verifier", label: "À vérifier", states: ["envoyee"] },
  { id: "images_en_cours", label: "Images en cours", states: ["verification_images"] },
  { id: "a_instruire", label: "À instruire", states: ["en_instruction"] },
  { id: "attente_usager", label: "En attente de l'usager", states: ["a_completer"] },
  { id: "traitees", label: "Traitées", states: ["rejet_images", "rejet_instruction", "validee"] },
];

const BY_ROLE: Record<AgentRole, readonly QueueId[]> = {
  images: ["a_verifier", "images_en_cours", "traitees"],
  instruction: ["a_instruire", "attente_usager", "traitees"],
  admin: ["a_verifier", "images_en_cours", "a_instruire", "attente_usager", "traitees"],
};

/** The queues an agent of this role sees, in the order shown. */
export function queuesFor(role: AgentRole): readonly Queue[] {
  return BY_ROLE[role].map((id) => queue(id)!);
}

export function queue(id: string): Queue | undefined {
  return QUEUES.find((q) => q.id === id);
}

export function isQueueId(value: string): value is QueueId {
  return QUEUES.some((q) => q.id === value);
}

/** The queue a request in this state is listed in (none for a draft). */
export function queueOf(state: RequestState): Queue | undefined {
  return QUEUES.find((q) => q.states.includes(state));
}

/* ------------------------------------------------------------------ search */

export const SEARCH_MAX_LENGTH = 50;

/**
 * The nom de naissance as searched: upper case, accents and other marks removed, ligatures
 * spelled out (Œ → OE, Æ → AE, ß → SS), typographic apostrophe → ', spaces collapsed. One rule
 * for the column requests.search_name written at sending and for the search typed by an agent
 * ("Lefèvre", "LEFEVRE" and "lefevre" find the same request).
 */
export function searchName(nom: string): string {
  return nom
    .replace(/[œŒ]/g, (c) => (c === "œ" ? "oe" : "OE"))
    .replace(/[æÆ]/g, (c) => (c === "æ" ? "ae" : "AE"))
    .replace(/[ßẞ]/g, "ss")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[’ʼ‘`´]/g, "'")
    .toUpperCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** "PC-2026-0000042", as made at sending (src/services/requests.ts: 7 digits or more, the serial is never cut). */
const REQUEST_NUMBER = /^PC-\d{4}-\d{7,10}$/;
const SEARCHABLE_NAME = /^[A-Z](?:[A-Z' -]*[A-Z])?$/;

export type Search = { kind: "numero"; value: string } | { kind: "neph"; value: string } | { kind: "nom"; value: string };

export const SEARCH_ERROR = "Saisissez un numéro de demande (PC-AAAA-NNNNNNN), un NEPH (12 chiffres) ou un nom de naissance.";

/** What an agent typed in the search box: a numéro de demande, a NEPH, or a nom de naissance. */
export function parseSearch(raw: string): Search | { error: string } {
  const q = raw.replace(/\s+/g, " ").trim();
  if (q.length > SEARCH_MAX_LENGTH) return { error: `La recherche ne doit pas dépasser ${SEARCH_MAX_LENGTH} caractères.` };
  const upper = q.toUpperCase();
  if (REQUEST_NUMBER.test(upper)) return { kind: "numero", value: upper };
  const digits = q.replace(/[ .]/g, "");
  if (/^\d{12}$/.test(digits)) return { kind: "neph", value: digits };
  const name = searchName(q);
  if (name !== "" && SEARCHABLE_NAME.test(name)) return { kind: "nom", value: name };
  return { error: SEARCH_ERROR };
}

/* ------------------------------------------------------------------ keyset cursor */

export interface Cursor {
  /** requests.sent_at of the last row shown (milliseconds: sending writes the JS clock). */
  sentAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const CURSOR_MAX_LENGTH = 120;

/** Opaque, URL-safe: base64url of "ISO instant|uuid". */
export function encodeCursor(c: Cursor): string {
  return btoa(`${c.sentAt.toISOString()}|${c.id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The cursor, or undefined when it is not one this module made (bounded, checked). */
export function decodeCursor(s: string): Cursor | undefined {
  if (s.length === 0 || s.length > CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  let text: string;
  try {
    text = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return undefined;
  }
  const [iso, id, ...rest] = text.split("|");
  if (iso === undefined || id === undefined || rest.length > 0 || !UUID.test(id)) return undefined;
  const sentAt = new Date(iso);
  if (Number.isNaN(sentAt.getTime()) || sentAt.toISOString() !== iso) return undefined;
  return { sentAt, id };
}

/* ------------------------------------------------------------------ filters */

/** Query parameter names of the queue pages (GET form). */
export const FILTER_PARAMS = ["etat", "motif", "categorie", "service", "du", "au", "q", "apres"] as const;
export type FilterParam = (typeof FILTER_PARAMS)[number];

export interface QueueFilters {
  state?: RequestState;
  /** A motif id, or a group / démarche: see `motifIds`. */
  motif?: string;
  categorie?: Category;
  serviceId?: string;
  /** Sent on or after this Paris day (YYYY-MM-DD). */
  from?: string;
  /** Sent on or before this Paris day (YYYY-MM-DD). */
  to?: string;
  search?: Search;
  after?: Cursor;
}

export type FilterErrors = Partial<Record<FilterParam, string>>;

export type ParsedFilters = { ok: true; filters: QueueFilters } | { ok: false; errors: FilterErrors; filters: QueueFilters };

const SERVICE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MOTIF_VALUES: readonly string[] = [...new Set([...MOTIFS.map((m) => m.id), ...MOTIF_GROUPS.map((g) => g.value), ...DEMARCHES.map((d) => d.value)])];

/** Every motif id a motif filter selects: the id itself, or every id of the group ("fabrication" → "fabrication.perte", …). */
export function motifIds(filter: string): string[] {
  return MOTIFS.map((m) => m.id).filter((id) => id === filter || id.startsWith(`${filter}.`) || MOTIFS.find((m) => m.id === id)?.group === filter);
}

/** A calendar day typed as YYYY-MM-DD, if it exists. */
export function parseDay(value: string): CalendarDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (d.year < 2000 || d.year > 2100 || d.month < 1 || d.month > 12 || d.day < 1) return undefined;
  if (d.day > new Date(Date.UTC(d.year, d.month, 0)).getUTCDate()) return undefined;
  return d;
}

/** The instants of a from/to filter: sent_at ≥ from (Paris midnight), sent_at < the Paris midnight after `to`. */
export function sentRange(filters: Pick<QueueFilters, "from" | "to">): { from?: Date; toExclusive?: Date } {
  const range: { from?: Date; toExclusive?: Date } = {};
  const from = filters.from ? parseDay(filters.from) : undefined;
  const to = filters.to ? parseDay(filters.to) : undefined;
  if (from) range.from = parisMidnight(from);
  if (to) {
    const next = new Date(Date.UTC(to.year, to.month - 1, to.day + 1));
    range.toExclusive = parisMidnight({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() });
  }
  return range;
}

const PARAM_MAX_LENGTH = 200;

function single(query: Readonly<Record<string, unknown>>, name: string): string | undefined | null {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v.length > PARAM_MAX_LENGTH) return null; // repeated or over-long parameter
  const t = v.trim();
  return t === "" ? undefined : t;
}

/**
 * The filters of a queue page from its raw query string (every value a string; anything else, or
 * anything too long, is an error). Empty values are "no filter". Errors are French, per parameter;
 * the valid filters are returned with them so the form shows what was understood.
 */
export function parseQueueFilters(query: Readonly<Record<string, unknown>>): ParsedFilters {
  const filters: QueueFilters = {};
  const errors: FilterErrors = {};

  const etat = single(query, "etat");
  if (etat === null || (etat !== undefined && (!isRequestState(etat) || etat === "brouillon"))) errors.etat = "Choisissez un état dans la liste.";
  else if (etat !== undefined) filters.state = etat as RequestState;

  const motif = single(query, "motif");
  if (motif === null || (motif !== undefined && !MOTIF_VALUES.includes(motif))) errors.motif = "Choisissez un motif dans la liste.";
  else if (motif !== undefined) filters.motif = motif;

  const categorie = single(query, "categorie");
  if (categorie === null || (categorie !== undefined && !isCategory(categorie))) errors.categorie = "Choisissez une catégorie dans la liste.";
  else if (categorie !== undefined) filters.categorie = categorie as Category;

  const service = single(query, "service");
  if (service === null || (service !== undefined && !SERVICE_ID.test(service))) errors.service = "Choisissez un service dans la liste.";
  else if (service !== undefined) filters.serviceId = service;

  const du = single(query, "du");
  if (du === null || (du !== undefined && !parseDay(du))) errors.du = "La date « du » doit être une date valide au format AAAA-MM-JJ.";
  else if (du !== undefined) filters.from = du;

  const au = single(query, "au");
  if (au === null || (au !== undefined && !parseDay(au))) errors.au = "La date « au » doit être une date valide au format AAAA-MM-JJ.";
  else if (au !== undefined) filters.to = au;

  if (filters.from && filters.to && compareDates(parseDay(filters.from)!, parseDay(filters.to)!) > 0) {
    errors.au = "La date « au » doit être le même jour que la date « du » ou après.";
    delete filters.to;
  }

  const q = single(query, "q");
  if (q === null) errors.q = `La recherche ne doit pas dépasser ${SEARCH_MAX_LENGTH} caractères.`;
  else if (q !== undefined) {
    const search = parseSearch(q);
    if ("error" in search) errors.q = search.error;
    else filters.search = search;
  }

  const apres = single(query, "apres");
  const cursor = typeof apres === "string" ? decodeCursor(apres) : undefined;
  if (apres === null || (apres !== undefined && !cursor)) errors.apres = "Le lien de la page suivante n'est plus valide : revenez à la première page.";
  else if (cursor) filters.after = cursor;

  return Object.keys(errors).length === 0 ? { ok: true, filters } : { ok: false, errors, filters };
}

/** The query string of filters (for "page suivante" links and the form's values). */
export function filtersToQuery(filters: QueueFilters): Record<FilterParam, string> {
  return {
    etat: filters.state ?? "",
    motif: filters.motif ?? "",
    categorie: filters.categorie ?? "",
    service: filters.serviceId ?? "",
    du: filters.from ?? "",
    au: filters.to ?? "",
    q: filters.search?.value ?? "",
    apres: filters.after ? encodeCursor(filters.after) : "",
  };
}

/**
 * The services a listing may read for this actor and these filters: the actor's services (or
 * "all"), narrowed to the "service" filter. A service the actor does not see gives an empty list
 * (nothing is listed, as for a service that does not exist: no hint that it exists).
 */
export function queryServiceIds(actor: Actor, filters: Pick<QueueFilters, "serviceId">): readonly string[] | "all" {
  const visible = visibleServiceIds(actor);
  if (filters.serviceId === undefined) return visible;
  if (visible === "all" || visible.includes(filters.serviceId)) return [filters.serviceId];
  return [];
}

/** Labels for the filter form's select lists. */
export const FILTER_STATES: ReadonlyArray<{ value: RequestState; label: string }> = (Object.keys(REQUEST_STATES) as RequestState[])
  .filter((s) => s !== "brouillon")
  .map((s) => ({ value: s, label: REQUEST_STATES[s].label }));
export const FILTER_CATEGORIES: readonly Category[] = CATEGORIES;

/** Page size of a queue listing. */
export const QUEUE_PAGE_SIZE = 50;
