import type { Db } from "../../db/client.ts";
import type { DocumentRow, RawSteps, RequestRow } from "../../db/repositories/requests.ts";
import type { FieldErrors, FormResult } from "../../domain/forms.ts";
import { motifInfo, type MotifInfo } from "../../domain/request/motifs.ts";
import { isRequestState, REQUEST_STATES } from "../../domain/request/state.ts";
import type { Adresse, CorrectionOrigin, EtatCivil, MotifChoice, Photo, Places, Step1 } from "../../domain/request/steps.ts";
import type { RequestContent } from "../../domain/request/summary.ts";
import type { RequiredPiece } from "../../domain/request/pieces.ts";
import type { StepNumber, StepValidity } from "../../domain/request/wizard.ts";
import type { Clock } from "../clock.ts";
import type { CodeCheck, PhotoCodeService } from "../photo-codes.ts";
import type { StampCheck, StampService } from "../stamps.ts";
import type { DocumentStorage } from "../storage.ts";

/**
 * What the request use cases share (SPEC §3): limits, the Draft derived from raw answers, the
 * frozen request, the outcomes, and the dependencies every use case is built with.
 */
export const MAX_ADDITIONAL_PIECES = 5;

/** Quotas (one account must not fill the disk): open drafts per account, bytes stored per request. */
export const MAX_OPEN_DRAFTS = 5;
export const MAX_REQUEST_BYTES = 60 * 1024 * 1024;

export const QUOTA_MESSAGES = {
  drafts: `Vous avez déjà ${MAX_OPEN_DRAFTS} demandes en cours (brouillons) : terminez ou supprimez l'une d'elles depuis « Mon espace » avant d'en commencer une nouvelle.`,
  bytes: (stored: number) =>
    `Les fichiers d'une demande ne peuvent pas dépasser ${MAX_REQUEST_BYTES / 1024 / 1024} Mo au total (${megabytes(stored)} Mo déjà joints) : supprimez un fichier ou réduisez la taille de celui-ci (résolution, compression).`,
  stepsFirst: "Complétez d'abord les étapes 1 à 4 de la demande : les pièces justificatives se joignent à l'étape 5.",
} as const;

function megabytes(bytes: number): string {
  return (Math.ceil((bytes / 1024 / 1024) * 10) / 10).toLocaleString("fr-FR");
}

/** Bytes stored for a request's documents (an infected file is deleted from storage: it does not count). */
export function storedBytes(documents: readonly DocumentRow[]): number {
  return documents.filter((d) => d.scanStatus !== "infected").reduce((sum, d) => sum + d.size, 0);
}

/** A document that may be opened and sent: scanned clean, or stored while no antivirus was configured. */
export function isSafe(document: DocumentRow): boolean {
  return document.scanStatus === "clean" || document.scanStatus === "unscanned";
}

/** Everything known about a draft, derived from its raw answers. */
export interface Draft {
  row: RequestRow;
  motif: MotifInfo;
  choice: MotifChoice;
  raw: RawSteps;
  step1: FormResult<Step1>;
  step2: FormResult<EtatCivil>;
  step3: FormResult<Adresse>;
  step4: FormResult<Photo>;
  photoCheck: CodeCheck | undefined;
  stampCheck: StampCheck | undefined;
  documents: DocumentRow[];
  pieces: Array<RequiredPiece & { files: DocumentRow[]; pages: number }>;
  additional: DocumentRow[];
  /** Errors of step 5 (missing pieces, stamp, comments). */
  step5Errors: FieldErrors;
  /** The "Commentaire" of pieces that have one, by piece id. */
  comments: Record<string, string>;
  /** A correction's original request (licence number, its day, the request's number), while it can still be corrected. */
  origin?: CorrectionOrigin | undefined;
  valid: StepValidity;
}

/** A request as sent: the typed content, frozen. Everything shown or printed later is made from it. */
export interface FrozenRequest {
  version: 1;
  number: string;
  sentAt: string;
  motifId: string;
  content: Omit<RequestContent, "motif">;
}

export type StepOutcome =
  | { kind: "next"; step: StepNumber }
  | { kind: "stay"; errors?: FieldErrors; notice?: string }
  | { kind: "not_found" };

export type UploadOutcome = { kind: "ok"; document: DocumentRow } | { kind: "refused"; error: string } | { kind: "not_found" };

export type CreateOutcome = { kind: "created"; id: string } | { kind: "invalid"; errors: FieldErrors } | { kind: "quota"; error: string };

/** The antivirus as the request use cases see it: whether uploads wait for a scan, and how to start one. */
export interface UploadScanning {
  enabled: boolean;
  /** Called after an upload is recorded as pending (starts the worker without waiting for its poll). */
  queued(): void;
}

export type SendOutcome =
  | { kind: "sent"; number: string }
  | { kind: "incomplete"; step: StepNumber; errors?: FieldErrors }
  | { kind: "not_found" };

export interface RequestUrls {
  request(id: string): string;
}

/** Everything the request use cases are built with (src/compose.ts makes them once). */
export interface RequestDeps {
  db: Db;
  clock: Clock;
  storage: DocumentStorage;
  places: Places;
  photoCodes: PhotoCodeService;
  stamps: StampService;
  urls: RequestUrls;
  /** Called after a transaction queued mail (kicks the outbox worker). */
  mailQueued: () => void;
  scanning: UploadScanning;
}

/** A use case of the request: reads its dependencies by the names the service always used. */
export abstract class RequestUseCase {
  constructor(protected readonly deps: RequestDeps) {}
  protected get db(): Db {
    return this.deps.db;
  }
  protected get clock(): Clock {
    return this.deps.clock;
  }
  protected get storage(): DocumentStorage {
    return this.deps.storage;
  }
  protected get places(): Places {
    return this.deps.places;
  }
  protected get photoCodes(): PhotoCodeService {
    return this.deps.photoCodes;
  }
  protected get stamps(): StampService {
    return this.deps.stamps;
  }
  protected get urls(): RequestUrls {
    return this.deps.urls;
  }
  protected get scanning(): UploadScanning {
    return this.deps.scanning;
  }
  protected mailQueued(): void {
    this.deps.mailQueued();
  }
}

/** The typed content of a sent request. */
export function frozenContent(row: RequestRow): (RequestContent & { number: string; sentAt: Date }) | undefined {
  const frozen = row.frozen as FrozenRequest | null;
  const motif = frozen ? motifInfo(frozen.motifId) : undefined;
  if (!frozen || !motif) return undefined;
  return { ...frozen.content, motif, number: frozen.number, sentAt: new Date(frozen.sentAt) };
}

export function stateLabel(state: string): string {
  return isRequestState(state) ? REQUEST_STATES[state].label : state;
}
