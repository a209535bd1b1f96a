/**
 * /api/v2/keys/signing with Auth0's model — current, next, previous, revoked — on two instances
 * sharing one database: the next key is in the JWKS before it signs anything, a rotation on one
 * instance is what the other signs with, the previous key keeps verifying until it is revoked.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { createAuthServer, type AuthServer } from '../../src/index.js';
import { managementFor } from '../helpers/fixtures.js';
import { clientCredentialsToken, managementApi, managementToken } from '../helpers/management.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';

let server: TestServer;
let other: { auth: AuthServer; issuer: string; close: () => Promise<void> };

const FIXTURE_ID = 'fixtures-management-client';
const FIXTURE_SECRET = 'fixtures-management-secret-of-forty-characters';

/** A second instance on the same database, with the same issuer (as behind a load balancer). */
async function secondInstance(): Promise<typeof other> {
  const app = express();
  const listening: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  const auth = await createAuthServer({ issuer: server.issuer, database: server.auth.context.options.database, migrate: false, registryCacheMs: 0, sessionSecrets: ['second-instance-secret'] });
  app.use(server.mountPath, auth.router);
  return {
    auth,
    issuer: `${base}${server.mountPath === '/' ? '' : server.mountPath}/`,
    close: async () => {
      listening.closeAllConnections();
      await new Promise<void>((resolve) => listening.close(() => resolve()));
      await auth.close();
    },
  };
}

async function jwks(issuer: string): Promise<string[]> {
  const body = (await (await fetch(`${issuer}.well-known/jwks.json`)).json()) as JSONWebKeySet;
  return body.keys.map((k) => String(k.kid));
}

