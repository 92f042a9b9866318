import type { LoggerOptions } from "pino";

/**
 * Logs hold no personal data, whatever the error: no URL, query, body, header, parameter,
 * nor error *message* (drizzle's "Failed query: … params: …", PostgreSQL's "invalid input
 * syntax for type uuid: "…"" quote the values). An error is logged by its name, code, status
 * and stack frames, and the same for each of its causes.
 */
export interface SafeError {
  type: string;
  code?: string;
  statusCode?: number;
  stack?: string;
  cause?: SafeError;
}

const MAX_FRAMES = 8;
const MAX_CAUSES = 3;

/** Keeps an identifier-like value only (names and codes are such: "TypeError", "23505", "FST_ERR_…"). */
function identifier(value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const text = String(value);
  return /^[\w.:-]{1,64}$/.test(text) ? text : "(masqué)";
}

/** The stack's frames only: its first lines repeat the message, which may span several lines. */
function frames(stack: unknown): string | undefined {
  if (typeof stack !== "string") return undefined;
  const lines = stack.split("\n").filter((line) => /^\s+at /.test(line)).slice(0, MAX_FRAMES);
  // A frame names a function and a file: nothing the client wrote, but cut query-like suffixes anyway.
  return lines.map((line) => scrub(line.trim())).join("\n") || undefined;
}

export function safeError(error: unknown, depth = 0): SafeError {
  if (!error || (typeof error !== "object" && typeof error !== "function")) {
    return { type: identifier(typeof error === "string" ? error : typeof error) ?? "unknown" };
  }
  const e = error as { name?: unknown; code?: unknown; statusCode?: unknown; stack?: unknown; cause?: unknown; constructor?: { name?: unknown } };
  const out: SafeError = { type: identifier(e.name) ?? identifier(e.constructor?.name) ?? "Error" };
  const code = identifier(e.code);
  if (code) out.code = code;
  if (typeof e.statusCode === "number") out.statusCode = e.statusCode;
  const stack = frames(e.stack);
  if (stack) out.stack = stack;
  if (e.cause !== undefined && depth < MAX_CAUSES) out.cause = safeError(e.cause, depth + 1);
  return out;
}

/**
 * Removes from a free-text log message what could be personal: query strings, e-mail
 * addresses, long digit runs (phone numbers, identifiers), long tokens, control characters.
 */
export function scrub(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- control characters are what is looked for
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .replace(/\?[^\s"'`]*/g, "?…")
    .replace(/[^\s"'`<>]+@[^\s"'`<>]+/g, "…@…")
    .replace(/\d{5,}/g, "…")
    .replace(/[A-Za-z0-9_-]{24,}/g, "…")
    .slice(0, 300);
}

interface RequestLike {
  method?: string;
  routeOptions?: { url?: string };
}

const REDACTED_PATHS = [
  "req.url",
  "req.headers",
  "req.query",
  "req.body",
  "req.params",
  "url",
  "headers",
  "query",
  "body",
  "params",
  "payload",
  "*.url",
  "*.query",
  "*.body",
  "*.params",
  "*.payload",
  "*.headers",
];

/** The pino options of the service's logger (src/main.ts): serializers, redaction, scrubbed messages. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    serializers: {
      err: (error: unknown) => safeError(error),
      error: (error: unknown) => safeError(error),
      req: (request: RequestLike) => ({ method: request.method, route: request.routeOptions?.url }),
      res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
    },
    redact: { paths: REDACTED_PATHS, remove: true },
    hooks: {
      logMethod(args: unknown[], method) {
        const [first, ...rest] = args;
        // log.error(error) or log.error(error, message): the error's fields only, never its message.
        if (first instanceof Error) return method.call(this, { err: safeError(first) }, "erreur");
        const error = first && typeof first === "object" ? ((first as { err?: unknown }).err ?? (first as { error?: unknown }).error) : undefined;
        const errorMessage = error instanceof Error ? error.message : undefined;
        const text = (value: unknown) => {
          const s = typeof value === "string" ? value : "";
          if (errorMessage && (s === errorMessage || (errorMessage.length > 0 && s.includes(errorMessage)))) return "erreur";
          return scrub(s);
        };
        if (typeof first === "string") return method.call(this, text(first));
        if (rest.length === 0) return method.call(this, first as object);
        return method.call(this, first as object, text(rest[0]));
      },
    },
  };
}
