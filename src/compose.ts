import type { Config } from "./config.ts";
import { openDatabase, type Database } from "./db/client.ts";
import { AntivirusWorker } from "./jobs/antivirus-worker.ts";
import { OutboxWorker, type WorkerLogger } from "./jobs/outbox-worker.ts";
import { periodicJobs } from "./jobs/periodic.ts";
import { Scheduler } from "./jobs/scheduler.ts";
import { AccountService } from "./services/accounts.ts";
import { clamdScanner, type VirusScanner } from "./services/antivirus.ts";
import { Captcha } from "./services/captcha.ts";
import { systemClock, type Clock } from "./services/clock.ts";
import { FranceConnect } from "./services/franceconnect.ts";
import { devMailbox, smtpTransport, type MailTransport } from "./services/mailer.ts";
import { geography } from "./services/geography.ts";
import { PhotoCodeService } from "./services/photo-codes.ts";
import { RequestService } from "./services/requests.ts";
import { LocalStampService, type StampService } from "./services/stamps.ts";
import { folderStorage, parseEncryptionKey, s3Storage, type DocumentStorage } from "./services/storage.ts";
import { Throttle } from "./services/throttle.ts";
import type { WebDeps } from "./web/deps.ts";

/** The composition root: builds every service from the configuration, once. */
export interface Services extends WebDeps {
  transport: MailTransport;
  outbox: OutboxWorker;
  scheduler: Scheduler;
  /** Scans uploads through clamd; undefined when no clamd is configured (files are then "unscanned"). */
  antivirus: AntivirusWorker | undefined;
}

export interface ComposeOptions {
  /** The FranceConnect issuer actually in use (the configured one, or the local demonstration provider). */
  franceConnectIssuer?: string | undefined;
  database?: Database;
  clock?: Clock;
  transport?: MailTransport;
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
  const outbox = new OutboxWorker(database.db, transport, clock, { leaseSeconds: config.outboxLeaseSeconds, logger: options.logger });
  const throttle = new Throttle(database.db, clock);
  const url = (path: string) => `${config.publicUrl}${path}`;
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
  });
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
  return {
    config,
    database,
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
    scheduler: new Scheduler(database.db, clock, periodicJobs(database.db, storage), options.logger),
  };
}
