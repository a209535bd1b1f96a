/** The audit log: Auth0's event types at login, consent, exchanges, logout and API writes; searching it; S25, S26. */
import request from 'supertest';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { API, USER, expectPage, expectRedirect, finishFlow, makeClient, seedWorld, signIn, startFlow, managementFor } from '../helpers/fixtures.js';
import { clientCredentialsToken, managementApi, managementToken } from '../helpers/management.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';

let server: TestServer;
let userId: string;
let api: Awaited<ReturnType<typeof managementFor>>;

beforeAll(async () => {
  server = await startTestServer();
  ({ userId } = await seedWorld(server));
  api = await managementFor(server);
});
afterAll(async () => server?.close());

type LogJson = { log_id: string; type: string; client_id: string | null; user_id: string | null; details: Record<string, unknown>; date: string; scope: string | null };

async function logsOf(q: string): Promise<LogJson[]> {
  const res = await api.get(`logs?q=${encodeURIComponent(q)}&per_page=100`);
  expect(res.status).toBe(200);
  return res.body as LogJson[];
}

/** Events written when a response finishes are not awaited by the request: poll, boundedly. */
async function eventually<T>(read: () => Promise<T[]>, count: number): Promise<T[]> {
  for (let i = 0; i < 40; i++) {
    const found = await read();
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  return read();
}

test('a consented login is an `s` event carrying the grant; the exchange is `seacft`, a replay `feacft`', async () => {
  const client = await makeClient(server, { name: 'Logged App', isFirstParty: false, callbacks: ['https://logged.example/cb'] });
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client);
  const consent = expectPage(await signIn(browser, flow.url));
  const callback = expectRedirect(await browser.submit(consent, { action: 'accept' }));
  await finishFlow(flow, callback);
  await expect(finishFlow(flow, callback)).rejects.toMatchObject({ error: 'invalid_grant' });

  const [success] = await logsOf(`type:"s" AND client_id:"${client.clientId}"`);
  const [grant] = await server.auth.context.db('user_grants').where({ client_id: client.clientId });
  expect(success).toMatchObject({ user_id: userId, details: { prompts: [{ name: 'consent', grantInfo: { id: grant.id, audience: API } }] } });
  expect(await logsOf(`type:"seacft" AND client_id:"${client.clientId}"`)).toEqual([expect.objectContaining({ user_id: userId })]);
  expect(await logsOf(`type:"feacft" AND client_id:"${client.clientId}"`)).toHaveLength(1);
});

test('failed logins are `fp` (wrong password) and `fu` (unknown user); secrets never reach the log (S25)', async () => {
  const client = await makeClient(server, { name: 'Fail App', callbacks: ['https://fail.example/cb'] });
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client);
  const login = expectPage(await browser.request(flow.url.toString()));
  const wrong = expectPage(await browser.submit(login, { email: USER.email, password: 'not-the-password-123' }));
  expect(wrong.status).toBe(401);
  expectPage(await browser.submit(wrong, { email: 'ghost@example.com', password: 'ghost-password-456' }));
  expect(await logsOf(`type:"fp" AND client_id:"${client.clientId}"`)).toEqual([expect.objectContaining({ user_id: userId })]);
  expect(await logsOf(`type:"fu" AND client_id:"${client.clientId}"`)).toHaveLength(1);

  const mgmt = await server.auth.admin.ensureManagementClient({ clientId: 'audit-m2m', clientSecret: 'an-audit-client-secret-of-40-characters!' });
  await clientCredentialsToken(server, mgmt.clientId, mgmt.clientSecret ?? '', `${server.issuer}api/v2/`);
  await server.auth.context.audit.flush();
  const everything = JSON.stringify(await server.auth.context.db('logs').select());
  for (const secret of ['not-the-password-123', 'ghost-password-456', USER.password, mgmt.clientSecret ?? 'x']) {
    expect(everything).not.toContain(secret);
  }
});

