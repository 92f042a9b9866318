import { findOwnRequest, saveDraftData, type RawSteps, type RequestRow } from "../../db/repositories/requests.ts";
import type { RawInput } from "../../domain/forms.ts";
import { motifInfo, type MotifInfo } from "../../domain/request/motifs.ts";
import { firstNameCount, MAX_FIRST_NAMES, parseStep1, parseStep2, parseStep3, parseStep4 } from "../../domain/request/steps.ts";
import { stepAccess, type EditableStep, type StepNumber } from "../../domain/request/wizard.ts";
import { PHOTO_CODE_ERRORS } from "../photo-codes.ts";
import type { Drafts } from "./drafts.ts";
import { RequestUseCase, type Draft, type RequestDeps, type StepOutcome } from "./model.ts";

const DRAFT_SAVED = "Votre brouillon a été enregistré. Vous pouvez le reprendre plus tard depuis « MES DEMANDES EN COURS ».";

/** Keeps only the form's own fields (strings and lists of strings), never the CSRF token or the button. */
export function cleanInput(input: RawInput): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(input)) {
    if (k === "_csrf" || k === "action") continue;
    if (typeof v === "string") kept[k] = v.slice(0, 500);
    else if (Array.isArray(v)) kept[k] = v.filter((x): x is string => typeof x === "string").slice(0, 20).map((x) => x.slice(0, 500));
  }
  return kept;
}

/** Saving a draft's steps 1 to 5, and the wizard's guard on them. */
export class Steps extends RequestUseCase {
  constructor(
    deps: RequestDeps,
    private readonly drafts: Drafts,
  ) {
    super(deps);
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
    const draft = await this.drafts.derive({ ...row, data });
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
      return this.after(step, await this.drafts.derive({ ...row, data }));
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
}
