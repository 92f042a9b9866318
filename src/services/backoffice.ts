import type { Readable } from "node:stream";
import type { Db, Executor } from "../db/client.ts";
import {
  agentName,
  agentsForService,
  assignRequest,
  countByState,
  findByKey,
  findRequestDocument,
  findScoped,
  findUsedPhotoCode,
  listCompletionItems,
  listQueue,
  listRequestDocuments,
  listRequestMessages,
  releaseRequest,
  scopeServices,
  searchByName,
  serviceNames,
  takeRequest,
  type AgentName,
  type CompletionRow,
  type DocumentRow,
  type MessageRow,
  type QueueFilters as RepoFilters,
  type QueueRow,
  type RequestRow,
} from "../db/repositories/backoffice.ts";
import { appendAudit } from "../db/repositories/audit.ts";
import type { Actor, AgentActor } from "../domain/actors.ts";
import { fields, field, type FieldErrors, type RawInput } from "../domain/forms.ts";
import { canAct, canReassign, canRelease, canTake, canView, visibleServiceIds, WORKING_ROLE, type RequestAccessFacts } from "../domain/request/access.ts";
import { isMotive, MOTIVE_MESSAGE_MAX_LENGTH, type MotiveKind } from "../domain/request/motives.ts";
import { PIECE_TYPES, isPieceId } from "../domain/request/pieces.ts";
import {
  encodeCursor,
  motifIds,
  parseQueueFilters,
  queue as queueById,
  queuesFor,
  QUEUE_PAGE_SIZE,
  sentRange,
  type FilterErrors,
  type Queue,
  type QueueFilters,
  type QueueId,
} from "../domain/request/queues.ts";
import { isRequestState, transitionsFor, type RequestState, type Transition } from "../domain/request/state.ts";
import { summarize, type RequestContent, type SummarySection } from "../domain/request/summary.ts";
import type { Clock } from "./clock.ts";
import { detectKind } from "./documents.ts";
import { PREVIEWABLE, type Preview, type PreviewMaker } from "./previews.ts";
import { completionItemLabel, frozenContent, history as requestHistory, isSafe, STALE_MESSAGE, type HistoryEntry, type TransitionDetails, type TransitionOutcome } from "./requests/index.ts";
import type { DocumentStorage } from "./storage.ts";

/**
 * The back-office use cases (issue 9 §3-4): queues and search, a request's file, previews of its
 * pieces, taking and releasing it, and the agents' actions. Every read goes through a query
 * scoped to the agent's services and is checked again by the access policy
 * (src/domain/request/access.ts): a request of another service is "not found", everywhere.
 * Every state change is one transaction through the request's `transition()`.
 */

/** The one way to change a state, applied in the caller's transaction. */
export type ApplyTransition = (tx: Executor, requestId: string, name: Transition, actor: Actor, details: TransitionDetails) => Promise<TransitionOutcome>;

export { STALE_MESSAGE };

export const BACKOFFICE_MESSAGES = {
  stale: `${STALE_MESSAGE} : la page a été mise à jour, vérifiez le dossier puis recommencez.`,
  refused: "Vous ne pouvez pas faire cette action sur ce dossier.",
  takenBy: (name: string) => `Ce dossier a déjà été pris par ${name}.`,
  taken: "Vous avez pris ce dossier.",
  released: "Vous avez libéré ce dossier.",
  reassigned: (name: string) => `Le dossier a été attribué à ${name}.`,
  done: {
    accepter_images: "Les images ont été acceptées : la demande est en cours d'instruction.",
    rejeter_images: "Les images ont été rejetées : l'usager en est informé.",
    demander_complement: "La demande a été passée « A compléter » : l'usager en est informé.",
    rejeter: "La demande a été rejetée : l'usager en est informé.",
    valider: "La demande a été validée : l'usager en est informé.",
  },
} as const;

