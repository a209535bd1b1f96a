/** The world most integration tests need: an API, a user, and a way to run a flow with openid-client. */
import * as oidc from 'openid-client';
import type { Client } from '../../src/index.js';
import { clientCredentialsToken, managementApi } from './management.js';
import { isStop, TestBrowser, type Page, type Visit } from './browser.js';
import { startTestServer, type TestServer } from './testServer.js';

export const API = 'https://api.contoso.test/';
export const USER = { email: 'alice@example.com', password: 'correct horse battery', name: 'Alice Example' };

/**
 * The Contoso API and Alice, created through the Management API as a user of the server would
 * (the management client itself comes from the MANAGEMENT_CLIENT_ID-style bootstrap).
 */
export async function seedWorld(server: TestServer, apiOptions: { skipConsent?: boolean } = {}): Promise<{ userId: string }> {
  const api = await managementFor(server);
  const rs = await api.post('resource-servers', {
    identifier: API,
    name: 'Contoso API',
    scopes: [
      { value: 'read:posts', description: 'Read your posts' },
      { value: 'write:posts', description: 'Publish posts on your behalf' },
    ],
    skip_consent_for_verifiable_first_party_clients: apiOptions.skipConsent ?? true,
  });
  if (rs.status !== 201) throw new Error(`seedWorld: resource server: ${rs.status} ${JSON.stringify(rs.body)}`);
  const user = await api.post('users', { connection: 'Username-Password-Authentication', ...USER, email_verified: true });
  if (user.status !== 201) throw new Error(`seedWorld: user: ${user.status} ${JSON.stringify(user.body)}`);
  return { userId: user.body.user_id as string };
}

/**
 * Default permissions for third-party clients on an API (Auth0's `default_for: third_party_clients`):
 * what clients that registered themselves may ask for.
 */
export async function grantThirdPartyDefaults(server: TestServer, audience: string, scopes: string[]): Promise<void> {
  const { ClientGrantService } = await import('../../src/services/clientGrantService.js');
  await new ClientGrantService(server.auth.context).createDefault({ audience, scopes });
}

const managementApis = new WeakMap<TestServer, ReturnType<typeof managementApi>>();

/** The Management API of this server, with every scope. */
export async function managementFor(server: TestServer): Promise<ReturnType<typeof managementApi>> {
  let api = managementApis.get(server);
  if (!api) {
    const clientId = 'fixtures-management-client';
    const clientSecret = 'fixtures-management-secret-of-forty-characters';
    await server.auth.admin.ensureManagementClient({ clientId, clientSecret, name: 'Test fixtures' });
    api = managementApi(server, await clientCredentialsToken(server, clientId, clientSecret, `${server.issuer}api/v2/`));
    managementApis.set(server, api);
  }
  return api;
}

export interface SeededSuite {
  server: TestServer;
  /** Alice's user_id. */
  userId: string;
  api: ReturnType<typeof managementApi>;
}

/** For a test file: a server with seedWorld's API and user and the Management API, up before its tests and closed after. */
export function seededSuite(): SeededSuite {
  const suite: Partial<SeededSuite> = {};
  beforeAll(async () => {
    const server = await startTestServer();
    suite.server = server;
    suite.userId = (await seedWorld(server)).userId;
    suite.api = await managementFor(server);
  });
  afterAll(async () => suite.server?.close());
  // Read only inside tests, which run after beforeAll has filled it.
  return suite as SeededSuite;
}

interface ResourceServerJson {
  id: string;
  identifier: string;
  allow_offline_access: boolean;
}

/** Lets the Contoso API issue refresh tokens (Auth0's "Allow Offline Access"), as an admin would. */
export async function allowOfflineAccess(server: TestServer, identifier = API): Promise<void> {
  const api = await managementFor(server);
  const list = await api.get('resource-servers');
  const rs = (list.body as ResourceServerJson[]).find((r) => r.identifier === identifier);
  if (!rs) throw new Error(`allowOfflineAccess: no resource server ${identifier}: ${list.status} ${JSON.stringify(list.body)}`);
  const patched = await api.patch(`resource-servers/${rs.id}`, { allow_offline_access: true });
  if (patched.status !== 200 || (patched.body as ResourceServerJson).allow_offline_access !== true) {
    throw new Error(`allowOfflineAccess: ${patched.status} ${JSON.stringify(patched.body)}`);
  }
}

