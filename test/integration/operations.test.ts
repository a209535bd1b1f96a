/**
 * What operators get (issue 17), in process: the structured log (one line per request, the security
 * events, and never a secret), /healthz and /readyz, Prometheus metrics (optionally behind a token),
 * the landing page and the styled 404, and the configuration checked at start.
 */
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { createAuthServer } from '../../src/index.js';
import { readEnvironment } from '../../src/ops/environment.js';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { expectPage, expectRedirect, finishFlow, isConsentPage, makeClient, seedWorld, signIn, startFlow, USER } from '../helpers/fixtures.js';
import { startTestServer, usingPostgres, postgresUrl, type TestServer } from '../helpers/testServer.js';

const METRICS_TOKEN = 'a-metrics-token-of-some-length';

/** Every line the server logged, as parsed JSON and as raw text. */
class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  lines(): Record<string, unknown>[] {
    return this.text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

let server: TestServer;
const log = new LogCapture();

beforeAll(async () => {
  server = await startTestServer({ logger: pino({ level: 'debug' }, log), metrics: { token: METRICS_TOKEN } });
  await seedWorld(server);
});
afterAll(() => server.close());

async function metrics(): Promise<string> {
  const res = await fetch(`${server.issuer}metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample, e.g. sample(text, 'auth_consents_total{outcome="shown"}'); 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('a flow, seen in the log and the metrics', () => {
  const secrets: string[] = [];
  let before = '';
  let after = '';

  beforeAll(async () => {
    before = await metrics();
    const client = await makeClient(server, { name: 'Fabrikam', isFirstParty: false, callbacks: ['https://fabrikam.test/cb'], grantTypes: ['authorization_code', 'refresh_token'] });
    secrets.push(USER.password, client.clientSecret ?? '');
    const browser = new TestBrowser(server.origin);
    // A failed sign-in first (a failure event), then the flow with consent (shown, accepted).
    const failed = expectPage(await signIn(browser, (await startFlow(server, client)).url, { ...USER, password: 'wrong password, logged nowhere' }));
    secrets.push('wrong password, logged nowhere');
    expect(failed.status).toBeGreaterThanOrEqual(400);
    const audience = 'https://ops.test/api';
    await server.auth.admin.ensureResourceServer({ identifier: audience, name: 'Ops API', allowOfflineAccess: true, scopes: [{ value: 'read:posts', description: 'Read posts' }] });
    const flow = await startFlow(server, client, { scope: 'openid email offline_access read:posts', audience });
    const consent = await signIn(new TestBrowser(server.origin), flow.url);
    const page = expectPage(consent);
    expect(isConsentPage(page)).toBe(true);
    const fresh = new TestBrowser(server.origin);
    const again = await signIn(fresh, flow.url);
    const callback = expectRedirect(await fresh.submit(expectPage(again), { action: 'accept' }));
    secrets.push(new URL(callback).searchParams.get('code') ?? 'no code');
    secrets.push(...[...fresh.cookies.values()]);
    const tokens = await finishFlow(flow, callback);
    secrets.push(tokens.access_token, tokens.refresh_token ?? 'no refresh token', tokens.id_token ?? 'no id token');
    // Secrets in places a careless log would pick up: the query, the Authorization header, a cookie, a body.
    await fetch(`${server.issuer}userinfo?access_token=${tokens.access_token}`, { headers: { authorization: `Bearer ${tokens.access_token}`, cookie: fresh.cookieHeader() } });
    const basic = Buffer.from(`${client.clientId}:${client.clientSecret ?? ''}`).toString('base64');
    secrets.push(basic);
    const refreshed = await fetch(`${server.issuer}oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }),
    });
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { access_token: string; refresh_token: string };
    secrets.push(body.access_token, body.refresh_token);
    await server.auth.context.audit.flush();
    after = await metrics();
  });

  test('one line per request: method, path without the query, status, time', () => {
    const requests = log.lines().filter((l) => l.msg === 'request');
    const userinfo = requests.find((l) => l.route === '/userinfo');
    expect(userinfo).toEqual(expect.objectContaining({ method: 'GET', path: `${server.mountPath === '/' ? '' : server.mountPath}/userinfo`, status: 200 }));
    expect(typeof userinfo?.ms).toBe('number');
    expect(requests.some((l) => l.route === '/oauth/token' && l.status === 200)).toBe(true);
  });

  test('security events are logged: the failed and the successful sign-in, the consent, the token exchanges', () => {
    const lines = log.lines();
    expect(lines).toEqual(expect.arrayContaining([
      expect.objectContaining({ event: 'audit', type: 'fp', level: 40 }),
      expect.objectContaining({ event: 'audit', type: 's' }),
      expect.objectContaining({ event: 'consent', outcome: 'accepted' }),
      expect.objectContaining({ event: 'audit', type: 'seacft' }),
      expect.objectContaining({ event: 'audit', type: 'sertft' }),
    ]));
  });

  test('no secret ever appears in the log: passwords, client secrets, codes, tokens, cookies, Authorization headers', () => {
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(5);
      expect(log.text).not.toContain(secret);
    }
    // A session cookie's value is URL-encoded in the header; its signed id must not appear decoded either.
    for (const secret of secrets) expect(log.text).not.toContain(decodeURIComponent(secret));
  });

  test('metrics count requests by route and status, sign-ins, failures, consents and tokens by grant type', () => {
    const grew = (series: string) => sample(after, series) - sample(before, series);
    // Auth0's `s` event is recorded when the code is issued: the first browser never accepted.
    expect(grew('auth_sign_ins_total{result="success"}')).toBe(1);
    expect(grew('auth_sign_ins_total{result="wrong_password"}')).toBe(1);
    expect(grew('auth_consents_total{outcome="shown"}')).toBe(2);
    expect(grew('auth_consents_total{outcome="accepted"}')).toBe(1);
    expect(grew('auth_tokens_issued_total{grant_type="authorization_code"}')).toBe(1);
    expect(grew('auth_tokens_issued_total{grant_type="refresh_token"}')).toBe(1);
    expect(grew('auth_http_request_duration_seconds_count{method="GET",route="/userinfo",status="200"}')).toBe(1);
    expect(after).toMatch(/auth_db_pool_connections\{state="max"\} \d+/);
    expect(after).toContain('auth_http_request_duration_seconds_bucket{le="0.1"');
  });
});

