import type { OutboxMessage } from "../db/repositories/outbox.ts";

/** What a provider answers for an accepted SMS: its id of the message (delivery reports name it). */
export interface SmsAccepted {
  providerMessageId: string;
}

/** Delivers one outbox SMS; throws when the provider did not accept it (the worker retries). */
export interface SmsProvider {
  readonly name: string;
  send(message: OutboxMessage): Promise<SmsAccepted>;
}

export interface HttpSmsOptions {
  url: string;
  token: string;
  /** Per attempt: a stuck provider must not hold a message longer than the outbox lease. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * An HTTP SMS provider: `POST SMS_URL` with a JSON body `{to, text, reference}`, the token as a
 * bearer, and an `Idempotency-Key` header that is the outbox row's key (the same on every retry,
 * so the provider never sends a message twice). A 2xx answer with `{id}` accepts the message;
 * anything else (a 5xx, a 429, a timeout, no id) throws and the outbox retries with back-off.
 */
export function httpSmsProvider(options: HttpSmsOptions): SmsProvider {
  const doFetch = options.fetch ?? fetch;
  return {
    name: "http",
    async send(message) {
      if (!message.idempotencyKey) throw new Error("SMS without an idempotency key");
      const response = await doFetch(options.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          authorization: `Bearer ${options.token}`,
          "idempotency-key": message.idempotencyKey,
        },
        body: JSON.stringify({ to: message.recipient, text: message.bodyText, reference: message.idempotencyKey }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        redirect: "error",
      });
      const answer = await readBounded(response);
      // The answer is not logged nor stored: it may quote the number or the text.
      if (!response.ok) throw new Error(`SMS provider answered ${response.status}`);
      let id: unknown;
      try {
        id = (JSON.parse(answer) as { id?: unknown }).id;
      } catch {
        throw new Error("SMS provider answered without JSON");
      }
      if (typeof id !== "string" || id.length === 0 || id.length > 200) throw new Error("SMS provider answered without a message id");
      return { providerMessageId: id };
    },
  };
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new Error("SMS provider answer too long");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Development: nothing leaves the machine; the SMS stay in the outbox (transport "dev"),
 * readable at /dev/sms beside the mails.
 */
export const devSmsSink: SmsProvider = {
  name: "dev",
  async send(message) {
    return { providerMessageId: `dev-${message.idempotencyKey ?? message.id}` };
  },
};
