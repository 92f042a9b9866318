import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../deps.ts";

/** A delivery report is a few hundred bytes: anything much larger is refused before it is read whole. */
export const SMS_CALLBACK_BODY_LIMIT = 8 * 1024;
export const SMS_SIGNATURE_HEADER = "x-signature";
/**
 * A report's date may run ahead of ours by clock drift only: a date in the future would be shown
 * to agents as the delivery date, and would outlive every genuine report after it.
 */
export const SMS_REPORT_MAX_AHEAD_MS = 5 * 60 * 1000;

/** The signature the provider sends: "sha256=" and the hex HMAC-SHA256 of the raw body with SMS_CALLBACK_SECRET. */
export function signSmsCallback(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

function validSignature(secret: string, rawBody: Buffer, header: unknown): boolean {
  if (typeof header !== "string" || header.length > 200) return false;
  const expected = Buffer.from(signSmsCallback(secret, rawBody));
  const given = Buffer.from(header.trim());
  // Same length first (timingSafeEqual requires it); the length of a valid signature is no secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const STATUSES: Record<string, "accepted" | "delivered" | "failed"> = {
  accepted: "accepted",
  sent: "accepted",
  delivered: "delivered",
  failed: "failed",
  undelivered: "failed",
  expired: "failed",
  rejected: "failed",
};

/**
 * The SMS provider's signed delivery reports: `POST /sms/statut`, JSON `{id, status, at?}`
 * signed in `X-Signature` (see signSmsCallback). No session, no CSRF: the signature is the
 * proof. A replayed report cannot undo a final status (MessageLog.recordDelivery: only a report
 * dated after it may change it). Registered only when SMS_CALLBACK_SECRET is set.
 */
export async function smsCallbackRoutes(app: FastifyInstance, deps: WebDeps) {
  const secret = deps.config.sms.callbackSecret;
  if (!secret) return;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: SMS_CALLBACK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.post("/sms/statut", async (request, reply) => {
      const raw = request.body;
      reply.header("cache-control", "no-store");
      if (!Buffer.isBuffer(raw) || !validSignature(secret, raw, request.headers[SMS_SIGNATURE_HEADER])) {
        return reply.code(401).send({ error: "Signature invalide" });
      }
      let report: { id?: unknown; status?: unknown; at?: unknown };
      try {
        report = JSON.parse(raw.toString("utf8")) as typeof report;
      } catch {
        return reply.code(400).send({ error: "Requête invalide" });
      }
      const status = typeof report?.status === "string" ? STATUSES[report.status.toLowerCase()] : undefined;
      const id = report?.id;
      if (typeof id !== "string" || id.length === 0 || id.length > 200 || !status) return reply.code(400).send({ error: "Requête invalide" });
      const now = deps.clock.now();
      let at: Date | undefined;
      if (report.at !== undefined) {
        at = typeof report.at === "string" && report.at.length <= 40 ? new Date(report.at) : new Date(Number.NaN);
        if (Number.isNaN(at.getTime()) || at.getTime() > now.getTime() + SMS_REPORT_MAX_AHEAD_MS) return reply.code(400).send({ error: "Requête invalide" });
      }
      if (!(await deps.messages.recordDelivery(id, status, at, now))) return reply.code(404).send({ error: "Message inconnu" });
      return reply.code(204).send();
    });
  });
}
