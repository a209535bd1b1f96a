/**
 * Client secrets at rest: sealed with AES-256-GCM under secretEncryptionKey, still shown in plain text
 * to read:client_keys (as Auth0 does), rows written before the key was set keep working and are sealed
 * at the next start; and rotate-secret with an overlap window (secretRotationGraceSeconds).
 */
import { randomBytes } from 'node:crypto';
import { createAuthServer } from '../../src/index.js';
import { authenticateClient, InvalidClientError } from '../../src/services/clientAuthentication.js';
import { API, managementFor, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, testDatabase, type TestServer } from '../helpers/testServer.js';

const KEY = randomBytes(32).toString('base64');

async function tokenResponse(server: TestServer, clientId: string, secret: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.issuer}oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, audience: API }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function clientCredentials(server: TestServer, clientId: string, secret: string): Promise<number> {
  return (await tokenResponse(server, clientId, secret)).status;
}

/** Flips one character of the sealed body: GCM's tag no longer matches. */
function tamper(sealed: string): string {
  const [iv, body = '', tag] = sealed.slice('enc:v1:'.length).split('.');
  return `enc:v1:${iv}.${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}.${tag}`;
}

async function machineClient(server: TestServer): Promise<{ id: string; secret: string }> {
  const api = await managementFor(server);
  const created = await api.post('clients', { name: 'Sealed M2M', app_type: 'non_interactive' });
  expect(created.status).toBe(201);
  expect((await api.post('client-grants', { client_id: created.body.client_id, audience: API, scope: ['read:posts'] })).status).toBe(201);
  return { id: created.body.client_id as string, secret: created.body.client_secret as string };
}

const storedSecret = async (server: TestServer, clientId: string) =>
  ((await server.auth.context.db('clients').where({ client_id: clientId }).first('client_secret', 'previous_client_secret')) as { client_secret: string | null; previous_client_secret: string | null });

