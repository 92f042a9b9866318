import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { AccountService } from "../services/accounts.ts";
import type { Captcha } from "../services/captcha.ts";
import type { Clock } from "../services/clock.ts";
import type { FranceConnect } from "../services/franceconnect.ts";
import type { Geography } from "../services/geography.ts";
import type { PhotoCodeService } from "../services/photo-codes.ts";
import type { RequestService } from "../services/requests.ts";
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
  requests: RequestService;
  photoCodes: PhotoCodeService;
  stamps: StampService;
  storage: DocumentStorage;
  places: Geography;
  /** Development pages (local mailbox) and links to them. */
  devTools: boolean;
}
