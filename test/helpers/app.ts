import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, asc } from "drizzle-orm";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { loadConfig, type Config } from "../../src/config.ts";
import { createServices, type ComposeOptions, type Services } from "../../src/compose.ts";
import { outbox } from "../../src/db/schema.ts";
import type { OutboxMessage } from "../../src/db/repositories/outbox.ts";
import { buildApp } from "../../src/web/app.tsx";
import type { SlowBodyOptions } from "../../src/web/security/guards.ts";
import { testDatabase, type TestDatabase } from "./db.ts";

export const PUBLIC_URL = "http://permis.test";

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: "test",
    // Each app stores its documents in a folder of its own, outside the repository.
    STORAGE_DIR: mkdtempSync(join(tmpdir(), "permis-storage-")),
    PUBLIC_URL,
    SESSION_SECRET: "test-session-secret-0123456789-abcdefghij",
    LOG_LEVEL: "silent",
    ...env,
  });
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  db: TestDatabase;
  /** Mails queued for `to`, oldest first. */
  mailsTo(to: string): Promise<OutboxMessage[]>;
  /** The code of the captcha challenge `token` (the form's `captchaId` field). */
  captchaAnswer(token: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestApp(
  options: Omit<ComposeOptions, "database"> & {
    env?: Record<string, string>;
    db?: TestDatabase;
    appLogger?: FastifyBaseLogger;
    /** The least upload rate accepted by the app (see src/web/security/guards.ts). */
    slowBody?: SlowBodyOptions;
    /** Adds routes before the app is ready (benchmark baselines). */
    extend?: (app: FastifyInstance, services: Services) => void;
  } = {},
): Promise<TestApp> {
  const db = options.db ?? (await testDatabase());
  const services = await createServices(testConfig(options.env), { ...options, database: db });
  const app = await buildApp(services, { logger: options.appLogger, slowBody: options.slowBody });
  options.extend?.(app, services);
  await app.ready();
  return {
    app,
    services,
    db,
    mailsTo: (to) => db.db.select().from(outbox).where(eq(outbox.recipient, to)).orderBy(asc(outbox.id)),
    // The code of a challenge token, as the server derives it to draw its image (nothing is stored).
    async captchaAnswer(token) {
      const answer = services.captcha.answer(token);
      if (!answer) throw new Error(`no live captcha ${token}`);
      return answer;
    },
    async close() {
      await app.close();
      await services.outbox.stop();
      if (!options.db) await db.dispose();
    },
  };
}

/** The first link of a mail to a path starting with `prefix`, as a local path. */
export function linkIn(mail: OutboxMessage | undefined, prefix: string): string {
  if (!mail) throw new Error("no mail");
  const match = new RegExp(`https?://[^/\\s]+(${prefix.replace(/\//g, "\\/")}\\S*)`).exec(mail.bodyText);
  if (!match) throw new Error(`no link ${prefix} in: ${mail.bodyText}`);
  return match[1]!;
}

/** The identifier written in an "identifiant" mail. */
export function identifierIn(mail: OutboxMessage | undefined): string {
  const match = /Votre identifiant est : (\S+)/.exec(mail?.bodyText ?? "");
  if (!match) throw new Error(`no identifier in: ${mail?.bodyText}`);
  return match[1]!;
}
