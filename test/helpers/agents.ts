import { eq } from "drizzle-orm";
import type { Services } from "../../src/compose.ts";
import { agents } from "../../src/db/schema.ts";
import type { AgentRole } from "../../src/domain/actors.ts";
import { totpCode } from "../../src/services/totp.ts";
import type { TestApp } from "./app.ts";
import { Browser } from "./client.ts";

/** An agent made for a test, with everything needed to sign in as them. */
export interface TestAgent {
  id: string;
  email: string;
  role: AgentRole;
  serviceIds: string[];
  password: string;
  /** The TOTP secret (base32), already enrolled. */
  totpSecret: string;
  /** Ten unused recovery codes. */
  recoveryCodes: string[];
}

export const TEST_AGENT_PASSWORD = "mot-de-passe-agent-de-test";

let counter = 0;

/** Makes the services instructeurs (id = name) unless they exist, and maps the préfectures given. */
export async function createService(services: Services, id: string, prefectureIds: readonly string[] = []): Promise<string> {
  await services.agents.createService({ id, name: id.toUpperCase() });
  for (const p of prefectureIds) await services.agents.mapPrefecture(p, id);
  return id;
}

/**
 * Creates an active agent with a password and an enrolled TOTP second factor. Missing services
 * are created on the way (named after their id).
 */
export async function createAgent(
  services: Services,
  options: { email?: string; role: AgentRole; serviceIds?: readonly string[]; password?: string; givenName?: string; familyName?: string },
): Promise<TestAgent> {
  counter += 1;
  const email = options.email ?? `agent${counter}-${options.role}@test.gouv.fr`;
  const serviceIds = [...(options.serviceIds ?? [])];
  for (const id of serviceIds) if (!(await services.agents.service(id))) await createService(services, id);
  const password = options.password ?? TEST_AGENT_PASSWORD;
  const created = await services.agents.create({
    email,
    givenName: options.givenName ?? "Agent",
    familyName: options.familyName ?? `Numéro ${counter}`,
    role: options.role,
    serviceIds,
    password,
  });
  if (!created.ok) throw new Error(`createAgent: ${JSON.stringify(created.errors)}`);
  const { secret, recoveryCodes } = await services.agents.provisionTotp(created.agent.id);
  return { id: created.agent.id, email: created.agent.email, role: options.role, serviceIds, password, totpSecret: secret, recoveryCodes };
}

/** The current TOTP code of the agent, by the app's clock. */
export function currentCode(t: Pick<TestApp, "services">, agent: TestAgent, offsetSteps = 0): string {
  return totpCode(agent.totpSecret, new Date(t.services.clock.now().getTime() + offsetSteps * 30_000));
}

/**
 * Signs the agent in through the pages (password, then the TOTP code of the app's clock) and
 * returns the browser holding the agent's cookie. The last accepted step is forgotten first,
 * so that one test may sign the same agent in several times within 30 seconds.
 */
export async function signInAgent(t: Pick<TestApp, "app" | "services">, agent: TestAgent, browser = new Browser(t.app, `198.51.100.${(counter % 200) + 1}`)): Promise<Browser> {
  await t.services.database.db.update(agents).set({ totpLastStep: null }).where(eq(agents.id, agent.id));
  await browser.get("/agent/connexion");
  const afterPassword = await browser.post("/agent/connexion", { email: agent.email, password: agent.password }, { follow: false });
  if (afterPassword.status !== 303 || afterPassword.headers.location !== "/agent/connexion/code") {
    throw new Error(`signInAgent: password step refused (${afterPassword.status})`);
  }
  await browser.get("/agent/connexion/code");
  const afterCode = await browser.post("/agent/connexion/code", { code: currentCode(t, agent) }, { follow: false });
  if (afterCode.status !== 303) throw new Error(`signInAgent: code refused (${afterCode.status})`);
  return browser;
}
