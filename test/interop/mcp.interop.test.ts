/**
 * The official MCP TypeScript SDK (@modelcontextprotocol/sdk), unmodified, with us as the authorization
 * server of an MCP server: the SDK's client finds us through the MCP server's protected resource metadata
 * (RFC 9728), identifies itself by a Client ID Metadata Document or by dynamic registration, sends the
 * MCP server's URL as the RFC 8707 resource with PKCE, a person signs in and accepts our consent dialog in
 * Chromium, and the SDK's bearer-auth middleware on the MCP server accepts the token for a tool call.
 * Documents we must not trust are refused with an error page, never a redirect.
 */
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { InvalidClientMetadataError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { OAuthMetadataSchema, type OAuthClientMetadata, type OAuthMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { grantThirdPartyDefaults, managementFor, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium } from './harness.js';
import { signInAndAcceptConsent, CONSENT_TEXT, type Emphasis } from './mcp/browserConsent.js';
import { startMcpCallback, type McpCallback } from './mcp/callbackApp.js';
import { clientDocument, startClientDocumentHost, type ClientDocumentHost } from './mcp/clientDocuments.js';
import { jwtVerifier, startMcpServer, type McpResourceServer, type WhoAmI } from './mcp/mcpServer.js';
import { InMemoryOAuthClientProvider, recordingFetch, type RecordedRequest } from './mcp/oauthProvider.js';

const SCOPE = 'mcp:tools';
/** The consent dialog's warning that the redirect goes to a program on the person's own machine. */
const LOOPBACK_WARNING = /localhost|loopback|this (computer|device|machine)/i;

/** A line of the dialog that names the callback's host:port and says it is on this machine. */
function loopbackWarning(consentText: string): string | undefined {
  const host = new URL(callback.redirectUri).host;
  return consentText.split('\n').find((line) => line.includes(host) && LOOPBACK_WARNING.test(line));
}

let browser: Browser;
let callback: McpCallback;
let documents: ClientDocumentHost;
let server: TestServer;
let mcp: McpResourceServer;
let userId: string;
let asMetadata: OAuthMetadata;
let documentUrl: string;

beforeAll(async () => {
  // The document host's port must be known before our server starts: it goes into trustedHosts.
  [browser, callback, documents] = await Promise.all([launchChromium(), startMcpCallback(), startClientDocumentHost()]);
  server = await startTestServer({ dynamicClientRegistration: true, clientIdMetadataDocuments: { trustedHosts: [documents.host] } }, '/');
  ({ userId } = await seedWorld(server));
  mcp = await startMcpServer(server.issuer, SCOPE);
  // The MCP server is an API of ours whose identifier is exactly its resource URL.
  const rs = await (await managementFor(server)).post('resource-servers', {
    identifier: mcp.url,
    name: 'Interop MCP server',
    scopes: [{ value: SCOPE, description: "Use the MCP server's tools" }],
  });
  if (rs.status !== 201) throw new Error(`resource server: ${rs.status} ${JSON.stringify(rs.body)}`);
  // AI clients identify or register themselves, so they reach the MCP server through the default
  // permissions for third-party clients.
  await grantThirdPartyDefaults(server, mcp.url, [SCOPE]);
  const discovery = await fetch(`${server.issuer}.well-known/oauth-authorization-server`, { signal: AbortSignal.timeout(5000) });
  asMetadata = OAuthMetadataSchema.parse(await discovery.json());
  documentUrl = documents.publish('/client.json', clientDocument(documents.url('/client.json'), callback.redirectUri));
}, 60000);

afterAll(async () => {
  await browser?.close();
  await mcp?.close();
  await callback?.close();
  await documents?.close();
  await server?.close();
});

function newMcpClient(provider: InMemoryOAuthClientProvider, fetchFn: FetchLike): { client: Client; transport: StreamableHTTPClientTransport } {
  const client = new Client({ name: 'interop-mcp-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider, fetch: fetchFn });
  return { client, transport };
}

/** What a public MCP client asks to be registered as (the SDK's clientMetadata), the same fields as its document. */
function clientMetadata(name: string): OAuthClientMetadata {
  return {
    client_name: name,
    redirect_uris: [callback.redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
}

function summary(requests: RecordedRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.url} ${r.status}`);
}

/** The discovery the SDK does after the MCP server's 401, in order; anything else in between is a defect. */
function expectedDiscovery(): string[] {
  return [`POST ${mcp.url} 401`, `GET ${mcp.resourceMetadataUrl} 200`, `GET ${server.issuer}.well-known/oauth-authorization-server 200`];
}

function formOf(request: RecordedRequest | undefined): URLSearchParams {
  if (!request?.body) throw new Error('No form body was recorded for the request');
  return new URLSearchParams(request.body);
}

/**
 * One MCP client's whole first connection: the SDK's 401 handling and discovery, the person in Chromium,
 * finishAuth with the code, a reconnection with the token and the `whoami` tool.
 */
async function connectThroughConsent(
  provider: InMemoryOAuthClientProvider,
  screenshot: string,
  emphasized?: string,
): Promise<{ requests: RecordedRequest[]; authorizationUrl: URL; consentText: string; emphasis: Emphasis | null; whoami: WhoAmI; accessToken: string; beforeCode: number }> {
  const { fetch: recorder, requests } = recordingFetch();
  const first = newMcpClient(provider, recorder);
  await expect(first.client.connect(first.transport)).rejects.toBeInstanceOf(UnauthorizedError);
  const authorizationUrl = provider.lastAuthorizationUrl();
  const beforeCode = requests.length;

  const { consentText, landed, cspViolations, emphasis } = await signInAndAcceptConsent(browser, authorizationUrl, callback.redirectUri, screenshot, emphasized);
  expect(cspViolations).toEqual([]);
  expect(callback.received.at(-1)?.href).toBe(landed.href);
  expect(landed.searchParams.get('error')).toBeNull();
  expect(landed.searchParams.get('state')).toBe(authorizationUrl.searchParams.get('state'));
  expect(landed.searchParams.get('iss')).toBe(server.issuer);
  const code = landed.searchParams.get('code') ?? '';
  expect(code).not.toBe('');

  await first.transport.finishAuth(code);
  const accessToken = provider.tokens()?.access_token ?? '';
  expect(accessToken).not.toBe('');

  const second = newMcpClient(provider, recorder);
  try {
    await second.client.connect(second.transport);
    const result = await second.client.callTool({ name: 'whoami', arguments: {} });
    expect(result.isError).toBeFalsy();
    const content = result.content as Array<{ type: string; text?: string }>;
    expect(content[0]?.type).toBe('text');
    const whoami = JSON.parse(content[0]?.text ?? '{}') as WhoAmI;
    return { requests, authorizationUrl, consentText, emphasis, whoami, accessToken, beforeCode };
  } finally {
    await second.client.close();
  }
}

/** What the SDK puts in every authorization request, whoever the client is. */
function expectMcpAuthorizationRequest(url: URL, clientId: string, provider: InMemoryOAuthClientProvider): void {
  expect(`${url.origin}${url.pathname}`).toBe(asMetadata.authorization_endpoint);
  expect(url.searchParams.get('response_type')).toBe('code');
  expect(url.searchParams.get('client_id')).toBe(clientId);
  expect(url.searchParams.get('redirect_uri')).toBe(callback.redirectUri);
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(url.searchParams.get('resource')).toBe(mcp.url);
  expect(url.searchParams.get('scope')).toBe(SCOPE);
  expect(url.searchParams.get('state')).toBe(provider.issuedStates.at(-1));
}

/** The code exchange as the SDK sends it for a public client: the resource again, the verifier, no secret. */
function expectMcpTokenRequest(requests: RecordedRequest[], clientId: string, provider: InMemoryOAuthClientProvider): void {
  const tokenRequests = requests.filter((r) => r.url === asMetadata.token_endpoint);
  expect(tokenRequests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 200']);
  const form = formOf(tokenRequests[0]);
  expect(Object.fromEntries(form)).toEqual({
    grant_type: 'authorization_code',
    code: expect.any(String),
    code_verifier: provider.codeVerifier(),
    redirect_uri: callback.redirectUri,
    resource: mcp.url,
    client_id: clientId,
  });
  expect(tokenRequests[0]?.headers.authorization).toBeUndefined();
}

async function expectTokenForMcpServer(accessToken: string, clientId: string): Promise<void> {
  const claims = decodeJwt(accessToken);
  expect(claims.aud).toBe(mcp.url);
  expect(claims.client_id).toBe(clientId);
  expect(claims.sub).toBe(userId);
  expect(String(claims.scope).split(' ')).toContain(SCOPE);
  // The MCP server's own check, RFC 9068 typ included, passes outside the middleware too.
  const info = await jwtVerifier(server.issuer, mcp.url).verifyAccessToken(accessToken);
  expect(info).toMatchObject({ clientId, resource: new URL(mcp.url) });
}

describe('what the SDK finds before it asks anyone', () => {
  test('the MCP server answers 401 pointing at its protected resource metadata, which names our issuer; our metadata offers what MCP clients use', async () => {
    const unauthenticated = await fetch(mcp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      signal: AbortSignal.timeout(5000),
    });
    expect(unauthenticated.status).toBe(401);
    const challenge = unauthenticated.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${mcp.resourceMetadataUrl}"`);
    expect(challenge).toContain(`scope="${SCOPE}"`);

    const prm = await (await fetch(mcp.resourceMetadataUrl, { signal: AbortSignal.timeout(5000) })).json();
    expect(prm).toMatchObject({ resource: mcp.url, authorization_servers: [server.issuer], scopes_supported: [SCOPE] });

    expect(asMetadata).toMatchObject({
      issuer: server.issuer,
      client_id_metadata_document_supported: true,
      registration_endpoint: `${server.issuer}oidc/register`,
      response_types_supported: expect.arrayContaining(['code']),
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: expect.arrayContaining(['none']),
    });
    // An OIDC-only client would land on the same document.
    const oidc = await (await fetch(`${server.issuer}.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) })).json();
    expect(oidc).toMatchObject({ client_id_metadata_document_supported: true });
  });

  test('the SDK takes the Client ID Metadata Document path because our metadata says client_id_metadata_document_supported, and only for an https document URL', async () => {
    const httpsDocument = `https://${documents.host}/client.json`;
    const chooser = new InMemoryOAuthClientProvider({ redirectUrl: callback.redirectUri, clientMetadata: clientMetadata('CIMD chooser'), clientMetadataUrl: httpsDocument });
    const { fetch: recorder, requests } = recordingFetch();
    const { client, transport } = newMcpClient(chooser, recorder);
    await expect(client.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(summary(requests)).toEqual(expectedDiscovery());
    expect(chooser.lastAuthorizationUrl().searchParams.get('client_id')).toBe(httpsDocument);
    expect(chooser.savedClientInformation).toEqual([{ client_id: httpsDocument, issuer: server.issuer }]);

    // Why the end-to-end test below hands the SDK its client_id: our test document is plain http
    // (allowed by trustedHosts), and the SDK refuses such a clientMetadataUrl before it sends anything.
    const refuser = new InMemoryOAuthClientProvider({ redirectUrl: callback.redirectUri, clientMetadata: clientMetadata('CIMD http'), clientMetadataUrl: documentUrl });
    const refused = recordingFetch();
    const second = newMcpClient(refuser, refused.fetch);
    await expect(second.client.connect(second.transport)).rejects.toBeInstanceOf(InvalidClientMetadataError);
    expect(summary(refused.requests)).toEqual(expectedDiscovery());
    expect(refuser.authorizationUrls).toEqual([]);
  });
});

describe('the MCP SDK client, end to end in Chromium', () => {
  test('identified by a Client ID Metadata Document on 127.0.0.1: discovery, PKCE and resource, the consent dialog naming the document host, the token at the MCP server', async () => {
    const provider = new InMemoryOAuthClientProvider({
      redirectUrl: callback.redirectUri,
      clientMetadata: clientMetadata('Interop MCP Client'),
      clientMetadataUrl: documentUrl,
      clientInformation: { client_id: documentUrl },
    });
    const fetchesBefore = documents.fetchesOf('/client.json');
    const flow = await connectThroughConsent(provider, 'mcp-cimd-consent', documents.host);

    expect(summary(flow.requests.slice(0, flow.beforeCode))).toEqual(expectedDiscovery());
    expect(flow.requests[1]?.headers['mcp-protocol-version']).toEqual(expect.any(String));
    expect(provider.discovery).toMatchObject({ authorizationServerUrl: server.issuer, authorizationServerMetadata: { issuer: server.issuer } });
    expectMcpAuthorizationRequest(flow.authorizationUrl, documentUrl, provider);
    // We read the document ourselves; the SDK never fetches its own document.
    expect(documents.fetchesOf('/client.json')).toBeGreaterThan(fetchesBefore);
    expect(flow.requests.some((r) => r.url.startsWith(documents.origin))).toBe(false);

    expect(flow.consentText).toContain(CONSENT_TEXT);
    expect(flow.consentText).toContain('Interop MCP Client');
    // The document's host is who vouches for the name above it, so it must stand out, not hide in a sentence.
    expect(flow.consentText).toContain(documents.host);
    const emphasis = flow.emphasis ?? { fontWeight: 0, fontSizePx: 0, bodyFontSizePx: 0 };
    expect(emphasis.fontWeight >= 600 || emphasis.fontSizePx > emphasis.bodyFontSizePx).toBe(true);
    expect(loopbackWarning(flow.consentText)).toBeDefined();

    expectMcpTokenRequest(flow.requests, documentUrl, provider);
    await expectTokenForMcpServer(flow.accessToken, documentUrl);
    expect(flow.whoami).toEqual({ sub: userId, client_id: documentUrl, scopes: expect.arrayContaining([SCOPE]), resource: mcp.url });
    expect(provider.savedClientInformation.at(-1)).toEqual({ client_id: documentUrl, issuer: server.issuer });
    expect(mcp.log).toContain('POST /mcp 200');
  });

  test('by dynamic client registration: the SDK registers at our registration_endpoint, then the same flow', async () => {
    const provider = new InMemoryOAuthClientProvider({ redirectUrl: callback.redirectUri, clientMetadata: clientMetadata('Interop MCP Client (registered)') });
    const flow = await connectThroughConsent(provider, 'mcp-dcr-consent');

    const registration = flow.requests[3];
    expect(summary(flow.requests.slice(0, flow.beforeCode))).toEqual([...expectedDiscovery(), `POST ${server.issuer}oidc/register 201`]);
    expect(registration?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(registration?.body ?? '{}')).toEqual({ ...clientMetadata('Interop MCP Client (registered)'), scope: SCOPE });
    const registered = provider.savedClientInformation[0];
    const clientId = registered?.client_id ?? '';
    expect(clientId).not.toBe('');
    expect(registered).toMatchObject({ issuer: server.issuer, token_endpoint_auth_method: 'none', redirect_uris: [callback.redirectUri] });
    expect(registered && 'client_secret' in registered ? registered.client_secret : undefined).toBeUndefined();

    expectMcpAuthorizationRequest(flow.authorizationUrl, clientId, provider);
    expect(flow.consentText).toContain('Interop MCP Client (registered)');
    expect(flow.consentText).not.toContain(documents.host);
    expect(loopbackWarning(flow.consentText)).toBeDefined();
    expectMcpTokenRequest(flow.requests, clientId, provider);
    await expectTokenForMcpServer(flow.accessToken, clientId);
    expect(flow.whoami).toEqual({ sub: userId, client_id: clientId, scopes: expect.arrayContaining([SCOPE]), resource: mcp.url });
  });

  test('dynamic registration answers a browser-based MCP client: CORS preflight and the registration itself', async () => {
    const origin = callback.origin;
    const preflight = await fetch(`${server.issuer}oidc/register`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      signal: AbortSignal.timeout(5000),
    });
    expect([200, 204]).toContain(preflight.status);
    expect([origin, '*']).toContain(preflight.headers.get('access-control-allow-origin'));
    expect(preflight.headers.get('access-control-allow-methods') ?? '').toMatch(/\bPOST\b/i);
    expect((preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toMatch(/content-type|\*/);

    const registered = await fetch(`${server.issuer}oidc/register`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify(clientMetadata('Browser MCP client')),
      signal: AbortSignal.timeout(5000),
    });
    expect(registered.status).toBe(201);
    expect([origin, '*']).toContain(registered.headers.get('access-control-allow-origin'));
  });
});

describe('refused at /authorize with an error page, never a redirect: nothing from the document can be trusted', () => {
  /** The authorization request exactly as the SDK builds it for this client_id and redirect URI. */
  async function authorizeAs(clientId: string, redirectUri = callback.redirectUri, resource = mcp.url): Promise<Response> {
    const { authorizationUrl } = await startAuthorization(server.issuer, {
      metadata: asMetadata,
      clientInformation: { client_id: clientId },
      redirectUrl: redirectUri,
      scope: SCOPE,
      state: 'refusal-state',
      resource,
    });
    return fetch(authorizationUrl, { redirect: 'manual', headers: { accept: 'text/html' }, signal: AbortSignal.timeout(10000) });
  }

  /** The page must be the refusal, for the reason given (`because`, in its visible text). */
  async function expectErrorPage(response: Response, because: RegExp): Promise<string> {
    const body = await response.text();
    expect({ status: response.status, location: response.headers.get('location') }).toEqual({ status: 400, location: null });
    expect(response.headers.get('content-type') ?? '').toMatch(/^text\/html/);
    expect(body).not.toContain(CONSENT_TEXT);
    expect(body).not.toContain('name="email"');
    const text = body.replace(/<[^>]*>/g, ' ').replace(/&#39;|&#34;/g, "'");
    expect(text).toMatch(because);
    return text;
  }

  test("a document whose client_id is not its own URL (it was read, then refused)", async () => {
    const url = documents.publish('/impostor.json', clientDocument(documentUrl, callback.redirectUri));
    await expectErrorPage(await authorizeAs(url), /client_id/);
    expect(documents.fetchesOf('/impostor.json')).toBeGreaterThan(0);
  });

  test('a redirect_uri the document does not list', async () => {
    await expectErrorPage(await authorizeAs(documentUrl, `${callback.origin}/elsewhere`), /redirect URI|callback/i);
    await expectErrorPage(await authorizeAs(documentUrl, `${callback.redirectUri}/`), /redirect URI|callback/i);
  });

  test('a document on a host not in trustedHosts (only 127.0.0.1:<port> is): plain http, then loopback addresses over https, never fetched', async () => {
    const url = `http://localhost:${documents.port}/on-localhost.json`;
    documents.publish('/on-localhost.json', clientDocument(url, callback.redirectUri));
    await expectErrorPage(await authorizeAs(url), /https/);
    // Over https the scheme is fine, so what refuses these is the address: a literal one (on a port not in
    // trustedHosts, which lists host:port) and one behind a name.
    for (const loopback of [`https://127.0.0.1:${callback.port}/on-localhost.json`, `https://localhost:${documents.port}/on-localhost.json`]) {
      await expectErrorPage(await authorizeAs(loopback), /internal|loopback|private/i);
    }
    expect(documents.fetchesOf('/on-localhost.json')).toBe(0);
  });

  test('an oversized document (100 KB)', async () => {
    const url = documents.url('/oversized.json');
    documents.publish('/oversized.json', clientDocument(url, callback.redirectUri, { software_statement_note: 'x'.repeat(100 * 1024) }));
    await expectErrorPage(await authorizeAs(url), /larger|size|bytes/i);
  });

  test("a document that cannot be fetched is refused without the fetcher's internals (error codes, OpenSSL's text) on the page", async () => {
    // https to the trusted host:port, which speaks plain http: the TLS handshake fails inside the fetch.
    const text = await expectErrorPage(await authorizeAs(`https://${documents.host}/client.json`), /fetched|cannot be used/);
    expect(text).not.toMatch(/EPROTO|ECONN|SSL routines|openssl|\.c:\d+/i);
  });

  test('a trusted client naming a resource we do not serve gets invalid_target at its redirect URI (RFC 8707)', async () => {
    for (const resource of [`${mcp.origin}/not-an-api`, `${mcp.url}#fragment`]) {
      const response = await authorizeAs(documentUrl, callback.redirectUri, resource);
      await response.body?.cancel();
      expect(response.status).toBeGreaterThanOrEqual(300);
      expect(response.status).toBeLessThan(400);
      const location = new URL(response.headers.get('location') ?? '', server.issuer);
      expect(`${location.origin}${location.pathname}`).toBe(callback.redirectUri);
      expect(location.searchParams.get('error')).toBe('invalid_target');
      expect(location.searchParams.get('state')).toBe('refusal-state');
    }
  });
});
