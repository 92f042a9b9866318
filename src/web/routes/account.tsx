import type { FastifyInstance } from "fastify";
import { listNotifications } from "../../db/repositories/notifications.ts";
import type { RequestRow } from "../../db/repositories/requests.ts";
import { frozenContent, stateLabel } from "../../services/requests.ts";
import { pageContext, sendPage } from "../http.ts";
import { requireSignedIn, SESSION_COOKIE } from "../security/session.ts";
import { AccountHomePage, type RequestRow as RequestLine } from "../views/pages/account.tsx";
import type { WebDeps } from "../deps.ts";

/** A line of "MES DEMANDES EN COURS", with the actions of its state (SPEC §4). */
function line(row: RequestRow): RequestLine {
  const sent = frozenContent(row);
  const step2 = row.data.step2 ?? {};
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const givenName = sent?.etatCivil?.prenoms[0] ?? text(step2.prenom1);
  const familyName = sent?.etatCivil?.nomNaissance ?? text(step2.nomNaissance).toUpperCase();
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

/** The account home ("Mon espace"). */
export async function accountRoutes(app: FastifyInstance, deps: WebDeps) {
  app.get("/mon-espace", { preHandler: requireSignedIn }, async (request, reply) => {
    const account = await deps.accounts.findById(request.session.accountId!);
    if (!account) {
      // The account no longer exists: end this session.
      await request.session.destroy();
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.redirect("/connexion", 303);
    }
    const flash = request.session.flash;
    delete request.session.flash;
    const notifications = await listNotifications(deps.database.db, account.id);
    const previous = request.session.previousLoginAt;
    return sendPage(
      reply,
      <AccountHomePage
        ctx={pageContext(request, reply, deps.devTools)}
        displayName={`${account.givenName} ${account.familyName}`}
        lastLoginAt={previous ? new Date(previous) : null}
        notifications={notifications}
        requests={(await deps.requests.list(account.id)).map(line)}
        flash={flash}
      />,
    );
  });
}
