import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { JSX } from "preact";
import multipart from "@fastify/multipart";
import { field, hasControlCharacters, type FieldErrors, type RawInput } from "../../domain/forms.ts";
import { DOCUMENT_LABELS, downloadableDocuments, type RequestDocumentKind } from "../../domain/request/messages.ts";
import { DEMARCHES, motifInfo, POUR, type MotifGroup } from "../../domain/request/motifs.ts";
import { motiveLabel } from "../../domain/request/motives.ts";
import { displayNeph } from "../../domain/request/neph.ts";
import { PIECE_TYPES, isPieceId } from "../../domain/request/pieces.ts";
import { deletionDate, REQUEST_STATES, isRequestState, userActions, type RequestState } from "../../domain/request/state.ts";
import { firstNameCount } from "../../domain/request/steps.ts";
import { summarize } from "../../domain/request/summary.ts";
import { waitInFrench } from "../../domain/throttle.ts";
import { isStepNumber, type EditableStep, type StepNumber } from "../../domain/request/wizard.ts";
import type { Account } from "../../db/repositories/accounts.ts";
import { DOCUMENT_ERRORS, MAX_DOCUMENT_BYTES } from "../../services/documents.ts";
import { SCAN_ADVICE, SCAN_ADVICE_KEEP, type ScanIssue } from "../../services/scan-quality.ts";
import { attestationDepot, attestationDroits, attestationInscription, depositFormPdf, receiptPdf } from "../../services/pdf/index.ts";
import type { DocumentRow, RequestRow } from "../../db/repositories/requests.ts";
import { ANTIVIRUS_MESSAGES } from "../../services/antivirus.ts";
import {
  COMPLETION_MESSAGES,
  completionItemLabel,
  frozenContent,
  MAX_ADDITIONAL_PIECES,
  QUOTA_MESSAGES,
  STALE_MESSAGE,
  type CompletionSection,
  type CompletionView,
  type Draft,
} from "../../services/requests/index.ts";
import type { WebDeps } from "../deps.ts";
import { formInput, pageContext, sendPage } from "../http.ts";
import { verifyMultipartCsrf } from "../security/csrf.ts";
import { CONTROL_CHARACTERS_CODE, HttpError } from "../security/guards.ts";
import { uuidParams } from "../security/ids.ts";
import { requireSignedIn } from "../security/session.ts";
import { CompletionPage, DeleteDraftPage, RequestPage, type RequestLife } from "./views/requests.tsx";
import { DemarcheStartPage, MotifChoicePage } from "./views/wizard/motif.tsx";
import { Step1Page } from "./views/wizard/step1.tsx";
import { Step2Page } from "./views/wizard/step2.tsx";
import { Step3Page } from "./views/wizard/step3.tsx";
import { Step4Page } from "./views/wizard/step4.tsx";
import { Step5Page, type ScanView } from "./views/wizard/step5.tsx";
import { Step6Page } from "./views/wizard/step6.tsx";
import { Step7Page } from "./views/wizard/step7.tsx";
import { CompletionMode, type MultiValues } from "../views/wizard-parts.tsx";

declare module "fastify" {
  interface Session {
    /** The outcome of the last upload, shown once by step 5 (POST/redirect/GET). */
    upload?: UploadFlash;
  }
}

/** An upload's outcome: the notice of a stored file, and/or the error of a piece ("additional": a complementary one). */
type UploadFlash = { notice?: string; target?: string; error?: string };

/** File inputs a step-5 form may hold: one per kind of piece, and the complementary one. */
const MAX_FILE_INPUTS = Object.values(PIECE_TYPES).filter((t) => t.kind === "file").length + 1;

const ONE_FILE_AT_A_TIME = "Un seul fichier est joint à la fois : choisissez de nouveau ce fichier, puis cliquez sur « Joindre un fichier ».";

/** Step 5's own answers in its form's body: not the file inputs (a urlencoded body carries their file names) nor the upload's controls. */
function stepFiveAnswers(input: RawInput): RawInput {
  return Object.fromEntries(Object.entries(input).filter(([key]) => !key.startsWith("fichier-") && key !== "type-complementaire" && key !== "joindre"));
}

/** Reads a file part to its end without keeping it. */
async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const chunk of stream) void chunk;
}

/** Where each document of a request is downloaded from (its page's links). */
const DOCUMENT_PATHS: Record<RequestDocumentKind, string> = {
  recepisse: "recepisse.pdf",
  formulaire_depot: "formulaire-photo.pdf",
  attestation_inscription: "attestation-inscription.pdf",
  attestation_droits: "attestation-droits.pdf",
  attestation_depot: "attestation-depot.pdf",
};

