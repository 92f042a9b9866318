import type { FastifyInstance } from "fastify";
import type { DashboardRequest } from "../../db/repositories/dashboard.ts";
import { motifInfo } from "../../domain/request/motifs.ts";
import { isRequestState, userActions, type UserAction } from "../../domain/request/state.ts";
import { stateLabel } from "../../services/requests/index.ts";
import { pageContext, sendPage, servedOverHttps } from "../http.ts";
import { endSession, requireSignedIn } from "../security/session.ts";
import { AccountHomePage, TrackRequestPage, type RequestRow as RequestLine } from "./views/account.tsx";
import type { WebDeps } from "../deps.ts";

/** The links of the table's "Actions" column for each user action ("Renvoyer ma demande" is on the request's page, with the version shown). */
const ACTION_LINKS: Record<UserAction, { label: string; href: (id: string) => string } | undefined> = {
  modifier_brouillon: { label: "Modifier", href: (id) => `/demandes/${id}/reprendre` },
  supprimer_brouillon: { label: "Supprimer", href: (id) => `/demandes/${id}/supprimer` },
  modifier_demande: { label: "Modifier la demande", href: (id) => `/demandes/${id}/completer` },
  renvoyer: undefined,
  nouvelle_demande: { label: "Faire une nouvelle demande", href: (id) => `/demandes/${id}#nouvelle-demande` },
};

/** A line of "MES DEMANDES EN COURS", with the actions of its state (SPEC §4). */
function line(row: DashboardRequest): RequestLine {
  // A sent request shows its frozen état civil; a draft, its step 2 as typed.
  const sent = row.frozenMotif !== null && motifInfo(row.frozenMotif) !== undefined;
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const givenName = (sent ? row.frozenGivenName : null) ?? text(row.draftGivenName);
  const familyName = (sent ? row.frozenFamilyName : null) ?? text(row.draftFamilyName).toUpperCase();
  // What the user may do in this state comes from the domain (SPEC §4, "Actions possibles").
  const state = isRequestState(row.state) ? row.state : "brouillon";
  const actions = [
    ...(state === "brouillon" ? [] : [{ label: "Consulter", href: `/demandes/${row.id}` }]),
    ...userActions(state).flatMap((action) => {
      const link = ACTION_LINKS[action];
      return link ? [{ label: link.label, href: link.href(row.id) }] : [];
    }),
  ];
  return {
    id: row.id,
    givenName: givenName || "—",
    familyName: familyName || "—",
    number: row.number ?? "—",
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    state: stateLabel(row.state),
    actions,
  };
}

/** Lower case, no accents, single spaces: "Envoyée" and "envoyee" are one word. */
function normalize(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * "Rechercher dans la liste" (seed 001): the lines whose numéro, first name, name or state
 * contain every word typed, in any order, ignoring case and accents.
 */
export function filterRequests(lines: RequestLine[], query: string): RequestLine[] {
  const words = normalize(query).split(" ").filter(Boolean);
  if (words.length === 0) return lines;
  return lines.filter((l) => {
    const haystack = normalize([l.number, l.givenName, l.familyName, l.state].join(" "));
    return words.every((w) => haystack.includes(w));
  });
}

export const TRACK_MESSAGES = {
  invalid: "Saisissez le numéro de demande tel qu'il figure sur le récépissé, par exemple PC-2026-0000001.",
  notFound: "Aucune de vos demandes ne porte ce numéro. Vérifiez le numéro saisi, ou retrouvez vos demandes dans « MES DEMANDES EN COURS ».",
} as const;

/** The account home ("Mon espace"). */
export async function accountRoutes(app: FastifyInstance, deps: WebDeps) {
  app.get("/mon-espace", { preHandler: requireSignedIn }, async (request, reply) => {
    // Everything the page shows comes in one statement (the session was read before: two in all).
    const dashboard = await deps.requests.dashboard(request.session.accountId!);
    if (!dashboard) {
      // The account no longer exists: end this session.
      await endSession(request, reply, servedOverHttps(deps.config.publicUrl));
      return reply.redirect("/connexion", 303);
    }
    const flash = request.session.flash;
    delete request.session.flash;
    const { account, notifications } = dashboard;
    const previous = request.session.previousLoginAt;
    const raw = (request.query as { q?: unknown }).q;
    const query = (typeof raw === "string" ? raw : "").trim().slice(0, 60);
    const all = dashboard.requests.map(line);
    return sendPage(
      reply,
      <AccountHomePage
        ctx={pageContext(request, reply, deps.devTools)}
        displayName={`${account.givenName} ${account.familyName}`}
        lastLoginAt={previous ? new Date(previous) : null}
        notifications={notifications}
        requests={filterRequests(all, query)}
        total={all.length}
        query={query}
        flash={flash}
      />,
    );
  });

  /**
   * "Savoir où en est ma demande de permis de conduire" (seed 001): finds one of the signed-in
   * user's requests by its numéro and opens its page. Someone else's number gets the same answer
   * as a number that does not exist.
   */
  app.get("/mon-espace/ou-en-est", { preHandler: requireSignedIn }, async (request, reply) => {
    const raw = (request.query as { numero?: unknown }).numero;
    const typed = typeof raw === "string" ? raw.slice(0, 60) : undefined;
    const page = (error?: string, status = 200) => sendPage(reply, <TrackRequestPage ctx={pageContext(request, reply, deps.devTools)} value={typed ?? ""} error={error} />, status);
    if (typed === undefined) return page();
    const found = await deps.requests.completion.findByNumber(request.session.accountId!, typed);
    if (found.kind === "found") return reply.redirect(`/demandes/${found.id}`, 303);
    return page(found.kind === "invalid" ? TRACK_MESSAGES.invalid : TRACK_MESSAGES.notFound, found.kind === "invalid" ? 400 : 404);
  });
}
