/**
 * Issue 12, item 5: expired rows are deleted in bounded batches, and cookieless /authorize requests
 * (two rows each: a session and a transaction) leave the database bounded once swept. Sweeps are run
 * with a clock moved ahead rather than by waiting.
 */
import { TestBrowser } from '../helpers/browser.js';
import { expectRedirect, finishFlow, isConsentPage, makeClient, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { Sweeper } from '../../src/services/sweeper.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let client: Client;
const MINUTE = 60_000;

beforeAll(async () => {
  server = await startTestServer({ sweepIntervalMs: 0, refreshTokenAbsoluteSeconds: 3600 * 24 * 2 });
  await seedWorld(server);
  client = await makeClient(server, { name: 'Sweep App', callbacks: ['https://sweep.example/cb'], grantTypes: ['authorization_code', 'refresh_token'] });
});
afterAll(async () => server?.close());

const count = async (table: string): Promise<number> => {
  const row = (await server.auth.context.db(table).count({ n: '*' }).first()) as { n: number | string };
  return Number(row.n);
};

async function cookielessAuthorizations(n: number): Promise<void> {
  const url = `${server.issuer}authorize?client_id=${client.clientId}&redirect_uri=${encodeURIComponent('https://sweep.example/cb')}&response_type=code&scope=openid&state=s`;
  const concurrency = 25;
  for (let start = 0; start < n; start += concurrency) {
    const statuses = await Promise.all(
      Array.from({ length: Math.min(concurrency, n - start) }, async () => (await fetch(url, { redirect: 'manual' })).status),
    );
    expect(statuses.every((s) => s === 302 || s === 303)).toBe(true);
  }
}

test('2,000 cookieless /authorize requests leave no rows behind once their transactions expire', async () => {
  const sessionsBefore = await count('sessions');
  const transactionsBefore = await count('authorization_transactions');
  await cookielessAuthorizations(2000);
  expect(await count('authorization_transactions')).toBe(transactionsBefore + 2000);
  expect(await count('sessions')).toBeGreaterThanOrEqual(sessionsBefore + 2000);

  // While the transactions live, their sessions are kept: the user may still sign in.
  const early = await server.auth.sweep(Date.now());
  expect(early.deleted.authorization_transactions).toBe(0);
  expect(await count('sessions')).toBeGreaterThanOrEqual(2000);

  const report = await server.auth.sweep(Date.now() + 11 * MINUTE);
  expect(report.skipped).toBe(false);
  expect(report.deleted.authorization_transactions).toBeGreaterThanOrEqual(2000);
  expect(await count('authorization_transactions')).toBe(0);
  expect(await count('sessions')).toBe(0);
});

test('each statement deletes at most batchSize rows, and a run at most maxBatches statements per table', async () => {
  await cookielessAuthorizations(250);
  const sweeper = new Sweeper(server.auth.context.db, { batchSize: 40, maxBatches: 3 });
  const first = await sweeper.sweep(Date.now() + 11 * MINUTE);
  expect(first.deleted.authorization_transactions).toBe(120);
  expect(await count('authorization_transactions')).toBe(130);
  // Bounded runs work a backlog off over several runs.
  for (let run = 0; run < 5 && (await count('authorization_transactions')) > 0; run++) await sweeper.sweep(Date.now() + 11 * MINUTE);
  expect(await count('authorization_transactions')).toBe(0);
  await server.auth.sweep(Date.now() + 11 * MINUTE);
  expect(await count('sessions')).toBe(0);
});

test('a signed-in session, a used code (for an hour) and a rotated refresh token (until its family expires) are kept', async () => {
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client, { scope: 'openid offline_access', audience: null });
  let visit = await signIn(browser, flow.url);
  if (isConsentPage(visit)) visit = await browser.submit(visit, { action: 'accept' }, '/u/consent');
  const tokens = await finishFlow(flow, expectRedirect(visit));
  expect(tokens.refresh_token).toBeTruthy();
  const refreshed = await fetch(`${server.issuer}oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '', client_id: client.clientId, client_secret: client.clientSecret ?? '' }),
  });
  expect(refreshed.status).toBe(200);
  expect(await count('refresh_tokens')).toBe(2);

  await server.auth.sweep(Date.now() + 20 * MINUTE);
  expect(await count('sessions')).toBe(1);
  expect(await count('authorization_codes')).toBe(1);
  expect(await count('refresh_tokens')).toBe(2);

  // A day on: the session cookie (1 day) has expired, the code is gone; the rotated token still
  // detects reuse while its family lives.
  const dayOn = await server.auth.sweep(Date.now() + 25 * 60 * MINUTE);
  expect(dayOn.deleted.authorization_codes).toBe(1);
  expect(await count('sessions')).toBe(0);
  expect(await count('refresh_tokens')).toBe(2);

  const familyOver = await server.auth.sweep(Date.now() + 49 * 60 * MINUTE);
  expect(familyOver.deleted.refresh_tokens).toBe(2);
  expect(await count('refresh_tokens')).toBe(0);
});

test('sweeps at once (several instances) are safe: each row is deleted once, nothing fails', async () => {
  await cookielessAuthorizations(100);
  const others = [new Sweeper(server.auth.context.db, { batchSize: 30 }), new Sweeper(server.auth.context.db, { batchSize: 30 })];
  const reports = await Promise.all([server.auth.sweep(Date.now() + 11 * MINUTE), ...others.map((s) => s.sweep(Date.now() + 11 * MINUTE))]);
  // Runs skipped on PostgreSQL's try-lock are made up by the next one.
  if (reports.some((r) => r.skipped)) await server.auth.sweep(Date.now() + 11 * MINUTE);
  expect(await count('authorization_transactions')).toBe(0);
  expect(await count('sessions')).toBe(0);
});

test('loginTimeoutSeconds sets how long an unfinished authorization (and its anonymous session) is kept', async () => {
  const short = await startTestServer({ sweepIntervalMs: 0, loginTimeoutSeconds: 60 });
  try {
    await seedWorld(short);
    const app = await makeClient(short, { name: 'Short App', callbacks: ['https://short.example/cb'] });
    const url = `${short.issuer}authorize?client_id=${app.clientId}&redirect_uri=${encodeURIComponent('https://short.example/cb')}&response_type=code&scope=openid&state=s`;
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(302);
    const rows = () => short.auth.context.db('authorization_transactions').count({ n: '*' }).first() as Promise<{ n: number | string }>;
    expect(Number((await rows()).n)).toBe(1);
    // Still alive 50 s on; gone a minute on, where the default (10 minutes) would keep it.
    await short.auth.sweep(Date.now() + 50_000);
    expect(Number((await rows()).n)).toBe(1);
    await short.auth.sweep(Date.now() + 61_000);
    expect(Number((await rows()).n)).toBe(0);
    expect(Number(((await short.auth.context.db('sessions').count({ n: '*' }).first()) as { n: number | string }).n)).toBe(0);
  } finally {
    await short.close();
  }
});

test('the server sweeps by itself every sweepIntervalMs: nobody calls sweep()', async () => {
  const timed = await startTestServer({ sweepIntervalMs: 200, loginTimeoutSeconds: 1 });
  try {
    await seedWorld(timed);
    const app = await makeClient(timed, { name: 'Timed App', callbacks: ['https://timed.example/cb'] });
    const url = `${timed.issuer}authorize?client_id=${app.clientId}&redirect_uri=${encodeURIComponent('https://timed.example/cb')}&response_type=code&scope=openid&state=s`;
    const rows = async () => Number(((await timed.auth.context.db('authorization_transactions').count({ n: '*' }).first()) as { n: number | string }).n);
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(302);
    expect(await rows()).toBe(1);
    // The transaction expires after a second; the timer's next run deletes it.
    const deadline = Date.now() + 10_000;
    while ((await rows()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await rows()).toBe(0);
  } finally {
    await timed.close();
  }
});
