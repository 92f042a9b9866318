import type { FastifyInstance } from "fastify";
import { WINDOW_DAYS } from "../../services/processing-times.ts";
import { pageContext, sendPage } from "../http.ts";
import { DelaisPage } from "./views/delais.tsx";
import type { WebDeps } from "../deps.ts";

/** Public: processing times per service instructeur. */
export async function delaisRoutes(app: FastifyInstance, deps: WebDeps) {
  app.get("/delais-de-traitement", async (request, reply) => {
    const report = await deps.processingTimes.report();
    return sendPage(reply, <DelaisPage ctx={pageContext(request, reply, deps.devTools)} report={report} windowDays={WINDOW_DAYS} />);
  });
}
