/**
 * Issue 18's hot-path changes keep their rules: the access token's id is stored when a code is used
 * up (so a replay revokes it with no refresh token involved), tokens are signed with node:crypto and
 * verify with the published keys, and refresh rotation through prepared statements stays single-use.
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { TestBrowser } from '../helpers/browser.js';
import { API, allowOfflineAccess, expectRedirect, finishFlow, isConsentPage, makeClient, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server);
  await allowOfflineAccess(server);
  client = await makeClient(server, { name: 'Hot Path', isFirstParty: true, callbacks: ['https://hot.example/cb'] });
});
afterAll(async () => server?.close());

const token = () => request(server.issuer).post('oauth/token').type('form');
const userinfo = (accessToken: string) => request(server.issuer).get('userinfo').set('Authorization', `Bearer ${accessToken}`);

async function codeFor(scope: string, browser = new TestBrowser(server.origin)) {
  const flow = await startFlow(server, client, { scope, audience: API });
  let visit = await signIn(browser, flow.url);
  if (isConsentPage(visit)) visit = await browser.submit(visit, { action: 'accept' });
  const callback = expectRedirect(visit);
  return { flow, callback, code: new URL(callback).searchParams.get('code') ?? '' };
}

test('a code replayed after its exchange revokes the access token it gave, with no refresh token involved', async () => {
  const { flow, code } = await codeFor('openid read:posts');
  const exchange = () => token().send({ grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier, client_id: client.clientId, client_secret: client.clientSecret });
  const first = await exchange();
  expect(first.status).toBe(200);
  expect(first.body.refresh_token).toBeUndefined();
  expect((await userinfo(first.body.access_token as string)).status).toBe(200);
  const replay = await exchange();
  expect(replay.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/already been used/) });
  expect((await userinfo(first.body.access_token as string)).status).toBe(401);
});

test('two exchanges of one code at once, no refresh token: whichever wins, its access token is revoked', async () => {
  const { flow, code } = await codeFor('openid read:posts');
  const exchange = () => token().send({ grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier, client_id: client.clientId, client_secret: client.clientSecret });
  const results = await Promise.all([exchange(), exchange()]);
  const winners = results.filter((r) => r.status === 200);
  expect(winners.length).toBeLessThanOrEqual(1);
  expect(results.some((r) => r.body.error === 'invalid_grant')).toBe(true);
  for (const winner of winners) expect((await userinfo(winner.body.access_token as string)).status).toBe(401);
});

test('tokens signed with the imported key verify against the JWKS, with their headers and lifetimes', async () => {
  const { flow, callback } = await codeFor('openid profile read:posts');
  const tokens = await finishFlow(flow, callback);
  const jwks = createLocalJWKSet((await request(server.issuer).get('.well-known/jwks.json')).body as { keys: [] });
  const access = await jwtVerify(tokens.access_token, jwks, { issuer: server.issuer, audience: API, typ: 'at+jwt' });
  expect(access.payload).toMatchObject({ sub: expect.any(String), client_id: client.clientId, scope: 'openid profile read:posts', jti: expect.any(String) });
  expect((access.payload.exp ?? 0) - (access.payload.iat ?? 0)).toBeGreaterThan(0);
  const idToken = await jwtVerify(tokens.id_token ?? '', jwks, { issuer: server.issuer, audience: client.clientId });
  expect(idToken.payload).toMatchObject({ nonce: flow.nonce, at_hash: expect.any(String), auth_time: expect.any(Number) });
  expect(decodeProtectedHeader(tokens.id_token ?? '')).toEqual({ alg: 'RS256', kid: server.auth.context.keys.current().kid, typ: 'JWT' });
  // Imported once as a node:crypto KeyObject, not a WebCrypto key imported per signature.
  expect(server.auth.context.keys.current().privateKey.constructor.name).toBe('PrivateKeyObject');
});

test('refresh rotation through prepared statements: five at once rotate at most once, and the family ends', async () => {
  const { flow, callback } = await codeFor('openid offline_access read:posts');
  const tokens = await finishFlow(flow, callback);
  const refresh = () => token().send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.clientId, client_secret: client.clientSecret });
  const results = await Promise.all([refresh(), refresh(), refresh(), refresh(), refresh()]);
  expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
  for (const winner of results.filter((r) => r.status === 200)) {
    const next = await token().send({ grant_type: 'refresh_token', refresh_token: winner.body.refresh_token, client_id: client.clientId, client_secret: client.clientSecret });
    expect(next.body.error).toBe('invalid_grant');
  }
  expect(await server.auth.context.db('refresh_tokens').where({ client_id: client.clientId }).whereNull('revoked_at')).toHaveLength(0);
});

test('an absent client grant is cached like a present one, and a grant added here counts at once', async () => {
  const { db, repos, registryCache } = server.auth.context;
  registryCache.invalidate();
  const reads: string[] = [];
  const listener = (query: { sql: string }) => void reads.push(query.sql);
  db.on('query', listener);
  try {
    expect(await repos.clientGrants.find(client.clientId, API, 'user')).toBeNull();
    expect(await repos.clientGrants.find(client.clientId, API, 'user')).toBeNull();
  } finally {
    db.off('query', listener);
  }
  expect(reads.filter((sql) => /from [`"]client_grants[`"]/.test(sql))).toHaveLength(1);
  await repos.clientGrants.insert({ id: 'cgr_hot_path', clientId: client.clientId, audience: API, scopes: ['read:posts'], subjectType: 'user', createdAt: 1, updatedAt: 1 });
  expect(await repos.clientGrants.find(client.clientId, API, 'user')).toMatchObject({ id: 'cgr_hot_path', scopes: ['read:posts'] });
});
