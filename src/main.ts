import pino from "pino";
import { loadConfig, ConfigError } from "./config.ts";
import { createServices } from "./compose.ts";
import type { DemoProvider } from "./services/franceconnect-demo.ts";
import type { ProConnectDemoProvider } from "./services/proconnect-demo.ts";
import { buildApp } from "./web/app.tsx";
import { loggerOptions, safeError } from "./web/security/logging.ts";

/**
 * Last resort: every request's errors are caught where they happen (app.tsx, guards.ts); an
 * error that still escapes to the process is logged (name, code and frames only, never its
 * message) and the service keeps serving, rather than letting one request stop it for everyone.
 */
function guardProcess(logger: pino.Logger) {
  process.on("uncaughtException", (error) => logger.error({ failure: safeError(error) }, "uncaught exception (service kept running)"));
  process.on("unhandledRejection", (reason) => logger.error({ failure: safeError(reason) }, "unhandled rejection (service kept running)"));
}

/** Starts the whole service: database (migrated), workers, web server, and in development the demo FranceConnect. */
async function main() {
  const config = loadConfig();
  let demo: DemoProvider | undefined;
  // The demonstration providers are imported only when started: production never loads
  // oidc-provider and its dependencies (about 20 Mo of resident memory).
  if (!config.franceConnect.issuer && config.env !== "production") {
    const { startDemoProvider } = await import("./services/franceconnect-demo.ts");
    demo = await startDemoProvider({
      port: config.franceConnect.demoPort,
      clientId: config.franceConnect.clientId,
      clientSecret: config.franceConnect.clientSecret,
      redirectUri: `${config.publicUrl}/franceconnect/callback`,
      postLogoutRedirectUri: `${config.publicUrl}/franceconnect/deconnexion`,
    });
  }
  // The agents' ProConnect: a local demonstration provider in development when none is configured.
  let proConnectDemo: ProConnectDemoProvider | undefined;
  if (!config.proConnect.issuer && config.env !== "production") {
    const { startProConnectDemo } = await import("./services/proconnect-demo.ts");
    proConnectDemo = await startProConnectDemo({
      port: config.proConnect.demoPort,
      clientId: config.proConnect.clientId,
      clientSecret: config.proConnect.clientSecret,
      redirectUri: `${config.publicUrl}/agent/proconnect/callback`,
      postLogoutRedirectUri: `${config.publicUrl}/agent/proconnect/deconnexion`,
    });
  }
  const logger = pino(loggerOptions(config.logLevel));
  guardProcess(logger);
  const services = await createServices(config, { franceConnectIssuer: demo?.issuer, proConnectIssuer: proConnectDemo?.issuer, logger });
  const app = await buildApp(services, { logger });
  if (config.env !== "production") {
    const { seedDemoAgents, seedDemoProviders } = await import("./services/demo.ts");
    await seedDemoProviders(services.database.db, services.photoCodes);
    await seedDemoAgents(services.agents, services.places);
  }
  services.outbox.start();
  services.scheduler.start();
  services.memory.start();
  services.antivirus?.start();
  if (!services.antivirus && config.env === "production") {
    app.log.warn({}, "CLAMD_SOCKET ou CLAMD_HOST absent : les fichiers déposés ne sont pas analysés par un antivirus");
  }
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    { publicUrl: config.publicUrl, database: services.database.kind, mail: services.transport.name, franceConnect: demo ? `démonstration (${demo.issuer})` : "configuré", proConnect: proConnectDemo ? `démonstration (${proConnectDemo.issuer})` : services.proConnect ? "configuré" : "absent (mot de passe et TOTP)", antivirus: services.antivirus ? "clamd" : "aucun" },
    "Permis de conduire : service démarré",
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "arrêt en cours");
    await app.close();
    await services.outbox.stop();
    await services.scheduler.stop();
    services.memory.stop();
    await services.antivirus?.stop();
    await demo?.close();
    await proConnectDemo?.close();
    services.transport.close();
    await services.database.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
