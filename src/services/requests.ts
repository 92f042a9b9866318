import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { Db } from "../db/client.ts";
import type { Account } from "../db/repositories/accounts.ts";
import { addNotification } from "../db/repositories/notifications.ts";
import { enqueueMail } from "../db/repositories/outbox.ts";
import {
  countDrafts,
  countUnsafeDocuments,
  deleteDocument,
  deleteDraft,
  findDocument,
  findOwnRequest,
  findOwnRequestByLicence,
  insertDocument,
  insertRequest,
  lockDraft,
  listDocuments,
  listRequestsOf,
  lockAccount,
  markSent,
  nextRequestNumber,
  saveDraftData,
  type DocumentRow,
  type RawSteps,
  type RequestRow,
} from "../db/repositories/requests.ts";
import type { FieldErrors, FormResult, RawInput } from "../domain/forms.ts";
import { formatDate } from "../domain/dates.ts";
import { correctionRefusal, CORRECTION_REFUSALS, movedRefusal, parseCorrectionStart } from "../domain/request/correction.ts";
import { motifInfo, type Demarche, type MotifInfo } from "../domain/request/motifs.ts";
import { mayReceiveOptionalMessages } from "../domain/request/messages.ts";
import { isPieceId, PIECE_TYPES, type PieceId, type RequiredPiece } from "../domain/request/pieces.ts";
import { editableByUser, isRequestState, REQUEST_STATES, type RequestState } from "../domain/request/state.ts";
import {
  firstNameCount,
  MAX_FIRST_NAMES,
  parseMotifChoice,
  parseStampNumber,
  parseStep1,
  parseStep2,
  parseStep3,
  parseStep4,
  parsePieceComments,
  SCHOOL_REFUSAL,
  type CorrectionOrigin,
  type Adresse,
  type EtatCivil,
  type MotifChoice,
  type Photo,
  type Places,
  type Step1,
} from "../domain/request/steps.ts";
import type { RequestContent } from "../domain/request/summary.ts";
import { firstIncompleteStep, piecesOf, stepAccess, type EditableStep, type StepAccess, type StepNumber, type StepValidity } from "../domain/request/wizard.ts";
import { ANTIVIRUS_MESSAGES } from "./antivirus.ts";
import type { Clock } from "./clock.ts";
import { countPages, detectKind, DOCUMENT_ERRORS, pageLimitError, SNIFF_BYTES } from "./documents.ts";
import { assessScan } from "./scan-quality.ts";
import { mails } from "./mails.tsx";
import { PHOTO_CODE_ERRORS, type CodeCheck, type PhotoCodeService } from "./photo-codes.ts";
import { STAMP_ERRORS, type StampCheck, type StampService } from "./stamps.ts";
import type { DocumentStorage } from "./storage.ts";

/**
 * The request use cases (SPEC §3): drafts step by step, documents, and sending. A draft keeps
 * the raw answers of each step; the typed request is derived from them with the domain's
 * parsers, and frozen into the request when it is sent.
 */
export const MAX_ADDITIONAL_PIECES = 5;

const DRAFT_SAVED = "Votre brouillon a été enregistré. Vous pouvez le reprendre plus tard depuis « MES DEMANDES EN COURS ».";

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
function storedBytes(documents: readonly DocumentRow[]): number {
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

/** Bounds the memory of page counting: each count reads one file (≤ 11 Mo) back into memory. */
class Semaphore {
  private waiting: Array<() => void> = [];
  private free: number;
  constructor(size: number) {
    this.free = size;
  }
  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.free === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.free--;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Keeps only the form's own fields (strings and lists of strings), never the CSRF token or the button. */
function cleanInput(input: RawInput): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(input)) {
    if (k === "_csrf" || k === "action") continue;
    if (typeof v === "string") kept[k] = v.slice(0, 500);
    else if (Array.isArray(v)) kept[k] = v.filter((x): x is string => typeof x === "string").slice(0, 20).map((x) => x.slice(0, 500));
  }
  return kept;
}

