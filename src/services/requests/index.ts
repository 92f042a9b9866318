import type { Readable } from "node:stream";
import type { Db, Executor } from "../../db/client.ts";
import type { Account } from "../../db/repositories/accounts.ts";
import { loadDashboard, type Dashboard } from "../../db/repositories/dashboard.ts";
import type { DocumentRow, RequestRow } from "../../db/repositories/requests.ts";
import type { FieldErrors, RawInput } from "../../domain/forms.ts";
import type { Actor } from "../../domain/actors.ts";
import type { Demarche } from "../../domain/request/motifs.ts";
import type { Transition } from "../../domain/request/state.ts";
import type { Places } from "../../domain/request/steps.ts";
import type { RequestContent } from "../../domain/request/summary.ts";
import type { EditableStep, StepAccess, StepNumber } from "../../domain/request/wizard.ts";
import type { Clock } from "../clock.ts";
import { Notifier } from "../notify.ts";
import type { PhotoCodeService } from "../photo-codes.ts";
import type { StampService } from "../stamps.ts";
import type { DocumentStorage } from "../storage.ts";
import { Completion } from "./completion.ts";
import { Drafts } from "./drafts.ts";
import type { CreateOutcome, Draft, RequestDeps, RequestUrls, SendOutcome, StepOutcome, UploadOutcome, UploadScanning } from "./model.ts";
import { Sending } from "./sending.ts";
import { Steps } from "./steps.ts";
import { history, RequestTransitions, type HistoryEntry, type RequestEffects, type TransitionDetails, type TransitionOutcome } from "./transition.ts";
import { Uploads } from "./uploads.ts";

export * from "./model.ts";
export { Drafts } from "./drafts.ts";
export { Steps } from "./steps.ts";
export { Uploads } from "./uploads.ts";
export { Sending } from "./sending.ts";
export * from "./transition.ts";
export * from "./completion.ts";

/**
 * The request use cases (SPEC §3), one file each: drafts (drafts.ts), step saving (steps.ts),
 * the upload pipeline (uploads.ts), sending (sending.ts); the life of a sent request goes
 * through transition.ts. This facade keeps the callers (routes, compose) simple.
 */
export class RequestService {
  private readonly db: Db;
  readonly transitions: RequestTransitions;
  readonly drafts: Drafts;
  readonly steps: Steps;
  readonly uploads: Uploads;
  readonly sending: Sending;
  /** "A compléter" and "Faire une nouvelle demande" (completion.ts). */
  readonly completion: Completion;

  constructor(
    db: Db,
    clock: Clock,
    storage: DocumentStorage,
    places: Places,
    photoCodes: PhotoCodeService,
    stamps: StampService,
    urls: RequestUrls,
    mailQueued: () => void = () => {},
    scanning: UploadScanning = { enabled: false, queued: () => {} },
    /** The Notifier of src/compose.ts; by default one of its own, kicking `mailQueued`. */
    effects: RequestEffects = new Notifier(urls, mailQueued),
  ) {
    const deps: RequestDeps = { db, clock, storage, places, photoCodes, stamps, urls, mailQueued, scanning };
    this.db = db;
    this.transitions = new RequestTransitions(clock, effects);
    this.drafts = new Drafts(deps);
    this.steps = new Steps(deps, this.drafts);
    this.uploads = new Uploads(deps, this.drafts);
    this.sending = new Sending(deps, this.drafts, this.transitions);
    this.completion = new Completion(deps, this.drafts, this.uploads, this.transitions);
  }

  /* ---- the life of a sent request ---- */

  /** transition() in the caller's transaction (call `kick()` after its commit). */
  transition(tx: Executor, requestId: string, name: Transition, actor: Actor, details: TransitionDetails = {}): Promise<TransitionOutcome> {
    return this.transitions.transition(tx, requestId, name, actor, details);
  }

  /** One transition in its own transaction, its messages delivered after the commit. */
  async act(requestId: string, name: Transition, actor: Actor, details: TransitionDetails = {}): Promise<TransitionOutcome> {
    const outcome = await this.db.transaction((tx) => this.transitions.transition(tx, requestId, name, actor, details));
    if (outcome.kind === "done") this.transitions.kick();
    return outcome;
  }

  /** After the commit of a transaction that made transitions. */
  kick(): void {
    this.transitions.kick();
  }

  /** A request's history with the agents' names, oldest first (check access before showing it). */
  history(requestId: string): Promise<HistoryEntry[]> {
    return history(this.db, requestId);
  }

  /** The account home in one statement: the account, its requests (the lines of "MES DEMANDES EN COURS"), its last notifications. */
  dashboard(accountId: string): Promise<Dashboard | undefined> {
    return loadDashboard(this.db, accountId);
  }

  /* ---- drafts ---- */
  create(account: Account, input: RawInput, demarche?: Extract<Demarche, "permis_international">): Promise<CreateOutcome> {
    return this.drafts.create(account, input, demarche);
  }
  createCorrection(account: Account, input: RawInput): Promise<CreateOutcome> {
    return this.drafts.createCorrection(account, input);
  }
  draftQuotaReached(accountId: string): Promise<boolean> {
    return this.drafts.draftQuotaReached(accountId);
  }
  list(accountId: string): Promise<RequestRow[]> {
    return this.drafts.list(accountId);
  }
  find(accountId: string, id: string): Promise<RequestRow | undefined> {
    return this.drafts.find(accountId, id);
  }
  draft(accountId: string, id: string): Promise<Draft | undefined> {
    return this.drafts.draft(accountId, id);
  }
  errorsOf(draft: Draft, step: StepNumber): FieldErrors {
    return this.drafts.errorsOf(draft, step);
  }
  resumeStep(draft: Draft): StepNumber {
    return this.drafts.resumeStep(draft);
  }
  access(draft: Draft, step: StepNumber): StepAccess {
    return this.drafts.access(draft, step);
  }
  content(draft: Draft): RequestContent {
    return this.drafts.content(draft);
  }
  deleteDraft(accountId: string, id: string): Promise<boolean> {
    return this.drafts.deleteDraft(accountId, id);
  }

  /* ---- steps ---- */
  saveStep(accountId: string, id: string, step: EditableStep, input: RawInput, action: string): Promise<StepOutcome> {
    return this.steps.saveStep(accountId, id, step, input, action);
  }

  /* ---- uploads ---- */
  addDocument(accountId: string, id: string, target: { piece: string; additional: boolean }, fileName: string, content: Readable): Promise<UploadOutcome> {
    return this.uploads.addDocument(accountId, id, target, fileName, content);
  }
  documentsOf(requestId: string): Promise<DocumentRow[]> {
    return this.uploads.documentsOf(requestId);
  }
  removeDocument(accountId: string, id: string, documentId: string): Promise<boolean> {
    return this.uploads.removeDocument(accountId, id, documentId);
  }
  openDocument(accountId: string, id: string, documentId: string): Promise<{ document: DocumentRow; content: Readable } | undefined> {
    return this.uploads.openDocument(accountId, id, documentId);
  }

  /* ---- sending ---- */
  send(account: Account, id: string): Promise<SendOutcome> {
    return this.sending.send(account, id);
  }
}