/** Motifs that do not produce a licence card sent by mail once validated (an inscription gives a NEPH; the international licence, its own procedure). */
const NOT_TITLES: readonly MotifGroup[] = ["inscription", "permis_international"];

/** Where the user changes an item of "A compléter": a section's form, or the piece on the completion page. */
function completionHref(id: string, item: string): string {
  return /^etape-[1-4]$/.test(item) ? `/demandes/${id}/etape/${item.slice("etape-".length)}` : `/demandes/${id}/completer#item-${item}`;
}

function sendPdf(reply: FastifyReply, name: string, pdf: Uint8Array) {
  return reply.type("application/pdf").header("content-disposition", `attachment; filename="${name}"`).header("cache-control", "private, no-store").send(Buffer.from(pdf));
}

/** The readability advice of a file, measured at upload (scan-quality.ts): shown beside it; the file is kept. */
function readabilityAdvice(document: DocumentRow): string[] | undefined {
  if (document.scanStatus === "infected") return undefined;
  const issues = (document.readability ?? []).filter((issue): issue is ScanIssue => Object.hasOwn(SCAN_ADVICE, issue));
  return issues.length > 0 ? [...issues.map((issue) => SCAN_ADVICE[issue]), SCAN_ADVICE_KEEP] : undefined;
}

/** How the antivirus's state of a file is shown on step 5. */
function scanView(document: DocumentRow): ScanView {
  return document.scanStatus === "pending" || document.scanStatus === "infected" ? document.scanStatus : "ok";
}

/**
 * The request (SPEC §3): the 7-step wizard, documents, sending, the request's page and its
 * PDFs. Every route is for the signed-in owner only: another account's request is a 404.
 */
