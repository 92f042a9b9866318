import type { Clock } from "../../src/services/clock.ts";

/** A clock the test moves by hand (e.g. 24 hours forward). */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export const HOUR = 60 * 60 * 1000;
