import { randomUUID } from "node:crypto";
import type { Executor } from "../../src/db/client.ts";
import { accounts, instructionServices, requests } from "../../src/db/schema.ts";

let serial = 0;

export interface SentRequestOptions {
  accountEmail?: string;
  contactEmail?: string;
  telephone?: string;
  consentement?: boolean;
  beneficiaire?: "moi" | "tiers";
  motifId?: string;
  photoOption?: "numerique" | "classique";
  state?: string;
  createdAt?: Date;
  sentAt?: Date;
  serviceId?: string | null;
}

/** A sent request written straight into the database, as sending freezes it (FrozenRequest). */
export async function insertSentRequest(db: Executor, o: SentRequestOptions = {}) {
  serial++;
  const tag = `${Date.now().toString(36)}${serial}${randomUUID().slice(0, 4)}`;
  const [account] = await db
    .insert(accounts)
    .values({ kind: "particulier", status: "active", familyName: "Dupont", givenName: "Sylvie", email: o.accountEmail ?? `compte.${tag}@example.fr` })
    .returning();
  const number = `PC-2026-${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
  const createdAt = o.createdAt ?? new Date("2026-06-01T08:00:00Z");
  const sentAt = o.sentAt ?? createdAt;
  const motifId = o.motifId ?? "fabrication.perte";
  const frozen = {
    version: 1,
    number,
    sentAt: sentAt.toISOString(),
    motifId,
    content: {
      beneficiaire: o.beneficiaire ?? "moi",
      pour: "majeur",
      adresse: { email: o.contactEmail ?? `contact.${tag}@example.fr`, telephone: o.telephone ?? "", consentement: o.consentement ?? true },
      photo: { option: o.photoOption ?? "numerique" },
      pieces: [],
      additional: [],
    },
  };
  const [request] = await db
    .insert(requests)
    .values({
      accountId: account!.id,
      motif: motifId,
      state: o.state ?? "envoyee",
      frozen,
      number,
      createdAt,
      sentAt,
      serviceId: o.serviceId ?? null,
    })
    .returning();
  return { account: account!, request: request!, number, contactEmail: frozen.content.adresse.email };
}

export async function insertService(db: Executor, id: string, name: string): Promise<void> {
  await db.insert(instructionServices).values({ id, name }).onConflictDoNothing();
}