export async function requestRoutes(app: FastifyInstance, deps: WebDeps) {
  const { requests } = deps;
  await app.register(multipart, {
    limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 5, fieldSize: 200, parts: 6 },
    throwFileSizeLimit: true,
  });
  // A malformed request or document id is a 404, before any query.
  app.addHook("onRequest", uuidParams("id", "doc"));
  app.addHook("preHandler", requireSignedIn);

  const ctx = (request: FastifyRequest, reply: FastifyReply) => pageContext(request, reply, deps.devTools);
  const account = async (request: FastifyRequest): Promise<Account> => (await deps.accounts.findById(request.session.accountId!))!;
  const notFound = (reply: FastifyReply) => reply.callNotFound();
  const params = (request: FastifyRequest) => request.params as { id: string; step?: string; doc?: string };
  const takeFlash = (request: FastifyRequest) => {
    const flash = request.session.flash;
    delete request.session.flash;
    return flash;
  };

  const countries = deps.places.countries().map((c) => ({ value: c.code, label: c.name }));
  const departements = deps.places.departements().map((d) => ({ value: d.code, label: `${d.code} - ${d.name}` }));
  const prefectures = deps.places.departements().flatMap((d) => {
    const list = deps.places.prefecturesOf(d.code);
    return list.length ? [{ departement: `${d.code} - ${d.name}`, options: list.map((p) => ({ value: p.id, label: p.label })) }] : [];
  });

  /** Renders step `step` of a draft, with the answers saved for it. */
  function renderStep(
    request: FastifyRequest,
    reply: FastifyReply,
    draft: Draft,
    step: StepNumber,
    extra: { errors?: FieldErrors; notice?: string | undefined; upload?: { target: string; error: string }; /** "A compléter": the request's number (a ticked section's form). */ completion?: string } = {},
    status = 200,
  ) {
    const c = ctx(request, reply);
    const id = draft.row.id;
    const values = (draft.raw[`step${step}`] ?? {}) as MultiValues;
    const send = (page: JSX.Element, code: number) =>
      sendPage(reply, extra.completion ? <CompletionMode.Provider value={{ number: extra.completion }}>{page}</CompletionMode.Provider> : page, code);
    const common = { ctx: c, requestId: id, errors: extra.errors ?? {}, notice: extra.notice, values };
    switch (step) {
      case 1:
        return send(<Step1Page {...common} motif={draft.motif} pourLabel={POUR.find((p) => p.value === draft.choice.pour)!.label} correction={draft.origin} />, status);
      case 2:
        return send(
          <Step2Page {...common} withRepresentative={draft.choice.pour !== "majeur"} countries={countries} departements={departements} firstNames={firstNameCount(draft.raw.step2 ?? {})} />,
          status,
        );
      case 3:
        return send(<Step3Page {...common} prefectures={prefectures} forSomeoneElse={draft.choice.beneficiaire === "tiers"} />, status);
      case 4:
        return send(<Step4Page {...common} />, status);
      case 5: {
        // An infected file is refused with its message whenever the step is shown, until it is removed.
        const infected = Object.fromEntries(
          draft.documents.filter((d) => d.scanStatus === "infected").map((d) => [d.additional ? "upload-additional" : `piece-${d.piece}`, ANTIVIRUS_MESSAGES.infected(d.fileName)]),
        );
        return send(
          <Step5Page
            {...common}
            errors={{ ...infected, ...common.errors }}
            pieces={draft.pieces.map((p) => ({ ...p, files: p.files.map((f) => ({ id: f.id, name: f.fileName, pages: f.pages, scan: scanView(f), advice: readabilityAdvice(f) })) }))}
            additional={draft.additional.map((f) => ({ id: f.id, name: f.fileName, pages: f.pages, label: isPieceId(f.piece) ? PIECE_TYPES[f.piece].label : f.piece, scan: scanView(f), advice: readabilityAdvice(f) }))}
            maxAdditional={MAX_ADDITIONAL_PIECES}
            upload={extra.upload}
          />,
          status,
        );
      }
      case 6:
        return send(<Step6Page ctx={c} requestId={id} sections={summarize(requests.content(draft))} errors={extra.errors ?? {}} />, status);
      default:
        return notFound(reply);
    }
  }

  /** A ticked section's form sent in "A compléter": saved, then back to the completion page. */
  async function saveCompletionSection(request: FastifyRequest, reply: FastifyReply, id: string, step: CompletionSection, input: RawInput, action: string) {
    const accountId = request.session.accountId!;
    const outcome = await requests.completion.saveSection(accountId, id, step, input, action);
    if (outcome.kind === "not_found") return notFound(reply);
    if (outcome.kind === "saved") {
      request.session.flash = COMPLETION_MESSAGES.saved;
      return reply.redirect(`/demandes/${id}/completer`, 303);
    }
    const view = await requests.completion.open(accountId, id);
    if (!view) return notFound(reply);
    const errors = outcome.kind === "invalid" ? outcome.errors : {};
    return renderStep(request, reply, view.draft, step, { errors, completion: view.row.number ?? "" }, outcome.kind === "invalid" ? 400 : 200);
  }

  /* ---- Step 1, first form: the motif creates the draft ---- */

  app.get("/demandes/nouvelle", async (request, reply) => {
    const me = await account(request);
    const values: MultiValues = me.kind === "particulier" ? { beneficiaire: "moi" } : {};
    const quota = (await requests.draftQuotaReached(me.id)) ? QUOTA_MESSAGES.drafts : undefined;
    return sendPage(reply, <MotifChoicePage ctx={ctx(request, reply)} professional={me.kind === "professionnel"} values={values} quota={quota} />);
  });

  app.post("/demandes/nouvelle", async (request, reply) => {
    const me = await account(request);
    const input = formInput(request);
    const result = await requests.create(me, input);
    if (result.kind === "invalid") {
      return sendPage(reply, <MotifChoicePage ctx={ctx(request, reply)} professional={me.kind === "professionnel"} errors={result.errors} values={input as MultiValues} />, 400);
    }
    if (result.kind === "quota") {
      return sendPage(reply, <MotifChoicePage ctx={ctx(request, reply)} professional={me.kind === "professionnel"} values={input as MultiValues} quota={result.error} />, 409);
    }
    return reply.redirect(`/demandes/${result.id}/etape/1`, 303);
  });

  /* ---- Two démarches of their own, from the account home (seed 001's notification, seed 004) ---- */

  for (const d of DEMARCHES) {
    app.get(`/demandes/nouvelle/${d.path}`, async (request, reply) => {
      const me = await account(request);
      const values: MultiValues = d.value === "permis_international" ? { beneficiaire: "moi" } : {};
      return sendPage(reply, <DemarcheStartPage ctx={ctx(request, reply)} demarche={d.value} professional={me.kind === "professionnel"} values={values} />, me.kind === "professionnel" ? 403 : 200);
    });

    app.post(`/demandes/nouvelle/${d.path}`, async (request, reply) => {
      const me = await account(request);
      const input = formInput(request);
      const result = d.value === "correction" ? await requests.createCorrection(me, input) : await requests.create(me, input, d.value);
      if (result.kind === "created") return reply.redirect(`/demandes/${result.id}/etape/1`, 303);
      const errors = result.kind === "invalid" ? result.errors : { demarche: result.error };
      const status = me.kind === "professionnel" ? 403 : result.kind === "quota" ? 409 : 400;
      return sendPage(reply, <DemarcheStartPage ctx={ctx(request, reply)} demarche={d.value} professional={me.kind === "professionnel"} errors={errors} values={input as MultiValues} />, status);
    });
  }

  /* ---- Steps 1 to 7 ---- */

  // "Modifier" a draft from the account home: back to the first step still to complete.
  app.get("/demandes/:id/reprendre", async (request, reply) => {
    const { id } = params(request);
    const draft = await requests.draft(request.session.accountId!, id);
    if (!draft) return notFound(reply);
    return reply.redirect(`/demandes/${id}/etape/${requests.resumeStep(draft)}`, 303);
  });

  app.get("/demandes/:id/etape/:step", async (request, reply) => {
    const { id, step: stepText } = params(request);
    const step = Number(stepText);
    if (!isStepNumber(step)) return notFound(reply);
    const row = await requests.find(request.session.accountId!, id);
    if (!row) return notFound(reply);
    if (row.state === "a_completer" && step <= 4) {
      // "A compléter": a section the agent ticked opens its step's form again; any other, the request's page.
      const view = await requests.completion.open(request.session.accountId!, id);
      if (!view || !requests.completion.sectionOpen(view, step)) return reply.redirect(`/demandes/${id}/completer`, 303);
      return renderStep(request, reply, view.draft, step, { completion: row.number ?? "" });
    }
    if (row.state !== "brouillon") {
      if (step !== 7) return reply.redirect(`/demandes/${id}`, 303);
      const sent = frozenContent(row)!;
      return sendPage(reply, <Step7Page ctx={ctx(request, reply)} requestId={id} number={sent.number} email={sent.adresse!.email} classicPhoto={sent.photo?.option === "classique"} />);
    }
    const draft = (await requests.draft(request.session.accountId!, id))!;
    const access = requests.access(draft, step);
    if (access.kind === "redirect") return reply.redirect(`/demandes/${id}/etape/${access.step}`, 303);
    // A correction has no step 4: the photo and signature are the original request's (seed 004).
    if (step === 4 && draft.motif.group === "correction") return reply.redirect(`/demandes/${id}/etape/5`, 303);
    if (step === 5 && request.session.upload) {
      const { notice, target, error } = request.session.upload;
      delete request.session.upload;
      return renderStep(request, reply, draft, step, { notice: notice ?? takeFlash(request), ...(target && error ? { upload: { target, error } } : {}) });
    }
    return renderStep(request, reply, draft, step, { notice: takeFlash(request) });
  });

  app.post("/demandes/:id/etape/:step", async (request, reply) => {
    const { id, step: stepText } = params(request);
    const step = Number(stepText);
    if (!isStepNumber(step) || step > 5) return notFound(reply);
    const input = step === 5 ? stepFiveAnswers(formInput(request)) : formInput(request);
    const action = field(input, "action") || "suivant";
    const outcome = await requests.saveStep(request.session.accountId!, id, step as EditableStep, input, action);
    if (outcome.kind === "not_found" && step <= 4) return saveCompletionSection(request, reply, id, step as CompletionSection, input, action);
    if (outcome.kind === "not_found") return notFound(reply);
    if (outcome.kind === "next") return reply.redirect(`/demandes/${id}/etape/${outcome.step}`, 303);
    const draft = (await requests.draft(request.session.accountId!, id))!;
    return renderStep(request, reply, draft, step, { errors: outcome.errors ?? {}, notice: outcome.notice }, outcome.errors ? 400 : 200);
  });

  /* ---- Documents ---- */

  /**
   * An upload: the multipart body of step 5's form (or of any form made like it), read in order.
   * Its first field must be `_csrf`, checked before anything else is read; then the step's own
   * fields (stamp number, comments: what is typed is saved, whichever button was pressed) and
   * the file inputs, each named after its piece (`fichier-<piece>`, or `fichier-complementaire`
   * after the `type-complementaire` list). The first chosen file is stored, streamed, within the
   * 11 Mo limit. Every outcome is a 303 to step 5 (POST/redirect/GET), its message in the session's
   * flash: reloading the page never sends the file again.
   */
  app.post("/demandes/:id/pieces", { config: { csrfInMultipartBody: true } }, async (request, reply) => {
    const { id } = params(request);
    const accountId = request.session.accountId!;
    // A request in "A compléter" replaces its ticked pieces through the same pipeline, from its completion page.
    const completing = (await requests.find(accountId, id))?.state === "a_completer";
    const back = (flash: UploadFlash) => {
      request.session.upload = flash;
      return reply.redirect(`/demandes/${id}/${completing ? "completer" : "etape/5"}`, 303);
    };
    // A body that is not multipart was checked by the CSRF preHandler (its `_csrf` field).
    if (!request.isMultipart()) return back({ target: "additional", error: "Le fichier doit être envoyé avec le formulaire de la page (format multipart/form-data)." });
    const parts = request.parts({ limits: { fileSize: MAX_DOCUMENT_BYTES, files: MAX_FILE_INPUTS, fields: 40, fieldSize: 4096, parts: 80 } });
    const iterator = parts[Symbol.asyncIterator]();
    const first = await iterator.next();
    const token = !first.done && first.value.type === "field" && first.value.fieldname === "_csrf" && typeof first.value.value === "string" ? first.value.value : undefined;
    if (!verifyMultipartCsrf(app, request, reply, token)) {
      // Nothing more of the body is read.
      reply.header("connection", "close");
      return reply;
    }
    // Uploads per account and per hour, counted before any file is read (src/domain/throttle.ts: uploadAccount).
    const admission = await deps.throttle.take([["uploadAccount", accountId]]);
    if (!admission.allowed) {
      reply.header("retry-after", String(admission.waitSeconds)).header("connection", "close");
      return back({ target: "additional", error: `Vous avez envoyé beaucoup de fichiers en peu de temps : réessayez dans ${waitInFrench(admission.waitSeconds)}.` });
    }

    const typed: Record<string, string> = {};
    let additionalType = "";
    let pressed = "";
    let outcome: { target: string; result: Awaited<ReturnType<typeof requests.addDocument>> } | undefined;
    let skipped: string | undefined;
    let tooLarge = false;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const part = next.value;
      if (part.type === "field") {
        const value = typeof part.value === "string" ? part.value : "";
        // The guard on parsed forms (refuseControlCharacters) does not see a multipart body: its
        // fields are checked here, before any is kept (PostgreSQL refuses NUL; the rest is not text).
        if (hasControlCharacters(part.fieldname) || hasControlCharacters(value)) {
          reply.header("connection", "close");
          throw new HttpError(400, CONTROL_CHARACTERS_CODE);
        }
        if (part.fieldname === "type-complementaire") additionalType = value;
        else if (part.fieldname === "joindre") pressed = value;
        else if (part.fieldname !== "_csrf" && part.fieldname !== "action") typed[part.fieldname] = value;
        continue;
      }
      const target = part.fieldname.startsWith("fichier-") ? part.fieldname.slice("fichier-".length) : "";
      // An input left empty, a second file, or a file of no known input: read past, not kept.
      if (part.filename === "" || outcome || !target) {
        if (part.filename !== "" && target) skipped = target;
        await drain(part.file);
        if (part.file.truncated) {
          tooLarge = true;
          break;
        }
        continue;
      }
      const additional = target === "complementaire";
      const result = completing
        ? additional
          ? { kind: "refused" as const, error: COMPLETION_MESSAGES.notRequested }
          : await requests.completion.addDocument(accountId, id, target, part.filename, part.file)
        : await requests.addDocument(accountId, id, { piece: additional ? additionalType : target, additional }, part.filename, part.file);
      if (completing && additional) await drain(part.file);
      outcome = { target: additional ? "additional" : target, result };
      if (result.kind === "not_found") return notFound(reply);
      // The rest of an oversized upload is not read: the connection is closed after the answer.
      if (part.file.truncated) {
        tooLarge = true;
        break;
      }
    }
    if (tooLarge) reply.header("connection", "close");
    // What was typed on the page is kept (an oversized upload is cut short: the fields after it are lost).
    if (Object.keys(typed).length > 0 && !completing) await requests.saveStep(accountId, id, 5, typed, "enregistrer");
    if (!outcome) {
      if (tooLarge) return back({ target: "additional", error: DOCUMENT_ERRORS.size });
      return back({ target: pressed === "complementaire" ? "additional" : pressed || "additional", error: "Choisissez un fichier à joindre." });
    }
    const { result, target } = outcome;
    if (result.kind === "refused") return back({ target, error: result.error });
    if (result.kind !== "ok") return notFound(reply);
    // With an antivirus, a file is « valide » only once scanned: until then it is shown « Analyse en cours ».
    const notice =
      result.document.scanStatus === "pending"
        ? `« ${result.document.fileName} » : fichier reçu, analyse antivirus en cours.`
        : `« ${result.document.fileName} » : document valide.`;
    return back({ notice, ...(skipped ? { target: skipped === "complementaire" ? "additional" : skipped, error: ONE_FILE_AT_A_TIME } : {}) });
  });

  // The upload's address, opened (an old bookmark, a reload after a refusal): back to the step.
  app.get("/demandes/:id/pieces", async (request, reply) => reply.redirect(`/demandes/${params(request).id}/etape/5`, 303));

  app.get("/demandes/:id/pieces/:doc", async (request, reply) => {
    const { id, doc } = params(request);
    const opened = await requests.openDocument(request.session.accountId!, id, doc!);
    if (!opened) return notFound(reply);
    // Shown in the browser: sandboxed (no script of a PDF or anything else runs with the
    // service's origin, issue 6) on top of the site's policy (set on every reply by security/headers.ts).
    const policy = reply.getHeader("content-security-policy");
    return reply
      .type(opened.document.mime)
      .header("content-disposition", `inline; filename="${opened.document.fileName.replace(/[^\w.() -]/g, "_")}"`)
      .header("cache-control", "private, no-store")
      .header("content-security-policy", typeof policy === "string" && policy ? `${policy}; sandbox` : "sandbox")
      .header("x-content-type-options", "nosniff")
      .send(opened.content);
  });

  app.post("/demandes/:id/pieces/:doc/supprimer", async (request, reply) => {
    const { id, doc } = params(request);
    if ((await requests.find(request.session.accountId!, id))?.state === "a_completer") {
      if (!(await requests.completion.removeDocument(request.session.accountId!, id, doc!))) return notFound(reply);
      request.session.flash = "Le fichier a été supprimé.";
      return reply.redirect(`/demandes/${id}/completer`, 303);
    }
    if (!(await requests.removeDocument(request.session.accountId!, id, doc!))) return notFound(reply);
    // "Supprimer" belongs to step 5's form: what is typed there (stamp number, comments) is kept.
    const typed = stepFiveAnswers(formInput(request));
    delete typed._csrf;
    if (Object.keys(typed).length > 0) await requests.saveStep(request.session.accountId!, id, 5, typed, "enregistrer");
    request.session.flash = "Le fichier a été supprimé.";
    return reply.redirect(`/demandes/${id}/etape/5`, 303);
  });

  /* ---- Sending ---- */

  app.post("/demandes/:id/envoyer", async (request, reply) => {
    const { id } = params(request);
    const draft = await requests.draft(request.session.accountId!, id);
    if (!draft) return notFound(reply);
    if (field(formInput(request), "attestation") !== "oui") {
      return renderStep(request, reply, draft, 6, { errors: { attestation: "Cochez la case pour attester sur l'honneur que les informations fournies sont exactes." } }, 400);
    }
    const outcome = await requests.send(await account(request), id);
    if (outcome.kind === "not_found") return notFound(reply);
    if (outcome.kind === "incomplete") {
      const fresh = await requests.draft(request.session.accountId!, id);
      if (!fresh) return notFound(reply);
      return renderStep(request, reply, fresh, outcome.step, outcome.errors ? { errors: outcome.errors } : {}, 409);
    }
    return reply.redirect(`/demandes/${id}/etape/7`, 303);
  });

  /* ---- The request's page, its PDFs, deleting a draft ---- */

  /** The life of a request as its page shows it (SPEC §4): state, history, actions, motive, items, documents. */
  async function lifeOf(row: RequestRow, classicPhoto: boolean): Promise<RequestLife> {
    const state: RequestState = isRequestState(row.state) ? row.state : "brouillon";
    const meaning = REQUEST_STATES[state];
    const [events, items] = await Promise.all([
      state === "brouillon" ? Promise.resolve([]) : requests.history(row.id),
      state === "a_completer" ? requests.completion.items(row.id) : Promise.resolve([]),
    ]);
    const motif = motifInfo(row.motif);
    const last = events.at(-1);
    const rejected = (state === "rejet_images" || state === "rejet_instruction") && last?.toState === state;
    const documents = downloadableDocuments({ state, motifId: row.motif, classicPhoto }).flatMap((kind) => {
      const path = DOCUMENT_PATHS[kind];
      // The attestation d'inscription needs the NEPH; without it (never seen) it is not offered.
      if (kind === "attestation_inscription" && !row.neph) return [];
      return [{ label: DOCUMENT_LABELS[kind], href: `/demandes/${row.id}/${path}` }];
    });
    return {
      state,
      label: meaning.label,
      meaning: meaning.meaning,
      version: row.version,
      actions: userActions(state),
      history: events.map((e) => ({
        at: e.at,
        label: isRequestState(e.toState) ? REQUEST_STATES[e.toState].label : e.toState,
        motive: e.motive ? motiveLabel(e.motive) : undefined,
      })),
      rejection: rejected ? { motive: last.motive ? motiveLabel(last.motive) : undefined, message: last.message ?? undefined } : undefined,
      completion: items.map((i) => ({
        item: i.item,
        label: completionItemLabel(i.item),
        reason: i.reason,
        changed: i.changedAt !== null,
        href: completionHref(row.id, i.item),
      })),
      documents,
      neph: state === "validee" && row.neph ? displayNeph(row.neph) : undefined,
      // A loss (the motif whose validation gives the attestation de droits à conduire): no driving until then (seed 004).
      mayNotDrive: state !== "brouillon" && state !== "validee" && downloadableDocuments({ state: "validee", motifId: row.motif, classicPhoto: false }).includes("attestation_droits"),
      titleSent: state === "validee" && motif !== undefined && !NOT_TITLES.includes(motif.group),
    };
  }

  async function renderRequestPage(request: FastifyRequest, reply: FastifyReply, row: RequestRow, extra: { errors?: FieldErrors; status?: number } = {}) {
    const id = row.id;
    const sent = frozenContent(row);
    const draft = sent ? undefined : await requests.draft(request.session.accountId!, id);
    const content = sent ?? requests.content(draft!);
    const documents = draft?.documents ?? (await requests.documentsOf(id));
    const life = await lifeOf(row, content.photo?.option === "classique");
    return sendPage(
      reply,
      <RequestPage
        ctx={ctx(request, reply)}
        id={id}
        number={row.number}
        createdAt={row.createdAt}
        sentAt={row.sentAt}
        deletionDate={deletionDate(row.createdAt)}
        sections={summarize(content)}
        documents={documents.map((d) => ({ id: d.id, label: `${isPieceId(d.piece) ? PIECE_TYPES[d.piece].label : d.piece} : ${d.fileName}` }))}
        life={life}
        notice={takeFlash(request)}
        errors={extra.errors}
      />,
      extra.status ?? 200,
    );
  }

  app.get("/demandes/:id", async (request, reply) => {
    const { id } = params(request);
    const row = await requests.find(request.session.accountId!, id);
    if (!row) return notFound(reply);
    return renderRequestPage(request, reply, row);
  });

  for (const [path, make, onlyClassic] of [
    ["recepisse.pdf", receiptPdf, false],
    ["formulaire-photo.pdf", depositFormPdf, true],
  ] as const) {
    app.get(`/demandes/:id/${path}`, async (request, reply) => {
      const { id } = params(request);
      const row = await requests.find(request.session.accountId!, id);
      const sent = row ? frozenContent(row) : undefined;
      if (!sent || (onlyClassic && sent.photo?.option !== "classique")) return notFound(reply);
      const pdf = await make(sent);
      return sendPdf(reply, `${path.replace(".pdf", "")}-${sent.number}.pdf`, pdf);
    });
  }

  /** The attestations (issue 9 §4), each offered only when the request's state and motif give it (downloadableDocuments). */
  for (const kind of ["attestation_inscription", "attestation_droits", "attestation_depot"] as const) {
    const path = DOCUMENT_PATHS[kind];
    app.get(`/demandes/:id/${path}`, async (request, reply) => {
      const { id } = params(request);
      const row = await requests.find(request.session.accountId!, id);
      const sent = row ? frozenContent(row) : undefined;
      if (!row || !sent || !isRequestState(row.state)) return notFound(reply);
      if (!downloadableDocuments({ state: row.state, motifId: row.motif, classicPhoto: sent.photo?.option === "classique" }).includes(kind)) return notFound(reply);
      const decidedAt = row.decidedAt ?? row.stateChangedAt ?? sent.sentAt;
      let pdf: Uint8Array;
      if (kind === "attestation_inscription") {
        if (!row.neph) return notFound(reply);
        pdf = await attestationInscription(sent, row.neph, decidedAt);
      } else if (kind === "attestation_droits") pdf = await attestationDroits(sent, decidedAt);
      else pdf = await attestationDepot(sent);
      return sendPdf(reply, `${path.replace(".pdf", "")}-${sent.number}.pdf`, pdf);
    });
  }

  /* ---- "A compléter": change only what the agent ticked, then "Renvoyer ma demande" ---- */

  async function renderCompletion(request: FastifyRequest, reply: FastifyReply, view: CompletionView, extra: { errors?: FieldErrors; notice?: string | undefined } = {}, status = 200) {
    const { row, draft } = view;
    const service = requests.completion;
    const infected = Object.fromEntries(draft.documents.filter((d) => d.scanStatus === "infected" && !d.additional).map((d) => [`piece-${d.piece}`, ANTIVIRUS_MESSAGES.infected(d.fileName)]));
    const pieces = draft.pieces
      .filter((piece) => piece.kind === "file" && service.pieceOpen(view, piece.id))
      .map((piece) => {
        const item = view.items.find((i) => i.item === piece.id);
        return {
          id: piece.id,
          label: piece.label,
          maxPages: piece.maxPages,
          pages: piece.pages,
          item: piece.id,
          reason: item?.reason,
          changed: Boolean(item?.changedAt),
          files: piece.files.map((f) => ({ id: f.id, name: f.fileName, pages: f.pages, scan: scanView(f), advice: readabilityAdvice(f) })),
        };
      });
    return sendPage(
      reply,
      <CompletionPage
        ctx={ctx(request, reply)}
        id={row.id}
        number={row.number ?? ""}
        version={row.version}
        items={view.items.map((i) => ({ item: i.item, label: completionItemLabel(i.item), reason: i.reason, changed: i.changedAt !== null, href: completionHref(row.id, i.item) }))}
        pieces={pieces}
        errors={{ ...infected, ...(extra.errors ?? {}) }}
        notice={extra.notice}
      />,
      status,
    );
  }

  app.get("/demandes/:id/completer", async (request, reply) => {
    const { id } = params(request);
    const view = await requests.completion.open(request.session.accountId!, id);
    if (!view) {
      // Not (or no longer) to complete: its page says where it is.
      return (await requests.find(request.session.accountId!, id)) ? reply.redirect(`/demandes/${id}`, 303) : notFound(reply);
    }
    const upload = request.session.upload;
    delete request.session.upload;
    const errors = upload?.target && upload.error ? { [upload.target === "additional" ? "upload-additional" : `piece-${upload.target}`]: upload.error } : {};
    return renderCompletion(request, reply, view, { errors, notice: upload?.notice ?? takeFlash(request) });
  });

  // The completion page's own form holds only the upload and removal buttons, which name their action.
  app.post("/demandes/:id/completer", async (request, reply) => reply.redirect(`/demandes/${params(request).id}/completer`, 303));

  app.post("/demandes/:id/renvoyer", async (request, reply) => {
    const { id } = params(request);
    const raw = field(formInput(request), "version");
    const version = /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
    const outcome = await requests.completion.resend(request.session.accountId!, id, version);
    if (outcome.kind === "not_found") {
      const row = await requests.find(request.session.accountId!, id);
      return row ? renderRequestPage(request, reply, row, { errors: { actions: STALE_MESSAGE }, status: 409 }) : notFound(reply);
    }
    if (outcome.kind === "done") {
      request.session.flash = COMPLETION_MESSAGES.resent;
      return reply.redirect(`/demandes/${id}`, 303);
    }
    const view = await requests.completion.open(request.session.accountId!, id);
    if (!view) return notFound(reply);
    return renderCompletion(request, reply, view, { errors: outcome.kind === "stale" ? { actions: STALE_MESSAGE } : outcome.errors }, 409);
  });

  /* ---- "Faire une nouvelle demande" after a rejection ---- */

  app.post("/demandes/:id/nouvelle-demande", async (request, reply) => {
    const { id } = params(request);
    const outcome = await requests.completion.newFromRejected(await account(request), id);
    if (outcome.kind === "created") return reply.redirect(`/demandes/${outcome.id}/etape/1`, 303);
    const row = await requests.find(request.session.accountId!, id);
    if (!row || outcome.kind === "not_found") return row ? reply.redirect(`/demandes/${id}`, 303) : notFound(reply);
    const error = outcome.kind === "quota" ? outcome.error : Object.values(outcome.errors)[0];
    return renderRequestPage(request, reply, row, { errors: { "nouvelle-demande": error }, status: 409 });
  });

  app.get("/demandes/:id/supprimer", async (request, reply) => {
    const { id } = params(request);
    const draft = await requests.draft(request.session.accountId!, id);
    if (!draft) return notFound(reply);
    return sendPage(reply, <DeleteDraftPage ctx={ctx(request, reply)} id={id} label={draft.motif.summary} />);
  });

  app.post("/demandes/:id/supprimer", async (request, reply) => {
    const { id } = params(request);
    if (!(await requests.deleteDraft(request.session.accountId!, id))) return notFound(reply);
    request.session.flash = "Le brouillon a été supprimé.";
    return reply.redirect("/mon-espace", 303);
  });
}

