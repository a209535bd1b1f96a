/**
 * Abuse limits (issue 12, items 1, 2, 3, 8): failed credential checks are counted in the database, per
 * account and address and per address, and refused with 429 and Retry-After before any password is
 * hashed or secret compared; the counts hold across instances on one database; an over-long audit
 * event sinks nothing; blocks are listed and lifted with /api/v2/user-blocks; only accepted
 * registrations use the registration budget. Addresses come from X-Forwarded-For (trustProxy).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { createAuthServer, type AuthServer, type Client } from '../../src/index.js';
import { passwordVerificationsStarted } from '../../src/services/passwords.js';
import { AuditLog } from '../../src/services/auditLog.js';
import type { LogEvent } from '../../src/domain/logEvents.js';
import { LogsRepository } from '../../src/store/logsRepository.js';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { expectPage, makeClient, managementFor, seedWorld, startFlow } from '../helpers/fixtures.js';
import { expectScopeRequired } from '../helpers/management.js';
import { startTestServer, TEST_PASSWORD_COST, type TestServer } from '../helpers/testServer.js';

const CONNECTION = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

let server: TestServer;
let api: Awaited<ReturnType<typeof managementFor>>;
let app: Client;
let addressSeq = 0;

/** A fresh client address for each scenario, so no test uses up another's budget. */
const nextAddress = () => `198.51.100.${++addressSeq}`;

const serverOptions = { trustProxy: 'loopback', dynamicClientRegistration: { requestsPerMinutePerIp: 3 } } as const;

beforeAll(async () => {
  server = await startTestServer(serverOptions);
  await seedWorld(server);
  api = await managementFor(server);
  app = await makeClient(server, { name: 'Abuse App', callbacks: ['https://abuse.example/cb'], grantTypes: ['authorization_code', 'password', REALM_GRANT] });
});
afterAll(async () => server?.close());

interface TokenAnswer {
  status: number;
  retryAfter: string | null;
  body: { error?: string; error_description?: string; access_token?: string };
}

