/**
 * Property-based fuzzing of every endpoint (issue 12): each property sends fast-check's hostile
 * requests and checks the invariants of ./invariants.ts on every answer. About a minute in total by
 * default; FUZZ_RUNS sets the runs per property for a longer release check.
 */
import fc from 'fast-check';
import { makeClient, managementFor, seedWorld, API, USER } from '../helpers/fixtures.js';
import { managementToken } from '../helpers/management.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { basicHeader, contentType, jsonBody, params, query, value } from './arbitraries.js';
import { invariants, type FuzzResponse, type Invariants } from './invariants.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);

let server: TestServer;
let check: Invariants;
let token: string;
let real: string[];
let clientIds: string[];

beforeAll(async () => {
  server = await startTestServer({ dynamicClientRegistration: { requestsPerMinutePerIp: 1_000_000 }, sweepIntervalMs: 0 });
  await seedWorld(server);
  const web = await makeClient(server, { name: 'Fuzz Web', callbacks: ['https://fuzz.example/cb'], allowedLogoutUrls: ['https://fuzz.example/bye'], grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'password'] });
  const spa = await makeClient(server, { name: 'Fuzz SPA', appType: 'spa', callbacks: ['http://127.0.0.1:5999/cb'], isFirstParty: false });
  await managementFor(server);
  token = await managementToken(server);
  clientIds = [web.clientId, spa.clientId];
  // Real values the fuzzer mixes in: ids, URIs, scopes, the user's email (never a valid secret or password).
  real = [...clientIds, ...web.callbacks, ...spa.callbacks, 'https://fuzz.example/bye', API, USER.email, 'openid', 'openid profile email offline_access read:posts', 'code', 'token id_token', 'S256', 'none', 'login consent', 'form_post', 'fragment'];
  check = invariants(server.auth.context.db, server.origin);
});
afterAll(async () => server?.close());

/** Header values the fetch API would refuse are not the server's concern: keep them printable ASCII. */
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '');

async function send(method: string, path: string, init: { body?: string; headers?: Record<string, string | null> } = {}): Promise<void> {
  const url = new URL(path, server.issuer).toString();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) if (v !== null) headers[k] = printable(v);
  const started = performance.now();
  const res = await fetch(url, { method, redirect: 'manual', body: init.body, headers });
  const body = await res.text();
  const answer: FuzzResponse = { method, url, status: res.status, location: res.headers.get('location'), body, elapsedMs: Math.round(performance.now() - started) };
  await check.check(answer);
}

