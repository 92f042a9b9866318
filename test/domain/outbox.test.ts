import { describe, it, expect } from "vitest";
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from "../../src/domain/outbox.ts";

describe("retryDelaySeconds", () => {
  it("gives up after 12 attempts", () => {
    expect(MAX_DELIVERY_ATTEMPTS).toBe(12);
  });

  it.each<[number, number | null]>([
    [0, 30],
    [1, 30],
    [2, 60],
    [3, 120],
    [4, 240],
    [5, 480],
    [6, 960],
    [7, 1920],
    [8, 3600], // 3840 capped at one hour
    [9, 3600],
    [10, 3600],
    [11, 3600],
    [12, null],
    [13, null],
    [100, null],
  ])("after %d failed attempts -> %s", (attempts, expected) => {
    expect(retryDelaySeconds(attempts)).toBe(expected);
  });

  it("retries on the last attempt before the limit and gives up exactly at it", () => {
    expect(retryDelaySeconds(MAX_DELIVERY_ATTEMPTS - 1)).not.toBeNull();
    expect(retryDelaySeconds(MAX_DELIVERY_ATTEMPTS)).toBeNull();
  });

  it("grows monotonically until it gives up", () => {
    let previous = 0;
    for (let attempts = 0; attempts < MAX_DELIVERY_ATTEMPTS; attempts++) {
      const delay = retryDelaySeconds(attempts);
      expect(delay).not.toBeNull();
      expect(delay!).toBeGreaterThanOrEqual(previous);
      expect(delay!).toBeLessThanOrEqual(3600);
      previous = delay!;
    }
  });
});
