/**
 * Embedding the router in a host application: the host's own login through the authenticate hook,
 * templates overridden from the host's views folder, and options checked at creation.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from 'express';
import { createAuthServer } from '../../src/index.js';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { expectPage, expectRedirect, finishFlow, isConsentPage, makeClient, seedWorld, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';

describe('the authenticate hook: a host application with its own login', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      // The host knows its user from its own cookie; here, a header stands in for that cookie.
      authenticate: (req: Request) => {
        const who = req.headers['x-host-user'];
        return typeof who === 'string'
          ? { sub: `host|${who}`, authTime: Math.floor(Date.now() / 1000), claims: { email: `${who}@host.example`, name: who } }
          : null;
      },
      loginUrl: (returnTo) => `https://host.example/login?return_to=${encodeURIComponent(returnTo)}`,
    });
    await seedWorld(server);
  });
  afterAll(async () => server?.close());

  test('a user the host has signed in gets tokens for that subject, with the host claims', async () => {
    const client = await makeClient(server, { name: 'Hosted', callbacks: ['https://hosted.example/cb'] });
    const flow = await startFlow(server, client);
    const res = await fetch(flow.url, { redirect: 'manual', headers: { 'x-host-user': 'bob' } });
    expect(res.status).toBe(302);
    const tokens = await finishFlow(flow, res.headers.get('location') ?? '');
    expect(tokens.claims()).toMatchObject({ sub: 'host|bob', email: 'bob@host.example', name: 'bob' });
  });

  test('without a host session the browser goes to the host login with a way back', async () => {
    const client = await makeClient(server, { name: 'Hosted 2', callbacks: ['https://hosted2.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const target = new URL(expectRedirect(await browser.request(flow.url.toString())));
    expect(target.origin).toBe('https://host.example');
    const returnTo = target.searchParams.get('return_to') ?? '';
    expect(returnTo.startsWith(`${server.issuer}authorize/resume?tx=`)).toBe(true);
    // Back from the host login, now signed in there: the authorization completes.
    const back = await fetch(returnTo, { redirect: 'manual', headers: { 'x-host-user': 'carol', cookie: browser.cookieHeader() } });
    expect(back.status).toBe(302);
    const tokens = await finishFlow(flow, back.headers.get('location') ?? '');
    expect(tokens.claims()?.sub).toBe('host|carol');
  });
});

test('a host login URL with spaces or non-ASCII characters is sent encoded, not refused', async () => {
  const server = await startTestServer({ authenticate: () => null, loginUrl: (returnTo) => `https://host.example/sign in?return_to=${returnTo}&greeting=grüß` });
  try {
    await seedWorld(server);
    const client = await makeClient(server, { name: 'Unencoded', callbacks: ['https://unencoded.example/cb'] });
    const flow = await startFlow(server, client);
    const res = await fetch(flow.url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location') ?? '';
    expect(location.startsWith('https://host.example/sign%20in?return_to=http')).toBe(true);
    expect(location.endsWith('&greeting=gr%C3%BC%C3%9F')).toBe(true);
  } finally {
    await server.close();
  }
});

describe('templates, company name and options', () => {
  let server: TestServer;
  let views: string;
  beforeAll(async () => {
    views = mkdtempSync(join(tmpdir(), 'auth-views-'));
    // Override one partial only: every other template still comes from the built-in folder.
    mkdirSync(join(views, 'partials'));
    writeFileSync(join(views, 'partials', 'foot.ejs'), '</main><footer class="site">Custom footer of <%= site.companyName %></footer></body></html>');
    server = await startTestServer({ viewsDirectory: views, companyName: 'Contoso Ltd' });
    await seedWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(views, { recursive: true, force: true });
  });

  test('a template in viewsDirectory overrides the built-in one; the company name is shown', async () => {
    const client = await makeClient(server, { name: 'Themed', isFirstParty: false, callbacks: ['https://themed.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const login = expectPage(await browser.request(flow.url.toString()));
    expect(textOf(login.html)).toContain('Custom footer of Contoso Ltd');
    expect(textOf(login.html)).toContain('Sign in');
    const consent = await browser.submit(login, { email: 'alice@example.com', password: 'correct horse battery' });
    expect(isConsentPage(consent)).toBe(true);
    expect(textOf(expectPage(consent).html)).toContain('not made by Contoso Ltd');
  });
});

test('options are checked when the server is created', async () => {
  const database = { client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true };
  await expect(createAuthServer({ issuer: 'https://id.example.com', database })).rejects.toThrow(/end with "\/"/);
  await expect(createAuthServer({ issuer: 'not a url/', database })).rejects.toThrow(/absolute URL/);
  await expect(createAuthServer({ issuer: 'https://id.example.com/?x=1/', database })).rejects.toThrow(/query/);
  await expect(createAuthServer({ issuer: 'https://id.example.com/', database, registryCacheMs: -1 })).rejects.toThrow(/registryCacheMs/);
  await expect(createAuthServer({ issuer: 'https://id.example.com/', database, registryCacheMs: Number.NaN })).rejects.toThrow(/registryCacheMs/);
});
