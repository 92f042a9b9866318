ALTER TABLE "requests" ADD COLUMN "licence_number" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "licence_issued_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "requests_licence_number_key" ON "requests" USING btree ("licence_number");