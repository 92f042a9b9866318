import type { Account } from "../../db/repositories/accounts.ts";
import { countDrafts, deleteDraft, findOwnRequest, findOwnRequestByLicence, insertRequest, listDocuments, listRequestsOf, lockAccount, type RawSteps, type RequestRow } from "../../db/repositories/requests.ts";
import { formatDate } from "../../domain/dates.ts";
import type { FieldErrors, FormResult, RawInput } from "../../domain/forms.ts";
import { correctionRefusal, CORRECTION_REFUSALS, movedRefusal, parseCorrectionStart } from "../../domain/request/correction.ts";
import { motifInfo, type Demarche } from "../../domain/request/motifs.ts";
import { isPieceId, PIECE_TYPES } from "../../domain/request/pieces.ts";
import { parseMotifChoice, parsePieceComments, parseStampNumber, parseStep1, parseStep2, parseStep3, parseStep4, SCHOOL_REFUSAL, type CorrectionOrigin, type MotifChoice, type Photo } from "../../domain/request/steps.ts";
import type { RequestContent } from "../../domain/request/summary.ts";
import { firstIncompleteStep, piecesOf, stepAccess, type StepAccess, type StepNumber, type StepValidity } from "../../domain/request/wizard.ts";
import { ANTIVIRUS_MESSAGES } from "../antivirus.ts";
import { PHOTO_CODE_ERRORS } from "../photo-codes.ts";
import { STAMP_ERRORS, type StampCheck } from "../stamps.ts";
import { frozenContent, MAX_OPEN_DRAFTS, QUOTA_MESSAGES, RequestUseCase, type CreateOutcome, type Draft } from "./model.ts";

/**
 * Drafts (SPEC §3): creating one (or a correction's), reading it, and deriving the typed Draft
 * from its raw answers with the domain's parsers whenever it is shown.
 */
export class Drafts extends RequestUseCase {
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

  /** Everything derived from a draft row (its raw answers, documents, codes). */
  async derive(row: RequestRow): Promise<Draft> {
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
}

function parseStampNumberValue(raw: RawSteps): string | undefined {
  const parsed = parseStampNumber(raw.step5 ?? {});
  return parsed.ok ? parsed.value.numeroTimbre : undefined;
}