describe('with secretEncryptionKey', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ secretEncryptionKey: KEY, secretRotationGraceSeconds: 3600 });
    await seedWorld(server);
  });
  afterAll(async () => server?.close());

  test('the stored secret is sealed; read:client_keys sees the plain secret; the secret authenticates', async () => {
    const client = await machineClient(server);
    const row = await storedSecret(server, client.id);
    expect(row.client_secret).toMatch(/^enc:v1:/);
    expect(row.client_secret).not.toContain(client.secret);
    const api = await managementFor(server);
    expect((await api.get(`clients/${client.id}`)).body.client_secret).toBe(client.secret);
    expect(await clientCredentials(server, client.id, client.secret)).toBe(200);
    expect(await clientCredentials(server, client.id, `${client.secret}x`)).toBe(401);
  });

  test('a sealed secret moved onto another client does not open there', async () => {
    const a = await machineClient(server);
    const b = await machineClient(server);
    const sealedA = (await storedSecret(server, a.id)).client_secret;
    await server.auth.context.db('clients').where({ client_id: b.id }).update({ client_secret: sealedA });
    server.auth.context.registryCache.invalidate();
    const refused = await tokenResponse(server, b.id, a.secret);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
  });

  test('a tampered ciphertext: 401 invalid_client at the token endpoint, an Auth0-shaped 409 on the read, and a rotation mends it', async () => {
    const client = await machineClient(server);
    const other = await machineClient(server);
    const sealed = (await storedSecret(server, client.id)).client_secret ?? '';
    await server.auth.context.db('clients').where({ client_id: client.id }).update({ client_secret: tamper(sealed) });
    server.auth.context.registryCache.invalidate();

    const refused = await tokenResponse(server, client.id, client.secret);
    expect(refused).toEqual({ status: 401, body: expect.objectContaining({ error: 'invalid_client' }) });
    const api = await managementFor(server);
    const read = await api.get(`clients/${client.id}`);
    expect(read.status).toBe(409);
    expect(read.body).toEqual({ statusCode: 409, error: 'Conflict', errorCode: 'client_secret_unreadable', message: expect.stringMatching(/secretEncryptionKey.*rotate-secret/s) });
    // Everything else about the client can still be read and changed; a list shows it without its secret.
    const withoutSecret = await api.get(`clients/${client.id}`).query({ fields: 'client_secret', include_fields: 'false' });
    expect(withoutSecret.status).toBe(200);
    expect(withoutSecret.body.name).toBe('Sealed M2M');
    const listed = (await api.get('clients').query({ per_page: 100 })).body as { client_id: string; client_secret?: string }[];
    expect(listed.find((c) => c.client_id === client.id)).not.toHaveProperty('client_secret');
    expect(listed.find((c) => c.client_id === other.id)?.client_secret).toBe(other.secret);
    const renamed = await api.patch(`clients/${client.id}`, { name: 'Renamed while unreadable' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).not.toHaveProperty('client_secret');
    // The PATCH kept the stored value as it was rather than writing a secret of its own.
    expect((await storedSecret(server, client.id)).client_secret).toBe(tamper(sealed));

    const rotated = await api.post(`clients/${client.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(await clientCredentials(server, client.id, rotated.body.client_secret as string)).toBe(200);
    expect((await api.get(`clients/${client.id}`)).status).toBe(200);
  });

  test('rotate-secret keeps the previous secret working for the grace window, sealed too, then refuses it', async () => {
    const client = await machineClient(server);
    const api = await managementFor(server);
    const rotated = await api.post(`clients/${client.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.client_secret as string;
    expect(fresh).not.toBe(client.secret);
    expect(await clientCredentials(server, client.id, fresh)).toBe(200);
    expect(await clientCredentials(server, client.id, client.secret)).toBe(200);
    const row = await storedSecret(server, client.id);
    expect(row.previous_client_secret).toMatch(/^enc:v1:/);
    // The window ends (set in the database rather than waited for).
    await server.auth.context.db('clients').where({ client_id: client.id }).update({ previous_secret_expires_at: Date.now() - 1 });
    expect(await clientCredentials(server, client.id, client.secret)).toBe(401);
    expect(await clientCredentials(server, client.id, fresh)).toBe(200);
  });
});

test('without secretRotationGraceSeconds a rotated secret stops at once (Auth0)', async () => {
  const server = await startTestServer();
  try {
    await seedWorld(server);
    const client = await machineClient(server);
    const rotated = await (await managementFor(server)).post(`clients/${client.id}/rotate-secret`);
    expect(await clientCredentials(server, client.id, client.secret)).toBe(401);
    expect(await clientCredentials(server, client.id, rotated.body.client_secret as string)).toBe(200);
  } finally {
    await server.close();
  }
});

test('secrets stored in plain text keep working, and are sealed when a key is configured at the next start', async () => {
  const db = await testDatabase();
  const plain = await createAuthServer({ issuer: 'http://127.0.0.1:1/', database: db.config, sessionSecrets: ['a-session-secret-long-enough'], sweepIntervalMs: 0 });
  let clientId: string;
  let secret: string;
  try {
    const client = await plain.admin.createClient({ name: 'Old M2M', appType: 'non_interactive' });
    clientId = client.clientId;
    secret = client.clientSecret ?? '';
    const row = (await plain.context.db('clients').where({ client_id: clientId }).first('client_secret')) as { client_secret: string };
    // Without a key, secrets are stored as they are (the README says so).
    expect(row.client_secret).toBe(secret);
  } finally {
    await plain.close();
  }
  const sealed = await createAuthServer({ issuer: 'http://127.0.0.1:1/', database: db.config, sessionSecrets: ['a-session-secret-long-enough'], secretEncryptionKey: KEY, sweepIntervalMs: 0 });
  try {
    const row = (await sealed.context.db('clients').where({ client_id: clientId }).first('client_secret')) as { client_secret: string };
    expect(row.client_secret).toMatch(/^enc:v1:/);
    expect((await sealed.context.repos.clients.findById(clientId))?.clientSecret).toBe(secret);
  } finally {
    await sealed.close();
  }
  // Without the key, or with another one, a sealed secret is never taken for the secret itself: the client cannot authenticate.
  for (const secretEncryptionKey of [undefined, randomBytes(32).toString('base64')]) {
    const other = await createAuthServer({ issuer: 'http://127.0.0.1:1/', database: db.config, sessionSecrets: ['a-session-secret-long-enough'], sweepIntervalMs: 0, ...(secretEncryptionKey && { secretEncryptionKey }) });
    try {
      expect(await other.context.repos.clients.findById(clientId)).toMatchObject({ clientSecret: null, secretUnreadable: true });
      const refused = authenticateClient(other.context, { clientId, clientSecret: secret, method: 'client_secret_post' });
      await expect(refused).rejects.toBeInstanceOf(InvalidClientError);
    } finally {
      await other.close();
    }
  }
  await db.cleanup();
});

test('a key that is not 32 bytes of base64 stops the server with a sentence', async () => {
  await expect(createAuthServer({ issuer: 'http://127.0.0.1:1/', secretEncryptionKey: 'too-short', database: { client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true } })).rejects.toThrow(
    /secretEncryptionKey/,
  );
});
