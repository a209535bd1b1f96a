/**
 * Issue 13, Management API gaps found with the auth0 SDK: the missing routes, fields we return being
 * accepted back, user and app metadata with Auth0's merge, fields/include_fields, checkpoint paging.
 */
import { API, managementFor, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';

let server: TestServer;
let api: Awaited<ReturnType<typeof managementFor>>;
const CONNECTION = 'Username-Password-Authentication';

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server);
  api = await managementFor(server);
});
afterAll(async () => server?.close());

async function machineClient(name: string): Promise<string> {
  const res = await api.post('clients', { name, app_type: 'non_interactive' });
  expect(res.status).toBe(201);
  return res.body.client_id as string;
}

describe('missing routes', () => {
  test('GET /client-grants/{id} returns the grant; an unknown id is 404 inexistent_client_grant', async () => {
    const clientId = await machineClient('Grant reader');
    const created = await api.post('client-grants', { client_id: clientId, audience: API, scope: ['read:posts'] });
    expect(created.status).toBe(201);
    const res = await api.get(`client-grants/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.body.id, client_id: clientId, audience: API, scope: ['read:posts'] });
    const unknown = await api.get('client-grants/cgr_doesnotexist');
    expect(unknown.status).toBe(404);
    expect(unknown.body.errorCode).toBe('inexistent_client_grant');
  });

  test('GET /users-by-email finds the user whatever the case, and [] for nobody', async () => {
    const res = await api.get('users-by-email').query({ email: 'ALICE@example.com' });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ email: 'alice@example.com', identities: [expect.objectContaining({ connection: CONNECTION })] });
    expect((await api.get('users-by-email').query({ email: 'nobody@example.com' })).body).toEqual([]);
    const missing = await api.get('users-by-email');
    expect(missing.status).toBe(400);
    expect(missing.body.errorCode).toBe('invalid_query_string');
  });
});

describe('what GET returns is accepted back', () => {
  test('a client: oidc_conformant and the read-only fields of GET, created again and patched with itself', async () => {
    const created = await api.post('clients', { name: 'Round trip', app_type: 'regular_web', callbacks: ['https://rt.example.com/cb'], oidc_conformant: true });
    expect(created.status).toBe(201);
    const got = (await api.get(`clients/${created.body.client_id}`)).body as Record<string, unknown>;
    expect(got.oidc_conformant).toBe(true);
    const again = await api.post('clients', { ...got, name: 'Round trip 2', tenant: 'x', global: false, callback_url_template: false, signing_keys: [], sso: true });
    expect(again.status).toBe(201);
    expect(again.body.client_id).not.toBe(got.client_id);
    expect(again.body.callbacks).toEqual(['https://rt.example.com/cb']);
    const patched = await api.patch(`clients/${created.body.client_id}`, { ...got, description: 'patched' });
    expect(patched.status).toBe(200);
    expect(patched.body.description).toBe('patched');
  });

  test('oidc_conformant false cannot be honoured, and a field that is not Auth0\'s is a 400 naming it', async () => {
    const legacy = await api.post('clients', { name: 'Legacy', oidc_conformant: false });
    expect(legacy.status).toBe(400);
    expect(legacy.body.message).toMatch(/oidc_conformant/);
    const typo = await api.post('clients', { name: 'Typo', callback: ['https://x.example.com/'] });
    expect(typo.status).toBe(400);
    expect(typo.body.message).toMatch(/callback/);
    const patchTypo = await api.patch(`clients/${await machineClient('Patch typo')}`, { nmae: 'x' });
    expect(patchTypo.status).toBe(400);
    expect(patchTypo.body.message).toMatch(/nmae/);
  });

  test('a resource server: id and is_system are ignored; the identifier passes unchanged and is refused changed', async () => {
    const created = await api.post('resource-servers', { identifier: 'https://rt-api.example.com/', name: 'RT API', id: 'ignored', is_system: true, token_dialect: 'access_token' });
    expect(created.status).toBe(201);
    expect(created.body.id).not.toBe('ignored');
    expect(created.body.is_system).toBe(false);
    const got = (await api.get(`resource-servers/${created.body.id}`)).body as Record<string, unknown>;
    const same = await api.patch(`resource-servers/${created.body.id}`, { ...got, name: 'RT API renamed' });
    expect(same.status).toBe(200);
    expect(same.body.name).toBe('RT API renamed');
    const changed = await api.patch(`resource-servers/${created.body.id}`, { identifier: 'https://other.example.com/' });
    expect(changed.status).toBe(400);
    expect((await api.post('resource-servers', { identifier: 'https://t.example.com/', name: 'T', scopez: [] })).body.message).toMatch(/scopez/);
  });

  test('a user, a connection and a client grant take back what GET returns', async () => {
    const users = (await api.get('users-by-email').query({ email: 'alice@example.com' })).body as Record<string, unknown>[];
    const alice = users[0] as Record<string, unknown>;
    const patchedUser = await api.patch(`users/${encodeURIComponent(String(alice.user_id))}`, { ...alice, nickname: 'ally' });
    expect(patchedUser.status).toBe(200);
    expect(patchedUser.body.nickname).toBe('ally');
    expect((await api.patch(`users/${encodeURIComponent(String(alice.user_id))}`, { nickame: 'x' })).status).toBe(400);

    const connections = (await api.get('connections')).body as Record<string, unknown>[];
    const connection = connections.find((c) => c.name === CONNECTION) as Record<string, unknown>;
    expect((await api.patch(`connections/${connection.id}`, { ...connection })).status).toBe(200);
    expect((await api.patch(`connections/${connection.id}`, { name: 'Renamed' })).status).toBe(400);

    const clientId = await machineClient('Grant round trip');
    const grant = (await api.post('client-grants', { client_id: clientId, audience: API, scope: ['read:posts'] })).body as Record<string, unknown>;
    const patchedGrant = await api.patch(`client-grants/${grant.id}`, { ...grant, scope: ['read:posts', 'write:posts'] });
    expect(patchedGrant.status).toBe(200);
    expect(patchedGrant.body.scope).toEqual(['read:posts', 'write:posts']);
    expect((await api.patch(`client-grants/${grant.id}`, { audience: 'https://elsewhere.example.com/' })).status).toBe(400);
  });
});

describe('user_metadata and app_metadata', () => {
  test('created, read back, merged at the top level, a null removes a key, {} clears', async () => {
    const created = await api.post('users', {
      connection: CONNECTION,
      email: 'meta@example.com',
      password: 'a long enough password',
      user_metadata: { hobby: 'surfing', addresses: { home: '1 Main St' } },
      app_metadata: { plan: 'full', roles: ['admin'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.user_metadata).toEqual({ hobby: 'surfing', addresses: { home: '1 Main St' } });
    const id = encodeURIComponent(created.body.user_id as string);

    const merged = await api.patch(`users/${id}`, { user_metadata: { color: 'blue', addresses: { work: '100 Industrial Way' } } });
    expect(merged.status).toBe(200);
    // Only the root level merges: the addresses object is replaced whole, as Auth0 documents.
    expect(merged.body.user_metadata).toEqual({ hobby: 'surfing', color: 'blue', addresses: { work: '100 Industrial Way' } });
    expect(merged.body.app_metadata).toEqual({ plan: 'full', roles: ['admin'] });

    const removed = await api.patch(`users/${id}`, { user_metadata: { hobby: null }, app_metadata: { plan: 'trial' } });
    expect(removed.body.user_metadata).toEqual({ color: 'blue', addresses: { work: '100 Industrial Way' } });
    expect(removed.body.app_metadata).toEqual({ plan: 'trial', roles: ['admin'] });

    const read = await api.get(`users/${id}`);
    expect(read.body.app_metadata).toEqual({ plan: 'trial', roles: ['admin'] });
    const cleared = await api.patch(`users/${id}`, { user_metadata: {} });
    expect(cleared.body.user_metadata).toEqual({});
    expect(cleared.body.app_metadata).toEqual({ plan: 'trial', roles: ['admin'] });
  });

  test('metadata must be an object, and at most 16 KB', async () => {
    const notObject = await api.post('users', { connection: CONNECTION, email: 'm2@example.com', password: 'a long enough password', user_metadata: 'x' });
    expect(notObject.status).toBe(400);
    const huge = await api.post('users', { connection: CONNECTION, email: 'm3@example.com', password: 'a long enough password', app_metadata: { blob: 'x'.repeat(17 * 1024) } });
    expect(huge.status).toBe(400);
    expect((await api.get('users-by-email').query({ email: 'm3@example.com' })).body).toEqual([]);
  });
});

describe('fields and include_fields', () => {
  test('on a get and on lists: only those fields, or all but those; a malformed list is a 400', async () => {
    const clientId = await machineClient('Fields');
    const only = await api.get(`clients/${clientId}`).query({ fields: 'client_id,name', include_fields: 'true' });
    expect(only.body).toEqual({ client_id: clientId, name: 'Fields' });
    const defaultInclude = await api.get(`clients/${clientId}`).query({ fields: 'name' });
    expect(defaultInclude.body).toEqual({ name: 'Fields' });
    const without = await api.get(`clients/${clientId}`).query({ fields: 'client_secret,callbacks', include_fields: 'false' });
    expect(without.body.client_id).toBe(clientId);
    expect(without.body).not.toHaveProperty('client_secret');
    expect(without.body).not.toHaveProperty('callbacks');

    for (const path of ['clients', 'resource-servers', 'client-grants', 'grants', 'connections', 'users', 'logs']) {
      const res = await api.get(path).query({ fields: 'name', include_totals: 'true' });
      expect(res.status).toBe(200);
      const key = path.replace('-', '_');
      for (const item of res.body[key] as Record<string, unknown>[]) expect(Object.keys(item).every((k) => k === 'name')).toBe(true);
    }
    const users = await api.get('users').query({ fields: 'user_id,email' });
    expect(Object.keys(users.body[0] as object).sort()).toEqual(['email', 'user_id']);

    for (const bad of ['name,,email', 'na me', 'name;drop']) {
      const res = await api.get('clients').query({ fields: bad });
      expect(res.status).toBe(400);
      expect(res.body.errorCode).toBe('invalid_query_string');
    }
    expect((await api.get('clients').query({ fields: 'name', include_fields: 'yes' })).status).toBe(400);
  });
});

describe('client grant filters', () => {
  test('subject_type and default_for narrow the list; values Auth0 does not define are a 400', async () => {
    const clientId = await machineClient('Filtered grants');
    const m2m = (await api.post('client-grants', { client_id: clientId, audience: API, scope: ['read:posts'] })).body as { id: string };
    const user = (await api.post('client-grants', { client_id: clientId, audience: API, scope: ['read:posts'], subject_type: 'user' })).body as { id: string };
    const ids = async (query: Record<string, string>) => ((await api.get('client-grants').query({ client_id: clientId, ...query })).body as { id: string }[]).map((g) => g.id);
    expect((await ids({})).sort()).toEqual([m2m.id, user.id].sort());
    expect(await ids({ subject_type: 'user' })).toEqual([user.id]);
    expect(await ids({ subject_type: 'client' })).toEqual([m2m.id]);
    // A grant has a client or is a default for third-party clients, never both.
    expect(await ids({ default_for: 'third_party_clients' })).toEqual([]);
    for (const query of [{ subject_type: 'robot' }, { default_for: 'everyone' }]) {
      const res = await api.get('client-grants').query(query);
      expect(res.status).toBe(400);
      expect(res.body.errorCode).toBe('invalid_query_string');
    }
    expect((await api.get(`client-grants/${user.id}`).query({ fields: 'subject_type' })).body).toEqual({ subject_type: 'user' });
  });
});

describe('checkpoint paging', () => {
  test.each(['client-grants', 'clients', 'users', 'grants'])('%s: from/take walk every item once, next only while more follow', async (path) => {
    const key = path.replace('-', '_');
    if (path === 'client-grants') for (let i = 0; i < 3; i += 1) await api.post('client-grants', { client_id: await machineClient(`Paged ${i}`), audience: API, scope: [] });
    if (path === 'users') for (let i = 0; i < 3; i += 1) await api.post('users', { connection: CONNECTION, email: `paged${i}@example.com`, password: 'a long enough password' });
    const all = (await api.get(path).query({ per_page: 100 })).body as Record<string, unknown>[];
    const idOf = (item: Record<string, unknown>) => String(item.id ?? item.client_id ?? item.user_id);
    const seen: string[] = [];
    let from: string | undefined;
    for (let pages = 0; pages < 100; pages += 1) {
      const res = await api.get(path).query({ take: 2, ...(from ? { from } : {}) });
      expect(res.status).toBe(200);
      seen.push(...(res.body[key] as Record<string, unknown>[]).map(idOf));
      from = res.body.next as string | undefined;
      if (!from) break;
    }
    expect(seen).toEqual(all.map(idOf));
    const bad = await api.get(path).query({ from: 'not-a-checkpoint!', take: 2 });
    expect(bad.status).toBe(400);
    expect((await api.get(path).query({ take: 0 })).status).toBe(400);
  });
});
