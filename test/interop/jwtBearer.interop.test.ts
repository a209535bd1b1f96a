/**
 * express-oauth2-jwt-bearer (Auth0's resource-server middleware) protecting an express API with our
 * access tokens: discovery from `issuerBaseURL`, the JWKS, `aud`, `exp`, the signature and
 * `requiredScopes`, with the library's own 401 and 403 answers.
 */
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { auth, requiredScopes, UnauthorizedError } from 'express-oauth2-jwt-bearer';
import { decodeJwt, SignJWT } from 'jose';
import { TestBrowser } from '../helpers/browser.js';
import { API, expectPage, expectRedirect, finishFlow, isConsentPage, makeClient, managementFor, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { clientCredentialsToken } from '../helpers/management.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { listen, type RunningApp } from './harness.js';
import { grantClient } from './node-clients/world.js';

const OTHER_API = 'https://other.contoso.test/';

let server: TestServer;
let userId: string;
let api: RunningApp;

/** The API under test: GET /posts needs read:posts; /strict/posts also enforces the RFC 9068 profile (`strict`). */
function protectedApi(issuer: string): express.Express {
  const app = express();
  const posts = (req: Request, res: Response) => {
    // The MCP SDK, also installed, declares its own req.auth type; this library's shape is the one set here.
    const { payload } = (req as unknown as { auth: { payload: { sub?: string; client_id?: string } } }).auth;
    res.json({ sub: payload.sub, client_id: payload.client_id });
  };
  app.get('/posts', auth({ issuerBaseURL: issuer, audience: API }), requiredScopes('read:posts'), posts);
  app.get('/strict/posts', auth({ issuerBaseURL: issuer, audience: API, strict: true }), requiredScopes('read:posts'), posts);
  // The library throws its errors with status and WWW-Authenticate; the app decides how they look.
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof UnauthorizedError) {
      res.status(err.status).set(err.headers).json({ error: 'code' in err ? err.code : '', message: err.message });
    } else {
      res.status(500).json({ error: 'server_error', message: err.message });
    }
  });
  return app;
}

async function m2mClient(name: string, grants: [audience: string, scopes: string[]][]): Promise<{ clientId: string; secret: string }> {
  const client = await makeClient(server, { name, appType: 'non_interactive', callbacks: [], grantTypes: ['client_credentials'] });
  for (const [audience, scopes] of grants) await grantClient(server, client.clientId, audience, scopes);
  return { clientId: client.clientId, secret: client.clientSecret ?? '' };
}

async function callApi(token: string | null, path = '/posts'): Promise<{ status: number; wwwAuthenticate: string | null; body: Record<string, unknown> }> {
  const res = await fetch(`${api.origin}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body: (await res.json()) as Record<string, unknown> };
}

let reader: { clientId: string; secret: string };
let machineToken: string;
let userToken: string;

beforeAll(async () => {
  server = await startTestServer({}, '/');
  ({ userId } = await seedWorld(server));
  const other = await (await managementFor(server)).post('resource-servers', {
    identifier: OTHER_API,
    name: 'Other API',
    scopes: [{ value: 'read:posts', description: 'Read posts elsewhere' }],
  });
  if (other.status !== 201) throw new Error(`other API: ${other.status} ${JSON.stringify(other.body)}`);
  api = await listen(protectedApi(server.issuer));

  reader = await m2mClient('Reader M2M', [
    [API, ['read:posts']],
    [OTHER_API, ['read:posts']],
  ]);
  machineToken = await clientCredentialsToken(server, reader.clientId, reader.secret, API, 'read:posts');

  const client = await makeClient(server, { name: 'Fabrikam', isFirstParty: false, callbacks: ['https://fabrikam.example/callback'] });
  const flow = await startFlow(server, client, { scope: 'openid profile read:posts' });
  const browser = new TestBrowser(server.origin);
  const consent = await signIn(browser, flow.url);
  if (!isConsentPage(consent)) throw new Error(`expected the consent dialog, got ${JSON.stringify(consent).slice(0, 300)}`);
  userToken = (await finishFlow(flow, expectRedirect(await browser.submit(expectPage(consent), { action: 'accept' })))).access_token;
}, 60000);

afterAll(async () => {
  await api?.close();
  await server?.close();
});

describe.each(['/posts', '/strict/posts'])('%s accepts', (path) => {
  test('a client_credentials token for the API with read:posts', async () => {
    const res = await callApi(machineToken, path);
    expect(res).toMatchObject({ status: 200, body: { client_id: reader.clientId } });
  });

  test("a user's token from the code flow with read:posts", async () => {
    const res = await callApi(userToken, path);
    expect(res).toMatchObject({ status: 200, body: { sub: userId } });
  });
});

describe('/posts refuses', () => {
  test('no token: 401 with a challenge and no error code (RFC 6750 §3.1)', async () => {
    const res = await callApi(null);
    expect(res.status).toBe(401);
    // The library also offers DPoP in the same header (its DPoP support is on by default).
    expect(res.wwwAuthenticate).toMatch(/^Bearer realm="api"/);
    expect(res.wwwAuthenticate).not.toContain('error=');
  });

  test('a token for another API: 401 invalid_token', async () => {
    const res = await callApi(await clientCredentialsToken(server, reader.clientId, reader.secret, OTHER_API, 'read:posts'));
    expect(res.status).toBe(401);
    expect(res.wwwAuthenticate).toContain('error="invalid_token"');
    expect(res.body.message).toMatch(/aud/);
  });

  test('an expired token signed with our key: 401 invalid_token', async () => {
    // An API's shortest lifetime is 60 s, so the expired token is made here with the server's own key.
    const key = server.auth.context.keys.current();
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ ...decodeJwt(machineToken), iat: now - 600, exp: now - 300 })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .sign(key.privateKey);
    const res = await callApi(expired);
    expect(res.status).toBe(401);
    expect(res.wwwAuthenticate).toContain('error="invalid_token"');
    expect(res.body.message).toMatch(/exp/);
  });

  test('a garbled token (signature changed): 401 invalid_token', async () => {
    const [header, payload, signature = ''] = machineToken.split('.');
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    const res = await callApi(`${header}.${payload}.${flipped}`);
    expect(res.status).toBe(401);
    expect(res.wwwAuthenticate).toContain('error="invalid_token"');
  });

  test('a valid token without read:posts: 403 insufficient_scope naming the scope', async () => {
    const writer = await m2mClient('Writer M2M', [[API, ['write:posts']]]);
    const token = await clientCredentialsToken(server, writer.clientId, writer.secret, API);
    expect(String(decodeJwt(token).scope).split(' ')).toEqual(['write:posts']);
    const res = await callApi(token);
    expect(res.status).toBe(403);
    expect(res.wwwAuthenticate).toContain('error="insufficient_scope"');
    expect(res.wwwAuthenticate).toContain('scope="read:posts"');
  });
});