/** The actions an agent posts from a request's page (taking for the image check is "Je prends ce dossier"). */
export const AGENT_ACTIONS = ["accepter_images", "rejeter_images", "demander_complement", "rejeter", "valider"] as const satisfies readonly Transition[];
export type AgentAction = (typeof AGENT_ACTIONS)[number];

export function isAgentAction(value: string): value is AgentAction {
  return (AGENT_ACTIONS as readonly string[]).includes(value);
}

/** The sections of a request an agent may mark "A compléter", besides its pieces (named as the user reads them). */
export const COMPLETION_SECTIONS: ReadonlyArray<{ item: string; label: string }> = ["etape-1", "etape-2", "etape-3", "etape-4"].map((item) => ({ item, label: completionItemLabel(item) }));

export const COMPLETION_REASON_MAX_LENGTH = 500;

/** What may be marked "A compléter" on this request: its pieces (as sent), then the sections. */
export function completionChoices(content: Pick<RequestContent, "pieces">): Array<{ item: string; label: string }> {
  const pieces = content.pieces.map((p) => ({ item: p.id, label: p.label }));
  return [...pieces, ...COMPLETION_SECTIONS];
}

export function completionLabel(item: string, content?: Pick<RequestContent, "pieces">): string {
  const fromContent = content?.pieces.find((p) => p.id === item)?.label;
  if (fromContent) return fromContent;
  return completionItemLabel(item);
}

/** The form fields of each action, in page order (ids are unique on the request's page). */
export const ACTION_FIELDS = {
  imagesMotive: "rejet-images-motif",
  imagesMessage: "rejet-images-message",
  motive: "rejet-motif",
  message: "rejet-message",
  items: "complement",
  reason: (item: string) => `raison-${item}`,
  check: (item: string) => `complement-${item}`,
} as const;

export type ParsedAction = { ok: true; version: number; details: TransitionDetails } | { ok: false; errors: FieldErrors; version: number | undefined };

const MAX_VERSION = 2_147_483_647;

