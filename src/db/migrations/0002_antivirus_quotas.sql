ALTER TABLE "request_documents" ADD COLUMN "scan_status" text DEFAULT 'unscanned' NOT NULL;--> statement-breakpoint
ALTER TABLE "request_documents" ADD COLUMN "scan_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_documents" ADD COLUMN "scan_next_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "request_documents" ADD COLUMN "scan_locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "request_documents" ADD COLUMN "scanned_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "request_documents_scan_due_idx" ON "request_documents" USING btree ("scan_next_at") WHERE "request_documents"."scan_status" = 'pending';