import { Readable } from "node:stream";
import type { Db, Executor } from "../db/client.ts";
import {
  claimPhotoCode,
  findPhotoCode,
  findProviderByKeyHash,
  insertPhotoCode,
  insertProvider,
  releasePhotoCodes,
  usePhotoCode,
  type PhotoProvider,
} from "../db/repositories/photo-codes.ts";
import type { VirusScanner } from "./antivirus.ts";
import type { Clock } from "./clock.ts";
import { countPages, detectKind, DOCUMENT_ERRORS } from "./documents.ts";
import { randomDigits, randomToken, sha256 } from "./secrets.ts";
import type { DocumentStorage } from "./storage.ts";

/**
 * "Code photo signature numérique" (SPEC §1, §3 step 4): approved photographers and booths
 * deposit a photo and a signature through the API and hand the user a 22-digit code, valid
 * 6 months, that one request can use.
 */
export const CODE_VALIDITY_MONTHS = 6;

/** "ok": held by this request; "free": valid but not taken yet (step 4 takes it). */
export type CodeCheck = "ok" | "free" | "unknown" | "expired" | "used";

export const PHOTO_CODE_ERRORS: Record<Exclude<CodeCheck, "ok" | "free">, string> = {
  unknown: "Ce code photo signature numérique est inconnu : vérifiez les 22 chiffres figurant sur la planche remise par le photographe ou la cabine.",
  expired: "Ce code photo signature numérique a expiré : il était valable 6 mois. Faites une nouvelle photo chez un photographe ou dans une cabine agréés.",
  used: "Ce code photo signature numérique a déjà été utilisé pour une autre demande : un code ne sert qu'une seule fois.",
};

export type DepositResult =
  | { ok: true; code: string; expiresAt: Date }
  | { ok: false; status: 400 | 401 | 422 | 503; error: string };

const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export class PhotoCodeService {
  constructor(
    private readonly db: Db,
    private readonly storage: DocumentStorage,
    private readonly clock: Clock,
    /** clamd, when configured: both images are scanned before a code is issued. */
    private readonly scanner?: VirusScanner,
  ) {}

  /** Registers an approved provider; its API key is returned once and only its hash is kept. */
  async addProvider(values: { name: string; kind: "photographe" | "cabine"; address: string; postcode: string; commune: string }): Promise<{ provider: PhotoProvider; apiKey: string }> {
    const apiKey = randomToken();
    const provider = await insertProvider(this.db, { ...values, apiKeyHash: sha256(apiKey) });
    return { provider, apiKey };
  }

  async authenticate(apiKey: string | undefined): Promise<PhotoProvider | undefined> {
    if (!apiKey || apiKey.length < 20) return undefined;
    return findProviderByKeyHash(this.db, sha256(apiKey));
  }

  /** Stores the photo and the signature (JPEG or PNG, each ≤ 2 Mo) and issues a new code. */
  async deposit(provider: PhotoProvider, photo: Buffer, signature: Buffer): Promise<DepositResult> {
    for (const [label, image] of [["photo", photo], ["signature", signature]] as const) {
      if (image.length === 0 || image.length > MAX_IMAGE_BYTES) return { ok: false, status: 400, error: `${label}: image vide ou de plus de 2 Mo` };
      const kind = await detectKind(image.subarray(0, 4100));
      if (kind?.kind !== "jpeg" && kind?.kind !== "png") return { ok: false, status: 400, error: `${label}: JPEG ou PNG attendu` };
      // The same inspection as the request's pieces: truncated, oversized or polyglot images are refused.
      const inspected = await countPages(kind.kind, image);
      if (!inspected.ok) return { ok: false, status: 400, error: `${label}: ${DOCUMENT_ERRORS[inspected.reason]}` };
    }
    // Scanned before anything is stored or any code issued: the photographer is waiting for the answer.
    const scanner = this.scanner;
    if (scanner) {
      for (const [label, image] of [["photo", photo], ["signature", signature]] as const) {
        let verdict;
        try {
          verdict = await scanner.scan(Readable.from([image]));
        } catch {
          return { ok: false, status: 503, error: "analyse antivirus indisponible : réessayez dans quelques minutes" };
        }
        if (!verdict.clean) return { ok: false, status: 422, error: `${label}: fichier infecté, refusé` };
      }
    }
    const now = this.clock.now();
    const expiresAt = new Date(now);
    expiresAt.setUTCMonth(expiresAt.getUTCMonth() + CODE_VALIDITY_MONTHS);
    for (;;) {
      const code = randomDigits(22);
      const photoKey = `photos/${code}/photo`;
      const signatureKey = `photos/${code}/signature`;
      const p = await this.storage.put(photoKey, Readable.from([photo]));
      const s = await this.storage.put(signatureKey, Readable.from([signature]));
      const inserted = await insertPhotoCode(this.db, {
        code,
        providerId: provider.id,
        photoKey,
        photoIv: p.encryption.iv,
        photoTag: p.encryption.tag,
        signatureKey,
        signatureIv: s.encryption.iv,
        signatureTag: s.encryption.tag,
        createdAt: now,
        expiresAt,
      });
      if (inserted) return { ok: true, code, expiresAt };
      // A code already issued (1 chance in 10^22): draw again.
    }
  }

  /** Takes the code for a draft (and gives back any other it held); tells why when it cannot. */
  async claim(code: string, requestId: string): Promise<Exclude<CodeCheck, "free">> {
    const now = this.clock.now();
    if (await claimPhotoCode(this.db, code, requestId, now)) {
      await releasePhotoCodes(this.db, requestId, code);
      return "ok";
    }
    const why = await this.why(code, requestId);
    // Free a moment ago, taken by another request in between.
    return why === "ok" || why === "free" ? "used" : why;
  }

  /** The state of a code for this request, without taking it. */
  async check(code: string, requestId: string): Promise<CodeCheck> {
    const row = await findPhotoCode(this.db, code);
    if (row && row.requestId === requestId && !row.usedAt && row.expiresAt > this.clock.now()) return "ok";
    return this.why(code, requestId);
  }

  private async why(code: string, requestId: string): Promise<CodeCheck> {
    const row = await findPhotoCode(this.db, code);
    if (!row) return "unknown";
    if (row.usedAt || (row.requestId && row.requestId !== requestId)) return "used";
    if (row.expiresAt <= this.clock.now()) return "expired";
    return row.requestId === requestId ? "ok" : "free";
  }

  release(requestId: string): Promise<void> {
    return releasePhotoCodes(this.db, requestId);
  }

  /** Makes the code final for the request, inside the sending transaction. */
  use(tx: Executor, code: string, requestId: string, now: Date): Promise<boolean> {
    return usePhotoCode(tx, code, requestId, now);
  }
}
