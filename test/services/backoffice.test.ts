import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countByState, listQueue, queueSql, type Cursor, type QueueRow } from "../../src/db/repositories/backoffice.ts";
import { requestEvents, requests } from "../../src/db/schema.ts";
import type { AgentActor } from "../../src/domain/actors.ts";
import { searchName } from "../../src/domain/request/queues.ts";
import { completionChoices, parseAction, type AgentAction } from "../../src/services/backoffice.ts";
import { PreviewMaker } from "../../src/services/previews.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { summaryErrors, type Browser } from "../helpers/client.ts";
import { createAgent, createService } from "../helpers/agents.ts";
import { draftAtStep5, pdf, PNG, stamp, upload } from "../helpers/requests.ts";

/** BackofficeService and its queries: scope, keyset pages, counts, the index used, races, the actions' parsing, previews. */

let t: TestApp;
let source: { b: Browser; id: string };

beforeAll(async () => {
  t = await startTestApp();
  await createService(t.services, "cert-a", ["75056"]);
  await createService(t.services, "cert-b");
  const { b, id } = await draftAtStep5(t, "bo-service");
  await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(1) });
  await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
  expect(summaryErrors(await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" }))).toEqual([]);
  expect((await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" })).url).toBe(`/demandes/${id}/etape/7`);
  source = { b, id };
}, 120_000);
afterAll(() => t.close());

let clones = 0;
/** A copy of the sent source request (frozen content, documents, first history row) in `state`, to `service`. */
async function clone(o: { service?: string | null; state?: string; sentAt: Date; name?: string }): Promise<string> {
  clones++;
  const number = `PC-2026-8${String(clones).padStart(6, "0")}`;
  const name = o.name ?? "Durand";
  const service = o.service === undefined ? "cert-a" : o.service;
  const at = o.sentAt.toISOString();
  const result = await t.db.db.execute(sql`
    INSERT INTO requests (account_id, motif, state, data, frozen, number, created_at, updated_at, sent_at, version, prefecture_id, service_id, search_name, state_changed_at)
    SELECT account_id, motif, ${o.state ?? "envoyee"}, data, jsonb_set(jsonb_set(frozen, '{number}', to_jsonb(${number}::text)), '{content,etatCivil,nomNaissance}', to_jsonb(${name}::text)),
      ${number}, now(), now(), ${at}::timestamptz, 1, prefecture_id, ${service}, ${searchName(name)}, ${at}::timestamptz
    FROM requests WHERE id = ${source.id} RETURNING id`);
  const id = (result as unknown as { rows: Array<{ id: string }> }).rows[0]!.id;
  await t.db.db.execute(sql`
    INSERT INTO request_documents (request_id, piece, additional, file_name, mime, size, pages, storage_key, iv, tag, created_at, scan_status, readability)
    SELECT ${id}, piece, additional, file_name, mime, size, pages, storage_key, iv, tag, created_at, scan_status, readability FROM request_documents WHERE request_id = ${source.id}`);
  return id;
}

async function actor(role: "images" | "instruction" | "admin", serviceIds: string[], familyName?: string): Promise<AgentActor> {
  const agent = await createAgent(t.services, { role, serviceIds, ...(familyName ? { familyName } : {}) });
  return (await t.services.agents.actor(agent.id))!;
}

async function rowOf(id: string) {
  const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
  return row!;
}

describe("parseAction", () => {
  const choices = [
    { item: "identite", label: "Pièce d'identité" },
    { item: "etape-2", label: "État civil (étape 2)" },
  ];
  const cases: Array<[string, AgentAction, Record<string, unknown>, ReturnType<typeof parseAction>]> = [
    ["valider with its version", "valider", { version: "3" }, { ok: true, version: 3, details: { version: 3 } }],
    ["no version: refused as stale", "valider", {}, { ok: false, errors: {}, version: undefined }],
    ["a version that is not a number", "accepter_images", { version: "3; drop" }, { ok: false, errors: {}, version: undefined }],
    [
      "images rejection: motive and message",
      "rejeter_images",
      { version: "2", motif: "photo_floue", message: " Floue. " },
      { ok: true, version: 2, details: { version: 2, motive: "photo_floue", message: "Floue." } },
    ],
    [
      "images rejection without message",
      "rejeter_images",
      { version: "2", motif: "photo_floue" },
      { ok: false, version: 2, errors: { "rejet-images-message": "Écrivez à l'usager ce qui ne va pas dans sa photo ou sa signature." } },
    ],
    [
      "a motive of the other list",
      "rejeter_images",
      { version: "2", motif: "conditions_age", message: "x" },
      { ok: false, version: 2, errors: { "rejet-images-motif": "Choisissez un motif dans la liste." } },
    ],
    ["instruction rejection, message optional", "rejeter", { version: "5", motif: "conditions_age" }, { ok: true, version: 5, details: { version: 5, motive: "conditions_age" } }],
    [
      "« autre » needs a message",
      "rejeter",
      { version: "5", motif: "autre_instruction" },
      { ok: false, version: 5, errors: { "rejet-message": "Précisez le motif du rejet dans le message à l'usager." } },
    ],
    [
      "message too long",
      "rejeter",
      { version: "5", motif: "conditions_age", message: "x".repeat(2001) },
      { ok: false, version: 5, errors: { "rejet-message": "Le message ne doit pas dépasser 2000 caractères (2001 saisis)." } },
    ],
    [
      "complement: items and reasons",
      "demander_complement",
      { version: "4", elements: ["identite", "etape-2"], "raison-identite": "Verso manquant", "raison-etape-2": "Nom mal orthographié" },
      {
        ok: true,
        version: 4,
        details: {
          version: 4,
          items: [
            { item: "identite", reason: "Verso manquant" },
            { item: "etape-2", reason: "Nom mal orthographié" },
          ],
        },
      },
    ],
    [
      "complement: nothing ticked",
      "demander_complement",
      { version: "4" },
      { ok: false, version: 4, errors: { "complement-identite": "Cochez au moins une pièce ou une partie de la demande à compléter." } },
    ],
    [
      "complement: an item not in the list",
      "demander_complement",
      { version: "4", elements: "permis", "raison-permis": "x" },
      { ok: false, version: 4, errors: { "complement-identite": "Cochez les éléments à compléter dans la liste." } },
    ],
    [
      "complement: a ticked item without reason",
      "demander_complement",
      { version: "4", elements: "etape-2" },
      { ok: false, version: 4, errors: { "raison-etape-2": "Indiquez ce qui manque ou ce qui est incorrect pour « État civil (étape 2) »." } },
    ],
    [
      "complement: a reason too long",
      "demander_complement",
      { version: "4", elements: "identite", "raison-identite": "y".repeat(501) },
      { ok: false, version: 4, errors: { "raison-identite": "La raison pour « Pièce d'identité » ne doit pas dépasser 500 caractères (501 saisis)." } },
    ],
  ];
  it.each(cases)("%s", (_name, action, input, expected) => {
    const parsed = parseAction(action, input, choices);
    if (parsed.ok && expected.ok && parsed.details.items) expect(parsed.details.items).toEqual(expected.details.items);
    expect(parsed).toEqual(expected);
  });

  it("offers the request's pieces, then the sections 1 to 4", () => {
    expect(completionChoices({ pieces: [{ id: "identite", label: "Pièce d'identité" }] as never }).map((c) => c.item)).toEqual(["identite", "etape-1", "etape-2", "etape-3", "etape-4"]);
  });
});

describe("scoped queries", () => {
  it("merges services and states oldest first, page after page (keyset), for an administrator and a service's agent", async () => {
    const base = Date.UTC(2024, 3, 1, 10);
    const made: Array<{ id: string; service: string | null; state: string }> = [];
    const plan: Array<[string | null, string]> = [
      ["cert-a", "validee"],
      ["cert-b", "rejet_images"],
      [null, "validee"],
      ["cert-a", "rejet_instruction"],
      ["cert-b", "validee"],
      ["cert-a", "validee"],
      [null, "rejet_images"],
      ["cert-b", "validee"],
    ];
    for (const [i, [service, state]] of plan.entries()) made.push({ id: await clone({ service, state, sentAt: new Date(base + i * 60_000) }), service, state });
    const filters = { states: ["rejet_images", "rejet_instruction", "validee"] as const, from: new Date(base), to: new Date(base + 3_600_000) };
    const pages = async (scope: readonly string[] | "all") => {
      const seen: QueueRow[] = [];
      let after: Cursor | undefined;
      for (let n = 0; n < 10; n++) {
        const page = await listQueue(t.db.db, scope, { ...filters, states: [...filters.states] }, after, 3);
        seen.push(...page);
        if (page.length < 3) break;
        after = page.at(-1)!.cursor;
      }
      return seen.map((r) => r.id);
    };
    expect(await pages("all")).toEqual(made.map((m) => m.id));
    expect(await pages(["cert-a"])).toEqual(made.filter((m) => m.service === "cert-a").map((m) => m.id));
    expect(await pages(["cert-b", "cert-a"])).toEqual(made.filter((m) => m.service !== null).map((m) => m.id));
    expect(await pages([])).toEqual([]);
  });

  it("counts each state up to a cap, within the scope", async () => {
    const counts = await countByState(t.db.db, ["cert-b"], 1_000);
    const all = await countByState(t.db.db, "all", 1_000);
    const capped = await countByState(t.db.db, "all", 2);
    expect(counts.validee).toBeGreaterThanOrEqual(2);
    expect(all.validee).toBeGreaterThan(counts.validee);
    expect(capped.validee).toBe(2);
    expect(counts.brouillon).toBe(0);
  });

  it("a queue page reads requests_queue_idx, one ordered range per (service, state)", async () => {
    const statement = queueSql(["cert-a"], { states: ["envoyee"] }, { sentAt: new Date(Date.UTC(2024, 0, 1)), id: "00000000-0000-4000-8000-000000000000" }, 51);
    const explained = await t.db.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      return tx.execute(sql`EXPLAIN ${statement}`);
    });
    const text = (explained as unknown as { rows: Array<Record<string, string>> }).rows.map((r) => Object.values(r)[0]).join("\n");
    expect(text).toContain("requests_queue_idx");
  });

  it("another service's request is not found: open, preview, list, take, act", async () => {
    const id = await clone({ service: "cert-b", sentAt: new Date(Date.UTC(2024, 5, 1)), name: "Hors-Service" });
    const a = await actor("images", ["cert-a"]);
    const bo = t.services.backoffice;
    expect(await bo.open(a, id)).toBeUndefined();
    const [doc] = await t.db.db.execute(sql`SELECT id FROM request_documents WHERE request_id = ${id}`).then((r) => (r as unknown as { rows: Array<{ id: string }> }).rows);
    expect(await bo.piecePreview(a, id, doc!.id, 1)).toBeUndefined();
    expect(await bo.pieceFile(a, id, doc!.id)).toBeUndefined();
    expect((await bo.list(a, { q: "Hors-Service" })).rows).toEqual([]);
    expect(await bo.take(a, id)).toEqual({ kind: "not_found" });
    expect(await bo.act(a, id, "accepter_images", { version: "1" })).toEqual({ kind: "not_found" });
    expect(await bo.release(a, id)).toEqual({ kind: "not_found" });
    const b = await actor("images", ["cert-b"]);
    expect((await bo.open(b, id))?.row.id).toBe(id);
    expect((await bo.list(b, { q: "hors-service" })).rows.map((r) => r.id)).toEqual([id]);
  });
});

