/**
 * A minimal browser for the server-rendered pages: keeps cookies, follows redirects on the server's
 * origin, and stops at the first redirect elsewhere (the client's callback, never fetched).
 */
export interface Page {
  url: string;
  status: number;
  html: string;
  headers: Headers;
}

export interface Stop {
  /** Where the browser was sent outside the server: the client's redirect URI with the response. */
  redirectedTo: string;
  status: number;
}

export type Visit = Page | Stop;

export function isStop(v: Visit): v is Stop {
  return 'redirectedTo' in v;
}

export class TestBrowser {
  readonly cookies = new Map<string, string>();
  readonly history: { url: string; status: number }[] = [];

  /** `headers` go with every request (e.g. X-Forwarded-For, to sign in from another address). */
  constructor(
    private readonly origin: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<Visit> {
    let current = new URL(url, this.origin).toString();
    let method = init.method ?? 'GET';
    let body: URLSearchParams | undefined = init.body;
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(current, {
        method,
        body,
        redirect: 'manual',
        headers: { ...this.headers, cookie: this.cookieHeader(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      });
      this.remember(res.headers);
      this.history.push({ url: current, status: res.status });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const next = new URL(location, current);
        if (next.origin !== this.origin) return { redirectedTo: next.toString(), status: res.status };
        current = next.toString();
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url: current, status: res.status, html: await res.text(), headers: res.headers };
    }
    throw new Error('Too many redirects');
  }

  /** Submits the page's form (the first one, or the one whose action contains `actionContains`). */
  async submit(page: Page, fields: Record<string, string | string[]>, actionContains?: string): Promise<Visit> {
    const form = findForm(page.html, actionContains);
    const body = new URLSearchParams();
    for (const [name, value] of form.hidden) if (!(name in fields)) body.append(name, value);
    for (const [name, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    }
    return this.request(new URL(decodeEntities(form.action), page.url).toString(), { method: 'POST', body });
  }
}

export function findForm(html: string, actionContains?: string): { action: string; hidden: [string, string][] } {
  const forms = [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => !actionContains || (f[1] ?? '').includes(actionContains));
  if (!form) throw new Error(`No form found in page:\n${html.slice(0, 500)}`);
  const inputs = form[2] ?? '';
  const hidden = [
    ...inputs.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g),
    // A browser also sends the checkboxes that are ticked.
    ...inputs.matchAll(/<input type="checkbox" name="([^"]+)" value="([^"]*)"[^>]*\bchecked\b/g),
  ].map((m) => [m[1] ?? '', decodeEntities(m[2] ?? '')] as [string, string]);
  return { action: form[1] ?? '', hidden };
}

export function decodeEntities(s: string): string {
  return s.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function textOf(html: string): string {
  return decodeEntities(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}
