import { describe, expect, it } from "vitest";
import { formatDate } from "../../../src/domain/dates.ts";
import { CATEGORIES } from "../../../src/domain/request/categories.ts";
import {
  CURSOR_MAX_LENGTH,
  FILTER_STATES,
  QUEUES,
  SEARCH_ERROR,
  decodeCursor,
  encodeCursor,
  filtersToQuery,
  motifIds,
  parseDay,
  parseQueueFilters,
  parseSearch,
  queryServiceIds,
  queueOf,
  queuesFor,
  searchName,
  sentRange,
  type QueueFilters,
} from "../../../src/domain/request/queues.ts";
import { REQUEST_STATES, type RequestState } from "../../../src/domain/request/state.ts";

const UUID = "0b9c5f3e-8d7a-4c21-9f3e-2a1b0c9d8e7f";

describe("queues", () => {
  it("are the five queues of issue 9 §3, labels verbatim, each state of a sent request in exactly one", () => {
    expect(QUEUES.map((q) => [q.id, q.label, q.states])).toEqual([
      ["a_verifier", "À vérifier", ["envoyee"]],
      ["images_en_cours", "Images en cours", ["verification_images"]],
      ["a_instruire", "À instruire", ["en_instruction"]],
      ["attente_usager", "En attente de l'usager", ["a_completer"]],
      ["traitees", "Traitées", ["rejet_images", "rejet_instruction", "validee"]],
    ]);
    const listed = QUEUES.flatMap((q) => q.states);
    expect([...listed].sort()).toEqual((Object.keys(REQUEST_STATES) as RequestState[]).filter((s) => s !== "brouillon").sort());
  });

  it.each<{ role: "images" | "instruction" | "admin"; ids: string[] }>([
    { role: "images", ids: ["a_verifier", "images_en_cours", "traitees"] },
    { role: "instruction", ids: ["a_instruire", "attente_usager", "traitees"] },
    { role: "admin", ids: ["a_verifier", "images_en_cours", "a_instruire", "attente_usager", "traitees"] },
  ])("queuesFor($role) = $ids", ({ role, ids }) => {
    expect(queuesFor(role).map((q) => q.id)).toEqual(ids);
  });

  it.each<{ state: RequestState; id: string | undefined }>([
    { state: "brouillon", id: undefined },
    { state: "envoyee", id: "a_verifier" },
    { state: "a_completer", id: "attente_usager" },
    { state: "validee", id: "traitees" },
  ])("queueOf($state) = $id", ({ state, id }) => {
    expect(queueOf(state)?.id).toBe(id);
  });
});

describe("searchName: one normalisation at sending and at search", () => {
  it.each<{ nom: string; expected: string }>([
    { nom: "Lefèvre", expected: "LEFEVRE" },
    { nom: "LEFEVRE", expected: "LEFEVRE" },
    { nom: "  lefèvre  ", expected: "LEFEVRE" },
    { nom: "Nguyễn", expected: "NGUYEN" },
    { nom: "Œuvray", expected: "OEUVRAY" },
    { nom: "cœur", expected: "COEUR" },
    { nom: "Lætitia", expected: "LAETITIA" },
    { nom: "Strauß", expected: "STRAUSS" },
    { nom: "D’Alembert", expected: "D'ALEMBERT" },
    { nom: "Saint-Exupéry", expected: "SAINT-EXUPERY" },
    { nom: "de  la   Tour", expected: "DE LA TOUR" },
    { nom: "ÇELİK", expected: "CELIK" },
    { nom: "Ångström", expected: "ANGSTROM" },
  ])("$nom → $expected", ({ nom, expected }) => {
    expect(searchName(nom)).toBe(expected);
  });

  it("is idempotent", () => {
    for (const n of ["Lefèvre", "Œuvray", "D’Alembert", "Strauß"]) expect(searchName(searchName(n))).toBe(searchName(n));
  });
});

