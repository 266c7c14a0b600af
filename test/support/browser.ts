/**
 * A minimal browser for end-to-end tests over real HTTP: per-host cookie jar, manual redirect
 * following (so every hop is visible), HTML form extraction and submission.
 */
export interface Page {
  url: string;
  status: number;
  body: string;
  headers: Headers;
  /** Every URL visited while following redirects, in order. */
  hops: string[];
}

export class TestBrowser {
  readonly cookies = new Map<string, Map<string, string>>();

  cookieHeader(url: string): string {
    const jar = this.cookies.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  /** Takes the Set-Cookie headers of a response to `url` into the jar. */
  storeCookies(url: string, headers: Headers): void {
    const host = new URL(url).host;
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const jar = this.cookies.get(host) ?? new Map<string, string>();
      const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
      this.cookies.set(host, jar);
    }
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; maxHops?: number } = {}): Promise<Page> {
    const hops: string[] = [];
    let method = init.method ?? (init.form ? 'POST' : 'GET');
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : undefined;
    let current = url;
    for (let i = 0; i < (init.maxHops ?? 20); i++) {
      hops.push(current);
      const headers: Record<string, string> = { accept: 'text/html,application/json' };
      const cookie = this.cookieHeader(current);
      if (cookie) headers.cookie = cookie;
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(current, { method, headers, body, redirect: 'manual' });
      this.storeCookies(current, res.headers);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).toString();
        if (res.status !== 307 && res.status !== 308) {
          method = 'GET';
          body = undefined;
        }
        await res.arrayBuffer();
        continue;
      }
      return { url: current, status: res.status, body: await res.text(), headers: res.headers, hops };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  get(url: string): Promise<Page> {
    return this.request(url);
  }

  /** Submits the first form of `page`, overriding fields with `values`. */
  submit(page: Page, values: Record<string, string> = {}): Promise<Page> {
    const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.body);
    if (!form) throw new Error(`no form on ${page.url}:\n${page.body.slice(0, 500)}`);
    const fields: Record<string, string> = {};
    for (const input of form[2].matchAll(/<input[^>]*>/gi)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      if (name) fields[decode(name)] = decode(/value="([^"]*)"/.exec(input[0])?.[1] ?? '');
    }
    return this.request(new URL(decode(form[1]), page.url).toString(), { form: { ...fields, ...values } });
  }
}

function decode(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