async function tokenRequest(issuer: string, address: string, params: Record<string, string>): Promise<TokenAnswer> {
  const res = await fetch(`${issuer}oauth/token`, { method: 'POST', headers: { 'x-forwarded-for': address }, body: new URLSearchParams(params) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as TokenAnswer['body'] };
}

const passwordGrant = (issuer: string, address: string, username: string, password: string, extra: Record<string, string> = {}) =>
  tokenRequest(issuer, address, { grant_type: 'password', username, password, client_id: app.clientId, client_secret: app.clientSecret ?? '', ...extra });

async function newUser(email: string, password = `${email}-password`): Promise<{ userId: string; email: string; password: string }> {
  const created = await api.post('users', { connection: CONNECTION, email, password });
  expect(created.status).toBe(201);
  return { userId: created.body.user_id as string, email, password };
}

function expectRefused(answer: { status: number; retryAfter: string | null }): void {
  expect(answer.status).toBe(429);
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  expect(Number(answer.retryAfter)).toBeLessThanOrEqual(15 * 60);
}

describe('item 1: the audit log cannot be sunk', () => {
  test('an over-long audience in a batch sinks no other event; every field is bounded to its column', async () => {
    const audit = server.auth.context.audit;
    const marker = `batch-${Date.now()}@example.com`;
    // Recorded together, so they are written in one batch.
    await audit.record('fp', { userName: marker, description: 'first' });
    await audit.record('fepft', { clientId: app.clientId, audience: `https://${'a'.repeat(700)}/`, description: 'x\u0000y'.repeat(1000), details: { big: 'z'.repeat(20_000) } });
    await audit.record('fp', { userName: marker, description: 'second' });
    await audit.flush();
    const rows = await server.auth.context.db('logs').where({ client_id: app.clientId, type: 'fepft' });
    expect(rows).toHaveLength(1);
    expect(String(rows[0].audience).length).toBeLessThanOrEqual(600);
    expect(String(rows[0].description)).not.toContain('\u0000');
    expect(String(rows[0].details).length).toBeLessThanOrEqual(8000);
    expect(await server.auth.context.db('logs').where({ user_name: marker, type: 'fp' })).toHaveLength(2);
  });

  test('a failed token request with a 700-character audience, sent among ten wrong passwords: every event is kept and the block still happens', async () => {
    const address = nextAddress();
    const victim = await newUser('sunk-victim@example.com');
    const longAudience = `https://${'a'.repeat(700)}/`;
    const answers = await Promise.all([
      passwordGrant(server.issuer, address, victim.email, victim.password, { audience: longAudience }),
      ...Array.from({ length: 10 }, (_, i) => passwordGrant(server.issuer, address, victim.email, `wrong-${i}`)),
    ]);
    expect(answers[0]?.status).toBe(400);
    expect(answers.slice(1).every((a) => a.body.error_description === 'Wrong email or password.')).toBe(true);
    expectRefused(await passwordGrant(server.issuer, address, victim.email, victim.password));
    await server.auth.context.audit.flush();
    const db = server.auth.context.db;
    expect(await db('logs').where({ user_name: victim.email, type: 'fp' })).toHaveLength(10);
    expect(await db('logs').where({ user_name: victim.email, type: 'limit_wc' })).toHaveLength(1);
    const long = await db('logs').where({ type: 'fepft', ip: address }).whereNotNull('audience');
    expect(long.map((r: { audience: string }) => r.audience.length)).toEqual([600]);
  });
});

describe('item 2: 429 with Retry-After before any hash or compare', () => {
  test('the login page (/u/login): the eleventh try for an account from one address, right password included, is refused unhashed', async () => {
    const victim = await newUser('page-victim@example.com');
    const browser = new TestBrowser(server.origin, { 'x-forwarded-for': nextAddress() });
    let page = expectPage(await browser.request((await startFlow(server, app)).url.toString()));
    for (let i = 0; i < 10; i++) {
      page = expectPage(await browser.submit(page, { email: victim.email, password: `guess-${i}` }));
      expect(page.status).toBe(401);
    }
    const before = passwordVerificationsStarted();
    const refused = expectPage(await browser.submit(page, { email: victim.email, password: victim.password }));
    expect(passwordVerificationsStarted()).toBe(before);
    expectRefused({ status: refused.status, retryAfter: refused.headers.get('retry-after') });
    expect(textOf(refused.html)).toMatch(/Too many failed attempts/);
  });

  test('the account pages (/u/account/login): the same', async () => {
    const victim = await newUser('account-victim@example.com');
    const browser = new TestBrowser(server.origin, { 'x-forwarded-for': nextAddress() });
    let page = expectPage(await browser.request(`${server.issuer}u/account/login`));
    for (let i = 0; i < 10; i++) page = expectPage(await browser.submit(page, { email: victim.email, password: `guess-${i}` }));
    const before = passwordVerificationsStarted();
    const refused = expectPage(await browser.submit(page, { email: victim.email, password: victim.password }));
    expect(passwordVerificationsStarted()).toBe(before);
    expectRefused({ status: refused.status, retryAfter: refused.headers.get('retry-after') });
  });

  test.each([
    ['password', {}],
    ['password-realm', { grant_type: REALM_GRANT, realm: CONNECTION }],
  ])('the %s grant: too_many_attempts with 429, and no hash', async (name, extra: Record<string, string>) => {
    const victim = await newUser(`${name}-grant-victim@example.com`);
    const address = nextAddress();
    for (let i = 0; i < 10; i++) expect((await passwordGrant(server.issuer, address, victim.email, `guess-${i}`, extra)).status).toBe(400);
    const before = passwordVerificationsStarted();
    const refused = await passwordGrant(server.issuer, address, victim.email, victim.password, extra);
    expect(passwordVerificationsStarted()).toBe(before);
    expectRefused(refused);
    expect(refused.body).toMatchObject({ error: 'too_many_attempts', error_description: expect.stringMatching(/Too many failed attempts/) });
    // The block is the pair's: the same account from another address signs in.
    expect((await passwordGrant(server.issuer, nextAddress(), victim.email, victim.password, extra)).status).toBe(200);
  });

  test('client authentication: ten wrong secrets for a client from one address, then the right one is refused before it is compared', async () => {
    const m2m = await makeClient(server, { name: 'Secret Target', callbacks: [], appType: 'non_interactive', grantTypes: ['client_credentials'] });
    const address = nextAddress();
    const attempt = (secret: string, from = address) =>
      tokenRequest(server.issuer, from, { grant_type: 'client_credentials', client_id: m2m.clientId, client_secret: secret, audience: 'https://api.contoso.test/' });
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong-secret-${i}`)).status).toBe(401);
    // Had the secret been compared, the right one would pass (or fail later for want of a client grant).
    const refused = await attempt(m2m.clientSecret ?? '');
    expectRefused(refused);
    expect(refused.body.error).toBe('too_many_attempts');
    // Another address is not affected.
    expect((await attempt(m2m.clientSecret ?? '', nextAddress())).status).not.toBe(429);
  });

  test('client authentication: wrong secrets and unknown client_ids from one address across clients are limited per address (20)', async () => {
    const address = nextAddress();
    const clients = await Promise.all([1, 2, 3].map((n) => makeClient(server, { name: `Spray ${n}`, callbacks: [], appType: 'non_interactive', grantTypes: ['client_credentials'] })));
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) {
      const clientId = i % 4 === 3 ? `no-such-client-${i}` : (clients[i % 4]?.clientId ?? '');
      statuses.push((await tokenRequest(server.issuer, address, { grant_type: 'client_credentials', client_id: clientId, client_secret: `wrong-${i}` })).status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429]);
  });

  test('password spraying from one address (one password, thirty accounts) is stopped after 20 failures, with no hash for the rest', async () => {
    const address = nextAddress();
    const before = passwordVerificationsStarted();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => passwordGrant(server.issuer, address, `sprayed-${i}@example.com`, 'Summer2026!')));
    expect(answers.filter((a) => a.body.error_description === 'Wrong email or password.')).toHaveLength(20);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(10);
    for (const r of refused) expectRefused(r);
    expect(passwordVerificationsStarted() - before).toBe(20);
  });

  test("a legitimate user signs in while an attacker's address floods wrong passwords: the attacker is throttled, the user is not", async () => {
    const attacker = nextAddress();
    const user = await newUser('flood-bystander@example.com');
    const before = passwordVerificationsStarted();
    const flood = Promise.all(Array.from({ length: 40 }, (_, i) => passwordGrant(server.issuer, attacker, `flood-${i % 5}@example.com`, `wrong-${i}`)));
    const mine = await passwordGrant(server.issuer, nextAddress(), user.email, user.password);
    expect(mine.status).toBe(200);
    expect(mine.body.access_token).toEqual(expect.any(String));
    const answers = await flood;
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(20);
    // At most the address's budget of hashes went to the attacker, plus the user's own.
    expect(passwordVerificationsStarted() - before).toBeLessThanOrEqual(21);
  });
});

describe('item 3: blocks listed and lifted through /api/v2/user-blocks', () => {
  test('a blocked pair is listed by identifier and by user; unblocking by user_id lets the user sign in', async () => {
    const address = nextAddress();
    const victim = await newUser('unblock-me@example.com');
    for (let i = 0; i < 10; i++) await passwordGrant(server.issuer, address, victim.email, `guess-${i}`);
    expectRefused(await passwordGrant(server.issuer, address, victim.email, victim.password));

    const expected = { blocked_for: [{ identifier: victim.email, ip: address, connection: CONNECTION }] };
    const byIdentifier = await api.get(`user-blocks?identifier=${encodeURIComponent('Unblock-Me@example.com')}`);
    expect(byIdentifier.status).toBe(200);
    expect(byIdentifier.body).toEqual(expected);
    const byUser = await api.get(`user-blocks/${encodeURIComponent(victim.userId)}`);
    expect(byUser.body).toEqual(expected);

    expect((await api.delete(`user-blocks/${encodeURIComponent(victim.userId)}`)).status).toBe(204);
    expect((await api.get(`user-blocks/${encodeURIComponent(victim.userId)}`)).body).toEqual({ blocked_for: [] });
    expect((await passwordGrant(server.issuer, address, victim.email, victim.password)).status).toBe(200);
  });

  test('unblocking by identifier; unknown users are 404; a missing identifier is 400; the scopes are read:users and update:users', async () => {
    const address = nextAddress();
    const victim = await newUser('unblock-by-identifier@example.com');
    for (let i = 0; i < 10; i++) await passwordGrant(server.issuer, address, victim.email, `guess-${i}`);
    expect((await api.get(`user-blocks?identifier=${victim.email}`)).body.blocked_for).toHaveLength(1);
    expect((await api.delete(`user-blocks?identifier=${victim.email}`)).status).toBe(204);
    expect((await passwordGrant(server.issuer, address, victim.email, victim.password)).status).toBe(200);

    expect((await api.get('user-blocks/auth0%7Cnope')).status).toBe(404);
    expect((await api.get('user-blocks')).body).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
    await expectScopeRequired(server, ['get', 'user-blocks?identifier=a@b.c', 'read:users']);
    await expectScopeRequired(server, ['delete', 'user-blocks?identifier=a@b.c', 'update:users']);
    await expectScopeRequired(server, ['get', `user-blocks/${encodeURIComponent(victim.userId)}`, 'read:users']);
    await expectScopeRequired(server, ['delete', `user-blocks/${encodeURIComponent(victim.userId)}`, 'update:users']);
  });
});

describe('item 3: two instances on one database share the counters', () => {
  let other: { auth: AuthServer; issuer: string; close: () => Promise<void> };

  beforeAll(async () => {
    const listener = express();
    const listening: Server = listener.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
    const issuer = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/`;
    const auth = await createAuthServer({
      issuer,
      database: server.auth.context.options.database,
      migrate: false,
      sessionSecrets: ['second-instance-secret'],
      passwordHashCost: TEST_PASSWORD_COST,
      ...serverOptions,
    });
    listener.use(auth.router);
    other = {
      auth,
      issuer,
      close: async () => {
        listening.closeAllConnections();
        await new Promise<void>((resolve) => listening.close(() => resolve()));
        await auth.close();
      },
    };
  });
  afterAll(async () => other?.close());

  test('a burst of guesses split over two instances gets ten tries in all; the eleventh, on either, is refused', async () => {
    const address = nextAddress();
    const victim = await newUser('two-instances@example.com');
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => passwordGrant(i % 2 ? other.issuer : server.issuer, address, victim.email, `guess-${i}`)),
    );
    expect(answers.filter((a) => a.body.error_description === 'Wrong email or password.')).toHaveLength(10);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(14);
    expectRefused(await passwordGrant(other.issuer, address, victim.email, victim.password));
    expectRefused(await passwordGrant(server.issuer, address, victim.email, victim.password));
  });

  test('ten failures on one instance: the eleventh guess, on the other, is refused', async () => {
    const address = nextAddress();
    const victim = await newUser('sequential-two-instances@example.com');
    for (let i = 0; i < 10; i++) await passwordGrant(server.issuer, address, victim.email, `guess-${i}`);
    expectRefused(await passwordGrant(other.issuer, address, victim.email, victim.password));
  });

  test('the registration limit (3 a minute here) holds across both instances', async () => {
    const address = nextAddress();
    const register = (issuer: string, n: number) =>
      request(issuer).post('oidc/register').set('x-forwarded-for', address).send({ client_name: `two-${n}`, redirect_uris: ['https://two.example/cb'] });
    expect((await register(server.issuer, 1)).status).toBe(201);
    expect((await register(other.issuer, 2)).status).toBe(201);
    expect((await register(server.issuer, 3)).status).toBe(201);
    const refused = await register(other.issuer, 4);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await register(server.issuer, 5)).status).toBe(429);
  });
});

