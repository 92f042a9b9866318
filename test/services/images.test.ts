import { describe, expect, it } from "vitest";
import { sharp } from "../../src/services/images.ts";
import { renderImage } from "../../src/services/captcha-media.ts";

describe("sharp in the service's process", () => {
  it("keeps no operation cache: images made once are not held after they are sent", async () => {
    expect(sharp.cache().memory.max).toBe(0);
    for (let i = 0; i < 5; i++) expect((await renderImage(`K7P${i}Q2`)).length).toBeGreaterThan(1000);
    const { memory, items } = sharp.cache();
    expect(memory.current).toBe(0);
    expect(items.current).toBe(0);
  });
});