export interface ClientInput {
  name?: string;
  callbacks: string[];
  appType?: Client['appType'];
  isFirstParty?: boolean;
  grantTypes?: Client['grantTypes'];
  jwtAlg?: Client['jwtAlg'];
  tokenEndpointAuthMethod?: Client['tokenEndpointAuthMethod'];
  allowedLogoutUrls?: string[];
  webOrigins?: string[];
  allowedOrigins?: string[];
}

/** An application registered with POST /api/v2/clients; returned as stored, secret included. */
export async function makeClient(server: TestServer, input: ClientInput): Promise<Client> {
  const api = await managementFor(server);
  const res = await api.post('clients', {
    name: input.name ?? 'Test App',
    app_type: input.appType ?? 'regular_web',
    callbacks: input.callbacks,
    ...(input.isFirstParty !== undefined && { is_first_party: input.isFirstParty }),
    ...(input.grantTypes && { grant_types: input.grantTypes }),
    ...(input.jwtAlg && { jwt_configuration: { alg: input.jwtAlg } }),
    ...(input.tokenEndpointAuthMethod && { token_endpoint_auth_method: input.tokenEndpointAuthMethod }),
    ...(input.allowedLogoutUrls && { allowed_logout_urls: input.allowedLogoutUrls }),
    ...(input.webOrigins && { web_origins: input.webOrigins }),
    ...(input.allowedOrigins && { allowed_origins: input.allowedOrigins }),
  });
  if (res.status !== 201) throw new Error(`makeClient: ${res.status} ${JSON.stringify(res.body)}`);
  const client = await server.auth.context.repos.clients.findById(res.body.client_id as string);
  if (!client) throw new Error('makeClient: the created client is not stored');
  return client;
}

export async function discover(server: TestServer, client: Client): Promise<oidc.Configuration> {
  const auth = client.clientSecret
    ? client.tokenEndpointAuthMethod === 'client_secret_basic'
      ? oidc.ClientSecretBasic(client.clientSecret)
      : oidc.ClientSecretPost(client.clientSecret)
    : oidc.None();
  return oidc.discovery(new URL(server.issuer), client.clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
}

export interface Flow {
  config: oidc.Configuration;
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
  scope: string;
}

export async function startFlow(
  server: TestServer,
  client: Client,
  params: { redirectUri?: string; scope?: string; audience?: string | null; prompt?: string; extra?: Record<string, string> } = {},
): Promise<Flow> {
  const config = await discover(server, client);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const redirectUri = params.redirectUri ?? client.callbacks[0] ?? '';
  const scope = params.scope ?? 'openid profile email read:posts';
  const audience = params.audience === undefined ? API : params.audience;
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    ...(audience ? { audience } : {}),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(params.prompt ? { prompt: params.prompt } : {}),
    ...params.extra,
  });
  return { config, url, verifier, state, nonce, redirectUri, scope };
}

export async function finishFlow(flow: Flow, callback: string): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  return oidc.authorizationCodeGrant(flow.config, new URL(callback), {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    // A nonce is only checked in an ID token, and openid-client expects one when a nonce is given.
    ...(flow.scope.split(' ').includes('openid') ? { expectedNonce: flow.nonce, idTokenExpected: true } : {}),
  });
}

export function expectPage(visit: Visit): Page {
  if (isStop(visit)) throw new Error(`Expected a page, but was redirected to ${visit.redirectedTo}`);
  return visit;
}

export function expectRedirect(visit: Visit): string {
  if (!isStop(visit)) throw new Error(`Expected a redirect to the client, got a page (${visit.status}) at ${visit.url}:\n${visit.html.slice(0, 600)}`);
  return visit.redirectedTo;
}

/** Opens the authorization URL and signs in on the login page; returns what came after the login. */
export async function signIn(browser: TestBrowser, url: URL | string, credentials = USER): Promise<Visit> {
  const login = expectPage(await browser.request(url.toString()));
  if (!login.url.includes('/u/login')) throw new Error(`Expected the login page, got ${login.url}`);
  return browser.submit(login, { email: credentials.email, password: credentials.password });
}

export function isConsentPage(visit: Visit): visit is Page {
  return !isStop(visit) && visit.url.includes('/u/consent') && visit.html.includes('is requesting access to your account');
}
