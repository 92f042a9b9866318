import type { FastifyInstance } from "fastify";
import { parse, type HTMLElement } from "node-html-parser";

/**
 * A tiny browser over `app.inject`: keeps cookies, follows redirects, and posts forms with
 * the CSRF token of the last page, as a user's browser would.
 */
export interface Page {
  status: number;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The parsed HTML. */
  html: HTMLElement;
  /** The CSRF token found in the page's forms, if any. */
  csrf: string | undefined;
  /** Text of the element, whitespace collapsed ("" when absent). */
  text(selector: string): string;
}

export type Form = Record<string, string | string[] | undefined>;

export class Browser {
  lastPage: Page | undefined;

  constructor(
    private readonly app: FastifyInstance,
    readonly ip = "203.0.113.10",
    private readonly cookies = new Map<string, string>(),
  ) {}

  /** The same user (same cookies) reaching another instance of the service. */
  on(app: FastifyInstance): Browser {
    const other = new Browser(app, this.ip, this.cookies);
    other.lastPage = this.lastPage;
    return other;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async get(url: string, opts: { follow?: boolean } = {}): Promise<Page> {
    return this.request("GET", url, undefined, opts.follow ?? true);
  }

  /** Posts a form; `_csrf` comes from the last page unless given (or `csrf: false`). */
  async post(url: string, form: Form, opts: { csrf?: string | false; follow?: boolean } = {}): Promise<Page> {
    const body = new URLSearchParams();
    const token = opts.csrf === false ? undefined : (opts.csrf ?? this.lastPage?.csrf);
    if (token) body.append("_csrf", token);
    for (const [k, v] of Object.entries(form)) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    }
    return this.request("POST", url, body.toString(), opts.follow ?? true);
  }

  /** A POST with a ready-made body (multipart uploads), following the redirect. */
  async raw(method: "POST", url: string, payload: Buffer, contentType: string, follow = true): Promise<Page> {
    return this.request(method, url, payload, follow, contentType);
  }

  private async request(method: "GET" | "POST", url: string, payload: string | Buffer | undefined, follow: boolean, contentType = "application/x-www-form-urlencoded"): Promise<Page> {
    let current = url;
    let currentMethod = method;
    for (let hops = 0; hops < 10; hops++) {
      const response = await this.app.inject({
        method: currentMethod,
        url: current,
        remoteAddress: this.ip,
        headers: {
          cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
          ...(currentMethod === "POST" ? { "content-type": contentType } : {}),
        },
        payload: currentMethod === "POST" ? payload : undefined,
      });
      for (const c of response.cookies as Array<{ name: string; value: string; expires?: Date; maxAge?: number }>) {
        const expired = (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0 || c.value === "";
        if (expired) this.cookies.delete(c.name);
        else this.cookies.set(c.name, c.value);
      }
      const location = response.headers.location;
      if (follow && response.statusCode >= 300 && response.statusCode < 400 && typeof location === "string" && location.startsWith("/")) {
        current = location;
        currentMethod = "GET";
        continue;
      }
      const body = response.body;
      const html = parse(body);
      const page: Page = {
        status: response.statusCode,
        url: current,
        headers: response.headers as Page["headers"],
        body,
        html,
        csrf: html.querySelector('input[name="_csrf"]')?.getAttribute("value"),
        text: (selector) => (html.querySelector(selector)?.textContent ?? "").replace(/\s+/g, " ").trim(),
      };
      if (page.csrf || response.headers["content-type"]?.toString().includes("text/html")) this.lastPage = page;
      return page;
    }
    throw new Error("too many redirects");
  }
}

/** The error message shown beside a field. */
export function fieldError(page: Page, field: string): string {
  return page.text(`#${field}-message-error`);
}

/** The messages listed in the error summary. */
export function summaryErrors(page: Page): string[] {
  return page.html.querySelectorAll("#error-summary li").map((li) => li.textContent.replace(/\s+/g, " ").trim());
}
