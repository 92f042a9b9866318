import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPhotoCode } from "../../src/db/repositories/photo-codes.ts";
import sharp from "sharp";
import { DEMO_PROVIDERS, demoPhotoCode, seedDemoProviders } from "../../src/services/demo.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { PNG } from "../helpers/requests.ts";

let t: TestApp;
let apiKey: string;
beforeAll(async () => {
  t = await startTestApp();
  await seedDemoProviders(t.db.db, t.services.photoCodes);
  ({ apiKey } = await t.services.photoCodes.addProvider({ name: "Studio Bellecour", kind: "photographe", address: "2 place Bellecour", postcode: "69002", commune: "Lyon" }));
}, 180_000); // a fresh database takes long to migrate on a loaded machine
afterAll(() => t.close());

function deposit(key: string | undefined, parts: Record<string, Buffer>, remoteAddress = "127.0.0.1") {
  const form = new FormData();
  for (const [name, content] of Object.entries(parts)) form.append(name, new Blob([new Uint8Array(content)], { type: "image/png" }), `${name}.png`);
  const encoded = new Response(form);
  return encoded.arrayBuffer().then((body) =>
    t.app.inject({
      method: "POST",
      url: "/api/photographes/depots",
      remoteAddress,
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

describe("the photographers' deposit API against key guessing (issue 6, item 14)", () => {
  const wrongKey = (i: number) => `${"y".repeat(40)}${String(i).padStart(3, "0")}`;

  it("blocks an address after 10 wrong keys, with Retry-After, even for a right key; other addresses go on", async () => {
    const address = "198.51.100.14";
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await deposit(wrongKey(i), { photo: PNG, signature: PNG }, address)).statusCode);
    expect(statuses).toEqual(Array(10).fill(401));
    const blocked = await deposit(apiKey, { photo: PNG, signature: PNG }, address);
    expect(blocked.statusCode).toBe(429);
    const wait = Number(blocked.headers["retry-after"]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect((blocked.json() as { error: string }).error).toMatch(/^trop de tentatives avec une clé d'API invalide : réessayez dans \d+ (secondes?|minutes?)$/);
    expect((await deposit(undefined, { photo: PNG, signature: PNG }, address)).statusCode).toBe(429);
    expect((await deposit(apiKey, { photo: PNG, signature: PNG }, "198.51.100.15")).statusCode).toBe(201);
  });

  it("lets 10 of 200 parallel wrong keys from one address be checked, and refuses the rest with 429", async () => {
    const address = "198.51.100.16";
    const checked: string[] = [];
    const authenticate = t.services.photoCodes.authenticate.bind(t.services.photoCodes);
    t.services.photoCodes.authenticate = (key) => {
      checked.push(key ?? "");
      return authenticate(key);
    };
    try {
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => deposit(wrongKey(i), { photo: PNG, signature: PNG }, address)));
      const statuses = answers.map((a) => a.statusCode);
      expect(statuses.filter((s) => s === 401)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(190);
      expect(checked).toHaveLength(10);
    } finally {
      t.services.photoCodes.authenticate = authenticate;
    }
  });

  it("does not slow down a photographer with a right key: 15 deposits in a row from one address", async () => {
    const address = "198.51.100.17";
    for (let i = 0; i < 15; i++) expect((await deposit(apiKey, { photo: PNG, signature: PNG }, address)).statusCode, `deposit ${i + 1}`).toBe(201);
    // Its wrong keys still count: 10 more block the address.
    for (let i = 0; i < 10; i++) expect((await deposit(wrongKey(i), { photo: PNG, signature: PNG }, address)).statusCode).toBe(401);
    expect((await deposit(apiKey, { photo: PNG, signature: PNG }, address)).statusCode).toBe(429);
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

describe("the demonstration photo code (development tools)", () => {
  it("holds a photo and a signature an agent can look at, not a dot", async () => {
    const code = await demoPhotoCode(t.db.db, t.services.photoCodes);
    const row = (await findPhotoCode(t.db.db, code))!;
    const read = async (key: string, iv: string, tag: string) => {
      const chunks: Buffer[] = [];
      for await (const chunk of await t.services.storage.get(key, { iv, tag })) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    };
    for (const [bytes, size] of [
      [await read(row.photoKey, row.photoIv, row.photoTag), { width: 350, height: 450 }],
      [await read(row.signatureKey, row.signatureIv, row.signatureTag), { width: 400, height: 150 }],
    ] as const) {
      expect(await sharp(bytes).metadata()).toMatchObject({ format: "png", ...size });
      // Drawn: its pixels are not all alike.
      const { channels } = await sharp(bytes).stats();
      expect(channels[0]!.max - channels[0]!.min).toBeGreaterThan(100);
    }
  });
});
