import { validateHeaderName, validateHeaderValue } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { controlCharacterFields, hasControlCharacters, type RawInput } from "../../domain/forms.ts";

/**
 * Guards that keep hostile requests from reaching the routes or from ending the process.
 * Each one answers with an error that the error handlers turn into a French page (or JSON
 * for the API) without echoing anything the client sent.
 */

/** An error with an HTTP status and a code of ours, for the error handlers. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
  ) {
    super(code);
    this.name = "HttpError";
  }
}

export const CONTROL_CHARACTERS_CODE = "PERMIS_CONTROL_CHARACTERS";
export const INVALID_HEADER_CODE = "PERMIS_INVALID_RESPONSE_HEADER";

/**
 * A response header that Node would refuse (a control character in a Location...) throws
 * while the response is written — from inside whatever callback sends it (a session store's,
 * say), where nothing catches it and the process ends. Checked here, in the last step before
 * writing, the header is dropped and the request answered with a 500 instead.
 */
export function guardResponseHeaders(app: FastifyInstance) {
  // A callback, not an async function: it runs on every response (twice for a page), and makes no promise nor array.
  app.addHook("onSend", (_request, reply, payload, done) => {
    let invalid = false;
    const headers = reply.getHeaders();
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined) continue;
      try {
        validateHeaderName(name);
        if (Array.isArray(value)) for (const item of value) validateHeaderValue(name, String(item));
        else validateHeaderValue(name, String(value));
      } catch {
        reply.removeHeader(name);
        invalid = true;
      }
    }
    if (invalid) done(new HttpError(500, INVALID_HEADER_CODE));
    else done(null, payload);
  });
}

function fieldsWithControls(input: unknown, exempt: ReadonlySet<string>): string[] {
  if (!input || typeof input !== "object" || Buffer.isBuffer(input)) return [];
  return controlCharacterFields(input as RawInput).filter((name) => !exempt.has(name));
}

/**
 * Refuses control characters (NUL included: PostgreSQL refuses it and the query would fail) in
 * the path parameters (404), the query string and the parsed form (400, with a French message),
 * before any route runs. `exempt` names fields that their route checks itself and never stores
 * (the destination after sign-in, which falls back to the account home).
 */
export function refuseControlCharacters(app: FastifyInstance, exempt: ReadonlySet<string> = new Set()) {
  app.addHook("preValidation", async (request: FastifyRequest, reply: FastifyReply) => {
    const params = (request.params ?? {}) as Record<string, unknown>;
    if (Object.values(params).some((v) => typeof v === "string" && hasControlCharacters(v))) {
      reply.callNotFound();
      return reply;
    }
    if (fieldsWithControls(request.query, exempt).length > 0 || fieldsWithControls(request.body, exempt).length > 0) {
      throw new HttpError(400, CONTROL_CHARACTERS_CODE);
    }
    return undefined;
  });
}

export interface SlowBodyOptions {
  /** The least average rate accepted over each window, in bytes per second. */
  minBytesPerSecond: number;
  /** The window (and grace period before the first check), in milliseconds. */
  windowMs: number;
  /** How often the rate is checked, in milliseconds. */
  checkEveryMs: number;
}

export const SLOW_BODY_DEFAULTS: SlowBodyOptions = { minBytesPerSecond: 2048, windowMs: 15_000, checkEveryMs: 1_000 };

/**
 * A request body sent slower than `minBytesPerSecond` over a window (a "slow POST" that holds a
 * connection and its buffers open) gets its connection closed. The bytes are counted on the
 * socket, so this needs no cooperation from the body's parser (multipart included).
 */
export function slowBodyGuard(app: FastifyInstance, options: SlowBodyOptions = SLOW_BODY_DEFAULTS) {
  const samplesKept = Math.max(1, Math.ceil(options.windowMs / options.checkEveryMs));
  app.addHook("onRequest", (request, _reply, done) => {
    const raw = request.raw;
    const socket = raw.socket as (typeof raw.socket & { bytesRead?: number }) | undefined;
    const hasBody = Number(raw.headers["content-length"] ?? 0) > 0 || raw.headers["transfer-encoding"] !== undefined;
    // Requests made in memory (tests' inject) have no real socket.
    if (!hasBody || !socket || typeof socket.bytesRead !== "number" || raw.complete) return done();
    const samples: number[] = [socket.bytesRead];
    // One watch per body: it ends with the body, the request or the socket, leaving no listener
    // behind on a kept-alive socket (many requests share one).
    const stop = () => {
      clearInterval(timer);
      socket.off("close", stop);
      raw.off("end", stop);
      raw.off("close", stop);
    };
    const timer = setInterval(() => {
      if (raw.complete || socket.destroyed) {
        stop();
        return;
      }
      samples.push(socket.bytesRead ?? 0);
      if (samples.length <= samplesKept) return;
      const received = samples[samples.length - 1]! - samples[samples.length - 1 - samplesKept]!;
      samples.shift();
      if (received < (options.minBytesPerSecond * options.windowMs) / 1000) {
        stop();
        request.log.warn({ route: request.routeOptions.url, method: request.method }, "slow request body: connection closed");
        socket.destroy();
      }
    }, options.checkEveryMs);
    timer.unref();
    socket.once("close", stop);
    raw.once("end", stop);
    raw.once("close", stop);
    done();
  });
}
