import { eq, lt, and, gt } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { captchas } from "../schema.ts";

export async function insertCaptcha(db: Executor, answer: string, expiresAt: Date): Promise<string> {
  const [row] = await db.insert(captchas).values({ answer, expiresAt }).returning({ id: captchas.id });
  return row!.id;
}

/** The answer of a live challenge, to draw its image or its audio. */
export async function findCaptchaAnswer(db: Executor, id: string, now: Date): Promise<string | undefined> {
  const [row] = await db
    .select({ answer: captchas.answer })
    .from(captchas)
    .where(and(eq(captchas.id, id), gt(captchas.expiresAt, now)));
  return row?.answer;
}

/** Removes the challenge and returns its answer: each challenge is checked once, right or wrong. */
export async function consumeCaptcha(db: Executor, id: string, now: Date): Promise<string | undefined> {
  const [row] = await db.delete(captchas).where(eq(captchas.id, id)).returning();
  return row && row.expiresAt > now ? row.answer : undefined;
}

export async function deleteExpiredCaptchas(db: Executor, now: Date): Promise<void> {
  await db.delete(captchas).where(lt(captchas.expiresAt, now));
}