function parseVersion(input: RawInput): number | undefined {
  const raw = field(input, "version");
  if (!/^\d{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n <= MAX_VERSION ? n : undefined;
}

function parseMotive(input: RawInput, kind: MotiveKind, motiveField: string, messageField: string, messageRequired: boolean): { errors: FieldErrors; motive: string; message: string } {
  const errors: FieldErrors = {};
  const motive = field(input, "motif");
  const message = field(input, "message").replace(/\r\n?/g, "\n");
  if (motive === "") errors[motiveField] = kind === "images" ? "Choisissez le motif du rejet des images." : "Choisissez le motif du rejet.";
  else if (!isMotive(kind, motive)) errors[motiveField] = "Choisissez un motif dans la liste.";
  const needsMessage = messageRequired || motive.startsWith("autre_");
  if (message.length > MOTIVE_MESSAGE_MAX_LENGTH) errors[messageField] = `Le message ne doit pas dépasser ${MOTIVE_MESSAGE_MAX_LENGTH} caractères (${message.length} saisis).`;
  else if (needsMessage && message === "") {
    errors[messageField] = kind === "images" ? "Écrivez à l'usager ce qui ne va pas dans sa photo ou sa signature." : "Précisez le motif du rejet dans le message à l'usager.";
  }
  return { errors, motive, message };
}

/**
 * An action's form, checked (pure): the version it was shown, the motive from the list and the
 * message (rejections), the items ticked and the reason of each ("A compléter").
 */
export function parseAction(action: AgentAction, input: RawInput, choices: ReadonlyArray<{ item: string; label: string }>): ParsedAction {
  const version = parseVersion(input);
  const errors: FieldErrors = {};
  const details: TransitionDetails = {};
  switch (action) {
    case "accepter_images":
    case "valider":
      break;
    case "rejeter_images":
    case "rejeter": {
      const images = action === "rejeter_images";
      const parsed = parseMotive(
        input,
        images ? "images" : "instruction",
        images ? ACTION_FIELDS.imagesMotive : ACTION_FIELDS.motive,
        images ? ACTION_FIELDS.imagesMessage : ACTION_FIELDS.message,
        images,
      );
      Object.assign(errors, parsed.errors);
      details.motive = parsed.motive;
      if (parsed.message !== "") details.message = parsed.message;
      break;
    }
    case "demander_complement": {
      const ticked = [...new Set(fields(input, "elements"))].slice(0, choices.length + 1);
      const items: Array<{ item: string; reason: string }> = [];
      if (ticked.length === 0) errors[ACTION_FIELDS.check(choices[0]?.item ?? "")] = "Cochez au moins une pièce ou une partie de la demande à compléter.";
      for (const item of ticked) {
        const choice = choices.find((c) => c.item === item);
        if (!choice) {
          errors[ACTION_FIELDS.check(choices[0]?.item ?? "")] = "Cochez les éléments à compléter dans la liste.";
          continue;
        }
        const reason = field(input, ACTION_FIELDS.reason(item)).replace(/\r\n?/g, "\n");
        if (reason === "") errors[ACTION_FIELDS.reason(item)] = `Indiquez ce qui manque ou ce qui est incorrect pour « ${choice.label} ».`;
        else if (reason.length > COMPLETION_REASON_MAX_LENGTH) {
          errors[ACTION_FIELDS.reason(item)] = `La raison pour « ${choice.label} » ne doit pas dépasser ${COMPLETION_REASON_MAX_LENGTH} caractères (${reason.length} saisis).`;
        } else items.push({ item, reason });
      }
      details.items = items;
      break;
    }
  }
  if (Object.keys(errors).length > 0 || version === undefined) return { ok: false, errors, version };
  return { ok: true, version, details: { ...details, version } };
}

/* ------------------------------------------------------------------ results */

export interface QueueCount {
  queue: Queue;
  count: number;
  /** The count stopped at COUNT_CAP. */
  capped: boolean;
}

export const COUNT_CAP = 1_000;

export type ListOutcome = {
  queue: Queue | undefined;
  queues: QueueCount[];
  filters: QueueFilters;
  errors: FilterErrors;
  rows: QueueRow[];
  /** The cursor of the next page, if there may be one. */
  next: string | undefined;
  /** The services the agent may filter on. */
  services: Array<{ id: string; name: string }>;
};

export interface DocumentView {
  id: string;
  piece: string;
  label: string;
  fileName: string;
  pages: number;
  mime: string;
  additional: boolean;
  /** Passed (or not under) the antivirus: may be previewed and downloaded. */
  safe: boolean;
  previewable: boolean;
  /** Added or replaced after the last "A compléter" (the user's completion). */
  changedSinceCompletion: boolean;
}

export interface CompletionView extends CompletionRow {
  label: string;
}

export interface RequestFile {
  row: RequestRow;
  state: RequestState;
  content: RequestContent & { number: string; sentAt: Date };
  sections: SummarySection[];
  documents: DocumentView[];
  /** Photo and signature: digital (previews), classic (paper, by mail) or taken over from an earlier request. */
  images: { kind: "numerique" } | { kind: "classique" } | { kind: "reprise"; demandeInitiale: string } | { kind: "aucune" };
  history: HistoryEntry[];
  messages: MessageRow[];
  completion: CompletionView[];
  assignee: AgentName | undefined;
  serviceName: string | null;
  can: { take: boolean; release: boolean; reassign: boolean; actions: AgentAction[] };
  /** Agents a request may be given to (administrators only). */
  agents: AgentName[];
  completionChoices: Array<{ item: string; label: string }>;
}

export type TakeOutcome = { kind: "taken"; state: RequestState } | { kind: "already"; by: string } | { kind: "refused" } | { kind: "not_found" };
export type SimpleOutcome = { kind: "ok"; message: string } | { kind: "refused" } | { kind: "not_found" } | { kind: "invalid"; errors: FieldErrors };
export type ActOutcome =
  | { kind: "done"; state: RequestState; message: string }
  | { kind: "invalid"; errors: FieldErrors }
  | { kind: "stale" }
  | { kind: "refused" }
  | { kind: "not_found" };

export interface BackofficeDeps {
  db: Db;
  clock: Clock;
  storage: DocumentStorage;
  previews: PreviewMaker;
  transition: ApplyTransition;
  /** After a transaction that queued messages (kicks the outbox worker). */
  effectsQueued?: () => void;
}

function facts(row: RequestRow): RequestAccessFacts {
  return { accountId: row.accountId, serviceId: row.serviceId, state: row.state as RequestState, assignedAgentId: row.assignedAgentId };
}

/** A refusal inside a transaction: rolls it back. */
class Rollback extends Error {
  constructor(readonly outcome: TakeOutcome) {
    super("rollback");
  }
}

const MAX_READ_BYTES = 12 * 1024 * 1024;

async function readBounded(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        stream.destroy();
        return undefined;
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    // A tampered object fails its authentication at the end: nothing is shown.
    return undefined;
  }
  return Buffer.concat(chunks);
}

export class BackofficeService {
  constructor(private readonly deps: BackofficeDeps) {}

  private get db(): Db {
    return this.deps.db;
  }

  /** A sent request the agent may see, or undefined (as if it did not exist). */
  private async scoped(actor: AgentActor, id: string, db: Executor = this.db): Promise<RequestRow | undefined> {
    const row = await findScoped(db, visibleServiceIds(actor), id);
    return row && isRequestState(row.state) && canView(actor, facts(row)) ? row : undefined;
  }

  /** The queues of the agent's role with their counts (each counted up to COUNT_CAP). */
  async queues(actor: AgentActor): Promise<QueueCount[]> {
    const counts = await countByState(this.db, visibleServiceIds(actor), COUNT_CAP);
    return queuesFor(actor.role).map((queue) => {
      const count = queue.states.reduce((sum, s) => sum + counts[s], 0);
      return { queue, count: Math.min(count, COUNT_CAP), capped: queue.states.some((s) => counts[s] >= COUNT_CAP) };
    });
  }

  /** The services an agent may filter on, with their names. */
  async services(actor: AgentActor): Promise<Array<{ id: string; name: string }>> {
    const ids = (await scopeServices(this.db, visibleServiceIds(actor))).filter((s): s is string => s !== null);
    const names = await this.serviceNames(ids);
    return ids.map((id) => ({ id, name: names.get(id) ?? id }));
  }

  private serviceNames(ids: readonly string[]): Promise<Map<string, string>> {
    return serviceNames(this.db, ids);
  }

  /**
   * A queue page (`file` = queue id; none: the role's first queue), or the search results when
   * `q` is given (every state of the scope, or the state filtered). Keyset pages of QUEUE_PAGE_SIZE.
   */
  async list(actor: AgentActor, query: Readonly<Record<string, unknown>>): Promise<ListOutcome> {
    const scope = visibleServiceIds(actor);
    const mine = queuesFor(actor.role);
    const fileParam = typeof query.file === "string" ? query.file : "";
    const parsed = parseQueueFilters(query);
    const filters = parsed.filters;
    const errors: FilterErrors = parsed.ok ? {} : { ...parsed.errors };
    const services = await this.services(actor);
    if (filters.serviceId !== undefined && !services.some((s) => s.id === filters.serviceId)) {
      errors.service = "Choisissez un service dans la liste.";
      delete filters.serviceId;
    }
    const queues = await this.queues(actor);
    const searching = filters.search !== undefined;
    const chosen = searching ? undefined : (mine.find((q) => q.id === fileParam) ?? (fileParam === "" ? mine[0] : undefined));
    const base = { queues, filters, errors, services };
    if (!searching && !chosen) return { ...base, queue: undefined, rows: [], next: undefined };
    const range = sentRange(filters);
    const states: RequestState[] = filters.state ? [filters.state] : [];
    const repo: RepoFilters = {
      states: chosen ? (filters.state ? chosen.states.filter((s) => s === filters.state) : [...chosen.states]) : states,
      serviceId: filters.serviceId,
      motifs: filters.motif ? motifIds(filters.motif) : undefined,
      categorie: filters.categorie,
      from: range.from,
      to: range.toExclusive,
    };
    const limit = QUEUE_PAGE_SIZE + 1;
    let rows: QueueRow[];
    const search = filters.search;
    if (search?.kind === "numero") rows = await findByKey(this.db, scope, { number: search.value });
    else if (search?.kind === "neph") rows = await findByKey(this.db, scope, { neph: search.value });
    else if (search?.kind === "nom") rows = await searchByName(this.db, scope, search.value, repo, filters.after, limit);
    else rows = await listQueue(this.db, scope, repo, filters.after, limit);
    // Another filter may exclude the one request a number or NEPH finds.
    if (search && search.kind !== "nom") rows = rows.filter((r) => (!filters.state || r.state === filters.state) && (!filters.serviceId || r.serviceId === filters.serviceId));
    const more = rows.length > QUEUE_PAGE_SIZE;
    const page = rows.slice(0, QUEUE_PAGE_SIZE);
    const last = page.at(-1);
    return { ...base, queue: chosen, rows: page, next: more && last ? encodeCursor(last.cursor) : undefined };
  }

  /** Everything the request's page shows; undefined when the agent may not see it. */
  async open(actor: AgentActor, id: string): Promise<RequestFile | undefined> {
    const row = await this.scoped(actor, id);
    const content = row ? frozenContent(row) : undefined;
    if (!row || !content) return undefined;
    const state = row.state as RequestState;
    const f = facts(row);
    const [documents, history, messages, completion, assignee] = await Promise.all([
      listRequestDocuments(this.db, id),
      requestHistory(this.db, id),
      listRequestMessages(this.db, id),
      listCompletionItems(this.db, id),
      row.assignedAgentId ? agentName(this.db, row.assignedAgentId) : Promise.resolve(undefined),
    ]);
    const serviceName = row.serviceId ? ((await this.serviceNames([row.serviceId])).get(row.serviceId) ?? row.serviceId) : null;
    const lastAsked = completion.reduce<Date | undefined>((at, c) => (!at || c.createdAt > at ? c.createdAt : at), undefined);
    const photo = content.photo;
    const images: RequestFile["images"] =
      photo?.option === "numerique"
        ? { kind: "numerique" }
        : photo?.option === "classique"
          ? { kind: "classique" }
          : photo?.option === "reprise"
            ? { kind: "reprise", demandeInitiale: photo.demandeInitiale }
            : { kind: "aucune" };
    const actions = transitionsFor(state, actor).filter((t): t is AgentAction => isAgentAction(t) && canAct(actor, f, t));
    const reassign = canReassign(actor, f);
    return {
      row,
      state,
      content,
      sections: summarize(content),
      documents: documents.map((d) => ({
        id: d.id,
        piece: d.piece,
        label: isPieceId(d.piece) ? PIECE_TYPES[d.piece].label : d.piece,
        fileName: d.fileName,
        pages: d.pages,
        mime: d.mime,
        additional: d.additional,
        safe: isSafe(d),
        previewable: isSafe(d) && (PREVIEWABLE as readonly string[]).includes(d.mime),
        changedSinceCompletion: lastAsked !== undefined && d.createdAt > lastAsked,
      })),
      images,
      history,
      messages,
      completion: completion.map((c) => ({ ...c, label: completionLabel(c.item, content) })),
      assignee,
      serviceName,
      can: { take: canTake(actor, f), release: canRelease(actor, f), reassign, actions },
      agents: reassign ? (await agentsForService(this.db, row.serviceId)).filter((a) => a.role === "admin" || a.role === WORKING_ROLE[state]) : [],
      completionChoices: completionChoices(content),
    };
  }

  /** A document of a request the agent may see, if it passed the antivirus. */
  private async document(actor: AgentActor, id: string, documentId: string): Promise<DocumentRow | undefined> {
    const row = await this.scoped(actor, id);
    if (!row) return undefined;
    const document = await findRequestDocument(this.db, id, documentId);
    return document && isSafe(document) ? document : undefined;
  }

  /** A preview of page `page` of a piece (made here: never the uploaded bytes). */
  async piecePreview(actor: AgentActor, id: string, documentId: string, page: number): Promise<Preview | undefined> {
    const document = await this.document(actor, id, documentId);
    if (!document || page > document.pages) return undefined;
    return this.deps.previews.make(document.mime, async () => readBounded(await this.deps.storage.get(document.storageKey, { iv: document.iv, tag: document.tag }), MAX_READ_BYTES), page);
  }

  /** The original file of a piece, to download (an attachment, never shown inline). */
  async pieceFile(actor: AgentActor, id: string, documentId: string): Promise<{ document: DocumentRow; content: Readable } | undefined> {
    const document = await this.document(actor, id, documentId);
    if (!document) return undefined;
    return { document, content: await this.deps.storage.get(document.storageKey, { iv: document.iv, tag: document.tag }) };
  }

  /** A preview of the digital photo or signature of a request (its photo code's images). */
  async imagePreview(actor: AgentActor, id: string, which: "photo" | "signature"): Promise<Preview | undefined> {
    const row = await this.scoped(actor, id);
    if (!row) return undefined;
    const code = await findUsedPhotoCode(this.db, id);
    if (!code) return undefined;
    const [key, iv, tag] = which === "photo" ? [code.photoKey, code.photoIv, code.photoTag] : [code.signatureKey, code.signatureIv, code.signatureTag];
    const bytes = await readBounded(await this.deps.storage.get(key, { iv, tag }), MAX_READ_BYTES);
    const kind = bytes ? await detectKind(bytes.subarray(0, 4100)) : undefined;
    return bytes && kind ? this.deps.previews.make(kind.mime, bytes, 1) : undefined;
  }

  /**
   * "Je prends ce dossier": one conditional update (of two agents at once, one wins; the other
   * is told who has it). An images agent taking a sent request starts the image check
   * (transition verifier_images) in the same transaction.
   */
  async take(actor: AgentActor, id: string): Promise<TakeOutcome> {
    const now = this.deps.clock.now();
    let queued = false;
    try {
      const outcome = await this.db.transaction(async (tx): Promise<TakeOutcome> => {
        const row = await this.scoped(actor, id, tx);
        if (!row) return { kind: "not_found" };
        if (row.assignedAgentId !== null && row.assignedAgentId !== actor.agentId) {
          return { kind: "already", by: (await agentName(tx, row.assignedAgentId))?.name ?? "un autre agent" };
        }
        if (row.assignedAgentId === actor.agentId) return { kind: "taken", state: row.state as RequestState };
        if (!canTake(actor, facts(row))) return { kind: "refused" };
        if (!(await takeRequest(tx, id, actor.agentId, now))) {
          const holder = (await findScoped(tx, visibleServiceIds(actor), id))?.assignedAgentId;
          return { kind: "already", by: (holder ? await agentName(tx, holder) : undefined)?.name ?? "un autre agent" };
        }
        if (row.state === "envoyee" && (actor.role === "images" || actor.role === "admin")) {
          // Taking a sent request starts the image check: that transition is in the history and the audit log.
          const started = await this.deps.transition(tx, id, "verifier_images", actor, {});
          if (started.kind !== "done") throw new Rollback(started.kind === "not_found" ? { kind: "not_found" } : { kind: "refused" });
          queued = true;
          return { kind: "taken", state: started.state };
        }
        await appendAudit(tx, { agentId: actor.agentId, action: "prendre", requestId: id, requestNumber: row.number, fromState: row.state, toState: row.state, at: now });
        return { kind: "taken", state: row.state as RequestState };
      });
      if (queued) this.deps.effectsQueued?.();
      return outcome;
    } catch (error) {
      if (error instanceof Rollback) return error.outcome;
      throw error;
    }
  }

  /** Gives the request back (its holder, or an administrator). */
  async release(actor: AgentActor, id: string): Promise<SimpleOutcome> {
    const now = this.deps.clock.now();
    return this.db.transaction(async (tx): Promise<SimpleOutcome> => {
      const row = await this.scoped(actor, id, tx);
      if (!row) return { kind: "not_found" };
      if (!canRelease(actor, facts(row))) return { kind: "refused" };
      const holder = actor.role === "admin" ? row.assignedAgentId! : actor.agentId;
      if (!(await releaseRequest(tx, id, holder))) return { kind: "refused" };
      await appendAudit(tx, { agentId: actor.agentId, action: "liberer", requestId: id, requestNumber: row.number, fromState: row.state, toState: row.state, at: now });
      return { kind: "ok", message: BACKOFFICE_MESSAGES.released };
    });
  }

  /** An administrator gives the request to an agent of its service whose role works on its state. */
  async reassign(actor: AgentActor, id: string, input: RawInput): Promise<SimpleOutcome> {
    const now = this.deps.clock.now();
    const target = field(input, "agent");
    return this.db.transaction(async (tx): Promise<SimpleOutcome> => {
      const row = await this.scoped(actor, id, tx);
      if (!row) return { kind: "not_found" };
      if (!canReassign(actor, facts(row))) return { kind: "refused" };
      const role = WORKING_ROLE[row.state as RequestState];
      const candidates = (await agentsForService(tx, row.serviceId)).filter((a) => a.role === "admin" || a.role === role);
      const chosen = candidates.find((a) => a.id === target);
      if (!chosen) return { kind: "invalid", errors: { "reattribuer-agent": "Choisissez un agent dans la liste." } };
      await assignRequest(tx, id, chosen.id, now);
      await appendAudit(tx, { agentId: actor.agentId, action: "reattribuer", requestId: id, requestNumber: row.number, fromState: row.state, toState: row.state, at: now });
      return { kind: "ok", message: BACKOFFICE_MESSAGES.reassigned(chosen.name) };
    });
  }

  /** Agents an administrator may give this request to (those whose role works on its state). */
  async reassignable(actor: AgentActor, id: string): Promise<AgentName[]> {
    const row = await this.scoped(actor, id);
    if (!row || !canReassign(actor, facts(row))) return [];
    const role = WORKING_ROLE[row.state as RequestState];
    return (await agentsForService(this.db, row.serviceId)).filter((a) => a.role === "admin" || a.role === role);
  }

  /**
   * An agent's action, in one transaction through transition(): it carries the version the
   * agent was shown; a stale one is refused and nothing changes.
   */
  async act(actor: AgentActor, id: string, action: string, input: RawInput): Promise<ActOutcome> {
    const row = await this.scoped(actor, id);
    const content = row ? frozenContent(row) : undefined;
    if (!row || !content || !isAgentAction(action)) return { kind: "not_found" };
    if (!canAct(actor, facts(row), action)) return { kind: "refused" };
    const parsed = parseAction(action, input, completionChoices(content));
    if (!parsed.ok) return parsed.version === undefined && Object.keys(parsed.errors).length === 0 ? { kind: "stale" } : { kind: "invalid", errors: parsed.errors };
    const outcome = await this.db.transaction((tx) => this.deps.transition(tx, id, action, actor, parsed.details));
    switch (outcome.kind) {
      case "done":
        this.deps.effectsQueued?.();
        return { kind: "done", state: outcome.state, message: BACKOFFICE_MESSAGES.done[action] };
      case "stale":
        return { kind: "stale" };
      case "refused":
        return { kind: "refused" };
      case "not_found":
        return { kind: "not_found" };
    }
  }

  /** The queue a request's state is listed in (for the page's way back). */
  queueOf(state: RequestState): QueueId | undefined {
    return queuesFor("admin").find((q) => q.states.includes(state))?.id;
  }

  queue(id: string): Queue | undefined {
    return queueById(id);
  }
}
