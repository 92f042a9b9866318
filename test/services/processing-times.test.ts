import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { ProcessingTimesService } from "../../src/services/processing-times.ts";
import { ManualClock } from "../helpers/clock.ts";
import { testDatabase, type TestDatabase } from "../helpers/db.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(async () => {
  await database.dispose();
});

/** The database, counting the statements the service sends. */
function counting(db: Db): { db: Db; count: () => number } {
  let n = 0;
  const proxy = new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key === "execute" && typeof value === "function") {
        return (...args: unknown[]) => {
          n++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  });
  return { db: proxy, count: () => n };
}

describe("processing times (Délais de traitement)", () => {
  it("many visitors at once when the minute is over: one reading of the history, the same figures for all", async () => {
    const clock = new ManualClock(new Date("2026-11-30T10:00:00Z"));
    const { db, count } = counting(database.db);
    const service = new ProcessingTimesService(db, clock, 60_000);
    const first = await Promise.all(Array.from({ length: 50 }, () => service.report()));
    expect(count()).toBe(1);
    expect(new Set(first).size).toBe(1);
    // Within the minute: kept.
    clock.advance(59_000);
    expect(await service.report()).toBe(first[0]);
    expect(count()).toBe(1);
    // The minute over: read again once for a new burst, then kept.
    clock.advance(2_000);
    const second = await Promise.all(Array.from({ length: 50 }, () => service.report()));
    expect(count()).toBe(2);
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first[0]);
    expect(second[0]!.until.toISOString()).toBe("2026-11-30T10:01:01.000Z");
  });

  it("a failed reading is not kept: the next visitor reads again", async () => {
    const clock = new ManualClock(new Date("2026-11-30T10:00:00Z"));
    let calls = 0;
    const failing = new Proxy(database.db, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (key === "execute" && typeof value === "function") {
          return (...args: unknown[]) => {
            calls++;
            if (calls === 1) return Promise.reject(new Error("connexion perdue"));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return value;
      },
    });
    const service = new ProcessingTimesService(failing, clock, 60_000);
    const outcomes = await Promise.allSettled([service.report(), service.report()]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    const report = await service.report();
    expect(calls).toBe(2);
    expect(Array.isArray(report.services)).toBe(true);
  });
});
