/**
 * The load generator, in a process of its own: N virtual users, each with its own cookies, run one
 * scenario's whole HTTP flow in a loop for a fixed time against one or more server instances.
 * Input: env BENCH_LOAD (JSON). Output: one line `RESULT {json}`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { API, API_SCOPES, CLIENT, M2M, PASSWORD, REDIRECT_URI, userEmail, type LoadResult, type ReadyMessage, type ServerStats } from './common.js';

type Scenario = 'A' | 'B' | 'C' | 'D' | 'L';
interface LoadInput {
  scenario: Scenario;
  targets: ReadyMessage[];
  vus: number;
  seconds: number;
  warmupSeconds: number;
  /** Index of the first seeded user this run's virtual users sign in as. */
  userOffset?: number;
}

const input = JSON.parse(process.env.BENCH_LOAD ?? '{}') as LoadInput;
const MAX_HOPS = 12;

function endpoints(target: ReadyMessage) {
  return target.kind === 'ours'
    ? { authorize: `${target.issuer}authorize`, token: `${target.issuer}oauth/token` }
    : { authorize: `${target.issuer}auth`, token: `${target.issuer}token` };
}

class VirtualUser {
  private cookies = new Map<string, string>();
  refreshToken: string | null = null;
  private turn = 0;

  constructor(readonly index: number) {}

