import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Identifiers in URLs are checked before any query: a malformed one is a 404, never a
 * database error (PostgreSQL refuses "notauuid" for a uuid column, and its error quotes it).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** A hook answering 404 when one of the named path parameters is present and is not a UUID. */
export function uuidParams(...names: string[]) {
  return async function checkIds(request: FastifyRequest, reply: FastifyReply) {
    const params = (request.params ?? {}) as Record<string, unknown>;
    for (const name of names) {
      if (params[name] !== undefined && !isUuid(params[name])) {
        reply.callNotFound();
        return reply;
      }
    }
    return undefined;
  };
}
