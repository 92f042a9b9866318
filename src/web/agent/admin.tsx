import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { REQUEST_STATES } from "../../domain/request/state.ts";
import type { WebDeps } from "../deps.ts";
import { formInput, sendPage } from "../http.ts";
import { requireAgent, takeFlash, updateSession } from "./session.ts";
import { AgentsPage, AuditPage, NewAgentPage, ServicePage, ServicesPage, type PrefectureRow } from "./views/admin.tsx";

/** Administration (role admin only): agents, services instructeurs and their préfectures, the audit log. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const text = (input: Record<string, unknown>, name: string, max: number): string => {
  const v = input[name];
  return typeof v === "string" ? v.slice(0, max) : "";
};

const list = (input: Record<string, unknown>, name: string, max: number): string[] => {
  const v = input[name];
  const items = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return items.filter((x): x is string => typeof x === "string").slice(0, max).map((x) => x.slice(0, 40));
};

const stateLabel = (s: string) => (Object.hasOwn(REQUEST_STATES, s) ? REQUEST_STATES[s as keyof typeof REQUEST_STATES].label : s);

export async function adminRoutes(app: FastifyInstance, deps: WebDeps) {
  const { agents, places } = deps;
  const adminOnly = { preHandler: requireAgent(["admin"]) };

  app.get("/admin", adminOnly, async (_request, reply) => reply.redirect("/agent/admin/agents", 303));

  app.get("/admin/agents", adminOnly, async (request, reply) => {
    const [all, services] = await Promise.all([agents.list(), agents.services()]);
    const names = new Map(services.map((s) => [s.id, s.name]));
    const rows = all.map((a) => ({
      id: a.id,
      email: a.email,
      name: `${a.givenName} ${a.familyName}`,
      role: a.role,
      services: a.serviceIds.map((id) => names.get(id) ?? id),
      active: a.active,
      lastLoginAt: a.lastLoginAt,
      secondFactor: a.totpEnabledAt !== null,
    }));
    return sendPage(reply, <AgentsPage agent={request.agent} csrfToken={reply.generateCsrf()} rows={rows} flash={takeFlash(request)} />);
  });

  app.get("/admin/agents/nouveau", adminOnly, async (request, reply) => {
    return sendPage(reply, <NewAgentPage agent={request.agent} csrfToken={reply.generateCsrf()} services={await agents.services()} />);
  });

  app.post("/admin/agents", adminOnly, async (request, reply) => {
    const input = formInput(request) as Record<string, unknown>;
    const values = { email: text(input, "email", 320), givenName: text(input, "givenName", 200), familyName: text(input, "familyName", 200), role: text(input, "role", 20) };
    const serviceIds = list(input, "serviceIds", 60);
    const result = await agents.create({ ...values, serviceIds }, request.agent.agentId);
    if (!result.ok) {
      return sendPage(
        reply,
        <NewAgentPage agent={request.agent} csrfToken={reply.generateCsrf()} services={await agents.services()} values={values} selectedServices={serviceIds} errors={result.errors} />,
        400,
      );
    }
    await updateSession(request, reply, (data) => {
      data.flash = `L'agent ${result.agent.givenName} ${result.agent.familyName} a été créé. Il peut se connecter avec ProConnect (${result.agent.email}).`;
    });
    return reply.redirect("/agent/admin/agents", 303);
  });

  for (const [path, active] of [
    ["desactiver", false],
    ["reactiver", true],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/admin/agents/:id/${path}`, adminOnly, async (request, reply) => {
      const id = request.params.id;
      // An administrator cannot lock themself out.
      if (!UUID.test(id) || id === request.agent.agentId) return reply.callNotFound();
      const done = await agents.setActive(id, active, request.agent.agentId);
      if (!done) return reply.callNotFound();
      await updateSession(request, reply, (data) => {
        data.flash = active ? "L'agent a été réactivé." : "L'agent a été désactivé : ses sessions sont fermées.";
      });
      return reply.redirect("/agent/admin/agents", 303);
    });
  }

  app.post<{ Params: { id: string } }>("/admin/agents/:id/reinitialiser-double-authentification", adminOnly, async (request, reply) => {
    const id = request.params.id;
    if (!UUID.test(id) || id === request.agent.agentId) return reply.callNotFound();
    if (!(await agents.resetSecondFactor(id, request.agent.agentId))) return reply.callNotFound();
    await updateSession(request, reply, (data) => {
      data.flash = "La double authentification de l'agent est réinitialisée : il l'activera à nouveau à sa prochaine connexion par mot de passe.";
    });
    return reply.redirect("/agent/admin/agents", 303);
  });

  async function servicesPage(request: FastifyRequest, extra: { values?: Record<string, string>; errors?: Record<string, string | undefined> } = {}) {
    const services = await agents.services();
    const mapped = services.reduce((n, s) => n + s.prefectures, 0);
    return { services, unmapped: Math.max(0, places.prefectures().length - mapped), flash: takeFlash(request), ...extra };
  }

  app.get("/admin/services", adminOnly, async (request, reply) => {
    const data = await servicesPage(request);
    return sendPage(reply, <ServicesPage agent={request.agent} csrfToken={reply.generateCsrf()} {...data} />);
  });

  app.post("/admin/services", adminOnly, async (request, reply) => {
    const input = formInput(request) as Record<string, unknown>;
    const values = { name: text(input, "name", 200), id: text(input, "id", 60) };
    const result = await agents.createService(values, request.agent.agentId);
    if (!result.ok) {
      const data = await servicesPage(request, { values, errors: result.errors });
      return sendPage(reply, <ServicesPage agent={request.agent} csrfToken={reply.generateCsrf()} {...data} />, 400);
    }
    await updateSession(request, reply, (data) => {
      data.flash = `Le service ${values.name.trim()} a été créé. Rattachez-lui ses préfectures.`;
    });
    return reply.redirect(`/agent/admin/services/${result.id}`, 303);
  });

  async function prefectureRows(): Promise<{ rows: PrefectureRow[]; byService: Map<string, string> }> {
    const services = await agents.services();
    const byPrefecture = new Map<string, string>();
    for (const s of services) for (const p of await agents.prefecturesOf(s.id)) byPrefecture.set(p, s.id);
    const names = new Map(services.map((s) => [s.id, s.name]));
    const rows = places.prefectures().map((p) => {
      const serviceId = byPrefecture.get(p.id);
      return { id: p.id, label: p.label, departement: p.departement, service: serviceId ? names.get(serviceId) : undefined };
    });
    return { rows, byService: byPrefecture };
  }

  async function servicePage(request: FastifyRequest, reply: FastifyReply, id: string, errors?: Record<string, string>, status = 200) {
    const service = await agents.service(id);
    if (!service) return reply.callNotFound();
    const { rows, byService } = await prefectureRows();
    const mapped = rows.filter((r) => byService.get(r.id) === service.id);
    return sendPage(
      reply,
      <ServicePage agent={request.agent} csrfToken={reply.generateCsrf()} service={service} mapped={mapped} all={rows} errors={errors} flash={takeFlash(request)} />,
      status,
    );
  }

  app.get<{ Params: { id: string } }>("/admin/services/:id", adminOnly, async (request, reply) => servicePage(request, reply, request.params.id));

  app.post<{ Params: { id: string } }>("/admin/services/:id/prefectures", adminOnly, async (request, reply) => {
    const id = request.params.id;
    const service = await agents.service(id);
    if (!service) return reply.callNotFound();
    const prefectureId = text(formInput(request) as Record<string, unknown>, "prefectureId", 10).trim();
    const prefecture = prefectureId ? places.prefecture(prefectureId) : undefined;
    if (!prefecture) return servicePage(request, reply, id, { prefectureId: "Choisissez une préfecture dans la liste." }, 400);
    await agents.mapPrefecture(prefecture.id, service.id, request.agent.agentId);
    await updateSession(request, reply, (data) => {
      data.flash = `${prefecture.label} est rattachée au service ${service.name}.`;
    });
    return reply.redirect(`/agent/admin/services/${service.id}`, 303);
  });

  app.get("/admin/journal", adminOnly, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const raw = typeof query.avant === "string" && /^\d{1,15}$/.test(query.avant) ? Number(query.avant) : undefined;
    const { entries, next } = await agents.auditLog(raw, 50);
    return sendPage(reply, <AuditPage agent={request.agent} csrfToken={reply.generateCsrf()} rows={entries} next={next} first={raw === undefined} stateLabel={stateLabel} />);
  });
}
