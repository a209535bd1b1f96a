/**
 * Issue 12, item 4: malformed input is a 400 in the surface's own shape, never a 500: prototype names
 * as grant_type or scope, unsupported charsets and content encodings, and NUL bytes (which PostgreSQL
 * text cannot hold) in paths, queries and bodies.
 */
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { managementToken } from '../helpers/management.js';
import { makeClient, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let token: string;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server);
  token = await managementToken(server);
  client = await makeClient(server, { name: 'Hostile', callbacks: ['https://hostile.example/cb'] });
});
afterAll(async () => server?.close());

const form = 'application/x-www-form-urlencoded';

function expectOAuthError(res: request.Response, status = 400): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(typeof res.body.error).toBe('string');
  expect(typeof res.body.error_description).toBe('string');
}

function expectAuth0Error(res: request.Response, status = 400): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String), errorCode: expect.any(String) });
}

function expectErrorPage(res: request.Response, status = 400): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers.location).toBeUndefined();
  expect(res.text).not.toMatch(/Error:|\bat .*\.ts:\d+/);
}

describe('prototype names as parameters', () => {
  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('grant_type=%s is unsupported_grant_type, not a 500', async (grantType) => {
    const res = await request(server.issuer)
      .post('oauth/token')
      .type('form')
      .send(`grant_type=${grantType}&client_id=${client.clientId}&client_secret=${client.clientSecret ?? ''}`);
    expectOAuthError(res);
    expect(res.body.error).toBe('unsupported_grant_type');
  });

  test('scope=constructor is not an OIDC scope on the consent page', async () => {
    const { groupScopesForDialog, grantableScopes } = await import('../../src/domain/scopeCatalog.js');
    expect(grantableScopes(['openid', 'constructor', '__proto__', 'toString'], null, client)).toEqual(['openid']);
    const groups = groupScopesForDialog(['openid', 'constructor'], [], null);
    expect(JSON.stringify(groups)).not.toContain('function');
  });
});

describe('unsupported charset and Content-Encoding', () => {
  test('/oauth/token: an unsupported charset is an OAuth invalid_request', async () => {
    const res = await request(server.issuer).post('oauth/token').set('Content-Type', `${form}; charset=utf-7`).send('grant_type=client_credentials');
    expectOAuthError(res);
    expect(res.body.error).toBe('invalid_request');
  });

  test('/oauth/token: a JSON body in an unknown charset is an OAuth invalid_request', async () => {
    const res = await request(server.issuer).post('oauth/token').set('Content-Type', 'application/json; charset=klingon').send('{}');
    expectOAuthError(res);
  });

  test('/api/v2: an unsupported charset is an Auth0 400, even before the token check', async () => {
    const res = await request(server.issuer).post('api/v2/clients').set('Content-Type', 'application/json; charset=iso-8859-1').send('{}');
    expectAuth0Error(res);
  });

  test('/api/v2 with a token: an unsupported Content-Encoding is an Auth0 400', async () => {
    const res = await request(server.issuer)
      .post('api/v2/clients')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'compress')
      .send('{"name":"x"}');
    expectAuth0Error(res);
  });

  test('a body that is not what its Content-Encoding says is a 400 on every surface', async () => {
    const notGzip = Buffer.from('grant_type=client_credentials');
    const token400 = await request(server.issuer).post('oauth/token').set('Content-Type', form).set('Content-Encoding', 'gzip').send(notGzip);
    expectOAuthError(token400);
    const api400 = await request(server.issuer)
      .post('api/v2/clients')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(Buffer.from('{"name":"x"}'));
    expectAuth0Error(api400);
    const page400 = await request(server.issuer).post('u/login').set('Content-Type', form).set('Content-Encoding', 'deflate').send(notGzip);
    expectErrorPage(page400);
  });

  test('a real gzip body still works', async () => {
    const body = gzipSync(`grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret ?? ''}&audience=nope`);
    // fetch, not supertest: superagent serialises a Buffer sent as a form into `0=31&1=139…`, which is not gzip.
    const res = await fetch(`${server.issuer}oauth/token`, { method: 'POST', headers: { 'content-type': form, 'content-encoding': 'gzip' }, body });
    const answer = (await res.json()) as { error?: string; error_description?: string };
    // The body was read: the client authenticated and the audience it named was looked up.
    expect(res.status).toBe(403);
    expect(answer).toEqual({ error: 'access_denied', error_description: 'Service not found: nope' });
  });

  test('found by the fuzzer: a multipart or text body at /oauth/token is invalid_request, not a 500', async () => {
    for (const type of ['multipart/form-data; boundary=x', 'text/plain']) {
      expectOAuthError(await request(server.issuer).post('oauth/token').set('Content-Type', type).send('grant_type=authorization_code'));
    }
  });

  test('pages: an unsupported charset on /authorize and /u/consent is an HTML 400', async () => {
    expectErrorPage(await request(server.issuer).post('authorize').set('Content-Type', `${form}; charset=ebcdic`).send('client_id=x'));
    expectErrorPage(await request(server.issuer).post('u/consent').set('Content-Type', `${form}; charset=utf-7`).send('tx=x'));
  });
});