export class RequestService {
  private readonly pageCounting = new Semaphore(2);

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly storage: DocumentStorage,
    private readonly places: Places,
    private readonly photoCodes: PhotoCodeService,
    private readonly stamps: StampService,
    private readonly urls: RequestUrls,
    private readonly mailQueued: () => void = () => {},
    private readonly scanning: UploadScanning = { enabled: false, queued: () => {} },
  ) {}

  /** Step 1, first form: the motif. Creates the draft, whose motif never changes afterwards. */
  async create(account: Account, input: RawInput, demarche?: Extract<Demarche, "permis_international">): Promise<CreateOutcome> {
    const parsed = parseMotifChoice(input, account.kind, demarche);
    if (!parsed.ok) return { kind: "invalid", errors: parsed.errors };
    // Counted under a lock of the account: drafts created at the same time take turns.
    return this.db.transaction(async (tx): Promise<CreateOutcome> => {
      await lockAccount(tx, account.id);
      if ((await countDrafts(tx, account.id)) >= MAX_OPEN_DRAFTS) return { kind: "quota", error: QUOTA_MESSAGES.drafts };
      const row = await insertRequest(tx, {
        accountId: account.id,
        motif: parsed.value.motif,
        data: { motif: { beneficiaire: parsed.value.beneficiaire, pour: parsed.value.pour } },
        now: this.clock.now(),
      });
      return { kind: "created", id: row.id };
    });
  }

  /**
   * "Je souhaite signaler une erreur sur mon permis de conduire reçu il y a moins de 6 mois" (seed
   * 004): the licence number is matched to the account's own earlier online request that produced
   * it; the draft takes that request's person, état civil and address (to correct), and its photo
   * and signature (which cannot be changed). Refused with the seed's reasons.
   */
  async createCorrection(account: Account, input: RawInput): Promise<CreateOutcome> {
    if (account.kind !== "particulier") return { kind: "invalid", errors: { demarche: SCHOOL_REFUSAL } };
    const parsed = parseCorrectionStart(input);
    if (!parsed.ok) return { kind: "invalid", errors: parsed.errors };
    const original = await findOwnRequestByLicence(this.db, account.id, parsed.value.numeroPermis);
    const refusal = correctionRefusal(
      original?.licenceIssuedAt && original.number ? { motifId: original.motif, issuedAt: original.licenceIssuedAt, format: "carte" } : undefined,
      this.clock.now(),
    );
    if (refusal || !original) return { kind: "invalid", errors: { numeroPermis: refusal ?? CORRECTION_REFUSALS.inconnu } };
    const person = original.data.motif ?? {};
    return this.db.transaction(async (tx): Promise<CreateOutcome> => {
      await lockAccount(tx, account.id);
      if ((await countDrafts(tx, account.id)) >= MAX_OPEN_DRAFTS) return { kind: "quota", error: QUOTA_MESSAGES.drafts };
      const row = await insertRequest(tx, {
        accountId: account.id,
        motif: "correction",
        data: {
          motif: { beneficiaire: person.beneficiaire ?? "moi", pour: person.pour ?? "majeur", origine: original.id, numeroPermis: parsed.value.numeroPermis },
          ...(original.data.step2 ? { step2: original.data.step2 } : {}),
          ...(original.data.step3 ? { step3: original.data.step3 } : {}),
        },
        now: this.clock.now(),
      });
      return { kind: "created", id: row.id };
    });
  }

  /** True when the account has as many open drafts as allowed (no new request before one is sent or deleted). */
  async draftQuotaReached(accountId: string): Promise<boolean> {
    return (await countDrafts(this.db, accountId)) >= MAX_OPEN_DRAFTS;
  }

  list(accountId: string): Promise<RequestRow[]> {
    return listRequestsOf(this.db, accountId);
  }

  find(accountId: string, id: string): Promise<RequestRow | undefined> {
    return findOwnRequest(this.db, accountId, id);
  }

  /** The draft with everything derived from it; undefined if it is not this account's draft. */
  async draft(accountId: string, id: string): Promise<Draft | undefined> {
    const row = await findOwnRequest(this.db, accountId, id);
    if (!row || row.state !== "brouillon") return undefined;
    return this.derive(row);
  }

  private async derive(row: RequestRow): Promise<Draft> {
    const motif = motifInfo(row.motif);
    if (!motif) throw new Error(`unknown motif ${row.motif}`);
    const raw = row.data;
    const today = this.clock.now();
    const choiceRaw = raw.motif ?? {};
    const choice: MotifChoice = {
      beneficiaire: choiceRaw.beneficiaire === "moi" ? "moi" : "tiers",
      pour: choiceRaw.pour === "mineur" || choiceRaw.pour === "tutelle" ? choiceRaw.pour : "majeur",
      motif: row.motif,
    };
    // A correction (seed 004) is bound to the request that produced the licence: checked again each time.
    const original = motif.group === "correction" ? await this.correctionOrigin(row) : undefined;
    let step1 = parseStep1(raw.step1 ?? {}, motif, today, original?.origin);
    if (original?.refusal) step1 = { ok: false, errors: { numeroPermis: original.refusal } };
    const s1 = step1.ok ? step1.value : undefined;
    const step2 = parseStep2(raw.step2 ?? {}, { motif, pour: choice.pour, step1: s1, places: this.places, today });
    let step3 = parseStep3(raw.step3 ?? {}, { places: this.places });
    const moved = original && step3.ok ? movedRefusal(original.departement, step3.value.commune.departement) : undefined;
    if (moved) step3 = { ok: false, errors: { commune: moved } };
    // "La photo et la signature seront reprises de la téléprocédure initiale": a correction has no step 4.
    const step4: FormResult<Photo> = original?.origin ? { ok: true, value: { option: "reprise", demandeInitiale: original.origin.demandeInitiale } } : parseStep4(raw.step4 ?? {});
    const photoCheck = step4.ok && step4.value.option === "numerique" ? await this.photoCodes.check(step4.value.code, row.id) : undefined;
    const documents = await listDocuments(this.db, row.id);
    const required = piecesOf({ motif, pour: choice.pour, step1: s1, step2: step2.ok ? step2.value : undefined, step3: step3.ok ? step3.value : undefined, on: today });
    const pieces = required.map((piece) => {
      const files = documents.filter((d) => d.piece === piece.id && !d.additional);
      return { ...piece, files, pages: files.filter((f) => f.scanStatus !== "infected").reduce((sum, f) => sum + f.pages, 0) };
    });
    const additional = documents.filter((d) => d.additional);
    const comments = parsePieceComments(raw.step5 ?? {}, required);
    const step5Errors: FieldErrors = comments.ok ? {} : { ...comments.errors };
    let stampCheck: StampCheck | undefined;
    for (const piece of pieces) {
      if (piece.kind === "stamp") {
        const stamp = parseStampNumber(raw.step5 ?? {});
        if (!stamp.ok) Object.assign(step5Errors, stamp.errors);
        else {
          stampCheck = await this.stamps.check(stamp.value.numeroTimbre);
          if (stampCheck !== "valid") step5Errors.numeroTimbre = STAMP_ERRORS[stampCheck];
        }
      } else if (!piece.files.some((f) => f.scanStatus !== "infected")) {
        step5Errors[`piece-${piece.id}`] = `Ajoutez la pièce « ${piece.label} ».`;
      }
    }
    // A file still being scanned, or found infected, holds the request back (SPEC: nothing unsafe is sent).
    for (const d of documents) {
      const key = d.additional ? "upload-additional" : `piece-${d.piece}`;
      if (d.scanStatus === "infected") step5Errors[key] = ANTIVIRUS_MESSAGES.infected(d.fileName);
      else if (d.scanStatus === "pending" && !step5Errors[key]) step5Errors[key] = ANTIVIRUS_MESSAGES.pendingError(d.fileName);
    }
    const valid: StepValidity = {
      1: step1.ok,
      2: step2.ok,
      3: step3.ok,
      4: step4.ok && (step4.value.option !== "numerique" || photoCheck === "ok"),
      5: Object.keys(step5Errors).length === 0,
    };
    return { row, motif, choice, raw, step1, step2, step3, step4, photoCheck, stampCheck, documents, pieces, additional, step5Errors, valid, comments: comments.ok ? comments.value : {}, origin: original?.origin };
  }

  /**
   * The original request of a correction draft (seed 004): what the correction took from it, the
   * département of its address, and why it can no longer be corrected online, if so.
   */
  private async correctionOrigin(row: RequestRow): Promise<{ origin?: CorrectionOrigin; departement?: string | undefined; refusal?: string }> {
    const link = row.data.motif ?? {};
    const id = typeof link.origine === "string" ? link.origine : "";
    const number = typeof link.numeroPermis === "string" ? link.numeroPermis : "";
    const found = id ? await findOwnRequest(this.db, row.accountId, id) : undefined;
    const original = found && found.licenceNumber === number && found.licenceIssuedAt && found.number ? found : undefined;
    // Every title produced from an online request is a card (the old paper format never comes from one).
    const refusal = correctionRefusal(original ? { motifId: original.motif, issuedAt: original.licenceIssuedAt!, format: "carte" } : undefined, this.clock.now());
    if (!original) return { refusal: refusal ?? CORRECTION_REFUSALS.inconnu };
    return {
      origin: { numeroPermis: number, dateReception: formatDate(original.licenceIssuedAt!), demandeInitiale: original.number! },
      departement: frozenContent(original)?.adresse?.commune.departement,
      ...(refusal ? { refusal } : {}),
    };
  }

  /** Why a step of the draft is not valid, in the words of its form. */
  errorsOf(draft: Draft, step: StepNumber): FieldErrors {
    const parsed = step === 1 ? draft.step1 : step === 2 ? draft.step2 : step === 3 ? draft.step3 : step === 4 ? draft.step4 : undefined;
    if (parsed && !parsed.ok) return parsed.errors;
    if (step === 4 && draft.photoCheck && draft.photoCheck !== "ok") {
      return { codePhoto: draft.photoCheck === "free" ? "Confirmez le code photo signature numérique." : PHOTO_CODE_ERRORS[draft.photoCheck] };
    }
    return step === 5 ? draft.step5Errors : {};
  }

  /** Where to resume a draft: its first step still to complete (or the récapitulatif). */
  resumeStep(draft: Draft): StepNumber {
    return firstIncompleteStep(draft.valid);
  }

  access(draft: Draft, step: StepNumber): StepAccess {
    return stepAccess(step, draft.valid, false);
  }

  /**
   * Saves a step's answers ("Enregistrer", "Etape précédente", "Etape suivante"), then, for
   * "Etape suivante", checks them and opens the next step. A step that is not open yet (an
   * earlier one is incomplete) saves nothing and sends back to that earlier step.
   */
  async saveStep(accountId: string, id: string, step: EditableStep, input: RawInput, action: string): Promise<StepOutcome> {
    const row = await findOwnRequest(this.db, accountId, id);
    if (!row || row.state !== "brouillon") return { kind: "not_found" };
    // A correction has no step 4: its photo and signature are the original request's (seed 004).
    const noStep4 = row.motif === "correction";
    if (noStep4 && step === 4) return { kind: "next", step: 5 };
    const data: RawSteps = { ...row.data };
    const answers = cleanInput(input);
    if (step === 2 && action === "ajouter-prenom") {
      answers.prenomCount = String(Math.min(MAX_FIRST_NAMES, firstNameCount(answers) + 1));
    }
    data[`step${step}`] = answers;
    // Steps 1 to 4 of an ordinary draft: only the steps up to this one are parsed (no query); the
    // documents and the stamp matter from step 5 only, the photo code at step 4 only.
    const info = motifInfo(row.motif);
    if (step < 5 && info && info.group !== "correction") return this.saveEarlyStep(row, info, step as 1 | 2 | 3 | 4, data, action);
    // The steps before this one do not depend on its answers: one derivation serves the guard and the checks.
    const draft = await this.derive({ ...row, data });
    const access = stepAccess(step, draft.valid, false);
    if (access.kind === "redirect") return { kind: "next", step: access.step };
    await saveDraftData(this.db, id, data, this.clock.now());
    // A digital photo code is taken as soon as it is saved, whatever the button: it is then this draft's.
    const claim = step === 4 && draft.step4.ok && draft.step4.value.option === "numerique" ? await this.photoCodes.claim(draft.step4.value.code, id) : undefined;
    if (action === "ajouter-prenom") return { kind: "stay" };
    if (action === "enregistrer") return { kind: "stay", notice: DRAFT_SAVED };
    if (action === "precedent") return { kind: "next", step: Math.max(1, step - (noStep4 && step === 5 ? 2 : 1)) as StepNumber };

    if (step === 4) {
      if (!draft.step4.ok) return { kind: "stay", errors: draft.step4.errors };
      if (draft.step4.value.option === "classique") await this.photoCodes.release(id);
      else if (claim && claim !== "ok") return { kind: "stay", errors: { codePhoto: PHOTO_CODE_ERRORS[claim] } };
      return this.after(step, await this.derive({ ...row, data }));
    }
    const result = step === 1 ? draft.step1 : step === 2 ? draft.step2 : step === 3 ? draft.step3 : undefined;
    if (result && !result.ok) return { kind: "stay", errors: result.errors };
    if (step === 5 && !draft.valid[5]) return { kind: "stay", errors: draft.step5Errors };
    return this.after(step, draft);
  }

  /**
   * saveStep for steps 1 to 4 of a draft that is not a correction: the guard needs the steps
   * before this one valid, and each of them is a pure parse of its raw answers (the documents, the
   * stamp and the photo code belong to later steps). One read, one write, and at step 4 the code's claim.
   */
  private async saveEarlyStep(row: RequestRow, motif: MotifInfo, step: 1 | 2 | 3 | 4, data: RawSteps, action: string): Promise<StepOutcome> {
    const today = this.clock.now();
    const chosen = data.motif?.pour;
    const pour = chosen === "mineur" || chosen === "tutelle" ? chosen : "majeur";
    const step1 = parseStep1(data.step1 ?? {}, motif, today, undefined);
    const step2 = step >= 2 ? parseStep2(data.step2 ?? {}, { motif, pour, step1: step1.ok ? step1.value : undefined, places: this.places, today }) : undefined;
    const step3 = step >= 3 ? parseStep3(data.step3 ?? {}, { places: this.places }) : undefined;
    const step4 = step === 4 ? parseStep4(data.step4 ?? {}) : undefined;
    const earlier = [step1.ok, step2?.ok, step3?.ok].slice(0, step - 1);
    const firstInvalid = earlier.indexOf(false);
    if (firstInvalid >= 0) return { kind: "next", step: (firstInvalid + 1) as StepNumber };
    await saveDraftData(this.db, row.id, data, today);
    // A digital photo code is taken as soon as it is saved, whatever the button: it is then this draft's.
    const claim = step4?.ok && step4.value.option === "numerique" ? await this.photoCodes.claim(step4.value.code, row.id) : undefined;
    if (action === "ajouter-prenom") return { kind: "stay" };
    if (action === "enregistrer") return { kind: "stay", notice: DRAFT_SAVED };
    if (action === "precedent") return { kind: "next", step: Math.max(1, step - 1) as StepNumber };
    const result = step === 1 ? step1 : step === 2 ? step2 : step === 3 ? step3 : step4;
    if (result && !result.ok) return { kind: "stay", errors: result.errors };
    if (step4?.ok) {
      if (step4.value.option === "classique") await this.photoCodes.release(row.id);
      else if (claim && claim !== "ok") return { kind: "stay", errors: { codePhoto: PHOTO_CODE_ERRORS[claim] } };
    }
    // Every step up to this one is valid (the earlier ones by the guard): the next one is open.
    return { kind: "next", step: (step + 1) as StepNumber };
  }

  private after(step: EditableStep, draft: Draft): StepOutcome {
    const access = stepAccess((step + 1) as StepNumber, draft.valid, false);
    return { kind: "next", step: access.kind === "open" ? ((step + 1) as StepNumber) : access.step };
  }

  /**
   * Stores one uploaded file for a piece: checked by content (format from its first bytes),
   * size (the stream is cut past 11 Mo by the multipart parser) and page count.
   */
  async addDocument(accountId: string, id: string, target: { piece: string; additional: boolean }, fileName: string, content: Readable): Promise<UploadOutcome> {
    const refuse = async (error: string): Promise<UploadOutcome> => {
      content.resume(); // discard the rest of the upload
      return { kind: "refused", error };
    };
    const draft = await this.draft(accountId, id);
    if (!draft) return refuse("Demande introuvable.").then(() => ({ kind: "not_found" }));
    // Pieces are joined at step 5: a fresh draft takes no file (one account must not fill the disk with empty drafts).
    if (stepAccess(5, draft.valid, false).kind !== "open") return refuse(QUOTA_MESSAGES.stepsFirst);
    if (storedBytes(draft.documents) >= MAX_REQUEST_BYTES) return refuse(QUOTA_MESSAGES.bytes(storedBytes(draft.documents)));
    if (!isPieceId(target.piece) || PIECE_TYPES[target.piece].kind !== "file") return refuse("Choisissez le type de la pièce.");
    const piece: PieceId = target.piece;
    const limit = PIECE_TYPES[piece].maxPages;
    const slot = target.additional ? undefined : draft.pieces.find((p) => p.id === piece);
    if (!target.additional && !slot) return refuse("Cette pièce n'est pas demandée pour votre demande : ajoutez-la comme pièce complémentaire.");
    if (target.additional && draft.additional.length >= MAX_ADDITIONAL_PIECES) {
      return refuse(`Vous avez déjà ajouté ${MAX_ADDITIONAL_PIECES} pièces complémentaires : supprimez-en une pour en ajouter une autre.`);
    }

    // The first bytes tell the format; the rest streams straight to the (encrypted) store.
    const iterator = content[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let headLength = 0;
    let finished = false;
    while (headLength < SNIFF_BYTES) {
      const next = await iterator.next();
      if (next.done) {
        finished = true;
        break;
      }
      head.push(next.value as Buffer);
      headLength += (next.value as Buffer).length;
    }
    const first = Buffer.concat(head);
    if (first.length === 0) return refuse(DOCUMENT_ERRORS.empty);
    const kind = await detectKind(first.subarray(0, SNIFF_BYTES));
    if (!kind) return refuse(DOCUMENT_ERRORS.type);
    const rest = finished ? Readable.from([first]) : Readable.from((async function* () {
      yield first;
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value as Buffer;
    })());

    const storageKey = `documents/${id}/${randomUUID()}`;
    let stored: Awaited<ReturnType<DocumentStorage["put"]>>;
    try {
      stored = await this.storage.put(storageKey, rest);
    } catch (error) {
      if ((error as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE") return { kind: "refused", error: DOCUMENT_ERRORS.size };
      throw error;
    }
    // The multipart parser stops a file at 11 Mo and marks it truncated: refuse it whole.
    if ((content as Readable & { truncated?: boolean }).truncated) {
      await this.storage.delete(storageKey);
      return { kind: "refused", error: DOCUMENT_ERRORS.size };
    }
    // Read back once: the worker counts the pages, then sharp measures its readability (advice only, scan-quality.ts).
    const { pages, readability } = await this.pageCounting.use(async () => {
      const bytes = await readAll(await this.storage.get(storageKey, stored.encryption));
      const counted = await countPages(kind.kind, bytes);
      return { pages: counted, readability: counted.ok ? await assessScan(kind.kind, bytes, counted.scans) : [] };
    });
    if (!pages.ok) {
      await this.storage.delete(storageKey);
      return { kind: "refused", error: DOCUMENT_ERRORS[pages.reason] };
    }
    // A complementary piece keeps the page limit of its type, file by file (10,000 pages were stored).
    if (target.additional && pages.pages > limit) {
      await this.storage.delete(storageKey);
      return { kind: "refused", error: pageLimitError(limit, 0, pages.pages) };
    }
    // The limits are checked again under a lock of the draft: uploads sent at the same time take turns.
    const outcome = await this.db.transaction(async (tx): Promise<UploadOutcome> => {
      if (!(await lockDraft(tx, id))) return { kind: "not_found" };
      const documents = await listDocuments(tx, id);
      const already = storedBytes(documents);
      if (already + stored.size > MAX_REQUEST_BYTES) return { kind: "refused", error: QUOTA_MESSAGES.bytes(already) };
      if (target.additional) {
        if (documents.filter((d) => d.additional).length >= MAX_ADDITIONAL_PIECES) {
          return { kind: "refused", error: `Vous avez déjà ajouté ${MAX_ADDITIONAL_PIECES} pièces complémentaires : supprimez-en une pour en ajouter une autre.` };
        }
      } else {
        const pagesAlready = documents.filter((d) => d.piece === piece && !d.additional && d.scanStatus !== "infected").reduce((sum, d) => sum + d.pages, 0);
        if (pagesAlready + pages.pages > limit) return { kind: "refused", error: pageLimitError(limit, pagesAlready, pages.pages) };
      }
      const now = this.clock.now();
      const document = await insertDocument(tx, {
        requestId: id,
        piece,
        additional: target.additional,
        fileName: cleanFileName(fileName, kind.extension),
        mime: kind.mime,
        size: stored.size,
        pages: pages.pages,
        readability,
        storageKey,
        iv: stored.encryption.iv,
        tag: stored.encryption.tag,
        createdAt: now,
        // Pending until the antivirus has seen it (src/jobs/antivirus-worker.ts), recorded in this transaction: a crash loses no scan.
        scanStatus: this.scanning.enabled ? "pending" : "unscanned",
        scanNextAt: now,
      });
      await saveDraftData(tx, id, draft.raw, now);
      return { kind: "ok", document };
    });
    if (outcome.kind !== "ok") await this.storage.delete(storageKey);
    else if (outcome.document.scanStatus === "pending") this.scanning.queued();
    return outcome;
  }

  documentsOf(requestId: string): Promise<DocumentRow[]> {
    return listDocuments(this.db, requestId);
  }

  async removeDocument(accountId: string, id: string, documentId: string): Promise<boolean> {
    const row = await findOwnRequest(this.db, accountId, id);
    if (!row || !editableByUser(row.state as RequestState)) return false;
    const removed = await deleteDocument(this.db, id, documentId);
    if (!removed) return false;
    if (removed.scanStatus !== "infected") await this.storage.delete(removed.storageKey);
    await saveDraftData(this.db, id, row.data, this.clock.now());
    return true;
  }

  /** A document of one of the account's requests, decrypted, to view it. */
  async openDocument(accountId: string, id: string, documentId: string): Promise<{ document: DocumentRow; content: Readable } | undefined> {
    const row = await findOwnRequest(this.db, accountId, id);
    if (!row) return undefined;
    const document = await findDocument(this.db, id, documentId);
    // A file is shown only once the antivirus has passed it (an infected one is no longer stored).
    if (!document || !isSafe(document)) return undefined;
    return { document, content: await this.storage.get(document.storageKey, { iv: document.iv, tag: document.tag }) };
  }

  /** Deletes a draft with its files, and frees the photo code it held. */
  async deleteDraft(accountId: string, id: string): Promise<boolean> {
    const row = await findOwnRequest(this.db, accountId, id);
    if (!row || row.state !== "brouillon") return false;
    const documents = await listDocuments(this.db, id);
    if (!(await deleteDraft(this.db, id))) return false;
    for (const d of documents) await this.storage.delete(d.storageKey);
    return true;
  }

  /** The typed content of a draft, for its récapitulatif. */
  content(draft: Draft): RequestContent {
    return {
      beneficiaire: draft.choice.beneficiaire,
      pour: draft.choice.pour,
      motif: draft.motif,
      step1: draft.step1.ok ? draft.step1.value : undefined,
      etatCivil: draft.step2.ok ? draft.step2.value : undefined,
      adresse: draft.step3.ok ? draft.step3.value : undefined,
      photo: draft.step4.ok ? draft.step4.value : undefined,
      pieces: draft.pieces.map((p) => ({ ...p, ...(draft.comments[p.id] ? { commentaire: draft.comments[p.id] } : {}), files: p.files.map((f) => ({ name: f.fileName, pages: f.pages })) })),
      additional: draft.additional.map((d) => ({ label: isPieceId(d.piece) ? PIECE_TYPES[d.piece].label : d.piece, name: d.fileName, pages: d.pages })),
      stampNumber: draft.stampCheck === "valid" ? parseStampNumberValue(draft.raw) : undefined,
    };
  }

  /**
   * Step 7: in one transaction, checks the draft once more, consumes the stamp and the photo
   * code, assigns the number, freezes the content, moves the request to "Envoyée" and queues
   * the confirmation mail.
   */
  async send(account: Account, id: string): Promise<SendOutcome> {
    const draft = await this.draft(account.id, id);
    if (!draft) return { kind: "not_found" };
    const first = firstIncompleteStep(draft.valid);
    if (first !== 6) return { kind: "incomplete", step: first, errors: this.errorsOf(draft, first) };
    const content = this.content(draft);
    const adresse = content.adresse!;
    const now = this.clock.now();
    try {
      const number = await this.db.transaction(async (tx) => {
        // Under the draft's lock, no upload slips in between: every file of the request has passed the antivirus.
        if (!(await lockDraft(tx, id))) throw new SendRefused(7);
        if ((await countUnsafeDocuments(tx, id)) > 0) throw new SendRefused(5, { ...draft.step5Errors });
        if (content.stampNumber && !(await this.stamps.consume(tx, content.stampNumber, id, now))) throw new SendRefused(5, { numeroTimbre: STAMP_ERRORS.used });
        if (content.photo?.option === "numerique" && !(await this.photoCodes.use(tx, content.photo.code, id, now))) {
          throw new SendRefused(4, { codePhoto: PHOTO_CODE_ERRORS.used });
        }
        const number = `PC-${now.getUTCFullYear()}-${String(await nextRequestNumber(tx)).padStart(7, "0")}`;
        const { motif: _motif, ...rest } = content;
        const frozen: FrozenRequest = { version: 1, number, sentAt: now.toISOString(), motifId: draft.motif.id, content: rest };
        if (!(await markSent(tx, id, { frozen, number, now }))) throw new SendRefused(7);
        // Made for someone else: the mail goes to that person (step 3), says who filed it, and has no link to a page only the filer can open.
        const forSomeoneElse = draft.choice.beneficiaire === "tiers";
        const confirmation = mails.requestSent(adresse.email, {
          number,
          motif: draft.motif.summary,
          ...(forSomeoneElse ? { filedBy: `${account.givenName} ${account.familyName}` } : { url: this.urls.request(id) }),
          classicPhoto: content.photo?.option === "classique",
          optionalMessages: mayReceiveOptionalMessages(content),
        });
        await enqueueMail(tx, confirmation, now);
        await addNotification(tx, account.id, `Votre demande n° ${number} a été envoyée à l'administration.`, now);
        return number;
      });
      this.mailQueued();
      return { kind: "sent", number };
    } catch (error) {
      if (error instanceof SendRefused) return { kind: "incomplete", step: error.step, ...(error.errors ? { errors: error.errors } : {}) };
      throw error;
    }
  }
}

class SendRefused extends Error {
  constructor(
    readonly step: StepNumber,
    readonly errors?: FieldErrors,
  ) {
    super("send refused");
  }
}

function parseStampNumberValue(raw: RawSteps): string | undefined {
  const parsed = parseStampNumber(raw.step5 ?? {});
  return parsed.ok ? parsed.value.numeroTimbre : undefined;
}

/** A safe display name: no path, no control character, the real extension. */
function cleanFileName(name: string, extension: string): string {
  const base = (name.split(/[\\/]/).pop() ?? "")
    .replace(/\.[^.]*$/, "")
    .replace(/[^\p{L}\p{N} _()-]+/gu, "_")
    .trim()
    .slice(0, 80);
  return `${base || "document"}.${extension}`;
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

