import { Agent, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggerOptions, safeError } from "../../src/web/security/logging.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { testDatabase, type TestDatabase } from "../helpers/db.ts";
import { STEP2 } from "../helpers/requests.ts";

/** Issue 6 §4 (nothing personal in logs, NUL refused), §6 (TRUST_PROXY), §9 (slow bodies). */

/** Values that must never reach a log line. */
const PERSONAL = { familyName: "Zorglubien", givenName: "Hortensia", email: "hortensia.zorglubien@example.fr", phone: "0698765432", birthYear: "1971" };

describe("logs hold nothing personal, whatever the error", () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    t = await startTestApp({
      appLogger: pino(loggerOptions("debug"), sink),
      // A route whose query fails, with personal values as parameters (as drizzle quotes them in its message).
      extend: (app, services) => {
        app.get("/test/db-error", async () => {
          await services.database.db.execute(sql`select ${PERSONAL.email}::int, ${PERSONAL.familyName}::uuid`);
          return "unreachable";
        });
      },
    });
  }, 240_000);
  afterAll(() => t.close());

  it("refuses NUL in every form with a French message and logs none of the values", async () => {
    const b = new Browser(t.app, "198.51.100.140");
    await createActiveAccount(t, b, { email: PERSONAL.email, familyName: PERSONAL.familyName, givenName: PERSONAL.givenName });
    const nul = (v: string) => `${v}\u0000`;
    const anonymous = new Browser(t.app, "198.51.100.141");
    await anonymous.get("/connexion");
    for (const [url, form] of [
      ["/connexion", { identifier: nul(PERSONAL.email), password: nul(PERSONAL.phone) }],
      ["/compte/creer", { kind: "particulier", familyName: nul(PERSONAL.familyName), givenName: PERSONAL.givenName, email: PERSONAL.email, cgu: "oui" }],
      ["/identifiant-oublie", { email: nul(PERSONAL.email) }],
      ["/compte/activation/renvoyer", { email: nul(PERSONAL.email) }],
      ["/mot-de-passe-oublie", { identifier: nul(PERSONAL.familyName), secretQuestion: "pere", secretAnswer: nul(PERSONAL.givenName) }],
    ] as const) {
      const page = await anonymous.post(url, form);
      expect(page.status, url).toBe(400);
      expect(page.text("main")).toContain("Ce champ contient des caractères non autorisés.");
      expect(page.body).not.toContain(PERSONAL.email);
    }
    // A search of the photographers' list, in the query string.
    const search = await anonymous.get(`/photographes?q=${encodeURIComponent(nul(PERSONAL.familyName))}`);
    expect(search.status).toBe(400);

    // Every wizard step of a signed-in user.
    await b.get("/demandes/nouvelle");
    const draft = await b.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: nul("perte") });
    expect(draft.status).toBe(400);
    const created = await b.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" });
    const id = /\/demandes\/([0-9a-f-]{36})\/etape\/1/.exec(created.url)![1]!;
    for (const step of [1, 2, 3, 4, 5]) {
      const page = await b.post(`/demandes/${id}/etape/${step}`, {
        ...STEP2,
        nomNaissance: nul(PERSONAL.familyName),
        prenom1: PERSONAL.givenName,
        naissanceAnnee: PERSONAL.birthYear,
        email: PERSONAL.email,
        telephone: nul(PERSONAL.phone),
      });
      expect(page.status, `step ${step}`).toBe(400);
      expect(page.text("main")).toContain("Ce champ contient des caractères non autorisés.");
    }
    const all = lines.join("\n");
    for (const value of Object.values(PERSONAL)) expect(all).not.toContain(value);
  });

  it("answers a database error with a plain 500 page and logs its name and frames, not its parameters", async () => {
    const res = await t.app.inject("/test/db-error");
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain(PERSONAL.email);
    expect(res.body).not.toMatch(/select|params|Failed query/i);
    const all = lines.join("\n");
    expect(all).toContain('"route":"/test/db-error"');
    expect(all).toContain("request failed");
    for (const value of Object.values(PERSONAL)) expect(all).not.toContain(value);
  });

  it("the service's logger drops messages, parameters, URLs and bodies even when code logs them carelessly", async () => {
    const captured: string[] = [];
    const logger = pino(
      loggerOptions("debug"),
      new Writable({
        write(chunk, _enc, done) {
          captured.push(String(chunk));
          done();
        },
      }),
    );
    let dbError: unknown;
    try {
      await t.db.db.execute(sql`select ${PERSONAL.email}::int`);
    } catch (error) {
      dbError = error;
    }
    expect(String((dbError as Error).message) + String((dbError as Error).cause)).toContain(PERSONAL.email);
    logger.error(dbError as Error);
    logger.error({ err: dbError }, (dbError as Error).message);
    logger.error({ error: dbError, body: { email: PERSONAL.email }, query: { q: PERSONAL.familyName }, params: [PERSONAL.phone] }, "failed");
    logger.warn({ req: { url: `/x?email=${PERSONAL.email}`, headers: { cookie: PERSONAL.phone }, method: "GET", routeOptions: { url: "/x" } } }, `while reading /x?q=${PERSONAL.givenName}`);
    logger.info(`contact ${PERSONAL.email} ${PERSONAL.phone}`);
    const all = captured.join("\n");
    expect(captured).toHaveLength(5);
    for (const value of Object.values(PERSONAL)) expect(all).not.toContain(value);
    expect(all).toContain('"route":"/x"');
    // What is kept: the error's type and stack frames, and its cause's.
    const safe = safeError(dbError);
    expect(safe.stack).toMatch(/^at /);
    expect(JSON.stringify(safe)).not.toContain(PERSONAL.email);
  });
});

