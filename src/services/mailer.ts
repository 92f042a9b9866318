import nodemailer from "nodemailer";
import type { OutboxMessage } from "../db/repositories/outbox.ts";

/** Delivers one outbox mail; throws when delivery failed (the worker retries). */
export interface MailTransport {
  readonly name: string;
  send(message: OutboxMessage): Promise<void>;
  close(): void;
}

export function smtpTransport(url: string, from: string, messageIdDomain: string): MailTransport {
  const u = new URL(url);
  const secure = u.protocol === "smtps:";
  const transporter = nodemailer.createTransport({
    host: u.hostname,
    port: Number(u.port) || (secure ? 465 : 587),
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    // A stuck server must not hold a mail longer than the outbox lease.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    name: "smtp",
    async send(message) {
      await transporter.sendMail({
        from,
        to: message.recipient,
        subject: message.subject,
        text: message.bodyText,
        html: message.bodyHtml ?? undefined,
        // Stable per outbox row: a receiving server can recognise a retried message.
        messageId: `<outbox-${message.id}@${messageIdDomain}>`,
      });
    },
    close: () => transporter.close(),
  };
}

/** Development: nothing leaves the machine; mails stay readable at /dev/mails. */
export const devMailbox: MailTransport = {
  name: "dev",
  async send() {},
  close() {},
};
