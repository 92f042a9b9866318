import { eq } from "drizzle-orm";
import type { Db, Executor } from "../db/client.ts";
import { addNotification } from "../db/repositories/notifications.ts";
import {
  enqueueMail,
  enqueueSms,
  findMessage,
  hasProviderMessage,
  listMessages,
  listRequestMessages,
  recordDelivery,
  type DeliveryStatus,
  type OutboxMessage,
} from "../db/repositories/outbox.ts";
import { accounts, requests } from "../db/schema.ts";
import { formatCalendarDate, parisDate } from "../domain/dates.ts";
import {
  channelsFor,
  DOCUMENT_LABELS,
  downloadableDocuments,
  eventsOf,
  mayReceiveOptionalMessages,
  NOTICES,
  REQUEST_MESSAGES,
  SMS_TEXTS,
  type MessageFacts,
  type RequestMessage,
} from "../domain/request/messages.ts";
import { motifInfo } from "../domain/request/motifs.ts";
import { deletionDate, isRequestState, type Transition } from "../domain/request/state.ts";
import { countSegments, frenchMobileE164, MAX_SMS_SEGMENTS } from "../domain/sms.ts";
import { requestFiledMail, requestMail, type RequestMailFacts } from "./mails.tsx";

/** The URLs a message may link to. */
export interface NotifierUrls {
  /** The request's page (only the account holder can open it). */
  request(id: string): string;
}

export interface QueuedMessages {
  mails: number;
  sms: number;
  notices: number;
}

/** What a sent request's frozen content holds that messages need (see FrozenRequest in src/services/requests/). */
interface FrozenFacts {
  number?: string;
  motifId?: string;
  content?: {
    beneficiaire?: string;
    etatCivil?: { prenoms?: string[]; nomNaissance?: string; nomUsage?: string };
    adresse?: { email?: string; telephone?: string; consentement?: boolean };
    photo?: { option?: string };
  };
}

/**
 * Queues what an event of a request tells its people (src/domain/request/messages.ts): mails and
 * SMS in the outbox, notices on the account home, all in the caller's transaction. Call
 * `kick()` after the commit so the outbox worker delivers at once.
 */
export class Notifier {
  constructor(
    private readonly urls: NotifierUrls,
    private readonly kicked: () => void = () => {},
    /** Whether SMS are queued: not in production without a provider (they would never leave). */
    private readonly options: { sms: boolean } = { sms: true },
  ) {}

  /** The events of `transition` for this request (eventsOf), each queued; returns them. */
  async queueTransition(tx: Executor, args: { requestId: string; transition: Transition; now: Date }): Promise<RequestMessage[]> {
    const [row] = await tx.select({ motif: requests.motif }).from(requests).where(eq(requests.id, args.requestId));
    if (!row) return [];
    const events = eventsOf(args.transition, row.motif);
    for (const event of events) await this.queue(tx, { requestId: args.requestId, event, now: args.now });
    return events;
  }