  /** Several instances share the load: each flow goes to the next one (sessions live in the database). */
  target(): ReadyMessage {
    const target = input.targets[this.turn % input.targets.length];
    this.turn += 1;
    if (!target) throw new Error('no target');
    return target;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  async send(url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      body: init.body,
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    });
    this.remember(res.headers);
    return res;
  }

  /** Follows the flow through redirects and pages (login, consent) until the client's callback. */
  async authorize(target: ReadyMessage, prompt: string | null, scope: string): Promise<{ code: string; verifier: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const params = new URLSearchParams({
      client_id: CLIENT.id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope,
      state: randomBytes(8).toString('hex'),
      nonce: randomBytes(8).toString('hex'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(target.kind === 'ours' ? { audience: API } : { resource: API }),
      ...(prompt ? { prompt } : {}),
    });
    let url = `${endpoints(target).authorize}?${params}`;
    let res = await this.send(url);
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        const next = new URL(location, url).toString();
        if (next.startsWith(REDIRECT_URI)) {
          const code = new URL(next).searchParams.get('code');
          if (!code) throw new Error(`no code: ${next}`);
          return { code, verifier };
        }
        url = next;
        res = await this.send(url);
        continue;
      }
      if (res.status !== 200) throw new Error(`HTTP ${res.status} at ${url}: ${(await res.text()).slice(0, 200)}`);
      const html = await res.text();
      const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
      if (!form?.[1]) throw new Error(`no form at ${url}`);
      const body = new URLSearchParams();
      for (const m of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) body.append(m[1] ?? '', (m[2] ?? '').replace(/&amp;/g, '&'));
      for (const m of (form[2] ?? '').matchAll(/<input type="checkbox" name="([^"]+)" value="([^"]*)"[^>]*checked/g)) body.append(m[1] ?? '', m[2] ?? '');
      if (html.includes('name="password"')) {
        body.set('email', userEmail(this.index + (input.userOffset ?? 0)));
        body.set('password', PASSWORD);
      } else {
        body.set('action', 'accept');
      }
      url = new URL(form[1].replace(/&amp;/g, '&'), url).toString();
      res = await this.send(url, { method: 'POST', body });
    }
    throw new Error(`too many hops, last ${url}`);
  }

  async token(target: ReadyMessage, params: Record<string, string>, clientId = CLIENT.id, secret = CLIENT.secret): Promise<Record<string, unknown>> {
    const res = await fetch(endpoints(target).token, {
      method: 'POST',
      body: new URLSearchParams({ ...params, client_id: clientId, client_secret: secret }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200 || typeof json.access_token !== 'string') throw new Error(`token: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
    return json;
  }

  async codeFlow(target: ReadyMessage, prompt: string | null, scope = `openid profile ${API_SCOPES.join(' ')}`): Promise<Record<string, unknown>> {
    const { code, verifier } = await this.authorize(target, prompt, scope);
    const tokens = await this.token(target, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    if (typeof tokens.id_token !== 'string') throw new Error('no id_token');
    return tokens;
  }

  /** Signs in and grants everything once, so the returning-user scenario finds a session and a grant. */
  async setUp(): Promise<void> {
    for (const target of input.targets) {
      const tokens = await this.codeFlow(target, 'consent', `openid profile offline_access ${API_SCOPES.join(' ')}`);
      if (typeof tokens.refresh_token === 'string') this.refreshToken = tokens.refresh_token;
    }
  }

  async iteration(): Promise<void> {
    const target = this.target();
    switch (input.scenario) {
      case 'A':
        await this.codeFlow(target, null);
        return;
      case 'B':
        await this.codeFlow(target, 'consent');
        return;
      case 'L':
        // A password sign-in every time (Keycloak's "password-based user logins"), then the code's exchange.
        await this.codeFlow(target, 'login');
        return;
      case 'C':
        await this.token(target, { grant_type: 'client_credentials', ...(target.kind === 'ours' ? { audience: API } : { resource: API, scope: API_SCOPES.join(' ') }) }, M2M.id, M2M.secret);
        return;
      case 'D': {
        if (!this.refreshToken) throw new Error('no refresh token from set-up');
        const tokens = await this.token(target, { grant_type: 'refresh_token', refresh_token: this.refreshToken });
        if (typeof tokens.refresh_token !== 'string') throw new Error('no rotated refresh token');
        this.refreshToken = tokens.refresh_token;
        return;
      }
    }
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const users = Array.from({ length: input.vus }, (_, i) => new VirtualUser(i));
  // D needs the refresh token from set-up on the same instance it refreshes on: one target.
  await Promise.all(users.map((u) => u.setUp()));
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const warmupEnd = Date.now() + input.warmupSeconds * 1000;
  const end = warmupEnd + input.seconds * 1000;
  let cpuAtWarmupEnd: NodeJS.CpuUsage | null = null;
  const single = input.targets.length === 1 ? input.targets[0] : undefined;
  const statsUrl = single ? `${new URL(single.issuer).origin}/bench-stats` : null;
  const cpuMark = setTimeout(() => {
    cpuAtWarmupEnd = process.cpuUsage();
    if (statsUrl) void fetch(statsUrl, { method: 'DELETE' }).then((res) => res.arrayBuffer());
  }, input.warmupSeconds * 1000);
  await Promise.all(
    users.map(async (user) => {
      while (Date.now() < end) {
        const start = performance.now();
        try {
          await user.iteration();
          if (Date.now() >= warmupEnd) latencies.push(performance.now() - start);
        } catch (err) {
          errors += 1;
          firstError ??= String(err);
          if (errors > 1000) return;
        }
      }
    }),
  );
  clearTimeout(cpuMark);
  const cpu = process.cpuUsage(cpuAtWarmupEnd ?? undefined);
  latencies.sort((a, b) => a - b);
  const stats = statsUrl ? ((await (await fetch(statsUrl)).json()) as ServerStats) : undefined;
  const result: LoadResult = {
    scenario: input.scenario,
    target: input.targets.map((t) => t.kind).join('+'),
    flows: latencies.length,
    errors,
    seconds: input.seconds,
    perSecond: latencies.length / input.seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    clientCpuMsPerFlow: (cpu.user + cpu.system) / 1000 / Math.max(latencies.length, 1),
    ...(stats ? { serverCpuMsPerFlow: stats.cpuMs / Math.max(latencies.length, 1), serverTimes: stats.paths } : {}),
    ...(firstError ? { firstError } : {}),
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
