import type { FastifyInstance } from "fastify";
import { loadDashboard, type DashboardRequest } from "../../db/repositories/dashboard.ts";
import { motifInfo } from "../../domain/request/motifs.ts";
import { stateLabel } from "../../services/requests.ts";
import { pageContext, sendPage } from "../http.ts";
import { requireSignedIn, SESSION_COOKIE } from "../security/session.ts";
import { AccountHomePage, type RequestRow as RequestLine } from "../views/pages/account.tsx";
import type { WebDeps } from "../deps.ts";

/** A line of "MES DEMANDES EN COURS", with the actions of its state (SPEC §4). */
function line(row: DashboardRequest): RequestLine {
  // A sent request shows its frozen état civil; a draft, its step 2 as typed.
  const sent = row.frozenMotif !== null && motifInfo(row.frozenMotif) !== undefined;
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const givenName = (sent ? row.frozenGivenName : null) ?? text(row.draftGivenName);
  const familyName = (sent ? row.frozenFamilyName : null) ?? text(row.draftFamilyName).toUpperCase();
  const actions =
    row.state === "brouillon"
      ? [
          { label: "Modifier", href: `/demandes/${row.id}/reprendre` },
          { label: "Supprimer", href: `/demandes/${row.id}/supprimer` },
        ]
      : row.state === "rejet_images" || row.state === "rejet_instruction"
        ? [
            { label: "Consulter", href: `/demandes/${row.id}` },
            { label: "Faire une nouvelle demande", href: "/demandes/nouvelle" },
          ]
        : [{ label: "Consulter", href: `/demandes/${row.id}` }];
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

/** The account home ("Mon espace"). */
export async function accountRoutes(app: FastifyInstance, deps: WebDeps) {
  app.get("/mon-espace", { preHandler: requireSignedIn }, async (request, reply) => {
    // Everything the page shows comes in one statement (the session was read before: two in all).
    const dashboard = await loadDashboard(deps.database.db, request.session.accountId!);
    if (!dashboard) {
      // The account no longer exists: end this session.
      await request.session.destroy();
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
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
}
