import type { FastifyReply, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import type { RawInput } from "../domain/forms.ts";
import { renderPage, type PageContext } from "./views/layout.tsx";

/* Small helpers shared by route handlers. */

/**
 * Sends a page as UTF-8 bytes, encoded once: a rendered page is a string of many pieces, which
 * Fastify (its length) then Node (the header joined to it, then the socket) would each flatten
 * into a copy on V8's heap (40 kB of garbage for a 13 kB page, issue 8).
 */
/** Whether users reach the service over HTTPS (its public address): cookies are then Secure, and prefixed. */
export function servedOverHttps(publicUrl: string): boolean {
  return publicUrl.startsWith("https:");
}

export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(Buffer.from(renderPage(page), "utf8"));
}

export function formInput(request: FastifyRequest): RawInput {
  const body = request.body;
  return body && typeof body === "object" ? (body as RawInput) : {};
}

/** The page context; the CSRF token (and its cookie) is made only if a form asks for it. */
export function pageContext(request: FastifyRequest, reply: FastifyReply, devTools: boolean): PageContext {
  let token: string | undefined;
  const session = request.session as FastifyRequest["session"] | undefined;
  return {
    get csrfToken() {
      token ??= reply.generateCsrf();
      return token;
    },
    user: session?.accountId ? { displayName: session.displayName ?? "Mon compte" } : undefined,
    devTools,
  };
}

/** Values to put back in a refused form (never passwords). */
export function keepValues(input: RawInput, ...names: string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const v = input[name];
    if (typeof v === "string") kept[name] = v;
  }
  return kept;
}
