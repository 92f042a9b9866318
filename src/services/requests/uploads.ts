import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { lockInState } from "../../db/repositories/completion.ts";
import { deleteDocument, findDocument, findOwnRequest, insertDocument, listDocuments, lockDraft, saveDraftData, type DocumentRow } from "../../db/repositories/requests.ts";
import { isPieceId, PIECE_TYPES, type PieceId } from "../../domain/request/pieces.ts";
import { editableByUser, type RequestState } from "../../domain/request/state.ts";
import { stepAccess } from "../../domain/request/wizard.ts";
import { detectKind, DOCUMENT_ERRORS, inspectStored, pageLimitError, SNIFF_BYTES } from "../documents.ts";
import type { DocumentStorage } from "../storage.ts";
import type { Drafts } from "./drafts.ts";
import { isSafe, MAX_ADDITIONAL_PIECES, MAX_REQUEST_BYTES, QUOTA_MESSAGES, RequestUseCase, storedBytes, type Draft, type RequestDeps, type UploadOutcome } from "./model.ts";

/** The upload pipeline of a draft's pieces (step 5): store, inspect, count, scan; remove and open them. */
export class Uploads extends RequestUseCase {
  constructor(
    deps: RequestDeps,
    private readonly drafts: Drafts,
  ) {
    super(deps);
  }

  /**
   * Stores one uploaded file for a piece: checked by content (format from its first bytes),
   * size (the stream is cut past 11 Mo by the multipart parser) and page count.
   */
  async addDocument(
    accountId: string,
    id: string,
    target: { piece: string; additional: boolean },
    fileName: string,
    content: Readable,
    /** "A compléter" (src/services/requests/completion.ts): the request, derived, whose ticked piece is replaced. */
    completion?: Draft,
  ): Promise<UploadOutcome> {
    const refuse = async (error: string): Promise<UploadOutcome> => {
      content.resume(); // discard the rest of the upload
      return { kind: "refused", error };
    };
    const draft = completion ?? (await this.drafts.draft(accountId, id));
    if (!draft) return refuse("Demande introuvable.").then(() => ({ kind: "not_found" }));
    // Pieces are joined at step 5: a fresh draft takes no file (one account must not fill the disk with empty drafts).
    if (!completion && stepAccess(5, draft.valid, false).kind !== "open") return refuse(QUOTA_MESSAGES.stepsFirst);
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
    // Bytes, not objects: an object-mode stream would read 16 chunks ahead of the store (1 Mo per upload).
    const rest = finished ? Readable.from([first], { objectMode: false }) : Readable.from((async function* () {
      yield first;
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value as Buffer;
    })(), { objectMode: false, highWaterMark: 16 * 1024 });

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
    // Read back once, streamed into the inspection worker when its turn comes (a waiting upload holds no bytes):
    // it counts the pages, then measures the readability (advice only, scan-quality.ts).
    const { pages, readability } = await inspectStored(kind.kind, stored.size, () => this.storage.get(storageKey, stored.encryption));
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
      if (!(await (completion ? lockInState(tx, id, "a_completer") : lockDraft(tx, id)))) return { kind: "not_found" };
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