test('S26: ten failures for one email from one address block it, even with the right password; the block is logged', async () => {
  const victim = await server.auth.admin.createUser({ email: 'victim@example.com', password: 'victim-password-1' });
  const client = await makeClient(server, { name: 'Brute', callbacks: ['https://brute.example/cb'] });
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client);
  let page = expectPage(await browser.request(flow.url.toString()));
  for (let i = 0; i < 10; i++) page = expectPage(await browser.submit(page, { email: 'victim@example.com', password: `guess-${i}-wrong` }));
  const blocked = expectPage(await browser.submit(page, { email: 'victim@example.com', password: 'victim-password-1' }));
  expect(blocked.status).toBe(429);
  expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(textOf(blocked.html)).toMatch(/Too many failed attempts/);
  expect(await logsOf(`type:"limit_wc" AND user_name:"victim@example.com"`)).toHaveLength(1);
  // Another account from the same address is unaffected.
  const other = await signIn(new TestBrowser(server.origin), (await startFlow(server, client)).url);
  expect('redirectedTo' in other).toBe(true);
  expect(victim.userId).toMatch(/^auth0\|/);
});

test('client_credentials is `seccft`; a Management API write is `sapi`; logout is `slo`', async () => {
  const created = await api.post('clients', { name: 'Audited M2M', app_type: 'non_interactive' });
  expect(created.status).toBe(201);
  const writes = await eventually(async () => (await logsOf('type:"sapi"')).filter((e) => (e.details.request as { path: string }).path === '/api/v2/clients'), 1);
  expect(writes[0]).toMatchObject({ details: { request: { method: 'POST', path: '/api/v2/clients' }, response: { statusCode: 201 } } });
  expect(JSON.stringify(writes)).not.toContain(created.body.client_secret);

  const m2m = await server.auth.admin.ensureManagementClient({ clientId: 'audit-m2m', clientSecret: 'an-audit-client-secret-of-40-characters!' });
  await clientCredentialsToken(server, m2m.clientId, m2m.clientSecret ?? '', `${server.issuer}api/v2/`);
  const machineExchanges = await logsOf('type:"seccft" AND client_id:"audit-m2m"');
  expect(machineExchanges.length).toBeGreaterThan(0);
  // A client's own token has no user.
  expect(machineExchanges.every((e) => e.user_id === null)).toBe(true);

  const client = await makeClient(server, { name: 'Leaver', callbacks: ['https://leaver.example/cb'], allowedLogoutUrls: ['https://leaver.example/bye'] });
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client);
  await finishFlow(flow, expectRedirect(await signIn(browser, flow.url)));
  expectRedirect(await browser.request(`${server.issuer}v2/logout?client_id=${client.clientId}&returnTo=${encodeURIComponent('https://leaver.example/bye')}`));
  expect(await logsOf(`type:"slo" AND client_id:"${client.clientId}"`)).toEqual([expect.objectContaining({ user_id: userId })]);
});

test('searching: paging, sort, checkpoints, one event, a user\'s events, scopes and bad queries', async () => {
  const page = await api.get('logs?include_totals=true&per_page=2&page=0&sort=date:1');
  expect(page.body).toMatchObject({ start: 0, limit: 2, total: expect.any(Number) });
  expect(page.body.logs).toHaveLength(2);
  expect(Date.parse(page.body.logs[0].date)).toBeLessThanOrEqual(Date.parse(page.body.logs[1].date));

  const first = await api.get('logs?take=3');
  expect(first.body).toHaveLength(3);
  const next = await api.get(`logs?from=${first.body[2].log_id}&take=3`);
  expect(next.body[0].log_id > first.body[2].log_id).toBe(true);

  const one = await api.get(`logs/${first.body[0].log_id}`);
  expect(one.body.log_id).toBe(first.body[0].log_id);
  expect((await api.get('logs/nope')).status).toBe(404);

  const mine = await api.get(`users/${encodeURIComponent(userId)}/logs`);
  expect(mine.status).toBe(200);
  expect(mine.body.length).toBeGreaterThan(0);
  expect(mine.body.every((e: LogJson) => e.user_id === userId)).toBe(true);

  expect((await api.get(`logs?q=${encodeURIComponent('password:"x"')}`)).status).toBe(400);
  expect((await api.get('logs?sort=name:1')).status).toBe(400);
  const noScope = managementApi(server, await managementToken(server, ['read:clients']));
  expect((await noScope.get('logs')).status).toBe(403);
  expect((await request(server.issuer).get('api/v2/logs')).status).toBe(401);
});
