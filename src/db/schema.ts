import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  primaryKey,
  json,
  jsonb,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** A user account: particulier or professionnel (école de conduite). */
export const accounts = pgTable(
  "accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind", { enum: ["particulier", "professionnel"] }).notNull(),
    status: text("status", { enum: ["pending", "active"] }).notNull().default("pending"),
    familyName: text("family_name").notNull(),
    givenName: text("given_name").notNull(),
    email: text("email").notNull(),
    /** Assigned by the service at activation; the sign-in identifier. */
    identifier: text("identifier"),
    sex: text("sex", { enum: ["F", "M"] }),
    passwordHash: text("password_hash"),
    secretQuestion: text("secret_question"),
    secretAnswerHash: text("secret_answer_hash"),
    franceConnectSub: text("franceconnect_sub"),
    birthdate: text("birthdate"),
    birthplace: text("birthplace"),
    birthcountry: text("birthcountry"),
    /** A pending account not activated by then is deleted by a scheduled job. */
    activationDeadline: timestamp("activation_deadline", { withTimezone: true }),
    createdAt: createdAt(),
    activatedAt: timestamp("activated_at", { withTimezone: true }),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("accounts_email_key").on(sql`lower(${t.email})`),
    uniqueIndex("accounts_identifier_key").on(t.identifier),
    uniqueIndex("accounts_franceconnect_sub_key").on(t.franceConnectSub),
    index("accounts_pending_deadline_idx").on(t.activationDeadline).where(sql`${t.status} = 'pending'`),
  ],
);

/** Single-use links sent by mail (activation, password reset). Only a hash of the token is kept. */
export const oneTimeTokens = pgTable(
  "one_time_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["activation", "password_reset"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("one_time_tokens_hash_key").on(t.tokenHash), index("one_time_tokens_account_idx").on(t.accountId)],
);

/** Server-side sessions, in the table layout of connect-pg-simple (the store used by @fastify/session). */
export const sessions = pgTable(
  "session",
  {
    sid: varchar("sid").primaryKey(),
    sess: json("sess").notNull(),
    expire: timestamp("expire", { precision: 6 }).notNull(),
  },
  (t) => [index("IDX_session_expire").on(t.expire)],
);

/** Mails and SMS to deliver, written in the same transaction as the change that causes them. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    channel: text("channel", { enum: ["mail", "sms"] }).notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject").notNull().default(""),
    bodyText: text("body_text").notNull(),
    bodyHtml: text("body_html"),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastError: text("last_error"),
    /** How it was delivered: "smtp", "dev" (kept for the development mailbox), "http"... */
    transport: text("transport"),
    createdAt: createdAt(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    /**
     * Issue 9. The request a message is about (shown in the back-office), the key the SMS provider
     * deduplicates retries by, the provider's id of the message and the delivery status its signed
     * callback reports ("accepted", "delivered", "failed"), and the GSM-7/UCS-2 segment count.
     */
    requestId: uuid("request_id"),
    idempotencyKey: text("idempotency_key"),
    providerMessageId: text("provider_message_id"),
    deliveryStatus: text("delivery_status"),
    deliveryAt: timestamp("delivery_at", { withTimezone: true }),
    segments: integer("segments"),
  },
  (t) => [
    index("outbox_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    uniqueIndex("outbox_idempotency_key").on(t.idempotencyKey),
    uniqueIndex("outbox_provider_message_key").on(t.providerMessageId),
    index("outbox_request_idx").on(t.requestId),
  ],
);

/** Failure counters for rate limits, keyed by a hash of (scope, IP or identifier). */
export const throttles = pgTable("throttles", {
  key: text("key").primaryKey(),
  hits: integer("hits").notNull(),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
  blockedUntil: timestamp("blocked_until", { withTimezone: true }),
});

/** Captcha challenges: single use, short-lived. */
export const captchas = pgTable("captchas", {
  id: uuid("id").primaryKey().defaultRandom(),
  answer: text("answer").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/** Periodic jobs: one row per job; an instance claims a due job by moving next_run_at. */
export const scheduledJobs = pgTable("scheduled_jobs", {
  name: text("name").primaryKey(),
  nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull(),
  lastRunAt: timestamp("last_run_at", { withTimezone: true }),
  lastError: text("last_error"),
});

/** Messages shown on the account home ("NOTIFICATIONS"). */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    message: text("message").notNull(),
    read: boolean("read").notNull().default(false),
    createdAt: createdAt(),
    /** Issue 9: the request and the event (src/domain/request/notifications.ts) it tells of. */
    requestId: uuid("request_id"),
    event: text("event"),
  },
  (t) => [index("notifications_account_idx").on(t.accountId, t.createdAt)],
);