describe('NUL bytes', () => {
  test('/authorize: in the query or a POSTed form, an HTML 400 and no redirect', async () => {
    expectErrorPage(await request(server.issuer).get(`authorize?client_id=${client.clientId}%00&response_type=code`));
    expectErrorPage(await request(server.issuer).get(`authorize?client_id=${client.clientId}&redirect_uri=https%3A%2F%2Fhostile.example%2Fcb&response_type=code&state=%00`));
    expectErrorPage(await request(server.issuer).post('authorize').type('form').send(`client_id=%00&response_type=code`));
  });

  test('/u/login: in the form or the query, an HTML 400', async () => {
    expectErrorPage(await request(server.issuer).post('u/login').type('form').send('tx=abc&email=a%00b%40example.com&password=x'));
    expectErrorPage(await request(server.issuer).get('u/login?tx=%00'));
  });

  test('/oauth/token and /oauth/revoke: form and JSON, an OAuth invalid_request', async () => {
    expectOAuthError(await request(server.issuer).post('oauth/token').type('form').send('grant_type=client_credentials&client_id=%00'));
    expectOAuthError(await request(server.issuer).post('oauth/token').set('Content-Type', 'application/json').send('{"grant_type":"password","client_id":"a\\u0000"}'));
    expectOAuthError(await request(server.issuer).post('oauth/token?x=%00').type('form').send('grant_type=client_credentials'));
    expectOAuthError(await request(server.issuer).post('oauth/revoke').type('form').send(`client_id=${client.clientId}&token=%00`));
    // Found by the fuzzer: a NUL inside Basic credentials, raw or form-encoded.
    for (const credentials of ['%00:', 'a\u0000b:secret', `${client.clientId}:%00`]) {
      const basic = `Basic ${Buffer.from(credentials).toString('base64')}`;
      expectOAuthError(await request(server.issuer).post('oauth/token').set('Authorization', basic).type('form').send('grant_type=client_credentials'));
      expectOAuthError(await request(server.issuer).post('oauth/revoke').set('Authorization', basic).type('form').send('token=x'));
    }
  });

  test('/api/v2: in the path, the query or the body, an Auth0 400', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    expectAuth0Error(await request(server.issuer).get('api/v2/clients/%00').set(auth));
    expectAuth0Error(await request(server.issuer).get('api/v2/users?q=%00').set(auth));
    expectAuth0Error(await request(server.issuer).post('api/v2/clients').set(auth).set('Content-Type', 'application/json').send('{"name":"a\\u0000"}'));
    expectAuth0Error(await request(server.issuer).get('api/v2/clients/%00'));
  });

  test('/userinfo, /v2/logout and /oidc/logout: a 400 in their shape', async () => {
    expectOAuthError(await request(server.issuer).post('userinfo').type('form').send('access_token=%00'));
    expectErrorPage(await request(server.issuer).get(`v2/logout?client_id=%00&returnTo=x`));
    expectErrorPage(await request(server.issuer).get(`oidc/logout?client_id=%00`));
  });

  test('percent-encoded percent signs are not NULs', async () => {
    const res = await request(server.issuer).get(`authorize?client_id=${client.clientId}&redirect_uri=https%3A%2F%2Fhostile.example%2Fcb&response_type=code&scope=openid&state=%2500`);
    expect(res.status).toBeLessThan(400);
  });
});