const AUTHORIZE = ['client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'prompt', 'max_age', 'audience', 'code_challenge', 'code_challenge_method', 'login_hint', 'connection', 'organization', 'request', 'id_token_hint'];
const TOKEN = ['grant_type', 'client_id', 'client_secret', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope', 'audience', 'username', 'password', 'realm'];
const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'password', 'http://auth0.com/oauth/grant-type/password-realm', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'implicit', 'constructor', '__proto__', 'toString'];
const FORM = 'application/x-www-form-urlencoded';
/** A path segment; a lone surrogate (which encodeURIComponent refuses) becomes %ED%A0%80-style bytes. */
const encodeSegment = (s: string): string => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const run = <T>(arb: fc.Arbitrary<T>, predicate: (t: T) => Promise<void>) => fc.assert(fc.asyncProperty(arb, predicate), { numRuns: RUNS });

test('GET and POST /authorize', async () => {
  await run(fc.tuple(params(AUTHORIZE, real), fc.boolean(), contentType(FORM)), async ([pairs, post, ct]) => {
    if (post) await send('POST', 'authorize', { body: query(pairs), headers: { 'content-type': ct.type, 'content-encoding': ct.encoding } });
    else await send('GET', `authorize?${query(pairs)}`);
  });
});

test('/u/login and /u/consent', async () => {
  const names = ['tx', 'csrf', 'email', 'password', 'action', 'scope', 'state'];
  const path = fc.constantFrom('u/login', 'u/consent', 'u/consent/switch', 'u/account/login', 'u/account/apps', 'u/nothing');
  await run(fc.tuple(path, params(names, real), fc.boolean(), contentType(FORM)), async ([p, pairs, post, ct]) => {
    if (post) await send('POST', p, { body: query(pairs), headers: { 'content-type': ct.type, 'content-encoding': ct.encoding } });
    else await send('GET', `${p}?${query(pairs)}`);
  });
});

test('/oauth/token: forms, JSON, every grant type and junk, Basic headers', async () => {
  const pairs = fc.tuple(fc.oneof(fc.constantFrom(...GRANT_TYPES), value()), params(TOKEN, real)).map(([grant, rest]): [string, string][] => [['grant_type', grant], ...rest]);
  const body = fc.oneof(pairs.map((p) => ({ body: query(p), type: FORM })), jsonBody(TOKEN, [...real, ...GRANT_TYPES]).map((b) => ({ body: b, type: 'application/json' })));
  await run(fc.tuple(body, contentType(FORM), basicHeader(clientIds)), async ([b, ct, basic]) => {
    const type = ct.type === FORM ? b.type : ct.type;
    await send('POST', 'oauth/token', { body: b.body, headers: { 'content-type': type, 'content-encoding': ct.encoding, authorization: basic } });
  });
});

test('/oauth/revoke and /userinfo', async () => {
  const bearer = fc.oneof(fc.constant(null), value().map((v) => `Bearer ${v}`), fc.constantFrom('Bearer', 'Basic', 'bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'));
  await run(fc.tuple(fc.constantFrom('oauth/revoke', 'userinfo'), params(['token', 'token_type_hint', 'client_id', 'client_secret', 'access_token'], real), fc.constantFrom('GET', 'POST'), bearer, basicHeader(clientIds)), async ([p, pairs, method, auth, basic]) => {
    const authorization = p === 'userinfo' ? auth : basic;
    if (method === 'GET') await send('GET', `${p}?${query(pairs)}`, { headers: { authorization } });
    else await send('POST', p, { body: query(pairs), headers: { 'content-type': FORM, authorization } });
  });
});

test('/oidc/register', async () => {
  const names = ['redirect_uris', 'client_name', 'token_endpoint_auth_method', 'grant_types', 'response_types', 'logo_uri', 'application_type', 'post_logout_redirect_uris', 'client_uri', 'contacts', 'jwks_uri', 'scope'];
  await run(fc.tuple(jsonBody(names, real), contentType('application/json')), async ([body, ct]) => {
    await send('POST', 'oidc/register', { body, headers: { 'content-type': ct.type, 'content-encoding': ct.encoding } });
  });
});

test('/v2/logout and /oidc/logout', async () => {
  const names = ['client_id', 'returnTo', 'id_token_hint', 'post_logout_redirect_uri', 'state', 'federated', 'ui_locales'];
  const site = fc.constantFrom(null, 'cross-site', 'same-origin', 'same-site', 'none', 'junk');
  await run(fc.tuple(fc.constantFrom('v2/logout', 'oidc/logout'), params(names, real), site, fc.boolean()), async ([p, pairs, fetchSite, post]) => {
    if (post) await send('POST', p, { body: query(pairs), headers: { 'content-type': FORM, 'sec-fetch-site': fetchSite } });
    else await send('GET', `${p}?${query(pairs)}`, { headers: { 'sec-fetch-site': fetchSite } });
  });
});

test('/api/v2 with a valid token: junk paths, queries and bodies', async () => {
  const collections = ['clients', 'resource-servers', 'grants', 'client-grants', 'connections', 'users', 'logs', 'user-blocks', 'users-by-email', 'nothing'];
  const segment = fc.oneof(value(), fc.constantFrom(...clientIds, 'rotate-secret', 'enabled_clients', 'permissions'));
  const path = fc.tuple(fc.constantFrom(...collections), fc.array(segment, { maxLength: 2 })).map(([c, rest]) => [c, ...rest.map((s) => encodeSegment(s))].join('/'));
  const names = ['name', 'callbacks', 'allowed_logout_urls', 'app_type', 'identifier', 'scopes', 'client_id', 'audience', 'scope', 'email', 'password', 'connection', 'page', 'per_page', 'include_totals', 'q', 'from', 'take', 'fields', 'identifier', 'user_id'];
  // GET on the real clients is harmless; writes only ever target junk ids (a write could otherwise change the registered URIs under test).
  await run(fc.tuple(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), path, params(names), jsonBody(names), contentType('application/json'), fc.boolean()), async ([method, p, pairs, body, ct, withToken]) => {
    const writesReal = method !== 'GET' && clientIds.some((id) => p.includes(id));
    const target = writesReal ? p.replace(/clients\/[^/]+/, 'clients/junk') : p;
    await send(method, `api/v2/${target}?${query(pairs)}`, {
      body: method === 'GET' || method === 'DELETE' ? undefined : body,
      headers: { 'content-type': ct.type, 'content-encoding': method === 'GET' ? null : ct.encoding, authorization: withToken ? `Bearer ${token}` : null },
    });
  });
});
