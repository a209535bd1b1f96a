/**
 * GET /api/v2/users?q=…&search_engine=v3: Auth0's Lucene-like syntax on the fields we store, and a 400
 * for anything it cannot answer exactly (a search whose first hit gets deleted must not be ignored).
 * GET /api/v2/logs takes `search` as well as `q`.
 */
import { managementFor, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';

let server: TestServer;
let api: Awaited<ReturnType<typeof managementFor>>;
const CONNECTION = 'Username-Password-Authentication';
const ids: Record<string, string> = {};

async function addUser(key: string, body: Record<string, unknown>, times?: { createdAt: number; lastLogin?: number }): Promise<void> {
  const res = await api.post('users', { connection: CONNECTION, password: 'a long enough password', ...body });
  expect(res.status).toBe(201);
  ids[key] = res.body.user_id as string;
  if (times) {
    // Dates are set in the database: the API cannot backdate a user, and tests must not wait.
    const stored = String(res.body.user_id).slice('auth0|'.length);
    await server.auth.context.db('users').where({ id: stored }).update({ created_at: times.createdAt, updated_at: times.createdAt, last_login: times.lastLogin ?? null });
  }
}

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server); // alice@example.com, "Alice Example"
  api = await managementFor(server);
  ids.alice = (await api.get('users-by-email').query({ email: 'alice@example.com' })).body[0].user_id as string;
  await addUser('jane', { email: 'jane.smith@contoso.com', name: 'Jane Smith', nickname: 'janes', email_verified: true }, { createdAt: Date.parse('2024-01-15T10:00:00Z'), lastLogin: Date.parse('2024-03-01T08:00:00Z') });
  await addUser('john', { email: 'john@contoso.com', name: 'John Johnson', blocked: true }, { createdAt: Date.parse('2024-06-30T23:59:59Z') });
  await addUser('bob', { email: 'bob@fabrikam.com', name: 'Bob' }, { createdAt: Date.parse('2023-12-31T12:00:00Z') });
});
afterAll(async () => server?.close());

