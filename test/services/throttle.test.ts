import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Throttle, type ThrottleTarget } from "../../src/services/throttle.ts";
import { ManualClock } from "../helpers/clock.ts";
import { testDatabase, type TestDatabase } from "../helpers/db.ts";

/** The rate limiter on a real database (PGlite, or the server with DATABASE_URL). */
let db: TestDatabase;
const clock = new ManualClock();
let throttle: Throttle;
beforeAll(async () => {
  db = await testDatabase();
  throttle = new Throttle(db.db, clock);
}, 180_000);
afterAll(() => db.dispose());

let n = 0;
const target = (): ThrottleTarget => ["signinIdentifier", `cible${++n}`];
const SECOND = 1000;

describe("Throttle.take", () => {
  it("lets the 5 free attempts through, blocks for 30 s, then lets one through and blocks for 60 s", async () => {
    const key = target();
    for (let i = 0; i < 5; i++) expect((await throttle.take([key])).allowed).toBe(true);
    expect(await throttle.take([key])).toEqual({ allowed: false, waitSeconds: 30 });
    expect(await throttle.wait([key])).toBe(30);
    clock.advance(30 * SECOND);
    expect((await throttle.take([key])).allowed).toBe(true);
    expect(await throttle.take([key])).toEqual({ allowed: false, waitSeconds: 60 });
    clock.advance(60 * 60 * SECOND); // a new window: the count starts again
    for (let i = 0; i < 5; i++) expect((await throttle.take([key])).allowed, `attempt ${i + 1}`).toBe(true);
    expect((await throttle.take([key])).allowed).toBe(false);
  });

  it("counts nothing on any target when one of them is blocked", async () => {
    const blocked = target();
    const other: ThrottleTarget = ["signinIp", `ip${++n}`];
    for (let i = 0; i < 5; i++) await throttle.take([blocked]);
    for (let i = 0; i < 10; i++) expect((await throttle.take([blocked, other])).allowed).toBe(false);
    // `other` was never counted: its 20 free attempts are all there.
    for (let i = 0; i < 20; i++) expect((await throttle.take([other])).allowed, `attempt ${i + 1}`).toBe(true);
    expect((await throttle.take([other])).allowed).toBe(false);
  });

  it("refund gives the attempt back and lifts the block that attempt set, not one set since", async () => {
    const key = target();
    for (let i = 0; i < 4; i++) await throttle.take([key]);
    const fifth = await throttle.take([key]);
    expect(await throttle.wait([key])).toBe(30);
    await throttle.refund(fifth, key);
    expect(await throttle.wait([key])).toBe(0);
    // Count back at 4: the next attempt is the fifth again.
    const again = await throttle.take([key]);
    expect(again.allowed).toBe(true);
    expect(await throttle.wait([key])).toBe(30);
    // An old admission's refund does not lift the block set by a later attempt.
    const early = target();
    const first = await throttle.take([early]);
    for (let i = 0; i < 4; i++) await throttle.take([early]);
    await throttle.refund(first, early);
    expect(await throttle.wait([early])).toBe(30);
  });

  it("serves 100 parallel attempts on overlapping targets in any order without deadlock, counting each exactly", async () => {
    const a: ThrottleTarget = ["signinIp", `ip${++n}`];
    const b: ThrottleTarget = ["mailTarget", `m${++n}@example.fr`];
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => throttle.take(i % 2 ? [a, b] : [b, a])));
    // mailTarget allows 5: five attempts pass and count on both; the others count on neither.
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    for (let i = 0; i < 15; i++) expect((await throttle.take([a])).allowed, `attempt ${i + 6} on the address`).toBe(true);
    expect((await throttle.take([a])).allowed).toBe(false);
  }, 120_000);
});
