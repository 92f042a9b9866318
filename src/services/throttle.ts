import type { Db } from "../db/client.ts";
import { blockedUntil, blockUntil, clearThrottle, countHit } from "../db/repositories/throttles.ts";
import { blockSeconds, THROTTLE_POLICIES, type ThrottleScope } from "../domain/throttle.ts";
import type { Clock } from "./clock.ts";
import { sha256 } from "./secrets.ts";

/** One counter: a scope (policy) and what it counts (an IP address, an identifier...). */
export type ThrottleTarget = readonly [scope: ThrottleScope, value: string];

/**
 * Rate limits kept in PostgreSQL, so they hold across instances. Keys are hashed: no IP
 * address or identifier is stored in clear.
 */
export class Throttle {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private key([scope, value]: ThrottleTarget): string {
    return sha256(`${scope}:${value}`);
  }

  /** Seconds to wait before any of these targets may be tried again (0: go ahead). */
  async wait(targets: readonly ThrottleTarget[]): Promise<number> {
    const now = this.clock.now();
    const until = await blockedUntil(this.db, targets.map((t) => this.key(t)), now);
    return until ? Math.ceil((until.getTime() - now.getTime()) / 1000) : 0;
  }

  /** Counts one attempt (or failure) on each target, blocking those past their free allowance. */
  async hit(targets: readonly ThrottleTarget[]): Promise<void> {
    const now = this.clock.now();
    for (const target of targets) {
      const policy = THROTTLE_POLICIES[target[0]];
      const key = this.key(target);
      const hits = await countHit(this.db, key, now, policy.windowSeconds);
      const seconds = blockSeconds(policy, hits);
      if (seconds > 0) await blockUntil(this.db, key, new Date(now.getTime() + seconds * 1000));
    }
  }

  async clear(target: ThrottleTarget): Promise<void> {
    await clearThrottle(this.db, this.key(target));
  }
}
