import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPhotoCode } from "../../src/db/repositories/photo-codes.ts";
import { DEMO_PROVIDERS, seedDemoProviders } from "../../src/services/demo.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { PNG } from "../helpers/requests.ts";

let t: TestApp;
let apiKey: string;
beforeAll(async () => {
  t = await startTestApp();
  await seedDemoProviders(t.db.db, t.services.photoCodes);
  ({ apiKey } = await t.services.photoCodes.addProvider({ name: "Studio Bellecour", kind: "photographe", address: "2 place Bellecour", postcode: "69002", commune: "Lyon" }));
});
afterAll(() => t.close());

function deposit(key: string | undefined, parts: Record<string, Buffer>) {
  const form = new FormData();
  for (const [name, content] of Object.entries(parts)) form.append(name, new Blob([new Uint8Array(content)], { type: "image/png" }), `${name}.png`);
  const encoded = new Response(form);
  return encoded.arrayBuffer().then((body) =>
    t.app.inject({
      method: "POST",
      url: "/api/photographes/depots",
      headers: { "content-type": encoded.headers.get("content-type")!, ...(key ? { authorization: `Bearer ${key}` } : {}) },
      payload: Buffer.from(body),
    }),
  );
}

describe("the photographers' deposit API", () => {
  it("issues a 22-digit code valid 6 months for a photo and a signature", async () => {
    const res = await deposit(apiKey, { photo: PNG, signature: PNG });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { code: string; expiresAt: string };
    expect(body.code).toMatch(/^\d{22}$/);
    const months = (new Date(body.expiresAt).getTime() - Date.now()) / (30.4 * 24 * 3600 * 1000);
    expect(months).toBeGreaterThan(5.9);
    expect(months).toBeLessThan(6.1);
    const row = (await findPhotoCode(t.db.db, body.code))!;
    // Both images are stored encrypted and come back intact.
    const photo = await t.services.storage.get(row.photoKey, { iv: row.photoIv, tag: row.photoTag });
    const chunks: Buffer[] = [];
    for await (const c of photo) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(PNG)).toBe(true);
  });

  it.each([
    ["no key", undefined, 401],
    ["a wrong key", "x".repeat(43), 401],
  ])("refuses %s", async (_label, key, status) => {
    const res = await deposit(key, { photo: PNG, signature: PNG });
    expect(res.statusCode).toBe(status);
    expect(res.headers["www-authenticate"]).toContain("Bearer");
  });

  it("refuses a deposit without both images, or that is not an image", async () => {
    expect((await deposit(apiKey, { photo: PNG })).statusCode).toBe(400);
    const notImage = await deposit(apiKey, { photo: Buffer.from("MZ fake exe"), signature: PNG });
    expect(notImage.statusCode).toBe(400);
    expect((notImage.json() as { error: string }).error).toContain("JPEG ou PNG");
    const json = await t.app.inject({ method: "POST", url: "/api/photographes/depots", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, payload: "{}" });
    expect(json.statusCode).toBe(415);
  });

  it("keeps only a hash of the API key", async () => {
    const { provider, apiKey: key } = await t.services.photoCodes.addProvider({ name: "Cabine", kind: "cabine", address: "Gare", postcode: "33000", commune: "Bordeaux" });
    expect(provider.apiKeyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(provider.apiKeyHash).not.toContain(key);
  });
});

describe("Photographes et cabines agréés", () => {
  it("lists the approved providers, searchable by commune or postcode", async () => {
    const b = new Browser(t.app);
    const all = await b.get("/photographes");
    expect(all.status).toBe(200);
    expect(all.text("h1")).toBe("Photographes et cabines agréés");
    expect(all.html.querySelectorAll("#photographers-table tbody tr").length).toBe(DEMO_PROVIDERS.length + 2);
    const lyon = await b.get("/photographes?q=lyon");
    const names = lyon.html.querySelectorAll("#photographers-table tbody tr td:first-child").map((td) => td.textContent);
    expect(names).toEqual(expect.arrayContaining(["Studio Bellecour", "Photo Bellecour (démonstration)"]));
    expect(names.every((n) => !n.includes("Paris"))).toBe(true);
    const byPostcode = await b.get("/photographes?q=750");
    expect(byPostcode.html.querySelectorAll("#photographers-table tbody tr").length).toBe(2);
    const none = await b.get("/photographes?q=Trifouilly");
    expect(none.text("main")).toContain("Aucun photographe ni cabine agréés ne correspond à « Trifouilly »");
  });
});
