import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../../src/db/schema.ts";
import { signSmsCallback, SMS_CALLBACK_BODY_LIMIT } from "../../src/web/partners/sms-callback.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { insertSentRequest } from "../helpers/notify.ts";

/** The provider's delivery reports: signed (HMAC-SHA256 of the raw body), bounded, by provider id. */
const SECRET = "secret-de-rappel-sms-0123456789-abcdef";
let t: TestApp;
let providerId: string;
let rowId: number;

beforeAll(async () => {
  t = await startTestApp({ env: { SMS_CALLBACK_SECRET: SECRET } });
  const { request } = await insertSentRequest(t.db.db, { telephone: "0612345678" });
  await t.db.db.transaction((tx) => t.services.notifier.queue(tx, { requestId: request.id, event: "validee", now: new Date() }));
  await t.services.outbox.runOnce(); // the development sink accepts it and gives it an id
  const sms = (await t.db.db.select().from(outbox).where(eq(outbox.requestId, request.id))).find((r) => r.channel === "sms")!;
  providerId = sms.providerMessageId!;
  rowId = sms.id;
  expect(sms.deliveryStatus).toBe("accepted");
});
afterAll(() => t.close());

const post = (body: string, signature: string | undefined, contentType = "application/json") =>
  t.app.inject({
    method: "POST",
    url: "/sms/statut",
    headers: { "content-type": contentType, ...(signature !== undefined ? { "x-signature": signature } : {}) },
    payload: body,
  });

const statusOf = async () => (await t.db.db.select().from(outbox).where(eq(outbox.id, rowId)))[0]!;

describe("POST /sms/statut", () => {
  it.each<{ name: string; signature: (body: string) => string | undefined }>([
    { name: "no signature", signature: () => undefined },
    { name: "an empty signature", signature: () => "" },
    { name: "signed with another secret", signature: (b) => signSmsCallback("un-autre-secret-qui-ne-convient-pas-0000", b) },
    { name: "the signature of another body", signature: () => signSmsCallback(SECRET, '{"id":"x","status":"failed"}') },
    { name: "a truncated signature", signature: (b) => signSmsCallback(SECRET, b).slice(0, -2) },
    { name: "the bare hex without its prefix", signature: (b) => signSmsCallback(SECRET, b).slice("sha256=".length) },
  ])("refuses $name (401) and changes nothing", async ({ signature }) => {
    const body = JSON.stringify({ id: providerId, status: "failed" });
    const response = await post(body, signature(body));
    expect(response.statusCode).toBe(401);
    expect((await statusOf()).deliveryStatus).toBe("accepted");
  });

  it("a good signature updates the delivery status, and a late « accepted » does not hide it", async () => {
    const at = "2026-07-01T10:05:00.000Z";
    const body = JSON.stringify({ id: providerId, status: "delivered", at });
    const response = await post(body, signSmsCallback(SECRET, body));
    expect(response.statusCode).toBe(204);
    let row = await statusOf();
    expect(row.deliveryStatus).toBe("delivered");
    expect(row.deliveryAt!.toISOString()).toBe(at);

    const late = JSON.stringify({ id: providerId, status: "accepted" });
    expect((await post(late, signSmsCallback(SECRET, late))).statusCode).toBe(204);
    row = await statusOf();
    expect(row.deliveryStatus).toBe("delivered");
    expect(row.deliveryAt!.toISOString()).toBe(at);
  });

  it("an unknown message: 404; a signed but malformed report: 400", async () => {
    const unknown = JSON.stringify({ id: "inconnu", status: "delivered" });
    expect((await post(unknown, signSmsCallback(SECRET, unknown))).statusCode).toBe(404);
    for (const body of ["pas du json", JSON.stringify({ id: providerId, status: "peut-être" }), JSON.stringify({ id: providerId }), JSON.stringify({ id: providerId, status: "delivered", at: "hier" })]) {
      expect((await post(body, signSmsCallback(SECRET, body))).statusCode, body).toBe(400);
    }
  });

  it("a body over the limit is refused before being read (413), another content type too (415)", async () => {
    const big = JSON.stringify({ id: providerId, status: "delivered", pad: "x".repeat(SMS_CALLBACK_BODY_LIMIT) });
    expect((await post(big, signSmsCallback(SECRET, big))).statusCode).toBe(413);
    const form = "id=x&status=delivered";
    expect((await post(form, signSmsCallback(SECRET, form), "application/x-www-form-urlencoded")).statusCode).toBe(415);
  });
});

describe("without SMS_CALLBACK_SECRET", () => {
  it("the callback does not exist: an unsigned report reaches only the pages, which refuse it", async () => {
    const other = await startTestApp({ db: t.db });
    try {
      const body = JSON.stringify({ id: providerId, status: "failed" });
      const response = await other.app.inject({ method: "POST", url: "/sms/statut", headers: { "content-type": "application/json" }, payload: body });
      expect([403, 404, 415]).toContain(response.statusCode);
      expect((await statusOf()).deliveryStatus).toBe("delivered");
    } finally {
      await other.close();
    }
  });
});

describe("GET /dev/sms: the development sink, beside the mails", () => {
  it("shows each SMS with its number, text, segments and delivery status; the mailbox shows only mails", async () => {
    const sms = await statusOf();
    const page = await t.app.inject({ method: "GET", url: "/dev/sms" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("SMS de développement");
    const item = new RegExp(`<li class="fr-mb-3w" data-outbox-id="${sms.id}">([\\s\\S]*?)</li>`).exec(page.body)![1]!;
    expect(item).toContain("+33612345678");
    expect(item).toContain(sms.bodyText.replace(/'/g, "&#39;").slice(0, 40));
    expect(item).toMatch(/1 segment\b/);
    expect(item).toMatch(/remis, distribué/);
    const mailbox = await t.app.inject({ method: "GET", url: "/dev/mails" });
    expect(mailbox.body).not.toContain("+33612345678");
    expect(mailbox.body).toContain('href="/dev/sms"');
    expect((await t.app.inject({ method: "GET", url: `/dev/mails/${sms.id}` })).statusCode).toBe(404);
  });
});
