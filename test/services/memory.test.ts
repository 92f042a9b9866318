import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEFAULT_IDLE_RELEASE, idleStep, INITIAL_IDLE_STATE, type IdleState } from "../../src/services/memory.ts";

const limits = DEFAULT_IDLE_RELEASE; // samples of 1 s, quiet at ≤ 2 % busy, release after 2 s quiet and 250 ms of work

describe("idleStep: when the service gives memory back", () => {
  // Each case: samples of [busy ms, elapsed ms] in turn → the sample (0-based) that releases, or none.
  const cases: Array<[string, Array<[number, number]>, number[]]> = [
    ["never busy: never", [[0, 1000], [5, 1000], [10, 1000], [0, 1000], [0, 1000]], []],
    ["busy then two quiet seconds: on the second", [[300, 1000], [0, 1000], [0, 1000], [0, 1000]], [2]],
    ["work below 250 ms in all: never", [[100, 1000], [100, 1000], [0, 1000], [0, 1000], [0, 1000]], []],
    ["work adds up over busy samples", [[100, 1000], [100, 1000], [100, 1000], [0, 1000], [0, 1000]], [4]],
    ["a busy sample restarts the quiet time", [[500, 1000], [0, 1000], [200, 1000], [0, 1000], [0, 1000]], [4]],
    ["a quiet sample's small activity (queues polled) is not work", [[20, 1000], [20, 1000], [20, 1000], [20, 1000], [20, 1000]], []],
    ["once per idle period", [[900, 1000], [0, 1000], [0, 1000], [0, 1000], [0, 1000], [0, 1000], [0, 1000]], [2]],
    ["work again after a release: released again", [[900, 1000], [0, 1000], [0, 1000], [400, 1000], [0, 1000], [0, 1000]], [2, 5]],
    ["samples longer than planned (a late timer) count their length", [[300, 1000], [0, 2500]], [1]],
  ];
  it.each(cases)("%s", (_name, samples, expected) => {
    let state: IdleState = INITIAL_IDLE_STATE;
    const released: number[] = [];
    samples.forEach(([busyMs, elapsedMs], i) => {
      const step = idleStep(state, { busyMs, elapsedMs }, limits);
      state = step.state;
      if (step.release) released.push(i);
    });
    expect(released).toEqual(expected);
  });
});

describe("IdleMemoryRelease in a process of its own", () => {
  const run = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--max-semi-space-size=2", "--heap-growing-percent=25", "--import", "tsx", "test/fixtures/memory/idle-release.ts", ...args],
      { timeout: 30_000 },
    );
    return JSON.parse(stdout) as { afterWork: number; afterIdle: number; releasesAfterWork: number; releasesAfterIdle: number; releasesLater: number; collections: number };
  };
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

  it("returns the pages V8 kept after the work once the process is idle, once", async () => {
    const [released, control] = await Promise.all([run(), run("--no-release")]);
    // The control samples the same way and would have released once, but collects nothing: its pages stay.
    expect(control.collections).toBe(1);
    expect(mb(control.afterIdle)).toBeGreaterThan(mb(control.afterWork) - 20);
    // The release: no collection during the work, one after it, none more while idle.
    expect(released.releasesAfterWork).toBe(0);
    expect(released.releasesAfterIdle).toBe(1);
    expect(released.releasesLater).toBe(1);
    expect(mb(released.afterWork) - mb(released.afterIdle)).toBeGreaterThan(40);
  }, 60_000);
});
