import type { Readable } from "node:stream";
import type { Account } from "../../db/repositories/accounts.ts";
import { findOwnRequestByNumber, linkPreviousRequest, refreeze, saveCompletionData } from "../../db/repositories/completion.ts";
import { listOpenCompletionItems, markCompletionItemChanged, type CompletionItemRow } from "../../db/repositories/request-events.ts";
import { countDrafts, countUnsafeDocuments, findDocument, findOwnRequest, insertRequest, lockAccount, type RawSteps, type RequestRow } from "../../db/repositories/requests.ts";
import type { FieldErrors, RawInput } from "../../domain/forms.ts";
import { isPieceId, PIECE_TYPES, type PieceId } from "../../domain/request/pieces.ts";
import { searchName } from "../../domain/request/queues.ts";
import { firstNameCount, MAX_FIRST_NAMES } from "../../domain/request/steps.ts";
import { STEPS } from "../../domain/request/wizard.ts";
import { PHOTO_CODE_ERRORS } from "../photo-codes.ts";
import type { Drafts } from "./drafts.ts";
import { MAX_OPEN_DRAFTS, QUOTA_MESSAGES, RequestUseCase, type CreateOutcome, type Draft, type FrozenRequest, type RequestDeps, type UploadOutcome } from "./model.ts";
import { cleanInput } from "./steps.ts";
import type { RequestTransitions } from "./transition.ts";
import type { Uploads } from "./uploads.ts";

/** A section of steps 1 to 4 the agent may tick ("etape-1"…"etape-4"). */
export type CompletionSection = 1 | 2 | 3 | 4;

/** What an item of "A compléter" designates: a piece to replace, or a section of steps 1 to 4 to change. */
export type CompletionTarget = { kind: "piece"; piece: PieceId } | { kind: "section"; step: CompletionSection };

export function completionTarget(item: string): CompletionTarget | undefined {
  if (isPieceId(item)) return { kind: "piece", piece: item };
  const match = /^etape-([1-4])$/.exec(item);
  return match ? { kind: "section", step: Number(match[1]) as CompletionSection } : undefined;
}

/** What the user reads for an item: the piece's label, or the section's (its step's) name. */
export function completionItemLabel(item: string): string {
  const target = completionTarget(item);
  if (!target) return item;
  return target.kind === "piece" ? PIECE_TYPES[target.piece].label : `${STEPS[target.step - 1]!.label} (étape ${target.step})`;
}

/** A request waiting for the user's completion, with the items the agent ticked (open ones, oldest first). */
export interface CompletionView {
  row: RequestRow;
  draft: Draft;
  items: CompletionItemRow[];
}

export const COMPLETION_MESSAGES = {
  notRequested: "Seules les pièces demandées par l'administration peuvent être modifiées.",
  unchanged: (label: string) => `Modifiez « ${label} » comme demandé avant de renvoyer votre demande.`,
  missing: (label: string) => `Ajoutez la pièce « ${label} ».`,
  saved: "Votre modification a été enregistrée. Renvoyez votre demande une fois tous les éléments demandés modifiés.",
  resent: "Votre demande a été renvoyée à l'administration.",
} as const;

export type ResendOutcome = { kind: "done" } | { kind: "incomplete"; errors: FieldErrors } | { kind: "stale" } | { kind: "not_found" };

export type SectionOutcome = { kind: "saved" } | { kind: "stay" } | { kind: "invalid"; errors: FieldErrors } | { kind: "not_found" };

/**
 * "A compléter" (issue 9 §4) and "Faire une nouvelle demande" (§4, SPEC §4): the user changes
 * exactly the items the agent ticked — a piece is replaced through the step-5 upload pipeline, a
 * section of steps 1 to 4 is saved through its step's form — each change marks its item; then
 * "Renvoyer ma demande" applies transition("completer") and freezes the changed content again
 * (same number, same sending date), in one transaction. After a rejection, a new draft is made
 * from the rejected request's raw answers (without the photo after "Rejet des images").
 */
export class Completion extends RequestUseCase {
  constructor(
    deps: RequestDeps,
    private readonly drafts: Drafts,
    private readonly uploads: Uploads,
    private readonly transitions: RequestTransitions,
  ) {
    super(deps);
  }

  /** The account's request in "A compléter", derived, with its open items; undefined otherwise. */
  async open(accountId: string, id: string): Promise<CompletionView | undefined> {
    const row = await findOwnRequest(this.db, accountId, id);
    if (!row || row.state !== "a_completer") return undefined;
    const [items, draft] = await Promise.all([listOpenCompletionItems(this.db, id), this.drafts.derive(row)]);
    return { row, draft, items };
  }

  /** The open items of a request (the page of a request in "A compléter"); empty for another state. */
  async items(requestId: string): Promise<CompletionItemRow[]> {
    return listOpenCompletionItems(this.db, requestId);
  }