describe("parseSearch", () => {
  it.each<{ q: string; expected: ReturnType<typeof parseSearch> }>([
    { q: "PC-2026-0000042", expected: { kind: "numero", value: "PC-2026-0000042" } },
    { q: "  pc-2026-0000042 ", expected: { kind: "numero", value: "PC-2026-0000042" } },
    { q: "PC-2026-12345678", expected: { kind: "numero", value: "PC-2026-12345678" } },
    { q: "260000000042", expected: { kind: "neph", value: "260000000042" } },
    { q: "26 00000 00042", expected: { kind: "neph", value: "260000000042" } },
    { q: "Lefèvre", expected: { kind: "nom", value: "LEFEVRE" } },
    { q: "d’alembert", expected: { kind: "nom", value: "D'ALEMBERT" } },
    { q: "de la tour", expected: { kind: "nom", value: "DE LA TOUR" } },
    { q: "PC-2026-42", expected: { error: SEARCH_ERROR } },
    { q: "PC-26-0000042", expected: { error: SEARCH_ERROR } },
    { q: "26000000004", expected: { error: SEARCH_ERROR } },
    { q: "Robert'); drop table requests;--", expected: { error: SEARCH_ERROR } },
    { q: "a%", expected: { error: SEARCH_ERROR } },
    { q: "-", expected: { error: SEARCH_ERROR } },
    { q: "x".repeat(51), expected: { error: "La recherche ne doit pas dépasser 50 caractères." } },
  ])("« $q »", ({ q, expected }) => {
    expect(parseSearch(q)).toEqual(expected);
  });

  it("accepts a name of 50 characters", () => {
    expect(parseSearch("A".repeat(50))).toEqual({ kind: "nom", value: "A".repeat(50) });
  });
});

describe("keyset cursor", () => {
  it.each<{ sentAt: string; id: string }>([
    { sentAt: "2026-11-29T10:15:30.123Z", id: UUID },
    { sentAt: "2026-01-01T00:00:00.000Z", id: "ffffffff-ffff-4fff-bfff-ffffffffffff" },
  ])("round-trips $sentAt / $id, URL-safe", ({ sentAt, id }) => {
    const s = encodeCursor({ sentAt: new Date(sentAt), id });
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(s.length).toBeLessThanOrEqual(CURSOR_MAX_LENGTH);
    expect(decodeCursor(s)).toEqual({ sentAt: new Date(sentAt), id });
  });

  const b64 = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  it.each<{ name: string; s: string }>([
    { name: "empty", s: "" },
    { name: "not base64url", s: "abc+def/==" },
    { name: "too long", s: "A".repeat(CURSOR_MAX_LENGTH + 1) },
    { name: "no separator", s: b64(`2026-11-29T10:15:30.123Z${UUID}`) },
    { name: "not a uuid", s: b64("2026-11-29T10:15:30.123Z|1234") },
    { name: "upper-case uuid", s: b64(`2026-11-29T10:15:30.123Z|${UUID.toUpperCase()}`) },
    { name: "not an ISO instant", s: b64(`29/11/2026|${UUID}`) },
    { name: "an instant not in canonical form", s: b64(`2026-11-29T10:15:30Z|${UUID}`) },
    { name: "an impossible date", s: b64(`2026-02-30T10:15:30.123Z|${UUID}`) },
    { name: "three parts", s: b64(`2026-11-29T10:15:30.123Z|${UUID}|x`) },
    { name: "a sql injection", s: b64(`2026-11-29T10:15:30.123Z|${UUID}' or 1=1--`) },
  ])("refuses $name", ({ s }) => {
    expect(decodeCursor(s)).toBeUndefined();
  });
});