/* ---------------------------------------------------------------- Requests (issue 3) */

/**
 * A request for a licence. While a draft, `data` holds the raw answers of each step (as
 * typed by the user); at sending, `frozen` receives the parsed, typed request that every
 * later view and PDF is made from.
 */
export const requests = pgTable(
  "requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** Locked at creation (SPEC §3): a motif id of src/domain/request/motifs.ts. */
    motif: text("motif").notNull(),
    state: text("state").notNull().default("brouillon"),
    data: jsonb("data").$type<Record<string, Record<string, string | string[]>>>().notNull().default({}),
    frozen: jsonb("frozen"),
    /** "Numéro de demande", assigned when the request is sent. */
    number: text("number"),
    /**
     * The licence produced from this request ("numéro de permis"), recorded by the back-office when
     * the title is made, with the day it was made: a correction (seed 004) is matched to it.
     */
    licenceNumber: text("licence_number"),
    licenceIssuedAt: timestamp("licence_issued_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    /* Issue 9: the life of the request. */
    /** Raised by every transition; an action carries the version it was shown (optimistic check). */
    version: integer("version").notNull().default(0),
    /** Step 3's préfecture de rattachement and the service instructeur it maps to, copied at sending. */
    prefectureId: text("prefecture_id"),
    serviceId: text("service_id").references(() => instructionServices.id),
    /** Nom de naissance, upper-cased without accents, copied at sending for the back-office search. */
    searchName: text("search_name"),
    /** The agent who took the request ("Je prends ce dossier"). */
    assignedAgentId: uuid("assigned_agent_id").references((): AnyPgColumn => agents.id, { onDelete: "set null" }),
    assignedAt: timestamp("assigned_at", { withTimezone: true }),
    /** Numéro d'enregistrement préfectoral (12 digits), assigned once when an inscription is validated. */
    neph: text("neph"),
    /** When the last state change happened, and when a decision (validée or a rejet) was made. */
    stateChangedAt: timestamp("state_changed_at", { withTimezone: true }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    /** The rejected request a new one was prefilled from ("Faire une nouvelle demande"). */
    previousRequestId: uuid("previous_request_id"),
    /** When the "deleted in 15 days" mail was queued. */
    deletionNoticeAt: timestamp("deletion_notice_at", { withTimezone: true }),
    /** When a validated title was put in the printing works' daily export. */
    exportedAt: timestamp("exported_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("requests_number_key").on(t.number),
    index("requests_account_idx").on(t.accountId, t.createdAt),
    uniqueIndex("requests_licence_number_key").on(t.licenceNumber),
    uniqueIndex("requests_neph_key").on(t.neph),
    /** Back-office queues: per service and state, oldest first, keyset on (sent_at, id). */
    index("requests_queue_idx").on(t.serviceId, t.state, t.sentAt, t.id).where(sql`${t.state} <> 'brouillon'`),
    index("requests_search_name_idx").on(t.serviceId, t.searchName, t.sentAt, t.id).where(sql`${t.searchName} is not null`),
    index("requests_state_changed_idx").on(t.state, t.stateChangedAt),
    /** A préfecture moved to another service: its requests are found by this column. */
    index("requests_prefecture_idx").on(t.prefectureId).where(sql`${t.prefectureId} is not null`),
    index("requests_assigned_idx").on(t.assignedAgentId).where(sql`${t.assignedAgentId} is not null`),
    check(
      "requests_state_check",
      sql`${t.state} in ('brouillon', 'envoyee', 'verification_images', 'en_instruction', 'a_completer', 'rejet_images', 'rejet_instruction', 'validee')`,
    ),
  ],
);

/** Uploaded files, stored encrypted outside the database (see src/services/storage.ts). */
export const requestDocuments = pgTable(
  "request_documents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    requestId: uuid("request_id")
      .notNull()
      .references(() => requests.id, { onDelete: "cascade" }),
    piece: text("piece").notNull(),
    /** One of the up to 5 additional pieces of a chosen type. */
    additional: boolean("additional").notNull().default(false),
    fileName: text("file_name").notNull(),
    mime: text("mime").notNull(),
    size: integer("size").notNull(),
    pages: integer("pages").notNull(),
    storageKey: text("storage_key").notNull(),
    iv: text("iv").notNull(),
    tag: text("tag").notNull(),
    createdAt: createdAt(),
    /**
     * The antivirus (clamd): "pending" until scanned (the file cannot be sent or opened),
     * "clean", "infected" (the file is deleted from storage, the row stays to tell the user),
     * or "unscanned" when no clamd is configured.
     */
    scanStatus: text("scan_status", { enum: ["pending", "clean", "infected", "unscanned"] }).notNull().default("unscanned"),
    scanAttempts: integer("scan_attempts").notNull().default(0),
    /** When a pending file may be (re)tried: retries back off while clamd is down. */
    scanNextAt: timestamp("scan_next_at", { withTimezone: true }).notNull().defaultNow(),
    /** The lease of the worker scanning it: another instance takes it over once it has passed. */
    scanLockedUntil: timestamp("scan_locked_until", { withTimezone: true }),
    scannedAt: timestamp("scanned_at", { withTimezone: true }),
    /**
     * Readability advice measured at upload (src/services/scan-quality.ts): the issues found
     * ("small", "blurred", "dark", "light"), empty when the file looks readable, null when it
     * was not measured (uploaded before the measure existed).
     */
    readability: jsonb("readability").$type<string[]>(),
  },
  (t) => [
    index("request_documents_request_idx").on(t.requestId),
    index("request_documents_scan_due_idx").on(t.scanNextAt).where(sql`${t.scanStatus} = 'pending'`),
  ],
);

/** Approved photographers and photo booths, who deposit photos through the API with their key. */
export const photoProviders = pgTable("photo_providers", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["photographe", "cabine"] }).notNull(),
  address: text("address").notNull(),
  postcode: text("postcode").notNull(),
  commune: text("commune").notNull(),
  /** SHA-256 of the API key (keys are random 256-bit values, shown once). */
  apiKeyHash: text("api_key_hash").notNull().unique(),
  active: boolean("active").notNull().default(true),
  createdAt: createdAt(),
});

