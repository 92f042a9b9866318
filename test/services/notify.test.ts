import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications, outbox, requests } from "../../src/db/schema.ts";
import { NOTICES, REQUEST_MESSAGE_NAMES, type RequestMessage } from "../../src/domain/request/messages.ts";
import { countSegments } from "../../src/domain/sms.ts";
import { Notifier } from "../../src/services/notify.ts";
import { testDatabase, type TestDatabase } from "../helpers/db.ts";
import { insertSentRequest } from "../helpers/notify.ts";

/** The Notifier writes exactly the rows the table of src/domain/request/messages.ts says, per event. */
let db: TestDatabase;
let kicks = 0;
const notifier = new Notifier({ request: (id) => `http://permis.test/demandes/${id}` }, () => kicks++);
const NOW = new Date("2026-07-01T10:00:00Z");

beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db.dispose());

async function rowsOf(requestId: string) {
  const messages = await db.db.select().from(outbox).where(eq(outbox.requestId, requestId)).orderBy(asc(outbox.id));
  const notices = await db.db.select().from(notifications).where(eq(notifications.requestId, requestId)).orderBy(asc(notifications.createdAt));
  return { messages, notices };
}

type Expected = { mail: "contact" | "account" | null; sms: boolean };
/** For each event: mail to whom (or none) and SMS, for a person who said « Oui » and gave a mobile. */
const WITH_CONSENT: Record<RequestMessage, Expected> = {
  envoyee: { mail: "contact", sms: true },
  verification_images: { mail: "contact", sms: true },
  en_instruction: { mail: "contact", sms: true },
  a_completer: { mail: "contact", sms: true },
  rejet_images: { mail: "contact", sms: true },
  rejet_instruction: { mail: "contact", sms: true },
  validee: { mail: "contact", sms: true },
  inscription_validee: { mail: "contact", sms: true },
  attestation_droits: { mail: "contact", sms: true },
  attestation_depot: { mail: "account", sms: false },
  suppression_proche: { mail: "account", sms: false },
};
const OPTIONAL: readonly RequestMessage[] = ["verification_images", "en_instruction"];

