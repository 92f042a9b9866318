import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

describe("what the service loads as it starts", () => {
  it("leaves fontkit (the PDFs' and the captcha image's fonts) to the first request that needs it", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "test/fixtures/startup/loaded-at-start.ts"], { timeout: 60_000 });
    // The fixture lists the ones found in the process; the routes that use them are tested in
    // test/services/pdf.test.ts, captcha.test.ts and test/http/request-sending.test.ts.
    expect(JSON.parse(stdout)).toEqual([]);
  }, 90_000);
});