/** A Management API token minted by this instance (client_credentials at its own token endpoint). */
async function tokenFrom(issuer: string): Promise<string> {
  const res = await fetch(`${issuer}oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: FIXTURE_ID, client_secret: FIXTURE_SECRET, audience: `${server.issuer}api/v2/` }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const kidOf = (token: string) => String(decodeProtectedHeader(token).kid);
const freshApi = async () => managementApi(server, await clientCredentialsToken(server, FIXTURE_ID, FIXTURE_SECRET, `${server.issuer}api/v2/`));
const otherApi = async () => managementApi({ ...server, issuer: other.issuer }, await tokenFrom(other.issuer));

beforeAll(async () => {
  server = await startTestServer({ registryCacheMs: 0 });
  await managementFor(server);
  other = await secondInstance();
});
afterAll(async () => {
  await other?.close();
  await server?.close();
});

type KeyJson = { kid: string; current: boolean; next: boolean; previous: boolean; revoked: boolean; current_since?: string; revoked_at?: string; jwk: { kid: string; d?: string } };

test('rotation: next is published before it signs, both instances agree, previous keeps verifying until revoked', async () => {
  const api = await freshApi();
  const initial = (await api.get('keys/signing')).body as KeyJson[];
  expect(initial).toHaveLength(2);
  const current = initial.find((k) => k.current) as KeyJson;
  const next = initial.find((k) => k.next) as KeyJson;
  expect(current.current_since).toEqual(expect.any(String));
  expect(initial.every((k) => k.jwk.d === undefined)).toBe(true);
  expect((await jwks(server.issuer)).sort()).toEqual([current.kid, next.kid].sort());
  expect(await jwks(other.issuer)).toEqual(await jwks(server.issuer));

  const before = await tokenFrom(other.issuer);
  expect(kidOf(before)).toBe(current.kid);

  const rotated = await api.post('keys/signing/rotate');
  expect(rotated.status).toBe(201);
  expect(rotated.body.kid).toBe(next.kid);

  // The other instance signs with the new current key, and publishes current, next and previous.
  const after = await tokenFrom(other.issuer);
  expect(kidOf(after)).toBe(next.kid);
  expect(kidOf(await tokenFrom(server.issuer))).toBe(next.kid);
  const published = await jwks(other.issuer);
  expect(published).toHaveLength(3);
  expect(published[0]).toBe(next.kid);
  expect(published).toContain(current.kid);
  expect(await jwks(server.issuer)).toEqual(published);
  const keys = (await api.get('keys/signing')).body as KeyJson[];
  expect(keys.find((k) => k.kid === current.kid)).toMatchObject({ previous: true, current: false });
  const newNext = keys.find((k) => k.next) as KeyJson;
  expect(published).toContain(newNext.kid);

  // A token signed before the rotation still verifies, on both instances.
  const set = createLocalJWKSet((await (await fetch(`${other.issuer}.well-known/jwks.json`)).json()) as JSONWebKeySet);
  await expect(jwtVerify(before, set)).resolves.toBeDefined();
  expect((await managementApi(server, before).get('keys/signing')).status).toBe(200);
  expect((await managementApi({ ...server, issuer: other.issuer }, before).get('keys/signing')).status).toBe(200);

  // Only a previous key can be revoked; then it leaves the JWKS everywhere and its tokens stop.
  expect((await api.put(`keys/signing/${next.kid}/revoke`, {})).status).toBe(400);
  expect((await api.put(`keys/signing/${newNext.kid}/revoke`, {})).status).toBe(400);
  expect((await api.put('keys/signing/no-such-kid/revoke', {})).status).toBe(404);
  const revoked = await (await otherApi()).put(`keys/signing/${current.kid}/revoke`, {});
  expect(revoked.status).toBe(200);
  expect(revoked.body).toMatchObject({ kid: current.kid, revoked: true, revoked_at: expect.any(String) });
  expect(await jwks(server.issuer)).not.toContain(current.kid);
  expect(await jwks(other.issuer)).not.toContain(current.kid);
  expect((await managementApi(server, before).get('keys/signing')).status).toBe(401);
  expect((await managementApi({ ...server, issuer: other.issuer }, before).get('keys/signing')).status).toBe(401);
  expect((await managementApi(server, after).get('keys/signing')).status).toBe(200);

  const one = await (await freshApi()).get(`keys/signing/${current.kid}`);
  expect(one.status).toBe(200);
  expect(one.body.revoked).toBe(true);
  expect((await (await freshApi()).get('keys/signing/no-such-kid')).status).toBe(404);
});

test('two rotations at once on two instances leave exactly one current and one next key', async () => {
  const [a, b] = [await freshApi(), await otherApi()];
  const results = await Promise.all([a.post('keys/signing/rotate'), b.post('keys/signing/rotate')]);
  for (const res of results) expect([201, 409]).toContain(res.status);
  expect(results.some((r) => r.status === 201)).toBe(true);
  const keys = (await (await freshApi()).get('keys/signing')).body as KeyJson[];
  expect(keys.filter((k) => k.current)).toHaveLength(1);
  expect(keys.filter((k) => k.next)).toHaveLength(1);
  const current = keys.find((k) => k.current) as KeyJson;
  expect(kidOf(await tokenFrom(other.issuer))).toBe(current.kid);
  expect(kidOf(await tokenFrom(server.issuer))).toBe(current.kid);
});

test.each([
  ['get', 'keys/signing', 'read:signing_keys'],
  ['get', 'keys/signing/some-kid', 'read:signing_keys'],
  ['post', 'keys/signing/rotate', 'create:signing_keys'],
] as const)('%s %s needs %s', async (method, path, scope) => {
  const limited = managementApi(server, await managementToken(server, ['read:clients']));
  const res = method === 'get' ? await limited.get(path) : await limited.post(path);
  expect(res.status).toBe(403);
  expect(res.body.message).toBe(`Insufficient scope; expected any of: ${scope}`);
});

test('PUT revoke needs update:signing_keys', async () => {
  const limited = managementApi(server, await managementToken(server, ['read:signing_keys']));
  const res = await limited.put('keys/signing/some-kid/revoke', {});
  expect(res.status).toBe(403);
  expect(res.body.message).toBe('Insufficient scope; expected any of: update:signing_keys');
});
