import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import multipart from "@fastify/multipart";
import { field, type FieldErrors } from "../../domain/forms.ts";
import { POUR } from "../../domain/request/motifs.ts";
import { PIECE_TYPES, isPieceId } from "../../domain/request/pieces.ts";
import { deletionDate, REQUEST_STATES, isRequestState } from "../../domain/request/state.ts";
import { firstNameCount } from "../../domain/request/steps.ts";
import { summarize } from "../../domain/request/summary.ts";
import { isStepNumber, type EditableStep, type StepNumber } from "../../domain/request/wizard.ts";
import type { Account } from "../../db/repositories/accounts.ts";
import { MAX_DOCUMENT_BYTES } from "../../services/documents.ts";
import { depositFormPdf, receiptPdf } from "../../services/pdf.ts";
import { frozenContent, MAX_ADDITIONAL_PIECES, type Draft } from "../../services/requests.ts";
import type { WebDeps } from "../deps.ts";
import { formInput, pageContext, sendPage } from "../http.ts";
import { requireSignedIn } from "../security/session.ts";
import { DeleteDraftPage, RequestPage } from "../views/pages/requests.tsx";
import { MotifChoicePage, Step1Page, Step2Page, Step3Page, Step4Page, Step5Page, Step6Page, Step7Page, type MultiValues } from "../views/pages/wizard.tsx";

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
    extra: { errors?: FieldErrors; notice?: string | undefined; upload?: { target: string; error: string } } = {},
    status = 200,
  ) {
    const c = ctx(request, reply);
    const id = draft.row.id;
    const values = (draft.raw[`step${step}`] ?? {}) as MultiValues;
    const common = { ctx: c, requestId: id, errors: extra.errors ?? {}, notice: extra.notice, values };
    switch (step) {
      case 1:
        return sendPage(reply, <Step1Page {...common} motif={draft.motif} pourLabel={POUR.find((p) => p.value === draft.choice.pour)!.label} />, status);
      case 2:
        return sendPage(
          reply,
          <Step2Page {...common} withRepresentative={draft.choice.pour !== "majeur"} countries={countries} departements={departements} firstNames={firstNameCount(draft.raw.step2 ?? {})} />,
          status,
        );
      case 3:
        return sendPage(reply, <Step3Page {...common} prefectures={prefectures} forSomeoneElse={draft.choice.beneficiaire === "tiers"} />, status);
      case 4:
        return sendPage(reply, <Step4Page {...common} />, status);
      case 5:
        return sendPage(
          reply,
          <Step5Page
            {...common}
            pieces={draft.pieces.map((p) => ({ ...p, files: p.files.map((f) => ({ id: f.id, name: f.fileName, pages: f.pages })) }))}
            additional={draft.additional.map((f) => ({ id: f.id, name: f.fileName, pages: f.pages, label: isPieceId(f.piece) ? PIECE_TYPES[f.piece].label : f.piece }))}
            maxAdditional={MAX_ADDITIONAL_PIECES}
            upload={extra.upload}
          />,
          status,
        );
      case 6:
        return sendPage(reply, <Step6Page ctx={c} requestId={id} sections={summarize(requests.content(draft))} errors={extra.errors ?? {}} />, status);
      default:
        return notFound(reply);
    }
  }

  /* ---- Step 1, first form: the motif creates the draft ---- */

  app.get("/demandes/nouvelle", async (request, reply) => {
    const me = await account(request);
    const values: MultiValues = me.kind === "particulier" ? { beneficiaire: "moi" } : {};
    return sendPage(reply, <MotifChoicePage ctx={ctx(request, reply)} professional={me.kind === "professionnel"} values={values} />);
  });

  app.post("/demandes/nouvelle", async (request, reply) => {
    const me = await account(request);
    const input = formInput(request);
    const result = await requests.create(me, input);
    if (result.kind === "invalid") {
      return sendPage(reply, <MotifChoicePage ctx={ctx(request, reply)} professional={me.kind === "professionnel"} errors={result.errors} values={input as MultiValues} />, 400);
    }
    return reply.redirect(`/demandes/${result.id}/etape/1`, 303);
  });

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
    if (row.state !== "brouillon") {
      if (step !== 7) return reply.redirect(`/demandes/${id}`, 303);
      const sent = frozenContent(row)!;
      return sendPage(reply, <Step7Page ctx={ctx(request, reply)} requestId={id} number={sent.number} email={sent.adresse!.email} classicPhoto={sent.photo?.option === "classique"} />);
    }
    const draft = (await requests.draft(request.session.accountId!, id))!;
    const access = requests.access(draft, step);
    if (access.kind === "redirect") return reply.redirect(`/demandes/${id}/etape/${access.step}`, 303);
    return renderStep(request, reply, draft, step, { notice: takeFlash(request) });
  });

  app.post("/demandes/:id/etape/:step", async (request, reply) => {
    const { id, step: stepText } = params(request);
    const step = Number(stepText);
    if (!isStepNumber(step) || step > 5) return notFound(reply);
    const input = formInput(request);
    const action = field(input, "action") || "suivant";
    const outcome = await requests.saveStep(request.session.accountId!, id, step as EditableStep, input, action);
    if (outcome.kind === "not_found") return notFound(reply);
    if (outcome.kind === "next") return reply.redirect(`/demandes/${id}/etape/${outcome.step}`, 303);
    const draft = (await requests.draft(request.session.accountId!, id))!;
    return renderStep(request, reply, draft, step, { errors: outcome.errors ?? {}, notice: outcome.notice }, outcome.errors ? 400 : 200);
  });

  /* ---- Documents ---- */

  app.post("/demandes/:id/pieces", async (request, reply) => {
    const { id } = params(request);
    let file;
    try {
      file = await request.file();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "FST_INVALID_MULTIPART_CONTENT_TYPE") {
        return sendUploadError(request, reply, id, "", "Le fichier doit être envoyé avec le formulaire de la page (format multipart/form-data).", 415);
      }
      throw error;
    }
    if (!file) return sendUploadError(request, reply, id, "", "Choisissez un fichier à joindre.", 400);
    const fields = file.fields as Record<string, { value?: unknown } | undefined>;
    const piece = String(fields.piece?.value ?? "");
    const additional = fields.additional?.value === "oui";
    const outcome = await requests.addDocument(request.session.accountId!, id, { piece, additional }, file.filename, file.file);
    if (outcome.kind === "not_found") return notFound(reply);
    if (outcome.kind === "refused") {
      const tooLarge = file.file.truncated;
      // The rest of an oversized upload is not read: the connection is closed after the answer.
      if (tooLarge) reply.header("connection", "close");
      return sendUploadError(request, reply, id, additional ? "additional" : piece, outcome.error, tooLarge ? 413 : 400);
    }
    request.session.flash = `« ${outcome.document.fileName} » : document valide.`;
    return reply.redirect(`/demandes/${id}/etape/5`, 303);
  });

  async function sendUploadError(request: FastifyRequest, reply: FastifyReply, id: string, target: string, error: string, status: number) {
    const draft = await requests.draft(request.session.accountId!, id);
    if (!draft) return notFound(reply);
    return renderStep(request, reply, draft, 5, { upload: { target: target || "additional", error } }, status);
  }

  app.get("/demandes/:id/pieces/:doc", async (request, reply) => {
    const { id, doc } = params(request);
    const opened = await requests.openDocument(request.session.accountId!, id, doc!);
    if (!opened) return notFound(reply);
    return reply
      .type(opened.document.mime)
      .header("content-disposition", `inline; filename="${opened.document.fileName.replace(/[^\w.() -]/g, "_")}"`)
      .header("cache-control", "private, no-store")
      .send(opened.content);
  });

  app.post("/demandes/:id/pieces/:doc/supprimer", async (request, reply) => {
    const { id, doc } = params(request);
    if (!(await requests.removeDocument(request.session.accountId!, id, doc!))) return notFound(reply);
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

  app.get("/demandes/:id", async (request, reply) => {
    const { id } = params(request);
    const row = await requests.find(request.session.accountId!, id);
    if (!row) return notFound(reply);
    const sent = frozenContent(row);
    const draft = sent ? undefined : await requests.draft(request.session.accountId!, id);
    const content = sent ?? requests.content(draft!);
    const state = isRequestState(row.state) ? REQUEST_STATES[row.state] : REQUEST_STATES.brouillon;
    const documents = draft?.documents ?? (await requests.documentsOf(id));
    return sendPage(
      reply,
      <RequestPage
        ctx={ctx(request, reply)}
        id={id}
        number={row.number}
        state={state.label}
        stateMeaning={state.meaning}
        createdAt={row.createdAt}
        sentAt={row.sentAt}
        deletionDate={deletionDate(row.createdAt)}
        sections={summarize(content)}
        documents={documents.map((d) => ({ id: d.id, label: `${isPieceId(d.piece) ? PIECE_TYPES[d.piece].label : d.piece} : ${d.fileName}` }))}
        classicPhoto={content.photo?.option === "classique"}
        sent={Boolean(sent)}
      />,
    );
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
      const name = `${path.replace(".pdf", "")}-${sent.number}.pdf`;
      return reply.type("application/pdf").header("content-disposition", `attachment; filename="${name}"`).header("cache-control", "private, no-store").send(Buffer.from(pdf));
    });
  }

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

