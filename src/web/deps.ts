import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { AccountService } from "../services/accounts.ts";
import type { AgentService } from "../services/agents.ts";
import type { BackofficeService } from "../services/backoffice.ts";
import type { Captcha } from "../services/captcha.ts";
import type { Clock } from "../services/clock.ts";
import type { FranceConnect } from "../services/franceconnect.ts";
import type { Geography } from "../services/geography.ts";
import type { MessageLog, Notifier } from "../services/notify.ts";
import type { ProcessingTimesService } from "../services/processing-times.ts";
import type { PhotoCodeService } from "../services/photo-codes.ts";
import type { ProConnect } from "../services/proconnect.ts";
import type { RequestService } from "../services/requests/index.ts";
import type { StampService } from "../services/stamps.ts";
import type { DocumentStorage } from "../services/storage.ts";
import type { Throttle } from "../services/throttle.ts";

/** Everything the web layer may call; built once by the composition root (src/compose.ts). */
export interface WebDeps {
  config: Config;
  database: Database;
  clock: Clock;
  accounts: AccountService;
  captcha: Captcha;
  throttle: Throttle;
  franceConnect: FranceConnect | undefined;
  /** State agents (issue 9 §2): accounts, second factor, sessions, services instructeurs. */
  agents: AgentService;
  /** ProConnect for the agents; undefined: password and TOTP only. */
  proConnect: ProConnect | undefined;
  requests: RequestService;
  /** The agents' back-office: queues, a request's file and previews, taking, actions (issue 9 §3-4). */
  backoffice: BackofficeService;
  photoCodes: PhotoCodeService;
  stamps: StampService;
  storage: DocumentStorage;
  places: Geography;
  /** Mails, SMS and notices of a request's events (issue 9 §5), queued in the caller's transaction. */
  notifier: Notifier;
  /** The outbox as the pages see it: SMS delivery reports, development sinks, a request's messages. */
  messages: MessageLog;
  /** Public "Délais de traitement". */
  processingTimes: ProcessingTimesService;
  /** Development pages (local mailbox) and links to them. */
  devTools: boolean;
}
