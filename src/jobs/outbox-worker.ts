import type { Db } from "../db/client.ts";
import { claimDueMessages, markAttemptFailed, markSent } from "../db/repositories/outbox.ts";
import { retryDelaySeconds } from "../domain/outbox.ts";
import type { Clock } from "../services/clock.ts";
import type { MailTransport } from "../services/mailer.ts";
import { devSmsSink, type SmsProvider } from "../services/sms.ts";

export interface WorkerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface OutboxWorkerOptions {
  leaseSeconds: number;
  pollMs?: number;
  batchSize?: number;
  logger?: WorkerLogger;
  /** Delivers the SMS rows; the development sink (kept in the outbox, /dev/sms) when omitted. */
  sms?: SmsProvider;
}

/**
 * Delivers the outbox: claims due messages (several workers never claim the same row),
 * sends each through its channel (mail: the mail transport; SMS: the SMS provider, with the
 * row's idempotency key), marks it sent, or schedules a retry with back-off.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
    private readonly options: OutboxWorkerOptions,
  ) {}

  /** Delivers what is due now; returns how many messages were handled. */
  async runOnce(): Promise<number> {
    const batch = await claimDueMessages(this.db, this.clock.now(), this.options.leaseSeconds, this.options.batchSize ?? 10);
    for (const message of batch) {
      try {
        let transport: string;
        if (message.channel === "sms") {
          const sms = this.options.sms ?? devSmsSink;
          const accepted = await sms.send(message);
          transport = sms.name;
          await markSent(this.db, message.id, transport, this.clock.now(), { messageId: accepted.providerMessageId });
        } else {
          await this.transport.send(message);
          transport = this.transport.name;
          await markSent(this.db, message.id, transport, this.clock.now());
        }
        this.options.logger?.info({ outboxId: message.id, channel: message.channel, transport }, "message delivered");
      } catch (error) {
        const delay = retryDelaySeconds(message.attempts);
        const reason = error instanceof Error ? error.message : String(error);
        await markAttemptFailed(this.db, message.id, reason.slice(0, 500), delay === null ? null : new Date(this.clock.now().getTime() + delay * 1000));
        this.options.logger?.warn({ outboxId: message.id, attempts: message.attempts, retryInSeconds: delay }, "message delivery failed");
      }
    }
    return batch.length;
  }

  /** Runs now (after a commit that queued a message) without waiting for the next poll. */
  kick(): void {
    if (this.stopped || this.running) return;
    this.running = this.runOnce()
      .catch((error: unknown) => {
        this.options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, "outbox run failed");
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  start(): void {
    this.stopped = false;
    const poll = this.options.pollMs ?? 1000;
    this.timer = setInterval(() => this.kick(), poll);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