describe("races", () => {
  it("of several agents taking one request at once, exactly one wins; the others are told who", async () => {
    const id = await clone({ sentAt: new Date(Date.UTC(2024, 6, 1)) });
    const takers = await Promise.all([1, 2, 3, 4].map((n) => actor("images", ["cert-a"], `Preneur${n}`)));
    const outcomes = await Promise.all(takers.map((a) => t.services.backoffice.take(a, id)));
    const won = outcomes.filter((o) => o.kind === "taken");
    expect(won).toHaveLength(1);
    const winner = takers[outcomes.findIndex((o) => o.kind === "taken")]!;
    for (const o of outcomes.filter((x) => x.kind !== "taken")) expect(o).toEqual({ kind: "already", by: winner.name });
    expect(await rowOf(id)).toMatchObject({ state: "verification_images", assignedAgentId: winner.agentId });
    const events = await t.db.db.select().from(requestEvents).where(eq(requestEvents.requestId, id)).orderBy(asc(requestEvents.id));
    expect(events.map((e) => e.transition)).toEqual(["verifier_images"]);
  });

  it("two actions on the version shown: one is done, the other is stale and writes nothing", async () => {
    const id = await clone({ sentAt: new Date(Date.UTC(2024, 6, 2)) });
    const agent = await actor("instruction", ["cert-a"]);
    await t.db.db.update(requests).set({ state: "en_instruction", assignedAgentId: agent.agentId, version: 4 }).where(eq(requests.id, id));
    const [one, two] = await Promise.all([
      t.services.backoffice.act(agent, id, "valider", { version: "4" }),
      t.services.backoffice.act(agent, id, "rejeter", { version: "4", motif: "conditions_age" }),
    ]);
    expect([one.kind, two.kind].sort()).toEqual(["done", "stale"]);
    const row = await rowOf(id);
    expect(row.version).toBe(5);
    expect(row.state).toBe(one.kind === "done" ? "validee" : "rejet_instruction");
    expect(await t.db.db.select().from(requestEvents).where(eq(requestEvents.requestId, id))).toHaveLength(1);
  });
});