describe("TRUST_PROXY", () => {
  // One database for the apps of this block (each app is cheap once the database is made).
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase();
  }, 240_000);
  afterAll(() => db.dispose());
  const ipOf = async (t: TestApp, forwardedFor: string, remoteAddress = "10.0.0.1") => (await t.app.inject({ url: "/test/ip", remoteAddress, headers: { "x-forwarded-for": forwardedFor } })).body;
  const withIpRoute = (env: Record<string, string>) => startTestApp({ env, db, extend: (app) => app.get("/test/ip", async (request) => request.ip) });

  it("with 1 hop, takes the address the load balancer appended, not the client-written left-most one", async () => {
    const t = await withIpRoute({ TRUST_PROXY: "1" });
    try {
      expect(await ipOf(t, "203.0.113.66, 198.51.100.7")).toBe("198.51.100.7");
      expect(await ipOf(t, "1.1.1.1, 2.2.2.2, 198.51.100.7")).toBe("198.51.100.7");
      expect(await ipOf(t, "198.51.100.7")).toBe("198.51.100.7");
    } finally {
      await t.close();
    }
  });

  it("with 2 hops, or the proxies' CIDR blocks, goes back exactly that far", async () => {
    const two = await withIpRoute({ TRUST_PROXY: "2" });
    const cidr = await withIpRoute({ TRUST_PROXY: "10.0.0.0/8" });
    try {
      expect(await ipOf(two, "203.0.113.66, 198.51.100.7, 10.0.0.2")).toBe("198.51.100.7");
      expect(await ipOf(cidr, "203.0.113.66, 198.51.100.7, 10.0.0.2")).toBe("198.51.100.7");
      // A client not behind the trusted proxies is taken at its socket address.
      expect(await ipOf(cidr, "203.0.113.66", "192.0.2.50")).toBe("192.0.2.50");
    } finally {
      await two.close();
      await cidr.close();
    }
  });

  it("without TRUST_PROXY, ignores X-Forwarded-For", async () => {
    const t = await withIpRoute({});
    try {
      expect(await ipOf(t, "203.0.113.66")).toBe("10.0.0.1");
    } finally {
      await t.close();
    }
  });
});

describe("slow request bodies", () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ slowBody: { minBytesPerSecond: 200, windowMs: 1_500, checkEveryMs: 250 } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    port = (t.app.server.address() as { port: number }).port;
  }, 240_000);
  afterAll(() => t.close());

  /**
   * Sends the head of a multipart upload, then `chunk` bytes every `everyMs`; resolves with how
   * long the server kept the socket open (`maxMs` if it was still open then).
   */
  function trickle(path: string, chunk: number, everyMs: number, maxMs: number): Promise<number> {
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(
          `POST ${path} HTTP/1.1\r\nHost: permis.test\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000\r\n\r\n--x\r\nContent-Disposition: form-data; name="fichier"; filename="a.pdf"\r\n\r\n`,
        );
      });
      const timer = setInterval(() => socket.writable && socket.write("a".repeat(chunk)), everyMs);
      socket.on("data", () => {});
      socket.on("error", () => {});
      const done = (held: number) => {
        clearInterval(timer);
        clearTimeout(limit);
        resolve(held);
      };
      socket.on("close", () => done(Date.now() - started));
      const limit = setTimeout(() => {
        done(maxMs);
        socket.destroy();
      }, maxMs);
    });
  }

  it.each(["/api/photographes/depots", "/demandes/00000000-0000-4000-8000-000000000000/pieces"])(
    "closes an upload to %s sent one byte a second, within the bound",
    async (path) => {
      const held = await trickle(path, 1, 1_000, 10_000);
      expect(held).toBeLessThan(5_000);
      expect((await fetch(`http://127.0.0.1:${port}/sante`)).status).toBe(200);
    },
    20_000,
  );

  it("leaves no listener behind on a kept-alive connection, however many bodies it carries", async () => {
    const serverSockets: Socket[] = [];
    const onConnection = (socket: Socket) => serverSockets.push(socket);
    t.app.server.on("connection", onConnection);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 30; i++) {
        const status = await new Promise<number>((resolve, reject) => {
          const body = `identifiant=x${i}&motDePasse=y`;
          const req = httpRequest(
            { agent, host: "127.0.0.1", port, method: "POST", path: "/connexion", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } },
            (res) => {
              res.resume();
              res.on("end", () => resolve(res.statusCode ?? 0));
            },
          );
          req.on("error", reject);
          req.end(body);
        });
        expect(status).toBeLessThan(500);
      }
      // All 30 requests went through one connection; before the fix each left a "close" listener.
      expect(serverSockets).toHaveLength(1);
      expect(serverSockets[0]!.listenerCount("close")).toBeLessThan(8);
    } finally {
      agent.destroy();
      t.app.server.off("connection", onConnection);
    }
  }, 60_000);

  it("keeps an upload going at an acceptable rate", async () => {
    const held = await trickle("/api/photographes/depots", 250, 250, 3_500);
    expect(held).toBe(3_500);
  }, 20_000);
});