/** "Code photo signature numérique": 22 digits, valid 6 months, usable by one request. */
export const photoCodes = pgTable("photo_codes", {
  code: text("code").primaryKey(),
  providerId: uuid("provider_id")
    .notNull()
    .references(() => photoProviders.id),
  photoKey: text("photo_key").notNull(),
  photoIv: text("photo_iv").notNull(),
  photoTag: text("photo_tag").notNull(),
  signatureKey: text("signature_key").notNull(),
  signatureIv: text("signature_iv").notNull(),
  signatureTag: text("signature_tag").notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  /** The request that took the code (a draft holds it; sending makes it final). */
  requestId: uuid("request_id").references(() => requests.id, { onDelete: "set null" }),
  usedAt: timestamp("used_at", { withTimezone: true }),
});

/** Electronic fiscal stamps known to this service (the default stamp service; a command issues test stamps). */
export const fiscalStamps = pgTable("fiscal_stamps", {
  number: text("number").primaryKey(),
  amountCents: integer("amount_cents").notNull(),
  issuedAt: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
  usedAt: timestamp("used_at", { withTimezone: true }),
  requestId: uuid("request_id").references(() => requests.id, { onDelete: "set null" }),
});

/** Numbers the requests as they are sent ("Numéro de demande"). */
export const requestNumbers = pgSequence("request_number_seq", { startWith: 1, increment: 1 });

/* ---------------------------------------------------------------- The life of a request (issue 9) */

/** Services instructeurs (e.g. a CERT): each instructs the requests of the préfectures mapped to it. */
export const instructionServices = pgTable("instruction_services", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

/** Reference table: préfecture de rattachement (step 3, src/services/geography.ts id) → service. */
export const servicePrefectures = pgTable("service_prefectures", {
  prefectureId: text("prefecture_id").primaryKey(),
  serviceId: text("service_id")
    .notNull()
    .references(() => instructionServices.id, { onDelete: "cascade" }),
});

/**
 * State agents. Never self-registered: an administrator creates them. They sign in through
 * ProConnect (matched by email) or, where ProConnect is absent, with a password and TOTP.
 */
export const agents = pgTable(
  "agents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Lower-cased. */
    email: text("email").notNull(),
    givenName: text("given_name").notNull(),
    familyName: text("family_name").notNull(),
    role: text("role", { enum: ["images", "instruction", "admin"] }).notNull(),
    active: boolean("active").notNull().default(true),
    passwordHash: text("password_hash"),
    /** TOTP secret (base32), encrypted with the service's key; enabled once a first code is confirmed. */
    totpSecret: text("totp_secret"),
    totpEnabledAt: timestamp("totp_enabled_at", { withTimezone: true }),
    /** The last accepted TOTP time step: a code of that step or an earlier one is a replay. */
    totpLastStep: bigint("totp_last_step", { mode: "number" }),
    createdAt: createdAt(),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("agents_email_key").on(t.email), check("agents_email_lower", sql`${t.email} = lower(${t.email})`)],
);

