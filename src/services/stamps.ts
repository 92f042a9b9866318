import type { Db, Executor } from "../db/client.ts";
import { consumeStamp, findStamp, insertStamp } from "../db/repositories/stamps.ts";
import { randomDigits } from "./secrets.ts";

/**
 * Electronic fiscal stamps (SPEC §7): a loss or a theft costs a 25 € stamp, used once.
 * `StampService` is the interface to the stamps issuer; the default implementation is the
 * service's own table of issued stamps (filled by `npm run timbres:emettre`).
 */
export const STAMP_AMOUNT_CENTS = 2500;

export type StampCheck = "valid" | "unknown" | "used" | "wrong_amount";

export const STAMP_ERRORS: Record<Exclude<StampCheck, "valid">, string> = {
  unknown: "Ce numéro de timbre fiscal électronique est inconnu : vérifiez les 16 chiffres.",
  used: "Ce timbre fiscal électronique a déjà été utilisé : un timbre ne sert qu'une fois.",
  wrong_amount: "Ce timbre fiscal électronique n'est pas d'un montant de 25 €.",
};

export interface StampService {
  check(number: string): Promise<StampCheck>;
  /** Consumes the stamp inside the caller's transaction; false if it is no longer usable. */
  consume(tx: Executor, number: string, requestId: string, now: Date): Promise<boolean>;
}

export class LocalStampService implements StampService {
  constructor(private readonly db: Db) {}

  async check(number: string): Promise<StampCheck> {
    const stamp = await findStamp(this.db, number);
    if (!stamp) return "unknown";
    if (stamp.usedAt) return "used";
    if (stamp.amountCents !== STAMP_AMOUNT_CENTS) return "wrong_amount";
    return "valid";
  }

  consume(tx: Executor, number: string, requestId: string, now: Date): Promise<boolean> {
    return consumeStamp(tx, number, requestId, now);
  }

  /** Issues `count` new stamps of 25 € (test and demonstration stamps); returns their numbers. */
  async issue(count: number, now: Date): Promise<string[]> {
    const numbers: string[] = [];
    while (numbers.length < count) {
      const number = randomDigits(16);
      if (await insertStamp(this.db, number, STAMP_AMOUNT_CENTS, now)) numbers.push(number);
    }
    return numbers;
  }
}