describe("Notifier.queue", () => {
  const cases = REQUEST_MESSAGE_NAMES.flatMap((event) =>
    [true, false].flatMap((consent) =>
      ["06 12 34 56 78", ""].map((telephone) => {
        const allowed = consent || !OPTIONAL.includes(event);
        const e = WITH_CONSENT[event];
        return { event, consent, telephone, mail: allowed ? e.mail : null, sms: allowed && e.sms && telephone !== "" };
      }),
    ),
  );

  it.each(cases)("$event, consent $consent, mobile « $telephone »: mail to $mail, SMS $sms, one notice", async ({ event, consent, telephone, mail, sms }) => {
    const { account, request, number, contactEmail } = await insertSentRequest(db.db, { consentement: consent, telephone });
    const queued = await db.db.transaction((tx) => notifier.queue(tx, { requestId: request.id, event, now: NOW }));
    const { messages, notices } = await rowsOf(request.id);
    expect(queued).toEqual({ mails: mail ? 1 : 0, sms: sms ? 1 : 0, notices: 1 });

    const mails = messages.filter((m) => m.channel === "mail");
    expect(mails.map((m) => m.recipient)).toEqual(mail === "contact" ? [contactEmail] : mail === "account" ? [account.email] : []);
    for (const m of mails) {
      expect(m.subject).toContain(number);
      expect(m.status).toBe("pending");
      expect(m.idempotencyKey).toBeNull();
    }

    const texts = messages.filter((m) => m.channel === "sms");
    expect(texts.map((m) => m.recipient)).toEqual(sms ? ["+33612345678"] : []);
    for (const m of texts) {
      expect(m.bodyText).toContain(number);
      expect(m.segments).toBe(countSegments(m.bodyText).segments);
      expect(m.idempotencyKey).toMatch(/^sms-[0-9a-f-]{36}$/);
    }

    expect(notices.map((n) => ({ accountId: n.accountId, event: n.event, message: n.message }))).toEqual([
      { accountId: account.id, event, message: NOTICES[event]({ number, deletionDay: "01/12/2026" }) },
    ]);
  });

  it("a request made for someone else: the contact's mail says who filed it and has no link; the account's mails keep theirs", async () => {
    const { request, contactEmail, account } = await insertSentRequest(db.db, { beneficiaire: "tiers", telephone: "0756123456", motifId: "permis_international" });
    await db.db.transaction(async (tx) => {
      await notifier.queue(tx, { requestId: request.id, event: "validee", now: NOW });
      await notifier.queue(tx, { requestId: request.id, event: "attestation_depot", now: NOW });
    });
    const { messages } = await rowsOf(request.id);
    const toContact = messages.find((m) => m.channel === "mail" && m.recipient === contactEmail)!;
    expect(toContact.bodyText).toContain("Cette demande a été faite pour vous par Sylvie Dupont");
    expect(toContact.bodyText).not.toMatch(/https?:\/\//);
    const toAccount = messages.find((m) => m.channel === "mail" && m.recipient === account.email)!;
    expect(toAccount.bodyText).toContain(`http://permis.test/demandes/${request.id}`);
    expect(toAccount.bodyText).toContain("à joindre à votre demande par courrier papier");
    expect(messages.find((m) => m.channel === "sms")!.recipient).toBe("+33756123456");
  });

  it("a request made for someone else (a driving school's client): the filer is told it was recorded; not when made for oneself", async () => {
    const { request, contactEmail, account, number } = await insertSentRequest(db.db, { beneficiaire: "tiers", motifId: "inscription.premier_permis" });
    await db.db.update(requests).set({ frozen: sql`jsonb_set(${requests.frozen}, '{content,etatCivil}', '{"prenoms":["Léa","Marie"],"nomNaissance":"MARTIN","nomUsage":""}'::jsonb)` }).where(eq(requests.id, request.id));
    expect(await db.db.transaction((tx) => notifier.queue(tx, { requestId: request.id, event: "envoyee", now: NOW }))).toMatchObject({ mails: 2 });
    const { messages } = await rowsOf(request.id);
    const toFiler = messages.find((m) => m.channel === "mail" && m.recipient === account.email)!;
    expect(toFiler.subject).toBe(`La demande n° ${number} a bien été enregistrée — Permis de conduire`);
    expect(toFiler.bodyText).toContain("La demande que vous avez faite pour Léa MARTIN a bien été enregistrée et envoyée à l'administration.");
    expect(toFiler.bodyText).toContain(`http://permis.test/demandes/${request.id}`);
    expect(messages.find((m) => m.channel === "mail" && m.recipient === contactEmail)!.bodyText).toContain("Cette demande a été faite pour vous par Sylvie Dupont");
    // Later events go to the person only (the filer follows them on the account home).
    await db.db.transaction((tx) => notifier.queue(tx, { requestId: request.id, event: "en_instruction", now: NOW }));
    expect((await rowsOf(request.id)).messages.filter((m) => m.channel === "mail" && m.recipient === account.email)).toHaveLength(1);

    const own = await insertSentRequest(db.db, { beneficiaire: "moi" });
    expect(await db.db.transaction((tx) => notifier.queue(tx, { requestId: own.request.id, event: "envoyee", now: NOW }))).toMatchObject({ mails: 1 });
  });

  it("a landline or a foreign number in step 3 gets no SMS", async () => {
    for (const telephone of ["0142424242", "+447700900123"]) {
      const { request } = await insertSentRequest(db.db, { telephone });
      const queued = await db.db.transaction((tx) => notifier.queue(tx, { requestId: request.id, event: "validee", now: NOW }));
      expect(queued.sms).toBe(0);
    }
  });

  it("the deletion notice lists the documents to download and the day", async () => {
    const { request, account } = await insertSentRequest(db.db, { photoOption: "classique", state: "validee", motifId: "fabrication.perte" });
    await db.db.transaction((tx) => notifier.queue(tx, { requestId: request.id, event: "suppression_proche", now: NOW }));
    const [mail] = (await rowsOf(request.id)).messages;
    expect(mail!.recipient).toBe(account.email);
    expect(mail!.bodyText).toContain("01/12/2026");
    for (const label of ["Récépissé de dépôt de la demande", "Formulaire de dépôt de photo et de signature pour numérisation", "Attestation de droits à conduire"]) {
      expect(mail!.bodyText).toContain(`- ${label}`);
    }
  });

  it("nothing for a draft or an unknown request, and nothing is written when the transaction rolls back", async () => {
    const { request } = await insertSentRequest(db.db, { state: "envoyee" });
    await expect(
      db.db.transaction(async (tx) => {
        await notifier.queue(tx, { requestId: request.id, event: "envoyee", now: NOW });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await rowsOf(request.id)).toEqual({ messages: [], notices: [] });
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await db.db.transaction((tx) => notifier.queue(tx, { requestId: unknown, event: "envoyee", now: NOW }))).toEqual({ mails: 0, sms: 0, notices: 0 });
  });

  it("with SMS off (production without SMS_URL), mails and notices only", async () => {
    const { request } = await insertSentRequest(db.db, { telephone: "0612345678" });
    const off = new Notifier({ request: (id) => `http://permis.test/demandes/${id}` }, () => {}, { sms: false });
    expect(await db.db.transaction((tx) => off.queue(tx, { requestId: request.id, event: "validee", now: NOW }))).toEqual({ mails: 1, sms: 0, notices: 1 });
  });

  it("queueTransition queues the events of the transition for the request's motif", async () => {
    const { request } = await insertSentRequest(db.db, { motifId: "fabrication.perte", telephone: "0612345678", state: "validee" });
    const events = await db.db.transaction((tx) => notifier.queueTransition(tx, { requestId: request.id, transition: "valider", now: NOW }));
    expect(events).toEqual(["validee", "attestation_droits"]);
    const { messages, notices } = await rowsOf(request.id);
    expect(notices.map((n) => n.event).sort()).toEqual(["attestation_droits", "validee"]);
    expect(messages.filter((m) => m.channel === "sms")).toHaveLength(2);
    expect(messages.filter((m) => m.channel === "mail")).toHaveLength(2);
    const before = kicks;
    notifier.kick();
    expect(kicks).toBe(before + 1);
  });
});
