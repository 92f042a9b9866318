import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestEvents } from "../../src/db/schema.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { ManualClock } from "../helpers/clock.ts";
import { insertSentRequest, insertService } from "../helpers/notify.ts";

/** Public "Délais de traitement": median and 90th percentile per service, from the history, over 30 days. */
const DAY = 86_400_000;
const clock = new ManualClock(new Date("2026-09-30T12:00:00Z"));
let t: TestApp;

/** A request of `serviceId` sent `sentDaysAgo` days ago and decided (`to`) `decidedDaysAgo` days ago, or still in `state`. */
async function history(serviceId: string, sentDaysAgo: number, decision: { to: "validee" | "rejet_images" | "rejet_instruction"; daysAgo: number } | { state: string }) {
  const now = clock.now().getTime();
  const sentAt = new Date(now - sentDaysAgo * DAY);
  const state = "to" in decision ? decision.to : decision.state;
  const { request } = await insertSentRequest(t.db.db, { serviceId, state, createdAt: sentAt, sentAt });
  await t.db.db.insert(requestEvents).values({ requestId: request.id, at: sentAt, transition: "envoyer", fromState: "brouillon", toState: "envoyee", actorKind: "usager" });
  if ("to" in decision) {
    const transition = decision.to === "validee" ? "valider" : decision.to === "rejet_images" ? "rejeter_images" : "rejeter";
    const from = decision.to === "rejet_images" ? "verification_images" : "en_instruction";
    await t.db.db
      .insert(requestEvents)
      .values({ requestId: request.id, at: new Date(now - decision.daysAgo * DAY), transition, fromState: from, toState: decision.to, actorKind: "agent" });
  }
}

beforeAll(async () => {
  t = await startTestApp({ clock });
  await insertService(t.db.db, "svc-a", "Service instructeur d'Angers");
  await insertService(t.db.db, "svc-b", "Service instructeur de Bordeaux");
  await insertService(t.db.db, "svc-c", "Service instructeur de Caen");
  // A: decided after 1, 2, 3, 4 and 10 days → median 3, p90 10 (nearest rank).
  await history("svc-a", 6, { to: "validee", daysAgo: 5 });
  await history("svc-a", 12, { to: "validee", daysAgo: 10 });
  await history("svc-a", 23, { to: "rejet_instruction", daysAgo: 20 });
  await history("svc-a", 5, { to: "rejet_images", daysAgo: 1 });
  await history("svc-a", 25, { to: "validee", daysAgo: 15 });
  // Decided 40 days ago: outside the window.
  await history("svc-a", 100, { to: "validee", daysAgo: 40 });
  // Waiting in A: 2 sent, 1 in instruction; "A compléter" waits on the user, not counted.
  await history("svc-a", 3, { state: "envoyee" });
  await history("svc-a", 2, { state: "envoyee" });
  await history("svc-a", 8, { state: "en_instruction" });
  await history("svc-a", 9, { state: "a_completer" });
  // B: 12 hours and 5 days → median "moins d'un jour", p90 5 days; one waiting in image check.
  await history("svc-b", 2, { to: "validee", daysAgo: 1.5 });
  await history("svc-b", 7, { to: "rejet_images", daysAgo: 2 });
  await history("svc-b", 1, { state: "verification_images" });
  // C: nothing.
});
afterAll(() => t.close());

function cells(html: string, serviceId: string): string[] {
  const row = new RegExp(`<tr data-service="${serviceId}">([\\s\\S]*?)</tr>`).exec(html);
  if (!row) throw new Error(`no row for ${serviceId}`);
  return [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, "").trim());
}

describe("GET /delais-de-traitement", () => {
  it("shows, per service, the median and p90 days from « Envoyée » to a decision over 30 days, and the number waiting", async () => {
    const response = await t.app.inject({ method: "GET", url: "/delais-de-traitement" });
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toContain("<h1>Délais de traitement</h1>");
    expect(html).toContain("du 31/08/2026 au 30/09/2026");
    expect(cells(html, "svc-a")).toEqual(["Service instructeur d'Angers", "3 jours", "10 jours", "5", "3"]);
    expect(cells(html, "svc-b")).toEqual(["Service instructeur de Bordeaux", "moins d'un jour", "5 jours", "2", "1"]);
    expect(cells(html, "svc-c")).toEqual(["Service instructeur de Caen", "—", "—", "0", "0"]);
  });

  it("is linked from every page's footer", async () => {
    const response = await t.app.inject({ method: "GET", url: "/" });
    expect(response.body).toMatch(/<a href="\/delais-de-traitement" class="fr-footer__bottom-link">\s*Délais de traitement/);
  });
});
