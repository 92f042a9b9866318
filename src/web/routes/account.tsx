import type { FastifyInstance } from "fastify";
import { listNotifications } from "../../db/repositories/notifications.ts";
import { pageContext, sendPage } from "../http.ts";
import { requireSignedIn, SESSION_COOKIE } from "../security/session.ts";
import { AccountHomePage } from "../views/pages/account.tsx";
import type { WebDeps } from "../deps.ts";

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
        requests={[]}
        flash={flash}
      />,
    );
  });
}
