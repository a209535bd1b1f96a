/**
 * The in-memory registry cache (clients, APIs, client grants) with several instances on one
 * database: what one instance changes, another sees at once (registryCacheMs 0) or within its
 * interval, and a change made in SQL is seen too, through the triggers' change counter.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createAuthServer, type AuthServer } from '../../src/index.js';
import { API, managementFor, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';

let server: TestServer;
let api: Awaited<ReturnType<typeof managementFor>>;

/** A second instance on the same database, listening on its own port. */
async function secondInstance(registryCacheMs: number): Promise<{ auth: AuthServer; issuer: string; close: () => Promise<void> }> {
  const app = express();
  const listening: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
  const issuer = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/`;
  const auth = await createAuthServer({ issuer, database: server.auth.context.options.database, migrate: false, registryCacheMs, sessionSecrets: ['second-instance-secret'] });
  app.use(auth.router);
  return {
    auth,
    issuer,
    close: async () => {
      listening.closeAllConnections();
      await new Promise<void>((resolve) => listening.close(() => resolve()));
      await auth.close();
    },
  };
}

async function machineClient(): Promise<{ id: string; secret: string }> {
  const created = await api.post('clients', { name: 'Cache M2M', app_type: 'non_interactive' });
  expect(created.status).toBe(201);
  const grant = await api.post('client-grants', { client_id: created.body.client_id, audience: API, scope: ['read:posts'] });
  expect(grant.status).toBe(201);
  return { id: created.body.client_id as string, secret: created.body.client_secret as string };
}

function clientCredentials(issuer: string, client: { id: string; secret: string }): Promise<Response> {
  return fetch(`${issuer}oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, audience: API }),
  });
}

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server);
  api = await managementFor(server);
});
afterAll(async () => server?.close());

test('a secret rotated through one instance is refused at once by another that checks before every read', async () => {
  const other = await secondInstance(0);
  try {
    const client = await machineClient();
    expect((await clientCredentials(other.issuer, client)).status).toBe(200);
    const rotated = await api.post(`clients/${client.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const stale = await clientCredentials(other.issuer, client);
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ error: 'invalid_client' });
    expect((await clientCredentials(other.issuer, { id: client.id, secret: rotated.body.client_secret as string })).status).toBe(200);

    // The same for a client grant removed elsewhere: the cached grant goes with it.
    const grants = await api.get(`client-grants?client_id=${client.id}`);
    expect((await api.delete(`client-grants/${grants.body[0].id as string}`)).status).toBe(204);
    const denied = await clientCredentials(other.issuer, { id: client.id, secret: rotated.body.client_secret as string });
    expect(denied.status).toBe(403);
  } finally {
    await other.close();
  }
});

test("an API's settings changed through one instance apply at once on another that checks before every read", async () => {
  const other = await secondInstance(0);
  try {
    const client = await machineClient();
    const before = (await (await clientCredentials(other.issuer, client)).json()) as { expires_in: number };
    const apis = await api.get('resource-servers');
    const target = (apis.body as Array<{ id: string; identifier: string }>).find((rs) => rs.identifier === API);
    expect((await api.patch(`resource-servers/${target?.id ?? ''}`, { token_lifetime: before.expires_in + 60 })).status).toBe(200);
    const after = (await (await clientCredentials(other.issuer, client)).json()) as { expires_in: number };
    expect(after.expires_in).toBe(before.expires_in + 60);
  } finally {
    await other.close();
  }
});

test('an instance with an interval serves what it read until its next check, then the change', async () => {
  const other = await secondInstance(1500);
  try {
    const client = await machineClient();
    const before = await other.auth.context.repos.clients.findById(client.id);
    expect(before?.name).toBe('Cache M2M');
    expect((await api.patch(`clients/${client.id}`, { name: 'Renamed' })).status).toBe(200);
    // Read within the interval: the cached client, the very same frozen object.
    expect(await other.auth.context.repos.clients.findById(client.id)).toBe(before);
    let seen = before?.name;
    for (let i = 0; i < 50 && seen !== 'Renamed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = (await other.auth.context.repos.clients.findById(client.id))?.name;
    }
    expect(seen).toBe('Renamed');
  } finally {
    await other.close();
  }
});

test('a change through the instance itself applies at once, whatever its interval', async () => {
  const other = await secondInstance(60_000);
  try {
    const client = await machineClient();
    const cached = await other.auth.context.repos.clients.findById(client.id);
    if (!cached) throw new Error('client not found');
    await other.auth.context.repos.clients.update({ ...cached, name: 'Changed here' });
    expect((await other.auth.context.repos.clients.findById(client.id))?.name).toBe('Changed here');
  } finally {
    await other.close();
  }
});

test('changes in SQL to any registry table move the change counter', async () => {
  const db = server.auth.context.db;
  const version = async () => Number((await db('registry_version').where({ id: 1 }).first('version'))?.version);
  const client = await machineClient();
  const steps: Array<() => Promise<unknown>> = [
    async () => db('clients').where({ client_id: client.id }).update({ description: 'edited in SQL' }),
    async () => db('client_grants').where({ client_id: client.id }).update({ scope: 'read:posts write:posts' }),
    async () => db('resource_servers').where({ identifier: API }).update({ token_lifetime: 3600 }),
    async () => db('resource_server_scopes').insert({ resource_server_id: (await db('resource_servers').where({ identifier: API }).first('id'))?.id, value: 'sql:scope', description: 'from SQL', position: 99 }),
    async () => db('resource_server_scopes').where({ value: 'sql:scope' }).delete(),
    async () => db('clients').where({ client_id: client.id }).delete(),
  ];
  for (const step of steps) {
    const was = await version();
    await step();
    expect(await version()).toBeGreaterThan(was);
  }
});

test('cached objects are shared, so they are frozen', async () => {
  const client = await machineClient();
  const found = await server.auth.context.repos.clients.findById(client.id);
  if (!found) throw new Error('client not found');
  expect(() => {
    (found as { name: string }).name = 'mutated';
  }).toThrow(TypeError);
  expect(() => (found.grantTypes as string[]).push('password')).toThrow(TypeError);
});