test('declining the consent dialog is counted and logged', async () => {
  const client = await makeClient(server, { name: 'Decliner', isFirstParty: false, callbacks: ['https://decliner.test/cb'] });
  const before = sample(await metrics(), 'auth_consents_total{outcome="declined"}');
  const browser = new TestBrowser(server.origin);
  const consent = expectPage(await signIn(browser, (await startFlow(server, client)).url));
  const back = expectRedirect(await browser.submit(consent, { action: 'decline' }));
  expect(new URL(back).searchParams.get('error')).toBe('access_denied');
  expect(sample(await metrics(), 'auth_consents_total{outcome="declined"}')).toBe(before + 1);
  expect(log.lines()).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'consent', outcome: 'declined' })]));
});

test('/metrics needs the bearer token when one is configured; random paths do not make new series', async () => {
  expect((await fetch(`${server.issuer}metrics`)).status).toBe(401);
  expect((await fetch(`${server.issuer}metrics`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
  await fetch(`${server.issuer}no/such/${Math.random()}`);
  const text = await metrics();
  expect(text).not.toContain('no/such');
  expect(text).toContain('route="unmatched"');
});

test('/healthz answers while the process is up; /readyz when the database answers and is migrated, 503 when draining', async () => {
  expect(await (await fetch(`${server.issuer}healthz`)).json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${server.issuer}readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready' });

  const other = await startTestServer({ logLevel: 'silent' });
  try {
    other.auth.drain();
    const draining = await fetch(`${other.issuer}readyz`);
    expect(draining.status).toBe(503);
    expect(((await draining.json()) as { reason: string }).reason).toBe('shutting down');
  } finally {
    await other.close();
  }
});

test('the issuer root is a landing page, and auth.notFound a styled 404, both with the page security headers', async () => {
  const landing = await fetch(server.issuer);
  expect(landing.status).toBe(200);
  const html = await landing.text();
  expect(html).toContain('.well-known/openid-configuration');
  expect(html).toContain('/u/account/apps');
  for (const res of [landing]) {
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toContain('no-store');
  }

  // The 404 belongs at the end of the host app: mounted after the router in an app of its own.
  const app = express();
  app.use(server.mountPath, server.auth.router);
  app.use(...server.auth.notFound);
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  try {
    const { port } = listener.address() as { port: number };
    const missing = await fetch(`http://127.0.0.1:${port}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(textOf(await missing.text())).toContain('Page not found');
    expect(missing.headers.get('x-frame-options')).toBe('DENY');
    expect(missing.headers.get('content-security-policy')).toContain("default-src 'none'");
  } finally {
    listener.close();
  }
});

describe('configuration is checked at start, saying what is wrong and how to fix it', () => {
  const database = { client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true };
  const start = (options: Record<string, unknown>) => createAuthServer({ issuer: 'https://id.example.com/', database, ...options } as never);

  test.each([
    [{ issuer: 'id.example.com/' }, /issuer: must be an absolute URL with its scheme/],
    [{ issuer: 'localhost:3000/' }, /issuer: must be an absolute URL starting with https:\/\//],
    [{ issuer: 'https://id.example.com' }, /issuer: must end with "\/".*"https:\/\/id\.example\.com\/"/],
    [{ logoUrl: 'http://cdn.example.com/logo.png' }, /logoUrl: must be an https URL/],
    [{ texts: { 'consent.acept': 'OK' } }, /texts\.consent\.acept: is not a text key \(did you mean "consent\.accept"\?\)/],
    [{ sessionSecrets: [undefined] }, /sessionSecrets\.0: is undefined: is the environment variable holding it unset\?/],
    [{ sessionSecrets: ['short'] }, /sessionSecrets\.0: is too short/],
    [{ isuer: 'x' }, /isuer: is not an option \(did you mean "issuer"\?\)/],
    [{ database: { client: 'mysql', connection: 'mysql://x' } }, /database\.client: must be "better-sqlite3" \(SQLite\) or "pg"/],
    [{ cookie: { sameSite: 'Lax' } }, /cookie\.sameSite/],
    [{ metrics: { token: 'short' } }, /metrics\.token: must have at least 16 characters/],
    [{ logStreams: [{ url: 'collector.local/x' }] }, /logStreams\.0\.url: must be an absolute URL/],
  ])('%j', async (options, message) => {
    await expect(start(options)).rejects.toThrow(message);
  });

  test('every problem is listed at once', async () => {
    const err = (await start({ issuer: 'nope', logoUrl: 'http://x/' }).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('ConfigurationError');
    expect(err.message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(2);
  });

  test.each([
    [{ DATABASE_URL: 'mysql://root@db/auth' }, /DATABASE_URL uses mysql:\/\/, which is not supported: use postgres:\/\/.* or a SQLite file path/],
    [{ PORT: 'eighty' }, /PORT must be a port number/],
    [{ MANAGEMENT_CLIENT_ID: 'x' }, /MANAGEMENT_CLIENT_ID and MANAGEMENT_CLIENT_SECRET go together/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of/],
    [{ SESSION_SECRET: 'a,b' }, /SESSION_SECRET: each comma-separated secret must have at least 16 characters/],
  ])('environment %j', (env, message) => {
    expect(() => readEnvironment(env)).toThrow(message);
  });

  test('PostgreSQL that is down: one clear line, no stack', async () => {
    const err = (await createAuthServer({ issuer: 'https://id.example.com/', database: { client: 'pg', connection: 'postgres://postgres:hunter2-password@127.0.0.1:1/test', pool: { min: 0, max: 1 } }, logLevel: 'silent' }).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('StartupError');
    expect(err.message).toMatch(/^Cannot connect to PostgreSQL: the connection was refused\. Is PostgreSQL running/);
    expect(err.message).not.toContain('hunter2');
    expect(err.message.split('\n')).toHaveLength(1);
  });

  (usingPostgres() ? test : test.skip)('a PostgreSQL database that does not exist: one clear line', async () => {
    const url = new URL(postgresUrl());
    url.pathname = '/no_such_database_here';
    const err = (await createAuthServer({ issuer: 'https://id.example.com/', database: { client: 'pg', connection: url.toString(), pool: { min: 0, max: 1 } }, logLevel: 'silent' }).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('StartupError');
    expect(err.message).toMatch(/database "no_such_database_here" does not exist: create it/);
  });
});
