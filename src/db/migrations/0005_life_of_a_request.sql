CREATE SEQUENCE "public"."neph_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "agent_recovery_codes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"agent_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "agent_services" (
	"agent_id" uuid NOT NULL,
	"service_id" text NOT NULL,
	CONSTRAINT "agent_services_agent_id_service_id_pk" PRIMARY KEY("agent_id","service_id")
);
--> statement-breakpoint
CREATE TABLE "agent_session" (
	"sid" varchar PRIMARY KEY NOT NULL,
	"sess" json NOT NULL,
	"expire" timestamp (6) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"role" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"password_hash" text,
	"totp_secret" text,
	"totp_enabled_at" timestamp with time zone,
	"totp_last_step" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_login_at" timestamp with time zone,
	CONSTRAINT "agents_email_lower" CHECK ("agents"."email" = lower("agents"."email"))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"agent_id" uuid,
	"action" text NOT NULL,
	"request_id" uuid,
	"request_number" text,
	"from_state" text,
	"to_state" text,
	"motive" text
);
--> statement-breakpoint
CREATE TABLE "completion_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" uuid NOT NULL,
	"event_id" bigint,
	"item" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changed_at" timestamp with time zone,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "instruction_services" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"transition" text NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"actor_kind" text NOT NULL,
	"agent_id" uuid,
	"motive" text,
	"message" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "service_prefectures" (
	"prefecture_id" text PRIMARY KEY NOT NULL,
	"service_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "title_exports" (
	"day" date PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"count" integer NOT NULL,
	"json_sha256" text NOT NULL,
	"csv_sha256" text NOT NULL,
	"json_key" text NOT NULL,
	"csv_key" text NOT NULL,
	"json_iv" text NOT NULL,
	"json_tag" text NOT NULL,
	"csv_iv" text NOT NULL,
	"csv_tag" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "request_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "event" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "request_id" uuid;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "provider_message_id" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "delivery_status" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "delivery_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "segments" integer;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "prefecture_id" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "service_id" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "search_name" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "assigned_agent_id" uuid;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "assigned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "neph" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "state_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "previous_request_id" uuid;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "deletion_notice_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "exported_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agent_recovery_codes" ADD CONSTRAINT "agent_recovery_codes_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_services" ADD CONSTRAINT "agent_services_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_services" ADD CONSTRAINT "agent_services_service_id_instruction_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."instruction_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "completion_items" ADD CONSTRAINT "completion_items_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "completion_items" ADD CONSTRAINT "completion_items_event_id_request_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."request_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_events" ADD CONSTRAINT "request_events_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_events" ADD CONSTRAINT "request_events_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_prefectures" ADD CONSTRAINT "service_prefectures_service_id_instruction_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."instruction_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_recovery_codes_agent_idx" ON "agent_recovery_codes" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "agent_services_service_idx" ON "agent_services" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "IDX_agent_session_expire" ON "agent_session" USING btree ("expire");--> statement-breakpoint
CREATE UNIQUE INDEX "agents_email_key" ON "agents" USING btree ("email");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_request_idx" ON "audit_log" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "completion_items_request_idx" ON "completion_items" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "request_events_request_idx" ON "request_events" USING btree ("request_id","id");--> statement-breakpoint
CREATE INDEX "request_events_to_state_idx" ON "request_events" USING btree ("to_state","at");--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_service_id_instruction_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."instruction_services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_assigned_agent_id_agents_id_fk" FOREIGN KEY ("assigned_agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_idempotency_key" ON "outbox" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_provider_message_key" ON "outbox" USING btree ("provider_message_id");--> statement-breakpoint
CREATE INDEX "outbox_request_idx" ON "outbox" USING btree ("request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "requests_neph_key" ON "requests" USING btree ("neph");--> statement-breakpoint
CREATE INDEX "requests_queue_idx" ON "requests" USING btree ("service_id","state","sent_at","id") WHERE "requests"."state" <> 'brouillon';--> statement-breakpoint
CREATE INDEX "requests_search_name_idx" ON "requests" USING btree ("service_id","search_name","sent_at","id") WHERE "requests"."search_name" is not null;--> statement-breakpoint
CREATE INDEX "requests_state_changed_idx" ON "requests" USING btree ("state","state_changed_at");--> statement-breakpoint
CREATE INDEX "requests_prefecture_idx" ON "requests" USING btree ("prefecture_id") WHERE "requests"."prefecture_id" is not null;--> statement-breakpoint
CREATE INDEX "requests_assigned_idx" ON "requests" USING btree ("assigned_agent_id") WHERE "requests"."assigned_agent_id" is not null;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_state_check" CHECK ("requests"."state" in ('brouillon', 'envoyee', 'verification_images', 'en_instruction', 'a_completer', 'rejet_images', 'rejet_instruction', 'validee'));--> statement-breakpoint
-- The audit log is append-only: no row is ever changed or removed.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();--> statement-breakpoint
-- Requests sent before this migration: their préfecture, search name and first history row.
UPDATE "requests" SET
  "prefecture_id" = "frozen"->'content'->'adresse'->'prefecture'->>'id',
  "search_name" = upper("frozen"->'content'->'etatCivil'->>'nomNaissance'),
  "state_changed_at" = coalesce("sent_at", "updated_at")
WHERE "state" <> 'brouillon';--> statement-breakpoint
INSERT INTO "request_events" ("request_id", "at", "transition", "from_state", "to_state", "actor_kind")
SELECT "id", "sent_at", 'envoyer', 'brouillon', 'envoyee', 'usager' FROM "requests" WHERE "state" <> 'brouillon' AND "sent_at" IS NOT NULL;
