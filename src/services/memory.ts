import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * V8's garbage collector, for the few places that must call it (storage.ts during a burst of
 * uploads, the idle release below). Exposed to a fresh context only, never to this one's code.
 */
type ExposedGc = (options: { type: "minor" | "major"; flavor?: "regular" | "last-resort" }) => void;
let exposed: ExposedGc | undefined;
export function collectGarbage(type: "minor" | "major" | "release"): void {
  if (!exposed) {
    setFlagsFromString("--expose-gc");
    exposed = runInNewContext("gc") as ExposedGc;
  }
  // "last-resort": V8's memory-reducing collection, the only one that also returns its pooled pages.
  exposed(type === "release" ? { type: "major", flavor: "last-resort" } : { type });
}

/** When the idle release runs (see IdleMemoryRelease). */
export type IdleReleaseLimits = {
  /** One sample every this many milliseconds. */
  sampleMs: number;
  /** A sample is quiet when the event loop was busy for at most this share of it. */
  quietShare: number;
  /** The release runs once the loop has been quiet this long... */
  quietMs: number;
  /** ...after at least this much busy time (in busy samples) since the last release. */
  busyMs: number;
};

export const DEFAULT_IDLE_RELEASE: IdleReleaseLimits = { sampleMs: 1000, quietShare: 0.02, quietMs: 2000, busyMs: 250 };

export type IdleState = { busyMs: number; quietMs: number };
export const INITIAL_IDLE_STATE: IdleState = { busyMs: 0, quietMs: 0 };

/**
 * Pure: one sample of the event loop (busy time within the elapsed time) → the next state, and
 * whether to release memory now. Busy time counts only in busy samples, so a service that only
 * polls its queues while idle never releases again and again.
 */
export function idleStep(state: IdleState, sample: { busyMs: number; elapsedMs: number }, limits: IdleReleaseLimits): { state: IdleState; release: boolean } {
  const quiet = sample.busyMs <= sample.elapsedMs * limits.quietShare;
  const next = { busyMs: state.busyMs + (quiet ? 0 : sample.busyMs), quietMs: quiet ? state.quietMs + sample.elapsedMs : 0 };
  if (next.quietMs >= limits.quietMs && next.busyMs >= limits.busyMs) return { state: INITIAL_IDLE_STATE, release: true };
  return { state: next, release: false };
}

/**
 * Gives memory back to the system once the service falls idle after work. V8 keeps the pages a
 * collection frees in a pool, resident, for the next allocations; only a memory-reducing
 * collection returns them, and V8's own memory reducer does not run in this service (measured:
 * tens of Mo of pooled pages still resident a minute after a load, docs/PERFORMANCE.md, fifth
 * pass). So once the event loop has been quiet for `quietMs` after real work, one such
 * collection runs (tens of milliseconds, on an idle process). Nothing runs per request: the loop's
 * utilisation is sampled on an unref'd timer.
 */
export class IdleMemoryRelease {
  private timer: NodeJS.Timeout | undefined;
  private state = INITIAL_IDLE_STATE;
  private last: EventLoopUtilization | undefined;
  /** Releases so far. */
  releases = 0;

  constructor(
    private readonly limits: IdleReleaseLimits = DEFAULT_IDLE_RELEASE,
    private readonly release: () => void = () => collectGarbage("release"),
  ) {}

  start(): void {
    if (this.timer) return;
    this.last = performance.eventLoopUtilization();
    this.timer = setInterval(() => this.sample(), this.limits.sampleMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sample(): void {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, this.last);
    this.last = now;
    const step = idleStep(this.state, { busyMs: delta.active, elapsedMs: delta.active + delta.idle }, this.limits);
    this.state = step.state;
    if (!step.release) return;
    this.release();
    this.releases++;
    // The collection's own time is not work to release after.
    this.last = performance.eventLoopUtilization();
  }
}
