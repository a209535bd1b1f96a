/**
 * Refresh tokens end to end with openid-client: issued only with offline_access on an API that allows
 * it, rotated on every use, a reused one revokes the family (S21), revocation (RFC 7009), a replayed
 * code revokes what it issued (S19), and a deleted grant ends its tokens (S18).
 */
import * as oidc from 'openid-client';
import { TestBrowser } from '../helpers/browser.js';
import { expectPage, expectRedirect, finishFlow, makeClient, seedWorld, signIn, startFlow, type Flow } from '../helpers/fixtures.js';
import { startTestServer, usingPostgres, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

const OFFLINE_API = 'https://offline.contoso.test/';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server);
  await server.auth.admin.createResourceServer({
    identifier: OFFLINE_API,
    name: 'Offline API',
    allowOfflineAccess: true,
    scopes: [
      { value: 'sync', description: 'Synchronise your data in the background' },
      { value: 'read', description: 'Read your data' },
    ],
  });
});
afterAll(async () => server?.close());

async function authorize(client: Client, scope = 'openid offline_access sync read', audience = OFFLINE_API): Promise<{ flow: Flow; callback: string }> {
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client, { scope, audience });
  const consent = expectPage(await signIn(browser, flow.url));
  return { flow, callback: expectRedirect(await browser.submit(consent, { action: 'accept' })) };
}

async function offlineClient(name: string, grantTypes?: Client['grantTypes']): Promise<Client> {
  return makeClient(server, { name, isFirstParty: false, callbacks: [`https://${name.toLowerCase()}.example/cb`], ...(grantTypes ? { grantTypes } : {}) });
}

test('offline_access on an API that allows it gives a refresh token, rotated on every use', async () => {
  const client = await offlineClient('Syncer');
  const { flow, callback } = await authorize(client);
  const first = await finishFlow(flow, callback);
  expect(first.refresh_token).toEqual(expect.any(String));
  expect(first.scope?.split(' ').sort()).toEqual(['offline_access', 'openid', 'read', 'sync']);

  const second = await oidc.refreshTokenGrant(flow.config, first.refresh_token ?? '');
  expect(second.refresh_token).toEqual(expect.any(String));
  expect(second.refresh_token).not.toBe(first.refresh_token);
  expect(second.claims()?.sub).toBe(first.claims()?.sub);

  const narrowed = await oidc.refreshTokenGrant(flow.config, second.refresh_token ?? '', { scope: 'openid read' });
  expect(narrowed.scope).toBe('openid read');
  await expect(oidc.refreshTokenGrant(flow.config, narrowed.refresh_token ?? '', { scope: 'openid read admin' })).rejects.toMatchObject({ error: 'invalid_scope' });
  // The narrowing applied to that one response; the family keeps what was granted.
  const full = await oidc.refreshTokenGrant(flow.config, narrowed.refresh_token ?? '');
  expect(full.scope?.split(' ').sort()).toEqual(['offline_access', 'openid', 'read', 'sync']);
});

