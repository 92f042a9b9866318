/**
 * Rate limits with growing delays (sign-in, account creation, "oublié" flows).
 * A key may be hit `free` times within `windowSeconds`; from the `free`-th hit on, it is
 * blocked for `baseDelaySeconds`, doubling with each further hit, up to `maxDelaySeconds`.
 */
export interface ThrottlePolicy {
  free: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  windowSeconds: number;
}

/** Failed sign-ins on one account: 5 free an hour, then 30 s doubling up to 15 minutes. */
const SIGNIN_PER_ACCOUNT: ThrottlePolicy = { free: 5, baseDelaySeconds: 30, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 };

export const THROTTLE_POLICIES = {
  /** Failed sign-ins for one identifier, whoever tries — except in a browser that signed in to it before (next line). */
  signinIdentifier: SIGNIN_PER_ACCOUNT,
  /**
   * Failed sign-ins for one identifier in one browser that signed in to it before (src/web/security/device.ts):
   * others' failures do not lock its owner out there.
   */
  signinDevice: SIGNIN_PER_ACCOUNT,
  /** Failed sign-ins from one address, whatever the identifier. */
  signinIp: { free: 20, baseDelaySeconds: 30, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 },
  /** Account creations from one address. */
  signupIp: { free: 5, baseDelaySeconds: 60, maxDelaySeconds: 60 * 60, windowSeconds: 60 * 60 },
  /** "Identifiant oublié" and "Mot de passe oublié" from one address. */
  recoveryIp: { free: 5, baseDelaySeconds: 60, maxDelaySeconds: 60 * 60, windowSeconds: 60 * 60 },
  /**
   * Mails that an anonymous visitor can cause to one address (account creation, new
   * activation link, forgotten identifier or password): no one can flood a mailbox.
   */
  mailTarget: { free: 5, baseDelaySeconds: 60, maxDelaySeconds: 60 * 60, windowSeconds: 60 * 60 },
  /**
   * Wrong or missing keys on the photographers' deposit API from one address (a right key
   * gives its attempt back): 10 free, then 60 s doubling up to 1 hour.
   */
  photographerKeyIp: { free: 10, baseDelaySeconds: 60, maxDelaySeconds: 60 * 60, windowSeconds: 60 * 60 },
  /** Files uploaded by one account (quota: at most 60 an hour, whatever the outcome of each). */
  uploadAccount: { free: 60, baseDelaySeconds: 60 * 60, maxDelaySeconds: 60 * 60, windowSeconds: 60 * 60 },
} as const satisfies Record<string, ThrottlePolicy>;

export type ThrottleScope = keyof typeof THROTTLE_POLICIES;

/** Seconds the key stays blocked after its `hits`-th hit in the window (0: not blocked). */
export function blockSeconds(policy: ThrottlePolicy, hits: number): number {
  if (hits < policy.free) return 0;
  const exponent = Math.min(hits - policy.free, 30);
  return Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** exponent);
}

/** "2 minutes", "45 secondes": how long to wait, in French. */
export function waitInFrench(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} seconde${s > 1 ? "s" : ""}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m > 1 ? "s" : ""}`;
}
