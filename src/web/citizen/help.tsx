import type { FastifyInstance } from "fastify";
import { motifInfo } from "../../domain/request/motifs.ts";
import type { WebDeps } from "../deps.ts";
import { pageContext, sendPage } from "../http.ts";
import type { PageContext } from "../views/layout.tsx";
import { DemarchePiecesPage, PiecesIndexPage } from "./views/help/pieces.tsx";
import {
  AssistanceHelpPage,
  CivilStatusHelpPage,
  DomicileHelpPage,
  DrivingMeanwhileHelpPage,
  FollowUpHelpPage,
  HelpIndexPage,
  NephHelpPage,
  PhotoHelpPage,
  ScanHelpPage,
  StampHelpPage,
} from "./views/help/topics.tsx";
import type { HelpPath } from "./views/help/frame.tsx";
import type { VNode } from "preact";

/** The "Aide" section: public pages, linked from every page's header and from the steps where they matter. */
const PAGES: Record<Exclude<HelpPath, "/aide/pieces">, (ctx: PageContext) => VNode> = {
  "/aide/numeriser": (ctx) => <ScanHelpPage ctx={ctx} />,
  "/aide/justificatif-de-domicile": (ctx) => <DomicileHelpPage ctx={ctx} />,
  "/aide/photo": (ctx) => <PhotoHelpPage ctx={ctx} />,
  "/aide/conduire-en-attendant": (ctx) => <DrivingMeanwhileHelpPage ctx={ctx} />,
  "/aide/etat-civil": (ctx) => <CivilStatusHelpPage ctx={ctx} />,
  "/aide/neph": (ctx) => <NephHelpPage ctx={ctx} />,
  "/aide/timbre-fiscal": (ctx) => <StampHelpPage ctx={ctx} />,
  "/aide/suivi": (ctx) => <FollowUpHelpPage ctx={ctx} />,
  "/aide/accompagnement": (ctx) => <AssistanceHelpPage ctx={ctx} />,
};

export async function helpRoutes(app: FastifyInstance, deps: WebDeps) {
  app.get("/aide", async (request, reply) => sendPage(reply, <HelpIndexPage ctx={pageContext(request, reply, deps.devTools)} />));
  app.get("/aide/pieces", async (request, reply) => sendPage(reply, <PiecesIndexPage ctx={pageContext(request, reply, deps.devTools)} />));
  app.get("/aide/pieces/:motif", async (request, reply) => {
    const motif = motifInfo((request.params as { motif: string }).motif);
    if (!motif) return reply.callNotFound();
    return sendPage(reply, <DemarchePiecesPage ctx={pageContext(request, reply, deps.devTools)} motif={motif} on={deps.clock.now()} />);
  });
  for (const [path, page] of Object.entries(PAGES)) {
    app.get(path, async (request, reply) => sendPage(reply, page(pageContext(request, reply, deps.devTools))));
  }
}