  /** Whether the user may change this section now. */
  sectionOpen(view: CompletionView, step: number): boolean {
    return view.items.some((i) => i.item === `etape-${step}`);
  }

  /**
   * Whether the user may change this piece now: ticked by the agent, or required by a changed
   * section and still missing (e.g. a new address not in the person's name asks for an attestation d'hébergement).
   */
  pieceOpen(view: CompletionView, piece: string): boolean {
    if (view.items.some((i) => i.item === piece)) return true;
    const required = view.draft.pieces.find((p) => p.id === piece && p.kind === "file");
    return required !== undefined && !required.files.some((f) => f.scanStatus !== "infected");
  }

  /** Saves a ticked section's answers (steps 1 to 4); the item is marked changed once they are valid. */
  async saveSection(accountId: string, id: string, step: CompletionSection, input: RawInput, action: string): Promise<SectionOutcome> {
    const view = await this.open(accountId, id);
    if (!view || !this.sectionOpen(view, step)) return { kind: "not_found" };
    const answers = cleanInput(input);
    if (step === 2 && action === "ajouter-prenom") answers.prenomCount = String(Math.min(MAX_FIRST_NAMES, firstNameCount(answers) + 1));
    const data: RawSteps = { ...view.row.data, [`step${step}`]: answers };
    const now = this.clock.now();
    if (!(await saveCompletionData(this.db, id, data, now))) return { kind: "not_found" };
    if (action === "ajouter-prenom") return { kind: "stay" };
    const draft = await this.drafts.derive({ ...view.row, data });
    const parsed = step === 1 ? draft.step1 : step === 2 ? draft.step2 : step === 3 ? draft.step3 : draft.step4;
    if (!parsed.ok) return { kind: "invalid", errors: parsed.errors };
    if (step === 4 && draft.step4.ok && draft.step4.value.option === "numerique") {
      const claim = await this.photoCodes.claim(draft.step4.value.code, id);
      if (claim !== "ok") return { kind: "invalid", errors: { codePhoto: PHOTO_CODE_ERRORS[claim] } };
    }
    await markCompletionItemChanged(this.db, id, `etape-${step}`, now);
    return { kind: "saved" };
  }

  /** Replaces a ticked piece: one file through the step-5 upload pipeline. */
  async addDocument(accountId: string, id: string, piece: string, fileName: string, content: Readable): Promise<UploadOutcome> {
    const view = await this.open(accountId, id);
    if (!view || !this.pieceOpen(view, piece)) {
      content.resume();
      return view ? { kind: "refused", error: COMPLETION_MESSAGES.notRequested } : { kind: "not_found" };
    }
    const outcome = await this.uploads.addDocument(accountId, id, { piece, additional: false }, fileName, content, view.draft);
    if (outcome.kind === "ok") await markCompletionItemChanged(this.db, id, piece, this.clock.now());
    return outcome;
  }

  /** Removes a file of a ticked piece (the one to replace); false for any other file. */
  async removeDocument(accountId: string, id: string, documentId: string): Promise<boolean> {
    const view = await this.open(accountId, id);
    if (!view) return false;
    const document = await findDocument(this.db, id, documentId);
    if (!document || document.additional || !this.pieceOpen(view, document.piece)) return false;
    if (!(await this.uploads.removeDocument(accountId, id, documentId))) return false;
    await markCompletionItemChanged(this.db, id, document.piece, this.clock.now());
    return true;
  }

