import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../../src/db/schema.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { ManualClock } from "../helpers/clock.ts";
import { insertSentRequest } from "../helpers/notify.ts";

/**
 * A provider that is down delays SMS, never loses nor duplicates them: a local provider refuses
 * (503) for a while, then accepts; each SMS reaches the phone once, always under the same
 * Idempotency-Key. The provider deduplicates by that key, as real ones do.
 */
interface Call {
  key: string | undefined;
  auth: string | undefined;
  body: { to: string; text: string; reference: string };
}

class FakeProvider {
  mode: "refuse" | "accept" | "accept-but-lose-answer" = "refuse";
  calls: Call[] = [];
  /** Idempotency-Key → provider id: what reached a phone. */
  delivered = new Map<string, string>();
  private server: Server;
  url = "";

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/messages`;
  }

  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const key = req.headers["idempotency-key"] as string | undefined;
    this.calls.push({ key, auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Call["body"] });
    if (this.mode === "refuse") {
      res.writeHead(503, { "content-type": "application/json" }).end('{"error":"unavailable"}');
      return;
    }
    if (!key) {
      res.writeHead(400).end();
      return;
    }
    // Idempotent: a key seen before is not sent again, its first id is answered.
    if (!this.delivered.has(key)) this.delivered.set(key, `prov-${this.delivered.size + 1}`);
    if (this.mode === "accept-but-lose-answer") {
      res.writeHead(502).end();
      return;
    }
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: this.delivered.get(key) }));
  }
}

const provider = new FakeProvider();
const clock = new ManualClock(new Date("2026-07-01T10:00:00Z"));
let t: TestApp;

beforeAll(async () => {
  await provider.start();
  t = await startTestApp({ clock, env: { SMS_URL: provider.url, SMS_TOKEN: "jeton-de-test" } });
});
afterAll(async () => {
  await t.close();
  await provider.close();
});

async function smsOf(requestIds: string[]) {
  const rows = await t.db.db.select().from(outbox).where(eq(outbox.channel, "sms")).orderBy(asc(outbox.id));
  return rows.filter((r) => r.requestId !== null && requestIds.includes(r.requestId));
}

describe("SMS through the HTTP provider", () => {
  it("refused for a while, then accepted: each SMS delivered once, with a stable Idempotency-Key", async () => {
    const ids: string[] = [];
    for (const telephone of ["0612345678", "07 56 12 34 56", "+33 6 98 76 54 32"]) {
      const { request } = await insertSentRequest(t.db.db, { telephone });
      ids.push(request.id);
      await t.db.db.transaction((tx) => t.services.notifier.queue(tx, { requestId: request.id, event: "validee", now: clock.now() }));
    }
    const queued = await smsOf(ids);
    expect(queued).toHaveLength(3);
    const keys = new Map(queued.map((r) => [r.id, r.idempotencyKey!]));

    provider.mode = "refuse";
    await t.services.outbox.runOnce();
    let rows = await smsOf(ids);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(rows.map(() => ["pending", 1]));
    expect(rows.every((r) => r.lastError === "SMS provider answered 503")).toBe(true);

    clock.advance(30_000);
    await t.services.outbox.runOnce(); // still down
    clock.advance(60_000);
    provider.mode = "accept-but-lose-answer"; // accepted, but the answer never comes back
    await t.services.outbox.runOnce();
    rows = await smsOf(ids);
    expect(rows.every((r) => r.status === "pending" && r.attempts === 3)).toBe(true);

    clock.advance(120_000);
    provider.mode = "accept";
    await t.services.outbox.runOnce();
    rows = await smsOf(ids);
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    expect(rows.map((r) => r.transport)).toEqual(["http", "http", "http"]);
    expect(rows.map((r) => r.deliveryStatus)).toEqual(["accepted", "accepted", "accepted"]);

    // Nothing more is sent afterwards.
    clock.advance(24 * 60 * 60 * 1000);
    expect(await t.services.outbox.runOnce()).toBe(0);

    for (const row of rows) {
      const calls = provider.calls.filter((c) => c.body.reference === keys.get(row.id));
      // Four attempts, all under the row's one key, with the bearer token and the E.164 number.
      expect(calls).toHaveLength(4);
      expect(new Set(calls.map((c) => c.key))).toEqual(new Set([keys.get(row.id)]));
      expect(calls.every((c) => c.auth === "Bearer jeton-de-test" && c.body.to === row.recipient && c.body.text === row.bodyText)).toBe(true);
      // Delivered once; the row keeps the provider's id.
      expect(row.providerMessageId).toBe(provider.delivered.get(keys.get(row.id)!));
    }
    expect([...provider.delivered.keys()].filter((k) => [...keys.values()].includes(k))).toHaveLength(3);
    expect(new Set(rows.map((r) => r.recipient))).toEqual(new Set(["+33612345678", "+33756123456", "+33698765432"]));
  });

  it("mails still go through the mail transport", async () => {
    const { request, contactEmail } = await insertSentRequest(t.db.db, { telephone: "" });
    await t.db.db.transaction((tx) => t.services.notifier.queue(tx, { requestId: request.id, event: "a_completer", now: clock.now() }));
    const before = provider.calls.length;
    await t.services.outbox.runOnce();
    const [mail] = await t.mailsTo(contactEmail);
    expect(mail!.status).toBe("sent");
    expect(mail!.transport).toBe("dev");
    expect(provider.calls.length).toBe(before);
  });
});
