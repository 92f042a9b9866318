/** Delivery retries of mails and SMS: exponential back-off, then give up (the row stays, marked failed). */
export const MAX_DELIVERY_ATTEMPTS = 12;
const BASE_DELAY_SECONDS = 30;
const MAX_DELAY_SECONDS = 60 * 60;

/** Seconds before the next attempt after `attempts` failed ones, or null to give up. */
export function retryDelaySeconds(attempts: number): number | null {
  if (attempts >= MAX_DELIVERY_ATTEMPTS) return null;
  return Math.min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** Math.max(0, attempts - 1));
}
