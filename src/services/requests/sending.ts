import type { Account } from "../../db/repositories/accounts.ts";
import { countUnsafeDocuments, findServiceOfPrefecture, freezeForSending, lockDraft, nextRequestNumber } from "../../db/repositories/requests.ts";
import type { FieldErrors } from "../../domain/forms.ts";
import { searchName } from "../../domain/request/queues.ts";
import { firstIncompleteStep, type StepNumber } from "../../domain/request/wizard.ts";
import { PHOTO_CODE_ERRORS } from "../photo-codes.ts";
import { STAMP_ERRORS } from "../stamps.ts";
import type { Drafts } from "./drafts.ts";
import type { RequestTransitions } from "./transition.ts";
import { RequestUseCase, type FrozenRequest, type RequestDeps, type SendOutcome } from "./model.ts";

/** Step 7: sending a complete draft to the administration. */
export class Sending extends RequestUseCase {
  constructor(
    deps: RequestDeps,
    private readonly drafts: Drafts,
    private readonly transitions: RequestTransitions,
  ) {
    super(deps);
  }

  /**
   * Step 7: in one transaction, checks the draft once more, consumes the stamp and the photo
   * code, assigns the number, freezes the content (and copies its préfecture, service and
   * searched name), then moves the request to "Envoyée" through transition("envoyer"), which
   * queues the confirmation.
   */
  async send(account: Account, id: string): Promise<SendOutcome> {
    const draft = await this.drafts.draft(account.id, id);
    if (!draft) return { kind: "not_found" };
    const first = firstIncompleteStep(draft.valid);
    if (first !== 6) return { kind: "incomplete", step: first, errors: this.drafts.errorsOf(draft, first) };
    const content = this.drafts.content(draft);
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
        // What the back-office routes, filters and searches on, copied from the frozen content.
        const prefectureId = adresse.prefecture.id;
        const serviceId = await findServiceOfPrefecture(tx, prefectureId);
        const nom = content.etatCivil?.nomNaissance;
        const copied = { prefectureId, serviceId, searchName: nom ? searchName(nom) : null };
        if (!(await freezeForSending(tx, id, { frozen, number, now, ...copied }))) throw new SendRefused(7);
        // The state changes through transition() only; it queues the confirmation (mail, SMS, notice) through the Notifier.
        const moved = await this.transitions.transition(tx, id, "envoyer", { kind: "usager", accountId: account.id }, {}, now);
        if (moved.kind !== "done") throw new SendRefused(7);
        return number;
      });
      this.transitions.kick();
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