describe("parseDay and sentRange", () => {
  it.each<{ value: string; ok: boolean }>([
    { value: "2026-11-29", ok: true },
    { value: "2028-02-29", ok: true },
    { value: "2027-02-29", ok: false },
    { value: "2026-13-01", ok: false },
    { value: "2026-00-10", ok: false },
    { value: "2026-04-31", ok: false },
    { value: "29/11/2026", ok: false },
    { value: "2026-1-5", ok: false },
    { value: "1899-01-01", ok: false },
    { value: " 2026-11-29", ok: false },
  ])("parseDay($value) ok: $ok", ({ value, ok }) => {
    expect(parseDay(value) !== undefined).toBe(ok);
  });

  it("from/to are Paris days: from its midnight, to the midnight after the last day", () => {
    const r = sentRange({ from: "2026-03-28", to: "2026-03-29" }); // the clocks change on 29 March 2026
    expect(r.from?.toISOString()).toBe("2026-03-27T23:00:00.000Z");
    expect(r.toExclusive?.toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect(formatDate(r.from!)).toBe("28/03/2026");
    expect(sentRange({ to: "2026-12-31" }).toExclusive?.toISOString()).toBe("2026-12-31T23:00:00.000Z");
    expect(sentRange({})).toEqual({});
  });
});

describe("motifIds", () => {
  it.each<{ filter: string; ids: string[] }>([
    { filter: "fabrication.perte", ids: ["fabrication.perte"] },
    { filter: "inscription", ids: ["inscription.premier_permis", "inscription.ajout_categories"] },
    { filter: "suspension", ids: ["suspension", "suspension.am"] },
    { filter: "permis_international", ids: ["permis_international"] },
    { filter: "inconnu", ids: [] },
  ])("$filter → $ids", ({ filter, ids }) => {
    expect(motifIds(filter)).toEqual(ids);
  });

  it("a group selects every motif of that group", () => {
    expect(motifIds("fabrication")).toHaveLength(12);
    expect(motifIds("fabrication").every((id) => id.startsWith("fabrication."))).toBe(true);
  });
});

describe("parseQueueFilters", () => {
  const cursor = encodeCursor({ sentAt: new Date("2026-11-29T10:15:30.123Z"), id: UUID });

  it("no parameter, or only empty ones: no filter", () => {
    expect(parseQueueFilters({})).toEqual({ ok: true, filters: {} });
    expect(parseQueueFilters({ etat: "", motif: " ", categorie: "", service: "", du: "", au: "", q: "  ", apres: "" })).toEqual({ ok: true, filters: {} });
  });

  it("every filter at once", () => {
    expect(
      parseQueueFilters({ etat: "en_instruction", motif: "fabrication", categorie: "B", service: "cert-lyon", du: "2026-11-01", au: "2026-11-29", q: "Lefèvre", apres: cursor, other: "ignored" }),
    ).toEqual({
      ok: true,
      filters: {
        state: "en_instruction",
        motif: "fabrication",
        categorie: "B",
        serviceId: "cert-lyon",
        from: "2026-11-01",
        to: "2026-11-29",
        search: { kind: "nom", value: "LEFEVRE" },
        after: { sentAt: new Date("2026-11-29T10:15:30.123Z"), id: UUID },
      },
    });
  });

  it.each<{ name: string; query: Record<string, unknown>; errors: Record<string, string>; kept?: QueueFilters }>([
    { name: "a draft is no back-office state", query: { etat: "brouillon" }, errors: { etat: "Choisissez un état dans la liste." } },
    { name: "unknown state", query: { etat: "supprimee" }, errors: { etat: "Choisissez un état dans la liste." } },
    { name: "state by its label", query: { etat: "Envoyée" }, errors: { etat: "Choisissez un état dans la liste." } },
    { name: "unknown motif", query: { motif: "fabrication.inconnu" }, errors: { motif: "Choisissez un motif dans la liste." } },
    { name: "unknown category", query: { categorie: "Z" }, errors: { categorie: "Choisissez une catégorie dans la liste." } },
    { name: "lower-case category", query: { categorie: "b" }, errors: { categorie: "Choisissez une catégorie dans la liste." } },
    { name: "service with odd characters", query: { service: "a'; --" }, errors: { service: "Choisissez un service dans la liste." } },
    { name: "service too long", query: { service: "s".repeat(65) }, errors: { service: "Choisissez un service dans la liste." } },
    { name: "bad from date", query: { du: "2026-02-30" }, errors: { du: "La date « du » doit être une date valide au format AAAA-MM-JJ." } },
    { name: "French date format", query: { au: "29/11/2026" }, errors: { au: "La date « au » doit être une date valide au format AAAA-MM-JJ." } },
    {
      name: "to before from",
      query: { du: "2026-11-29", au: "2026-11-01" },
      errors: { au: "La date « au » doit être le même jour que la date « du » ou après." },
      kept: { from: "2026-11-29" },
    },
    { name: "bad search", query: { q: "<script>" }, errors: { q: SEARCH_ERROR } },
    { name: "search too long", query: { q: "a".repeat(51) }, errors: { q: "La recherche ne doit pas dépasser 50 caractères." } },
    { name: "bad cursor", query: { apres: "nope" }, errors: { apres: "Le lien de la page suivante n'est plus valide : revenez à la première page." } },
    { name: "repeated parameter", query: { etat: ["envoyee", "validee"] }, errors: { etat: "Choisissez un état dans la liste." } },
    { name: "parameter of 201 characters", query: { q: "a".repeat(201) }, errors: { q: "La recherche ne doit pas dépasser 50 caractères." } },
    { name: "non-string value", query: { categorie: 3 }, errors: { categorie: "Choisissez une catégorie dans la liste." } },
    {
      name: "several errors, valid filters kept",
      query: { etat: "x", categorie: "B", q: "PC-2026-0000042", motif: "y" },
      errors: { etat: "Choisissez un état dans la liste.", motif: "Choisissez un motif dans la liste." },
      kept: { categorie: "B", search: { kind: "numero", value: "PC-2026-0000042" } },
    },
  ])("$name", ({ query, errors, kept }) => {
    expect(parseQueueFilters(query)).toEqual({ ok: false, errors, filters: kept ?? {} });
  });

  it.each(FILTER_STATES.map((s) => ({ state: s.value })))("accepts the state $state", ({ state }) => {
    expect(parseQueueFilters({ etat: state })).toEqual({ ok: true, filters: { state } });
  });

  it.each(CATEGORIES.map((c) => ({ c })))("accepts the category $c", ({ c }) => {
    expect(parseQueueFilters({ categorie: c })).toEqual({ ok: true, filters: { categorie: c } });
  });

  it("filtersToQuery gives back what parseQueueFilters reads", () => {
    const query = { etat: "validee", motif: "inscription.premier_permis", categorie: "A2", service: "svc_1", du: "2026-01-01", au: "2026-01-31", q: "PC-2026-0000042", apres: cursor };
    const parsed = parseQueueFilters(query);
    expect(parsed.ok).toBe(true);
    expect(filtersToQuery(parsed.filters)).toEqual(query);
    expect(parseQueueFilters(filtersToQuery(parsed.filters))).toEqual(parsed);
  });
});

describe("queryServiceIds: the listing is scoped to the actor, then to the service filter", () => {
  const agentOf = (role: "images" | "instruction" | "admin", serviceIds: string[]) => ({ kind: "agent" as const, agentId: "x", role, serviceIds, name: "x" });
  it.each<{ name: string; actor: Parameters<typeof queryServiceIds>[0]; serviceId?: string; expected: readonly string[] | "all" }>([
    { name: "agent, no filter", actor: agentOf("instruction", ["svc-a", "svc-b"]), expected: ["svc-a", "svc-b"] },
    { name: "agent, one of theirs", actor: agentOf("instruction", ["svc-a", "svc-b"]), serviceId: "svc-b", expected: ["svc-b"] },
    { name: "agent, another service", actor: agentOf("images", ["svc-a"]), serviceId: "svc-z", expected: [] },
    { name: "admin, no filter", actor: agentOf("admin", []), expected: "all" },
    { name: "admin, one service", actor: agentOf("admin", []), serviceId: "svc-z", expected: ["svc-z"] },
    { name: "usager", actor: { kind: "usager", accountId: UUID }, serviceId: "svc-a", expected: [] },
  ])("$name → $expected", ({ actor, serviceId, expected }) => {
    expect(queryServiceIds(actor, serviceId === undefined ? {} : { serviceId })).toEqual(expected);
  });
});
