/**
 * A user's browser over real HTTP (fetch): keeps its cookies, follows redirects with GET, and
 * posts forms with the CSRF token of the last page. Used by the benchmark's own processes.
 */
export interface Answer {
  status: number;
  url: string;
  body: string;
  csrf: string | undefined;
}

const TOKEN = /name="_csrf" value="([^"]+)"/;

/**
 * fetch, sent again once when the service closed an idle kept-alive connection just as it was
 * reused ("other side closed": nothing was answered, the request is known not to be processed).
 */
async function send(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== "UND_ERR_SOCKET" && code !== "ECONNRESET") throw error;
    return fetch(url, init);
  }
}

export class HttpUser {
  readonly cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(readonly base: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async send(method: string, path: string, body?: BodyInit, contentType?: string): Promise<Answer> {
    let url = path;
    let response = await send(new URL(url, this.base), {
      method,
      redirect: "manual",
      headers: { cookie: this.cookieHeader(), ...(contentType ? { "content-type": contentType } : {}) },
      ...(body === undefined ? {} : { body }),
    });
    this.keep(response);
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 5; hops++) {
      await response.arrayBuffer();
      url = response.headers.get("location")!;
      response = await send(new URL(url, this.base), { redirect: "manual", headers: { cookie: this.cookieHeader() } });
      this.keep(response);
    }
    const text = await response.text();
    const csrf = TOKEN.exec(text)?.[1];
    if (csrf) this.csrf = csrf;
    return { status: response.status, url: new URL(url, this.base).pathname, body: text, csrf };
  }

  get(path: string): Promise<Answer> {
    return this.send("GET", path);
  }

  /** Posts a form (the CSRF token of the last page first), then follows the redirect. */
  post(path: string, form: Record<string, string | string[]>): Promise<Answer> {
    const body = new URLSearchParams();
    if (this.csrf) body.append("_csrf", this.csrf);
    for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return this.send("POST", path, body.toString(), "application/x-www-form-urlencoded");
  }

  /** One file for a piece of step 5, as its form sends it: `_csrf` first, then the file. */
  upload(requestId: string, piece: string, file: Blob, name: string, extra: Record<string, string> = {}): Promise<Answer> {
    const form = new FormData();
    form.append("_csrf", this.csrf ?? "");
    form.append(`fichier-${piece}`, file, name);
    for (const [k, v] of Object.entries(extra)) form.append(k, v);
    form.append("joindre", piece);
    return this.send("POST", `/demandes/${requestId}/pieces`, form);
  }

  async signIn(identifier: string, password: string): Promise<Answer> {
    await this.get("/connexion");
    const page = await this.post("/connexion", { identifier, password });
    if (!page.url.startsWith("/mon-espace")) throw new Error(`sign-in failed (${page.status} ${page.url})`);
    return page;
  }

  /** A new draft (motif "perte"), with step 1 done when `step1` is given; returns its id. */
  async newDraft(step1?: Record<string, string | string[]>): Promise<string> {
    await this.get("/demandes/nouvelle");
    const created = await this.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" });
    const id = /^\/demandes\/([0-9a-f-]{36})\//.exec(created.url)?.[1];
    if (!id) throw new Error(`draft not created (${created.status} ${created.url})`);
    if (step1) {
      const next = await this.post(`/demandes/${id}/etape/1`, step1);
      if (!next.url.endsWith("/etape/2")) throw new Error(`step 1 refused (${next.status} ${next.url})`);
    }
    return id;
  }
}

/** The answers of each step: the same fixtures as the tests. */
export { STEP1_PERTE, STEP2, STEP3 } from "../test/helpers/answers.ts";

export const PASSWORD = "Permis#2026ok";
