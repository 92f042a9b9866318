import { describe, it, expect } from "vitest";
import { THROTTLE_POLICIES, blockSeconds, waitInFrench, type ThrottleScope } from "../../src/domain/throttle.ts";

describe("THROTTLE_POLICIES", () => {
  it.each<{ scope: ThrottleScope; free: number; base: number; max: number; window: number }>([
    { scope: "signinIdentifier", free: 5, base: 30, max: 900, window: 3600 },
    { scope: "signinIp", free: 20, base: 30, max: 900, window: 3600 },
    { scope: "signupIp", free: 5, base: 60, max: 3600, window: 3600 },
    { scope: "recoveryIp", free: 5, base: 60, max: 3600, window: 3600 },
    { scope: "mailTarget", free: 5, base: 60, max: 3600, window: 3600 },
    { scope: "photographerKeyIp", free: 10, base: 60, max: 3600, window: 3600 },
  ])("$scope: $free free hits, $base s doubling up to $max s, over $window s", ({ scope, free, base, max, window }) => {
    expect(THROTTLE_POLICIES[scope]).toEqual({
      free,
      baseDelaySeconds: base,
      maxDelaySeconds: max,
      windowSeconds: window,
    });
  });
});

describe("blockSeconds", () => {
  // For each policy: rows of [hits, expected seconds], around the free threshold and the cap.
  describe.each<{ scope: ThrottleScope; rows: Array<[number, number]> }>([
    {
      scope: "signinIdentifier",
      rows: [
        [0, 0],
        [4, 0],
        [5, 30],
        [6, 60],
        [7, 120],
        [8, 240],
        [9, 480],
        [10, 900], // 960 capped
        [11, 900],
        [100, 900],
        [10_000, 900],
      ],
    },
    {
      scope: "signinIp",
      rows: [
        [0, 0],
        [19, 0],
        [20, 30],
        [21, 60],
        [24, 480],
        [25, 900],
        [1000, 900],
      ],
    },
    {
      scope: "signupIp",
      rows: [
        [4, 0],
        [5, 60],
        [6, 120],
        [9, 960],
        [10, 1920],
        [11, 3600], // 3840 capped
        [50, 3600],
      ],
    },
    {
      scope: "recoveryIp",
      rows: [
        [4, 0],
        [5, 60],
        [10, 1920],
        [11, 3600],
      ],
    },
    {
      scope: "mailTarget",
      rows: [
        [0, 0],
        [4, 0],
        [5, 60],
        [6, 120],
        [10, 1920],
        [11, 3600],
        [1_000_000, 3600],
      ],
    },
    {
      scope: "photographerKeyIp",
      rows: [
        [0, 0],
        [9, 0],
        [10, 60],
        [11, 120],
        [15, 1920],
        [16, 3600], // 3840 capped
        [1000, 3600],
      ],
    },
  ])("$scope", ({ scope, rows }) => {
    it.each(rows)("after hit %d -> blocked %d s", (hits, seconds) => {
      expect(blockSeconds(THROTTLE_POLICIES[scope], hits)).toBe(seconds);
    });
  });

  it.each<[number, number]>([
    [0, 0],
    [1, 0],
    [2, 10],
    [3, 20],
    [4, 40],
    [5, 50],
  ])("custom policy {free: 2, base: 10, max: 50}: hit %d -> %d s", (hits, seconds) => {
    expect(blockSeconds({ free: 2, baseDelaySeconds: 10, maxDelaySeconds: 50, windowSeconds: 60 }, hits)).toBe(seconds);
  });

  it("never decreases and never exceeds the cap as hits grow", () => {
    for (const scope of Object.keys(THROTTLE_POLICIES) as ThrottleScope[]) {
      const policy = THROTTLE_POLICIES[scope];
      let previous = 0;
      for (let hits = 0; hits <= 60; hits++) {
        const s = blockSeconds(policy, hits);
        expect(s).toBeGreaterThanOrEqual(previous);
        expect(s).toBeLessThanOrEqual(policy.maxDelaySeconds);
        expect(Number.isFinite(s)).toBe(true);
        previous = s;
      }
    }
  });
});

describe("waitInFrench", () => {
  it.each<[number, string]>([
    [0, "1 seconde"],
    [0.2, "1 seconde"],
    [1, "1 seconde"],
    [1.01, "2 secondes"],
    [2, "2 secondes"],
    [30, "30 secondes"],
    [45, "45 secondes"],
    [59, "59 secondes"],
    [60, "1 minute"],
    [61, "2 minutes"],
    [90, "2 minutes"],
    [120, "2 minutes"],
    [121, "3 minutes"],
    [900, "15 minutes"],
    [3600, "60 minutes"],
  ])("%d s -> %j", (seconds, expected) => {
    expect(waitInFrench(seconds)).toBe(expected);
  });
});