async function search(q: string, extra: Record<string, string> = {}): Promise<string[]> {
  const res = await api.get('users').query({ q, search_engine: 'v3', per_page: 100, ...extra });
  if (res.status !== 200) throw new Error(`${q}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { user_id: string }[]).map((u) => u.user_id).sort();
}
const who = (...keys: string[]) => keys.map((k) => ids[k] as string).sort();

test.each([
  ['email:"jane.smith@contoso.com"', ['jane']],
  ['email:JANE.SMITH@contoso.com', ['jane']],
  ['email:john*', ['john']],
  ['email:*@contoso.com', ['jane', 'john']],
  ['name:"jane smith"', ['jane']],
  ['name:jo*', ['john']],
  ['nickname:janes', ['jane']],
  ['email_verified:true AND email:*contoso.com', ['jane']],
  ['blocked:true', ['john']],
  ['blocked:false AND email:*contoso.com', ['jane']],
  ['created_at:[2024-01-01 TO 2024-12-31]', ['jane', 'john']],
  ['created_at:[2024-01-01 TO 2024-06-30]', ['jane', 'john']],
  ['created_at:[2024-01-01 TO 2024-06-30}', ['jane']],
  ['created_at:{2023-12-31 TO *]', ['alice', 'jane', 'john']],
  ['created_at:[* TO 2024-01-01}', ['bob']],
  ['created_at:2024-01-15', ['jane']],
  ['last_login:[2024-02-01T00:00:00Z TO 2024-03-31T00:00:00Z]', ['jane']],
  ['last_login:*', ['jane']],
  ['NOT last_login:*', ['alice', 'bob', 'john']],
  ['email:*contoso.com AND NOT blocked:true', ['jane']],
  ['(email:bob* OR email:john*) AND NOT name:Bob', ['john']],
  ['email:bob* OR email:john* OR email:jane*', ['bob', 'jane', 'john']],
  ['jane', ['jane']],
  ['smith', ['jane']],
  ['"Bob"', ['bob']],
  ['alice@example.com', ['alice']],
  ['nobody', []],
])('q=%s', async (q, expected) => {
  expect(await search(q)).toEqual(who(...expected));
});

test('user_id: with or without the provider prefix wildcard, and users of no other provider', async () => {
  expect(await search(`user_id:"${ids.jane}"`)).toEqual(who('jane'));
  expect(await search(`user_id:${(ids.bob as string).slice(0, 10)}*`)).toEqual(who('bob'));
  expect(await search('user_id:"google-oauth2|123"')).toEqual([]);
});

test('the q filter applies with paging, totals, sort and checkpoints', async () => {
  const totals = await api.get('users').query({ q: 'email:*contoso.com', include_totals: 'true', per_page: 1 });
  expect(totals.body.total).toBe(2);
  expect(totals.body.users).toHaveLength(1);
  const sorted = await api.get('users').query({ q: 'email:*contoso.com OR email:bob*', sort: 'created_at:-1' });
  expect((sorted.body as { user_id: string }[]).map((u) => u.user_id)).toEqual([ids.john, ids.jane, ids.bob]);
  const first = await api.get('users').query({ q: 'email:*contoso.com', take: 1 });
  expect(first.body.users).toHaveLength(1);
  const second = await api.get('users').query({ q: 'email:*contoso.com', take: 1, from: first.body.next });
  expect(second.body.users).toHaveLength(1);
  expect(second.body.next).toBeUndefined();
  expect([first.body.users[0].user_id, second.body.users[0].user_id].sort()).toEqual(who('jane', 'john'));
  expect((await api.get('users').query({ sort: 'password:1' })).status).toBe(400);
});

test.each([
  ['phone_number:"+1555"', /cannot search the field "phone_number"/],
  ['app_metadata.plan:"gold"', /cannot search the field/],
  ['email:jo*hn', /\* is supported only at the start or end/],
  ['email:jo?n', /\? wildcard/],
  ['name:*sa', /at least 3/],
  ['email:a@b.c email:d@e.f', /AND or OR/],
  ['jane smith', /AND or OR/],
  ['(email:a@b.c', /never closed/],
  ['email:a@b.c)', /closing parenthesis/],
  ['email:"unclosed', /never closed/],
  ['created_at:[2026-01-01 TO', /never closed/],
  ['created_at:[yesterday TO *]', /not a date/],
  ['name:[a TO b]', /ranges are supported on dates/],
  ['blocked:maybe', /true or false/],
  ['email:', /no value/],
  ['AND email:a@b.c', /where a term was expected/],
  ['email:a@b.c AND', /ends where a term was expected/],
  ['-email:a@b.c', /\+\/- prefixes/],
  ['email:a || email:b', /use AND, OR and NOT/],
  ['email:(a OR b)', /grouping values/],
  ['and email:x', /AND or OR/],
])('q=%s is a 400 saying why', async (q, message) => {
  const res = await api.get('users').query({ q, search_engine: 'v3' });
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_query_string' });
  expect(res.body.message).toMatch(message);
});

test('a deeply nested or very long query is refused, and other search engines too', async () => {
  expect((await api.get('users').query({ q: `${'('.repeat(40)}jane${')'.repeat(40)}` })).status).toBe(400);
  expect((await api.get('users').query({ q: `email:${'a'.repeat(2100)}` })).status).toBe(400);
  expect((await api.get('users').query({ q: 'jane', search_engine: 'v2' })).status).toBe(400);
});

test('GET /logs takes search as well as q', async () => {
  const clientId = (await api.get('clients').query({ fields: 'client_id' })).body[0].client_id as string;
  const viaQ = await api.get('logs').query({ q: `client_id:"${clientId}"` });
  const viaSearch = await api.get('logs').query({ search: `client_id:"${clientId}"` });
  expect(viaSearch.status).toBe(200);
  expect(viaSearch.body).toEqual(viaQ.body);
  expect((await api.get('logs').query({ search: 'nosuchfield:"x"' })).status).toBe(400);
  expect((await api.get('logs').query({ q: 'type:"s"', search: 'type:"f"' })).status).toBe(400);
});
