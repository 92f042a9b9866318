import type { Config } from "./config.ts";
import { openDatabase, type Database } from "./db/client.ts";
import { AntivirusWorker } from "./jobs/antivirus-worker.ts";
import { OutboxWorker, type WorkerLogger } from "./jobs/outbox-worker.ts";
import { periodicJobs } from "./jobs/periodic.ts";
import { Scheduler } from "./jobs/scheduler.ts";
import { AccountService } from "./services/accounts.ts";
import { AgentService } from "./services/agents.ts";
import { BackofficeService } from "./services/backoffice.ts";
import { clamdScanner, type VirusScanner } from "./services/antivirus.ts";
import { Captcha } from "./services/captcha.ts";
import { systemClock, type Clock } from "./services/clock.ts";
import { FranceConnect } from "./services/franceconnect.ts";
import { devMailbox, smtpTransport, type MailTransport } from "./services/mailer.ts";
import { geography } from "./services/geography.ts";
import { MessageLog, Notifier } from "./services/notify.ts";
import { ProcessingTimesService } from "./services/processing-times.ts";
import { devSmsSink, httpSmsProvider, type SmsProvider } from "./services/sms.ts";
import { PhotoCodeService } from "./services/photo-codes.ts";
import { PreviewMaker } from "./services/previews.ts";
import { ProConnect } from "./services/proconnect.ts";
import { RequestService } from "./services/requests/index.ts";
import { LocalStampService, type StampService } from "./services/stamps.ts";
import { folderStorage, parseEncryptionKey, s3Storage, type DocumentStorage } from "./services/storage.ts";
import { IdleMemoryRelease } from "./services/memory.ts";
import { Throttle } from "./services/throttle.ts";
import type { WebDeps } from "./web/deps.ts";

/** The composition root: builds every service from the configuration, once. */
export interface Services extends WebDeps {
  transport: MailTransport;
  outbox: OutboxWorker;
  scheduler: Scheduler;
  /** Scans uploads through clamd; undefined when no clamd is configured (files are then "unscanned"). */
  antivirus: AntivirusWorker | undefined;
  /** Gives memory back to the system when the service falls idle after work (started with the workers). */
  memory: IdleMemoryRelease;
}

export interface ComposeOptions {
  /** The FranceConnect issuer actually in use (the configured one, or the local demonstration provider). */
  franceConnectIssuer?: string | undefined;
  /** The ProConnect issuer actually in use (the configured one, or the local demonstration provider). */
  proConnectIssuer?: string | undefined;
  database?: Database;
  clock?: Clock;
  transport?: MailTransport;
  /** Replaces the SMS provider of the configuration (tests). */
  sms?: SmsProvider;
  storage?: DocumentStorage;
  stamps?: StampService;
  logger?: WorkerLogger;
  /** Replaces the clamd of the configuration (tests). */
  scanner?: VirusScanner;
}

export async function createServices(config: Config, options: ComposeOptions = {}): Promise<Services> {
  const database = options.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  await database.migrate();
  const clock = options.clock ?? systemClock;
  const publicHost = new URL(config.publicUrl).hostname;
  const transport = options.transport ?? (config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom, publicHost) : devMailbox);
  const sms = options.sms ?? (config.sms.url ? httpSmsProvider({ url: config.sms.url, token: config.sms.token }) : devSmsSink);
  const outbox = new OutboxWorker(database.db, transport, clock, { leaseSeconds: config.outboxLeaseSeconds, logger: options.logger, sms });
  const throttle = new Throttle(database.db, clock);
  const url = (path: string) => `${config.publicUrl}${path}`;
  // In production without SMS_URL no SMS is queued (the development sink would pretend to send them).
  const notifier = new Notifier({ request: (id) => url(`/demandes/${id}`) }, () => outbox.kick(), { sms: config.sms.url !== undefined || config.env !== "production" });
  const accounts = new AccountService(
    database.db,
    clock,
    throttle,
    {
      activation: (token) => url(`/compte/activer/${token}`),
      passwordReset: (token) => url(`/mot-de-passe/reinitialiser/${token}`),
      signin: () => url("/connexion"),
      forgotPassword: () => url("/mot-de-passe-oublie"),
    },
    () => outbox.kick(),
  );
  const key = parseEncryptionKey(config.storage.encryptionKey);
  const storage = options.storage ?? (config.storage.s3 ? s3Storage(config.storage.s3, key) : folderStorage(config.storage.dir, key));
  const scanner = options.scanner ?? clamdScanner(config.clamd);
  const antivirus = scanner ? new AntivirusWorker(database.db, storage, scanner, clock, { logger: options.logger }) : undefined;
  const photoCodes = new PhotoCodeService(database.db, storage, clock, scanner);
  const stamps = options.stamps ?? new LocalStampService(database.db);
  const requests = new RequestService(database.db, clock, storage, geography(), photoCodes, stamps, { request: (id) => url(`/demandes/${id}`) }, () => outbox.kick(), {
    enabled: antivirus !== undefined,
    queued: () => antivirus?.kick(),
  }, notifier);
  const issuer = options.franceConnectIssuer ?? config.franceConnect.issuer;
  const franceConnect = issuer
    ? new FranceConnect({
        issuer,
        clientId: config.franceConnect.clientId,
        clientSecret: config.franceConnect.clientSecret,
        redirectUri: url("/franceconnect/callback"),
        postLogoutRedirectUri: url("/franceconnect/deconnexion"),
        allowInsecure: config.env !== "production" && /^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(issuer),
      })
    : undefined;
  const proConnectIssuer = options.proConnectIssuer ?? config.proConnect.issuer;
  const proConnect = proConnectIssuer
    ? new ProConnect({
        issuer: proConnectIssuer,
        clientId: config.proConnect.clientId,
        clientSecret: config.proConnect.clientSecret,
        redirectUri: url("/agent/proconnect/callback"),
        postLogoutRedirectUri: url("/agent/proconnect/deconnexion"),
        allowInsecure: config.env !== "production" && /^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(proConnectIssuer),
      })
    : undefined;
  const agents = new AgentService(database.db, clock, throttle, { secretKeyHex: config.storage.encryptionKey });
  const backoffice = new BackofficeService({
    db: database.db,
    clock,
    storage,
    previews: new PreviewMaker(),
    transition: (tx, id, name, actor, details) => requests.transition(tx, id, name, actor, details),
    effectsQueued: () => requests.kick(),
  });
  return {
    config,
    database,
    notifier,
    backoffice,
    messages: new MessageLog(database.db),
    processingTimes: new ProcessingTimesService(database.db, clock),
    agents,
    proConnect,
    clock,
    accounts,
    captcha: new Captcha(database.db, clock, config.sessionSecret),
    requests,
    photoCodes,
    stamps,
    storage,
    places: geography(),
    throttle,
    franceConnect,
    devTools: config.env !== "production",
    transport,
    outbox,
    antivirus,
    scheduler: new Scheduler(database.db, clock, periodicJobs(database.db, storage, notifier), options.logger),
    memory: new IdleMemoryRelease(),
  };
}