export const agentServices = pgTable(
  "agent_services",
  {
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    serviceId: text("service_id")
      .notNull()
      .references(() => instructionServices.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.serviceId] }), index("agent_services_service_idx").on(t.serviceId)],
);

/** Single-use recovery codes of an agent's second factor (only a hash is kept). */
export const agentRecoveryCodes = pgTable(
  "agent_recovery_codes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("agent_recovery_codes_agent_idx").on(t.agentId)],
);

/** Agents' server-side sessions: their own table and cookie (connect-pg-simple layout). */
export const agentSessions = pgTable(
  "agent_session",
  {
    sid: varchar("sid").primaryKey(),
    sess: json("sess").notNull(),
    expire: timestamp("expire", { precision: 6 }).notNull(),
  },
  (t) => [index("IDX_agent_session_expire").on(t.expire)],
);

/** The history of a request's states ("traitement"): one row per transition, written by transition(). */
export const requestEvents = pgTable(
  "request_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    requestId: uuid("request_id")
      .notNull()
      .references(() => requests.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    transition: text("transition").notNull(),
    fromState: text("from_state").notNull(),
    toState: text("to_state").notNull(),
    actorKind: text("actor_kind", { enum: ["usager", "agent", "admin", "systeme"] }).notNull(),
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "set null" }),
    /** A motive code (src/domain/request/motives.ts) and the agent's message to the user. */
    motive: text("motive"),
    message: text("message"),
    details: jsonb("details"),
  },
  (t) => [index("request_events_request_idx").on(t.requestId, t.id), index("request_events_to_state_idx").on(t.toState, t.at)],
);

/** "A compléter": the pieces or sections the agent marked, with the agent's words; resolved when sent back. */
export const completionItems = pgTable(
  "completion_items",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    requestId: uuid("request_id")
      .notNull()
      .references(() => requests.id, { onDelete: "cascade" }),
    eventId: bigint("event_id", { mode: "number" }).references(() => requestEvents.id, { onDelete: "cascade" }),
    /** A piece id (src/domain/request/pieces.ts) or a section ("etape-1"…"etape-4"). */
    item: text("item").notNull(),
    reason: text("reason").notNull(),
    createdAt: createdAt(),
    /** Set when the user changed it; resolvedAt when the request was sent back. */
    changedAt: timestamp("changed_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [index("completion_items_request_idx").on(t.requestId)],
);

/**
 * Append-only log of agents' actions (a trigger refuses UPDATE and DELETE). No foreign key to the
 * request and no personal data: it outlives the request's deletion.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    agentId: uuid("agent_id"),
    action: text("action").notNull(),
    requestId: uuid("request_id"),
    requestNumber: text("request_number"),
    fromState: text("from_state"),
    toState: text("to_state"),
    motive: text("motive"),
  },
  (t) => [index("audit_log_at_idx").on(t.at), index("audit_log_request_idx").on(t.requestId)],
);

/** The printing works' daily exports of validated titles. */
export const titleExports = pgTable("title_exports", {
  day: date("day").primaryKey(),
  createdAt: createdAt(),
  count: integer("count").notNull(),
  /** SHA-256 of the JSON and of the CSV file. */
  jsonSha256: text("json_sha256").notNull(),
  csvSha256: text("csv_sha256").notNull(),
  jsonKey: text("json_key").notNull(),
  csvKey: text("csv_key").notNull(),
  /** The encryption IV and tag of each stored file (DocumentStorage.put), to read it back. */
  jsonIv: text("json_iv").notNull(),
  jsonTag: text("json_tag").notNull(),
  csvIv: text("csv_iv").notNull(),
  csvTag: text("csv_tag").notNull(),
});

/** Draws NEPH serials (src/domain/request/neph.ts formats them). */
export const nephNumbers = pgSequence("neph_seq", { startWith: 1, increment: 1 });