describe("previews", () => {
  const maker = new PreviewMaker();
  it("re-encodes an image as a bounded JPEG and rasterises a PDF page in a child process", async () => {
    const png = await maker.make("image/png", PNG);
    expect(png?.type).toBe("image/jpeg");
    expect(png!.bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const page2 = await maker.make("application/pdf", await pdf(2), 2);
    expect(page2!.bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const sharp = (await import("sharp")).default;
    const meta = await sharp(page2!.bytes).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(1600);
  });

  it("makes none of a page that does not exist, a broken file or an unknown format", async () => {
    expect(await maker.make("application/pdf", await pdf(1), 2)).toBeUndefined();
    expect(await maker.make("application/pdf", Buffer.from("%PDF-1.7\nnot really"), 1)).toBeUndefined();
    expect(await maker.make("image/png", Buffer.from("not a png"), 1)).toBeUndefined();
    expect(await maker.make("text/html", Buffer.from("<script>alert(1)</script>"), 1)).toBeUndefined();
    expect(await maker.make("image/png", PNG, 0)).toBeUndefined();
  });

  it("kills a rasteriser past its deadline", async () => {
    // A "rasteriser" that never answers.
    const dir = mkdtempSync(join(tmpdir(), "preview-"));
    const script = join(dir, "never.sh");
    writeFileSync(script, "#!/bin/sh\nexec sleep 600\n", { mode: 0o755 });
    const slow = new PreviewMaker({ timeoutMs: 300, pdftoppm: script });
    expect(await slow.make("application/pdf", await pdf(1), 1)).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps its waiting queue bounded: past it, no preview at once, and the queue still drains", async () => {
    const dir = mkdtempSync(join(tmpdir(), "preview-"));
    const script = join(dir, "slow.sh");
    writeFileSync(script, "#!/bin/sh\nexec sleep 600\n", { mode: 0o755 });
    const busy = new PreviewMaker({ concurrent: 1, maxWaiting: 2, timeoutMs: 1500, pdftoppm: script });
    const bytes = await pdf(1);
    const accepted = [busy.make("application/pdf", bytes, 1), busy.make("application/pdf", bytes, 1), busy.make("application/pdf", bytes, 1)];
    // One running, two waiting: the fourth is turned away without waiting.
    let settled = false;
    const refused = busy.make("application/pdf", bytes, 1).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(true);
    expect(await refused).toBeUndefined();
    expect(await Promise.all(accepted)).toEqual([undefined, undefined, undefined]);
    // Drained: a new one is accepted again (and made: a real image).
    expect((await busy.make("image/png", PNG, 1))?.type).toBe("image/jpeg");
    rmSync(dir, { recursive: true, force: true });
  }, 20_000);
});
