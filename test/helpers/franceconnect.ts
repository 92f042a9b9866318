import { DEMO_IDENTITIES, startDemoProvider, type DemoProvider, type DemoProviderOptions } from "../../src/services/franceconnect-demo.ts";
import { PUBLIC_URL } from "./app.ts";

/**
 * The demonstration FranceConnect provider, registered for the test app's public address;
 * `misbehave` makes it answer as a forged or downgraded provider would.
 */
export function startTestProvider(publicUrl = PUBLIC_URL, misbehave?: DemoProviderOptions["misbehave"]): Promise<DemoProvider> {
  return startDemoProvider({
    port: 0,
    clientId: "permis-test",
    clientSecret: "permis-test-secret",
    redirectUri: `${publicUrl}/franceconnect/callback`,
    postLogoutRedirectUri: `${publicUrl}/franceconnect/deconnexion`,
    ...(misbehave ? { misbehave } : {}),
  });
}

export const FC_ENV = { FRANCECONNECT_CLIENT_ID: "permis-test", FRANCECONNECT_CLIENT_SECRET: "permis-test-secret" };
export const ANGELA = DEMO_IDENTITIES[0]!;

/**
 * The user's browser on the provider's side: follows redirects with the provider's cookies
 * until it is sent back to the service; returns that local path.
 */
export class ProviderBrowser {
  private readonly cookies = new Map<string, string>();

  async follow(url: string, init: RequestInit = {}): Promise<{ url: string; body: string; status: number }> {
    let current = url;
    let options = init;
    for (let hops = 0; hops < 15; hops++) {
      if (current.startsWith(PUBLIC_URL)) return { url: current.slice(PUBLIC_URL.length), body: "", status: 303 };
      const response = await fetch(current, {
        ...options,
        redirect: "manual",
        headers: { ...(options.headers as Record<string, string>), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(";");
        const [name, ...value] = pair!.split("=");
        if (/expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name!.trim());
        else this.cookies.set(name!.trim(), value.join("="));
      }
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current).href;
        options = {};
        continue;
      }
      return { url: current, body: await response.text(), status: response.status };
    }
    throw new Error("too many redirects");
  }

  /** On the provider's identity list, picks `sub`; returns where the provider sends the user. */
  /** Posts the chooser's form of `sub` (with `fields`: e.g. the button `acr` of a sign-in without two factors). */
  async chooseIdentity(page: { url: string; body: string }, sub: string, fields: Record<string, string> = {}) {
    const action = /<form method="post" action="([^"]+)">\s*<input type="hidden" name="sub" value="([^"]+)">/g;
    for (const match of page.body.matchAll(action)) {
      if (match[2] === sub) {
        return this.follow(new URL(match[1]!, page.url).href, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ sub, ...fields }).toString(),
        });
      }
    }
    throw new Error(`identity ${sub} not offered: ${page.body.slice(0, 500)}`);
  }

  /** Submits the provider's logout confirmation form. */
  async confirmLogout(page: { url: string; body: string }) {
    const form = /<form[^>]*id="op\.logoutForm"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page.body) ??
      /<form[^>]*action="([^"]+)"[^>]*id="op\.logoutForm"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
    if (!form) throw new Error(`no logout form: ${page.body.slice(0, 500)}`);
    const fields = new URLSearchParams();
    for (const input of form[2]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields.append(input[1]!, input[2]!);
    fields.append("logout", "yes");
    return this.follow(new URL(form[1]!, page.url).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: fields.toString(),
    });
  }
}