test('S21: reusing a rotated refresh token revokes the whole family', async () => {
  const client = await offlineClient('Reuser');
  const { flow, callback } = await authorize(client);
  const first = await finishFlow(flow, callback);
  const second = await oidc.refreshTokenGrant(flow.config, first.refresh_token ?? '');
  await expect(oidc.refreshTokenGrant(flow.config, first.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  await expect(oidc.refreshTokenGrant(flow.config, second.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
});

test('no refresh token without offline_access, on an API without offline access, or without the refresh_token grant type', async () => {
  const client = await offlineClient('Online');
  const noScope = await authorize(client, 'openid sync');
  expect((await finishFlow(noScope.flow, noScope.callback)).refresh_token).toBeUndefined();

  const noApiPermission = await authorize(client, 'openid offline_access read:posts', 'https://api.contoso.test/');
  const tokens = await finishFlow(noApiPermission.flow, noApiPermission.callback);
  expect(tokens.refresh_token).toBeUndefined();
  expect(tokens.scope).not.toContain('offline_access');

  const noGrantType = await offlineClient('NoRefresh', ['authorization_code']);
  const third = await authorize(noGrantType);
  expect((await finishFlow(third.flow, third.callback)).refresh_token).toBeUndefined();
});

test('RFC 7009: a revoked refresh token stops working; revoking an unknown token is still 200', async () => {
  const client = await offlineClient('Revoker');
  const { flow, callback } = await authorize(client);
  const tokens = await finishFlow(flow, callback);
  await oidc.tokenRevocation(flow.config, tokens.refresh_token ?? '');
  await expect(oidc.refreshTokenGrant(flow.config, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  await expect(oidc.tokenRevocation(flow.config, 'no-such-token')).resolves.toBeUndefined();
});

test('another client cannot use or revoke a refresh token', async () => {
  const owner = await offlineClient('Owner');
  const other = await offlineClient('Other');
  const { flow, callback } = await authorize(owner);
  const tokens = await finishFlow(flow, callback);
  const otherFlow = await startFlow(server, other);
  await oidc.tokenRevocation(otherFlow.config, tokens.refresh_token ?? '');
  await expect(oidc.refreshTokenGrant(otherFlow.config, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  await expect(oidc.refreshTokenGrant(flow.config, tokens.refresh_token ?? '')).resolves.toMatchObject({ token_type: expect.any(String) });
});

test('S19: replaying a code revokes the refresh token it issued', async () => {
  const client = await offlineClient('Replayer');
  const { flow, callback } = await authorize(client);
  const tokens = await finishFlow(flow, callback);
  await expect(finishFlow(flow, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  await expect(oidc.refreshTokenGrant(flow.config, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
});

test('S18: deleting the user grant ends its refresh tokens', async () => {
  const client = await offlineClient('Forgotten');
  const { flow, callback } = await authorize(client);
  const tokens = await finishFlow(flow, callback);
  const [grant] = await server.auth.context.db('user_grants').where({ client_id: client.clientId });
  expect(await server.auth.context.repos.grants.delete(String(grant.id))).toBe(true);
  await expect(oidc.refreshTokenGrant(flow.config, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
});

test('an idle refresh token expires', async () => {
  const client = await offlineClient('Idler');
  const { flow, callback } = await authorize(client);
  const tokens = await finishFlow(flow, callback);
  await server.auth.context.db('refresh_tokens').where({ client_id: client.clientId }).update({ idle_expires_at: Date.now() - 1000 });
  await expect(oidc.refreshTokenGrant(flow.config, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
});

test('refresh tokens are stored as hashes only', async () => {
  const client = await offlineClient('Hasher');
  const { flow, callback } = await authorize(client);
  const tokens = await finishFlow(flow, callback);
  const rows = await server.auth.context.db('refresh_tokens').where({ client_id: client.clientId });
  expect(JSON.stringify(rows)).not.toContain(tokens.refresh_token);
});

test('a rotation the database refuses to store leaves the presented token usable', async () => {
  const client = await offlineClient('Atomic');
  const { flow, callback } = await authorize(client);
  const first = await finishFlow(flow, callback);
  const db = server.auth.context.db;
  const failingInserts = usingPostgres()
    ? [
        `create function refuse_refresh_token() returns trigger language plpgsql as $$ begin raise exception 'storage refused'; end $$`,
        'create trigger refuse_refresh_token before insert on refresh_tokens for each row execute function refuse_refresh_token()',
      ]
    : [`create trigger refuse_refresh_token before insert on refresh_tokens begin select raise(abort, 'storage refused'); end`];
  for (const sql of failingInserts) await db.raw(sql);
  const refused = await fetch(`${server.issuer}oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '', client_id: client.clientId, client_secret: client.clientSecret ?? '' }),
  });
  expect(refused.status).toBe(500);
  expect(await refused.json()).toEqual({ error: 'server_error', error_description: 'The server could not complete the request.' });
  await db.raw(usingPostgres() ? 'drop function refuse_refresh_token() cascade' : 'drop trigger refuse_refresh_token');

  // Not used up, and not taken for a reuse: the family carries on.
  const retried = await oidc.refreshTokenGrant(flow.config, first.refresh_token ?? '');
  expect(retried.refresh_token).toEqual(expect.any(String));
  expect((await oidc.refreshTokenGrant(flow.config, retried.refresh_token ?? '')).access_token).toEqual(expect.any(String));
});

test('S21: the same refresh token sent five times at once: at most one rotation, and the family ends', async () => {
  const client = await offlineClient('Racer');
  const { flow, callback } = await authorize(client);
  const first = await finishFlow(flow, callback);
  const refresh = (token: string) =>
    fetch(`${server.issuer}oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: client.clientId, client_secret: client.clientSecret ?? '' }),
    });
  const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(first.refresh_token ?? '')));
  const bodies = (await Promise.all(answers.map((res) => res.json()))) as Array<{ refresh_token?: string; error?: string }>;
  const winners = bodies.filter((body) => body.refresh_token);
  expect(winners.length).toBeLessThanOrEqual(1);
  expect(bodies.filter((body) => body.error === 'invalid_grant')).toHaveLength(5 - winners.length);
  // Whoever won holds a token of a revoked family.
  for (const winner of winners) expect(await (await refresh(winner.refresh_token ?? '')).json()).toMatchObject({ error: 'invalid_grant' });
  const live = await server.auth.context.db('refresh_tokens').where({ client_id: client.clientId }).whereNull('revoked_at');
  expect(live).toHaveLength(0);
});
