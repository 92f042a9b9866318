import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import helmet from "helmet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmetHeaders } from "../../src/web/security/headers.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

/** Headers helmet's middleware writes on a real Node response, for the given options. */
async function fromRealResponse(options: Parameters<typeof helmet>[0]): Promise<Record<string, string>> {
  const middleware = helmet(options);
  const server: Server = createServer((req, res) => middleware(req, res, () => res.end("ok")));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await response.text();
    const skip = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding"]);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!skip.has(name)) headers[name] = value;
    });
    return headers;
  } finally {
    server.close();
  }
}

describe("security headers, worked out once", () => {
  it.each([
    ["the defaults", {}],
    ["our policy over https", { contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], formAction: ["'self'", "https://fc.example"], upgradeInsecureRequests: [] } }, strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true }, referrerPolicy: { policy: "same-origin" as const }, crossOriginEmbedderPolicy: false }],
    ["no HSTS, no CSP", { strictTransportSecurity: false, contentSecurityPolicy: false }],
  ])("are those helmet writes on a real response: %s", async (_name, options) => {
    expect(helmetHeaders(options)).toEqual(await fromRealResponse(options));
  });

  it("refuses options helmet refuses, at start", () => {
    expect(() => helmetHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ["'self'", "'none'"], "bad directive": ["x"] } } })).toThrow();
  });
});

describe("security headers on every answer", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(["/connexion", "/page-qui-n-existe-pas", "/demandes/pas-un-id/etape/1", "/sante"])("%s carries the policy and the protective headers", async (url) => {
    const res = await t.app.inject(url);
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("same-origin");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["cross-origin-opener-policy"]).toBe("same-origin");
  });
});