  async queue(tx: Executor, args: { requestId: string; event: RequestMessage; now: Date }): Promise<QueuedMessages> {
    const { requestId, event, now } = args;
    const queued: QueuedMessages = { mails: 0, sms: 0, notices: 0 };
    const [row] = await tx
      .select({
        accountId: requests.accountId,
        state: requests.state,
        motif: requests.motif,
        number: requests.number,
        frozen: requests.frozen,
        createdAt: requests.createdAt,
        accountEmail: accounts.email,
        givenName: accounts.givenName,
        familyName: accounts.familyName,
      })
      .from(requests)
      .innerJoin(accounts, eq(accounts.id, requests.accountId))
      .where(eq(requests.id, requestId));
    const frozen = (row?.frozen ?? null) as FrozenFacts | null;
    const number = row?.number ?? frozen?.number;
    // Only a sent request has people to tell.
    if (!row || !number || !frozen?.content) return queued;
    const content = frozen.content;
    const consent = { adresse: { consentement: content.adresse?.consentement === true } };
    const mobile = content.adresse?.telephone ? frenchMobileE164(content.adresse.telephone) : undefined;
    const channels = channelsFor(event, consent, mobile);
    const classicPhoto = content.photo?.option === "classique";
    const deletionDay = formatCalendarDate(parisDate(deletionDate(row.createdAt)));
    const facts: MessageFacts = { number, deletionDay };

    if (channels.mail) {
      const rule = REQUEST_MESSAGES[event];
      const forSomeoneElse = content.beneficiaire === "tiers";
      const toAccount = rule.mailTo === "account";
      const to = toAccount ? row.accountEmail : content.adresse?.email;
      const mailFacts: RequestMailFacts = {
        number,
        motif: motifInfo(frozen.motifId ?? row.motif)?.summary ?? "",
        // Made for someone else: the mail goes to that person, says who filed it, and has no link to a page only the filer can open.
        ...(forSomeoneElse && !toAccount ? { filedBy: `${row.givenName} ${row.familyName}` } : { url: this.urls.request(requestId) }),
        classicPhoto,
        optionalMessages: mayReceiveOptionalMessages(consent),
        deletionDay,
        documents: isRequestState(row.state)
          ? downloadableDocuments({ state: row.state, motifId: frozen.motifId ?? row.motif, classicPhoto }).map((d) => DOCUMENT_LABELS[d])
          : [],
      };
      const mail = to ? requestMail(to, event, mailFacts) : undefined;
      if (mail) {
        await enqueueMail(tx, mail, now, { requestId });
        queued.mails++;
      }
      // Filed for someone else: the filer (a driving school) is told it was recorded (seed 002).
      if (event === "envoyee" && forSomeoneElse && row.accountEmail.toLowerCase() !== to?.toLowerCase()) {
        const person = content.etatCivil;
        const beneficiary = [person?.prenoms?.[0], person?.nomUsage || person?.nomNaissance].filter(Boolean).join(" ") || "la personne concernée";
        await enqueueMail(tx, requestFiledMail(row.accountEmail, { number, motif: mailFacts.motif, url: this.urls.request(requestId), beneficiary }), now, { requestId });
        queued.mails++;
      }
    }

    const smsText = SMS_TEXTS[event];
    if (this.options.sms && channels.sms && mobile && smsText) {
      const text = smsText(facts);
      const { segments } = countSegments(text);
      if (segments <= MAX_SMS_SEGMENTS) {
        await enqueueSms(tx, { to: mobile, text, segments, requestId }, now);
        queued.sms++;
      }
    }

    if (channels.notice) {
      await addNotification(tx, row.accountId, NOTICES[event](facts), now, { requestId, event });
      queued.notices++;
    }
    return queued;
  }

  /** After the commit: the outbox worker delivers without waiting for its next poll. */
  kick(): void {
    this.kicked();
  }
}

/** The outbox as the web layer sees it: delivery reports, the development sinks, a request's messages. */
export class MessageLog {
  constructor(private readonly db: Db) {}

  /**
   * A signed delivery report of the SMS provider; false when no message has this provider id.
   * `at` is the report's own date, or undefined when it gave none (then now).
   */
  async recordDelivery(providerMessageId: string, status: DeliveryStatus, at: Date | undefined, now: Date): Promise<boolean> {
    // One statement decides (outbox.ts: a final status stands against an older or undated report).
    if (await recordDelivery(this.db, providerMessageId, status, at, now)) return true;
    return hasProviderMessage(this.db, providerMessageId);
  }

  /** Newest first (development sinks: /dev/mails, /dev/sms). */
  list(channel: OutboxMessage["channel"], limit = 100): Promise<OutboxMessage[]> {
    return listMessages(this.db, limit, channel);
  }

  find(id: number): Promise<OutboxMessage | undefined> {
    return findMessage(this.db, id);
  }

  /** The mails and SMS about a request, with the SMS delivery status (back-office). */
  forRequest(requestId: string): Promise<OutboxMessage[]> {
    return listRequestMessages(this.db, requestId);
  }
}
