/** Single-use links sent by mail (SPEC §2). */
export type TokenPurpose = "activation" | "password_reset";

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  activation: 24 * 60 * 60 * 1000,
  password_reset: 60 * 60 * 1000,
};

export function tokenExpiry(purpose: TokenPurpose, now: Date): Date {
  return new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]);
}

export type TokenState = "valid" | "expired" | "used" | "unknown";

export function tokenState(token: { expiresAt: Date; usedAt: Date | null } | undefined, now: Date): TokenState {
  if (!token) return "unknown";
  if (token.usedAt) return "used";
  if (token.expiresAt.getTime() <= now.getTime()) return "expired";
  return "valid";
}