  /** Why the request cannot be sent back yet: each item unchanged or invalid, each required piece missing, each file not yet scanned. */
  async blockers(view: CompletionView): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    const { draft } = view;
    for (const item of view.items) {
      const target = completionTarget(item.item);
      const label = completionItemLabel(item.item);
      if (!item.changedAt) errors[`item-${item.item}`] = COMPLETION_MESSAGES.unchanged(label);
      else if (target?.kind === "section") {
        const parsed = target.step === 1 ? draft.step1 : target.step === 2 ? draft.step2 : target.step === 3 ? draft.step3 : draft.step4;
        if (!parsed.ok) errors[`item-${item.item}`] = Object.values(parsed.errors).find(Boolean) ?? COMPLETION_MESSAGES.unchanged(label);
      }
    }
    for (const piece of draft.pieces) {
      if (piece.kind === "file" && !piece.files.some((f) => f.scanStatus !== "infected") && !errors[`item-${piece.id}`]) errors[`item-${piece.id}`] = COMPLETION_MESSAGES.missing(piece.label);
    }
    // A file still being scanned, or found infected, holds the request back (as at sending).
    for (const [key, message] of Object.entries(draft.step5Errors)) {
      const piece = key.startsWith("piece-") ? key.slice("piece-".length) : undefined;
      if (piece && message && draft.documents.some((d) => d.piece === piece && (d.scanStatus === "pending" || d.scanStatus === "infected"))) errors[`item-${piece}`] ??= message;
    }
    return errors;
  }

  /**
   * "Renvoyer ma demande": back to "En cours d'instruction" through transition("completer") (the
   * version shown is checked), the changed content frozen again, in one transaction.
   */
  async resend(accountId: string, id: string, version: number | undefined): Promise<ResendOutcome> {
    const view = await this.open(accountId, id);
    if (!view) return { kind: "not_found" };
    if (version !== undefined && version !== view.row.version) return { kind: "stale" };
    const errors = await this.blockers(view);
    if (Object.keys(errors).length > 0) return { kind: "incomplete", errors };
    const old = view.row.frozen as FrozenRequest | null;
    if (!old) return { kind: "not_found" };
    const content = this.drafts.content(view.draft);
    const sections = new Set(view.items.map((i) => completionTarget(i.item)).flatMap((t) => (t?.kind === "section" ? [t.step] : [])));
    const { motif: _motif, ...fresh } = content;
    const frozen: FrozenRequest = {
      ...old,
      content: {
        ...old.content,
        ...(sections.has(1) ? { step1: fresh.step1 } : {}),
        ...(sections.has(2) ? { etatCivil: fresh.etatCivil } : {}),
        ...(sections.has(3) ? { adresse: fresh.adresse } : {}),
        ...(sections.has(4) ? { photo: fresh.photo } : {}),
        pieces: fresh.pieces,
        additional: fresh.additional,
        // The stamp was consumed at sending: it stays the request's.
        stampNumber: old.content.stampNumber,
      },
    };
    const now = this.clock.now();
    const outcome = await this.db.transaction(async (tx) => {
      if ((await countUnsafeDocuments(tx, id)) > 0) return { kind: "incomplete" as const };
      const moved = await this.transitions.transition(tx, id, "completer", { kind: "usager", accountId }, { version: view.row.version });
      if (moved.kind !== "done") return moved;
      if (sections.has(4) && frozen.content.photo?.option === "numerique" && old.content.photo?.option !== "numerique") {
        await this.photoCodes.use(tx, frozen.content.photo.code, id, now);
      }
      const nom = frozen.content.etatCivil?.nomNaissance;
      await refreeze(tx, id, frozen, now, { searchName: nom ? searchName(nom) : null, prefectureId: frozen.content.adresse?.prefecture.id ?? null });
      return moved;
    });
    if (outcome.kind === "done") {
      this.transitions.kick();
      return { kind: "done" };
    }
    if (outcome.kind === "incomplete") return { kind: "incomplete", errors: await this.blockers(view) };
    if (outcome.kind === "stale") return { kind: "stale" };
    return { kind: "not_found" };
  }

  /**
   * "Savoir où en est ma demande de permis de conduire" (account home): the account's own request of
   * this numéro (typed as printed, "PC-2026-0000001", spaces and case ignored). Another account's
   * number is not found, as a number that does not exist.
   */
  async findByNumber(accountId: string, typed: string): Promise<{ kind: "found"; id: string } | { kind: "invalid" } | { kind: "not_found" }> {
    const number = typed.replace(/\s+/g, "").toUpperCase().slice(0, 40);
    if (!/^PC-\d{4}-\d{7}$/.test(number)) return { kind: "invalid" };
    const row = await findOwnRequestByNumber(this.db, accountId, number);
    return row ? { kind: "found", id: row.id } : { kind: "not_found" };
  }

  /**
   * "Faire une nouvelle demande" after "Rejet des images" or "Rejet par l'instruction": a new draft
   * of the same motif, prefilled from the rejected request's raw answers — without the photo after
   * "Rejet des images", without the stamp (used) — linked to it; the user reviews each step from
   * step 1. The draft quota applies.
   */
  async newFromRejected(account: Account, id: string): Promise<CreateOutcome | { kind: "not_found" }> {
    const rejected = await findOwnRequest(this.db, account.id, id);
    if (!rejected || (rejected.state !== "rejet_images" && rejected.state !== "rejet_instruction")) return { kind: "not_found" };
    const data: RawSteps = {};
    for (const [key, answers] of Object.entries(rejected.data)) {
      if (key === "step4" && rejected.state === "rejet_images") continue;
      if (key === "step5") {
        const { numeroTimbre: _used, ...rest } = answers;
        data[key] = rest;
        continue;
      }
      data[key] = answers;
    }
    return this.db.transaction(async (tx): Promise<CreateOutcome> => {
      await lockAccount(tx, account.id);
      if ((await countDrafts(tx, account.id)) >= MAX_OPEN_DRAFTS) return { kind: "quota", error: QUOTA_MESSAGES.drafts };
      const row = await insertRequest(tx, { accountId: account.id, motif: rejected.motif, data, now: this.clock.now() });
      await linkPreviousRequest(tx, row.id, rejected.id);
      return { kind: "created", id: row.id };
    });
  }
}