describe('item 8: registration', () => {
  test('invalid registration requests do not use up the budget; accepted ones do', async () => {
    const address = nextAddress();
    const register = (body: object) => request(server.issuer).post('oidc/register').set('x-forwarded-for', address).send(body);
    for (let i = 0; i < 5; i++) {
      expect((await register({ client_name: `bad-${i}`, redirect_uris: ['javascript:alert(1)'] })).status).toBe(400);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await register({ client_name: `good-${i}`, redirect_uris: ['https://good.example/cb'] })).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
  });
});

describe('item 1: one event the database refuses takes no other with it', () => {
  /** A logs table that refuses any write holding a poisoned event: a failure the bounds did not foresee. */
  class RefusingLogs extends LogsRepository {
    override async insert(events: LogEvent[]): Promise<void> {
      if (events.some((e) => e.description === 'poison')) throw new Error('refused by the database');
      return super.insert(events);
    }
  }

  test('a batch refused because of one event is written again event by event: the others in it are kept', async () => {
    const db = server.auth.context.db;
    const audit = new AuditLog(new RefusingLogs(db));
    const marker = `poisoned-batch-${Date.now()}@example.com`;
    const reportError = console.error;
    console.error = () => undefined; // the refused event is reported on stderr, as it should be
    try {
      // Recorded together, so they are written in one batch.
      await audit.record('fp', { userName: marker, description: 'before' });
      await audit.record('fp', { userName: marker, description: 'poison' });
      await audit.record('fp', { userName: marker, description: 'after' });
      await audit.flush();
    } finally {
      console.error = reportError;
    }
    const rows = (await db('logs').where({ user_name: marker })) as { description: string }[];
    expect(rows.map((r) => r.description).sort()).toEqual(['after', 'before']);
  });
});
