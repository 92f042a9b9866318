import { lt, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { captchas } from "../schema.ts";

/*
 * A captcha challenge is a signed token carried by the form (services/captcha.ts): showing one
 * writes nothing. The table only keeps what must be shared between instances once a challenge is
 * used, each row until the challenge expires:
 *  - a challenge that was answered: its id, with `answer` = "spent" (spent once, right or wrong);
 *  - the number of fetches of a challenge's image or of its audio: under an id derived from the
 *    challenge's, with `answer` = the count written in digits.
 */
const SPENT = "spent";

/** Records a challenge as answered; false when it already was (a replay), atomically. */
export async function spendCaptcha(db: Executor, id: string, expiresAt: Date): Promise<boolean> {
  const rows = await db.insert(captchas).values({ id, answer: SPENT, expiresAt }).onConflictDoNothing({ target: captchas.id }).returning({ id: captchas.id });
  return rows.length === 1;
}

/** Counts one more fetch under `id` (a challenge's image or audio) and returns the new count. */
export async function countCaptchaFetch(db: Executor, id: string, expiresAt: Date): Promise<number> {
  const [row] = await db
    .insert(captchas)
    .values({ id, answer: "1", expiresAt })
    .onConflictDoUpdate({
      target: captchas.id,
      set: { answer: sql`(case when ${captchas.answer} ~ '^[0-9]{1,9}$' then ${captchas.answer}::integer + 1 else 1000000 end)::text` },
    })
    .returning({ answer: captchas.answer });
  return Number(row!.answer);
}

export async function deleteExpiredCaptchas(db: Executor, now: Date): Promise<void> {
  await db.delete(captchas).where(lt(captchas.expiresAt, now));
}
