import type { Db } from "../db/client.ts";
import {
  blockedUntil,
  blockUntil,
  clearThrottle,
  countHit,
  countHitUnlessBlocked,
  refundHit,
} from "../db/repositories/throttles.ts";
import { blockSeconds, THROTTLE_POLICIES, type ThrottleScope } from "../domain/throttle.ts";
import type { Clock } from "./clock.ts";
import { sha256 } from "./secrets.ts";

/** One counter: a scope (policy) and what it counts (an IP address, an identifier...). */
export type ThrottleTarget = readonly [scope: ThrottleScope, value: string];

/** What `take` counted on one target, so that the attempt can be given back. */
interface Taken {
  key: string;
  previousBlock: Date | null;
  setBlock: Date | null;
}

/** The outcome of `take`: go ahead (the attempt is counted), or wait. */
export type Admission = { allowed: true; taken: readonly Taken[] } | { allowed: false; waitSeconds: number };

class Blocked extends Error {
  constructor(readonly until: Date) {
    super("blocked");
  }
}

/**
 * Rate limits kept in PostgreSQL, so they hold across instances. Keys are hashed: no IP
 * address or identifier is stored in clear.
 *
 * An attempt is counted *before* the work it guards (password check, mail): `take` counts
 * it and checks the block in one transaction, the rows locked, so that a burst of parallel
 * attempts cannot all pass between a check and a count. An attempt that turns out
 * legitimate may then be given back (`refund`) or the counter cleared (`clear`).
 */
export class Throttle {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private key([scope, value]: ThrottleTarget): string {
    return sha256(`${scope}:${value}`);
  }

  private waitSeconds(until: Date, now: Date): number {
    return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  }

  /**
   * Counts one attempt on every target, unless one of them is blocked (then nothing is
   * counted and the answer says how long to wait). A target whose count reaches its
   * policy's allowance is blocked from then on: this attempt goes ahead, the next ones wait.
   */
  async take(targets: readonly ThrottleTarget[]): Promise<Admission> {
    const now = this.clock.now();
    // Always the same order of keys, so that two transactions never wait for each other's rows.
    const ordered = targets
      .map((target) => ({ key: this.key(target), policy: THROTTLE_POLICIES[target[0]] }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    try {
      const taken = await this.db.transaction(async (tx) => {
        const done: Taken[] = [];
        for (const { key, policy } of ordered) {
          const row = await countHitUnlessBlocked(tx, key, now, policy.windowSeconds);
          if (!row) {
            const until = await blockedUntil(tx, [key], now);
            throw new Blocked(until ?? new Date(now.getTime() + 1000));
          }
          const seconds = blockSeconds(policy, row.hits);
          const setBlock = seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null;
          if (setBlock) await blockUntil(tx, key, setBlock);
          done.push({ key, previousBlock: row.blockedUntil, setBlock });
        }
        return done;
      });
      return { allowed: true, taken };
    } catch (error) {
      if (error instanceof Blocked) return { allowed: false, waitSeconds: this.waitSeconds(error.until, now) };
      throw error;
    }
  }

  /** Gives back the attempt counted by `take` on `target` (e.g. a successful sign-in from an address). */
  async refund(admission: Admission, target: ThrottleTarget): Promise<void> {
    if (!admission.allowed) return;
    const key = this.key(target);
    const taken = admission.taken.find((t) => t.key === key);
    if (taken) await refundHit(this.db, key, taken.setBlock, taken.previousBlock);
  }

  /**
   * Seconds to wait before any of these targets may be tried again (0: go ahead). A read
   * only: to guard work, use `take`, which checks and counts at once.
   */
  async wait(targets: readonly ThrottleTarget[]): Promise<number> {
    const now = this.clock.now();
    const until = await blockedUntil(this.db, targets.map((t) => this.key(t)), now);
    return until ? this.waitSeconds(until, now) : 0;
  }

  /**
   * Counts one hit on each target after the fact, blocking those past their free allowance.
   * Not a gate: a check followed by `hit` lets parallel attempts through; prefer `take`.
   */
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
