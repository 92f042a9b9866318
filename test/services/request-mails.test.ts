import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mayReceiveOptionalMessages } from "../../src/domain/request/messages.ts";
import { accounts, requests } from "../../src/db/schema.ts";
import { requestMail, type RequestMailFacts } from "../../src/services/mails.tsx";
import { frozenContent } from "../../src/services/requests/index.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { pdf, PNG, stamp, STEP1_PERTE, STEP2, STEP3 } from "../helpers/requests.ts";

/**
 * The mails of a request: the consent of step 3 respected, and a request made for someone else
 * mailed to that person without a link they could not open, saying who filed it and how it is followed.
 */
const FACTS: RequestMailFacts = { number: "PC-2026-0000042", motif: "La demande du titre est effectuée à la suite de la perte du précédent titre.", optionalMessages: true };
const URL = "http://permis.test/demandes/4f1c2b9e-0000-4000-8000-000000000000";

describe("requestMail", () => {
  it("to the account holder: the link to the request's page", () => {
    const m = requestMail("sylvie@example.fr", "envoyee", { ...FACTS, url: URL })!;
    expect(m.text).toContain(URL);
    expect(m.html).toContain(`href="${URL}"`);
    expect(m.subject).toMatch(/^Votre demande n° PC-2026-0000042 a bien été envoyée/);
  });

  it.each(["envoyee", "a_completer", "validee", "en_instruction"] as const)("%s to the person filed for: who filed, how it is followed, and no link", (message) => {
    const m = requestMail("voisine@example.fr", message, { ...FACTS, filedBy: "Sylvie Dupont" })!;
    expect(m.text).toContain("Cette demande a été faite pour vous par Sylvie Dupont");
    expect(m.text).toContain("C'est cette personne qui la suit");
    expect(m.text).not.toMatch(/https?:\/\//);
    expect(m.html).not.toContain("<a ");
  });

  it.each<{ message: Parameters<typeof requestMail>[1]; sent: boolean }>([
    { message: "envoyee", sent: true },
    { message: "verification_images", sent: false },
    { message: "en_instruction", sent: false },
    { message: "a_completer", sent: true },
    { message: "rejet_images", sent: true },
    { message: "rejet_instruction", sent: true },
    { message: "validee", sent: true },
    { message: "attestation_droits", sent: true },
  ])("without consent, $message is sent: $sent", ({ message, sent }) => {
    expect(requestMail("x@example.fr", message, { ...FACTS, optionalMessages: false }) !== undefined).toBe(sent);
    expect(requestMail("x@example.fr", message, FACTS)).toBeDefined();
  });

  it("the confirmation tells which mails will follow", () => {
    expect(requestMail("x@example.fr", "envoyee", FACTS)!.text).toContain("Vous serez informé par mél de chaque étape de son traitement");
    expect(requestMail("x@example.fr", "envoyee", { ...FACTS, optionalMessages: false })!.text).toContain("quand la demande nécessitera une action et de la décision prise");
  });
});

describe("sending a request (RequestService.send)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function sentRequest(email: string, beneficiaire: "moi" | "tiers", step3: Record<string, string>) {
    const [account] = await t.db.db.insert(accounts).values({ kind: "particulier", status: "active", familyName: "Dupont", givenName: "Sylvie", email }).returning();
    const created = await t.services.requests.create(account!, { beneficiaire, pour: "majeur", group: "fabrication", fabrication: "perte" });
    if (created.kind !== "created") throw new Error(`not created: ${JSON.stringify(created)}`);
    const id = created.id;
    const r = t.services.requests;
    for (const [step, input] of [
      [1, STEP1_PERTE],
      [2, STEP2],
      [3, { ...STEP3, ...step3 }],
      [4, { photoOption: "classique", action: "suivant" }],
    ] as const) {
      const outcome = await r.saveStep(account!.id, id, step, input, "suivant");
      expect(outcome, `step ${step}`).toEqual({ kind: "next", step: step + 1 });
    }
    expect((await r.addDocument(account!.id, id, { piece: "identite", additional: false }, "cni.pdf", Readable.from([await pdf(2)]))).kind).toBe("ok");
    expect((await r.addDocument(account!.id, id, { piece: "domicile", additional: false }, "facture.png", Readable.from([PNG]))).kind).toBe("ok");
    expect(await r.saveStep(account!.id, id, 5, { numeroTimbre: await stamp(t), action: "suivant" }, "suivant")).toEqual({ kind: "next", step: 6 });
    const sent = await r.send(account!, id);
    expect(sent.kind).toBe("sent");
    const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
    return { id, row: row! };
  }

  it("for someone else: mailed to that person, saying who filed it, with no link", async () => {
    const third = "voisine.sans.internet@example.fr";
    const { id, row } = await sentRequest("sylvie.tiers@example.fr", "tiers", { email: third, consentement: "oui" });
    const [mail] = await t.mailsTo(third);
    expect(mail!.bodyText).toContain("Cette demande a été faite pour vous par Sylvie Dupont");
    expect(mail!.bodyText).not.toContain(id);
    expect(mail!.bodyText).not.toMatch(/https?:\/\//);
    expect(mail!.bodyHtml).not.toContain("<a ");
    expect(mayReceiveOptionalMessages(frozenContent(row)!)).toBe(true);
  });

  it("for oneself: the link to the request's page", async () => {
    const { id } = await sentRequest("sylvie.moi@example.fr", "moi", { email: "sylvie.contact@example.fr" });
    const [mail] = await t.mailsTo("sylvie.contact@example.fr");
    expect(mail!.bodyText).toContain(`/demandes/${id}`);
  });

  it("keeps a « Non » to the consent in the frozen request, and the confirmation says only the necessary mails will follow", async () => {
    const { row } = await sentRequest("sylvie.non@example.fr", "moi", { email: "sylvie.non.contact@example.fr", consentement: "non" });
    expect(frozenContent(row)!.adresse!.consentement).toBe(false);
    expect(mayReceiveOptionalMessages(frozenContent(row)!)).toBe(false);
    const [mail] = await t.mailsTo("sylvie.non.contact@example.fr");
    expect(mail!.bodyText).toContain("quand la demande nécessitera une action et de la décision prise");
  });
});
