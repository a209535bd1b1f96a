/**
 * The dashboard's logs and overview over HTTP: the date range and text go to the Management API's `q`
 * (the server filters), paging by cursor neither repeats nor skips while events arrive (even a
 * millisecond holding more than a page of them), the export is the same filtered set, the type filter
 * lists the consent events, and the overview draws consents as a series of its own.
 */
import { jest } from '@jest/globals';
import { isStop, textOf, type Page, type TestBrowser } from '../helpers/browser.js';
import { logEvent } from '../helpers/logEvents.js';
import type { LogEvent } from '../../src/domain/logEvents.js';
import { ADMIN, signInToDashboard, startDashboardServer, type DashboardServer } from './dashboardServer.js';

jest.setTimeout(30000);
let server: DashboardServer;
let browser: TestBrowser;

beforeAll(async () => {
  server = await startDashboardServer();
  ({ browser } = await signInToDashboard(server, ADMIN));
});
afterAll(async () => server?.close());

async function open(path: string): Promise<Page> {
  const page = await browser.request(`${server.dashboard}${path}`);
  if (isStop(page)) throw new Error(`left the origin: ${page.redirectedTo}`);
  return page;
}

/** The descriptions in the page's log table, in order, and its "Older events" link. */
function rowsOf(page: Page): { descriptions: string[]; next: string | null } {
  const descriptions = [...page.html.matchAll(/<td><a href="[^"]*\/logs\/[0-9a-f]+">([^<]*)<\/a><\/td>/g)].map((m) => m[1] ?? '');
  const next = /<a class="btn btn-secondary" href="[^"]*\/logs\?([^"]+)" rel="next">/.exec(page.html)?.[1] ?? null;
  return { descriptions, next: next ? next.replace(/&amp;/g, '&') : null };
}

async function insert(events: LogEvent[]): Promise<void> {
  await server.auth.context.repos.logs.insert(events);
}

test('the type filter lists the consent events, with their names', async () => {
  const text = textOf((await open('logs')).html);
  expect(text).toContain('consent_given — Consent Given');
  expect(text).toContain('consent_declined — Consent Declined');
  expect(text).toContain('grant_revoked — Grant Revoked');
});

test('the date range (days, both included) and the text are filtered by the server; a bad date is a message', async () => {
  await insert([
    logEvent('2021-03-01T00:00:00.000Z', { description: 'dash before range' }),
    logEvent('2021-03-02T00:00:00.000Z', { description: 'dash first day 50% off' }),
    logEvent('2021-03-03T23:59:59.999Z', { description: 'dash last day', userAgent: 'Dash_Agent "quoted"' }),
    logEvent('2021-03-04T00:00:00.000Z', { description: 'dash after range' }),
  ]);
  const range = rowsOf(await open('logs?from=2021-03-02&to=2021-03-03'));
  expect(range.descriptions).toEqual(['dash last day', 'dash first day 50% off']);
  expect(rowsOf(await open(`logs?text=${encodeURIComponent('50%')}`)).descriptions).toEqual(['dash first day 50% off']);
  expect(rowsOf(await open(`logs?text=${encodeURIComponent('dash_agent "QUOTED"')}&to=2021-03-03`)).descriptions).toEqual(['dash last day']);
  expect(rowsOf(await open(`logs?text=RANGE&from=2021-03-04&to=2021-03-04&type=s`)).descriptions).toEqual(['dash after range']);

  const bad = await open(`logs?from=${encodeURIComponent('2021-03-02] OR [*')}`);
  expect(bad.status).toBe(400);
  expect(textOf(bad.html)).toContain('From: "2021-03-02] OR [*" is not a date');
  const impossible = await open('logs?to=2021-02-30');
  expect(impossible.status).toBe(400);
  expect(textOf(impossible.html)).toContain('is not a date');
});

test('paging by cursor: no repeats and nothing skipped while events arrive, even 130 events in one millisecond', async () => {
  const at = '2021-04-01T12:00:00.000Z';
  await insert(Array.from({ length: 130 }, (_, i) => logEvent(at, { type: 'slo', description: `same ms ${String(i).padStart(3, '0')}` })));
  await insert(Array.from({ length: 20 }, (_, i) => logEvent(`2021-04-01T11:00:${String(i).padStart(2, '0')}.000Z`, { type: 'slo', description: `earlier ${String(i).padStart(2, '0')}` })));
  const seen: string[] = [];
  let path = 'logs?type=slo&to=2021-04-01';
  for (let screen = 0; screen < 10; screen++) {
    const { descriptions, next } = rowsOf(await open(path));
    seen.push(...descriptions);
    // Arriving meanwhile (now, and in the range): they must not show up on later screens.
    await insert([logEvent('2021-04-01T12:00:00.500Z', { type: 'slo', description: `late ${screen}` })]);
    if (!next) break;
    path = `logs?${next}`;
  }
  expect(seen.filter((d) => d.startsWith('late'))).toEqual([]);
  expect(new Set(seen).size).toBe(seen.length);
  expect([...seen].sort()).toEqual([...Array.from({ length: 130 }, (_, i) => `same ms ${String(i).padStart(3, '0')}`), ...Array.from({ length: 20 }, (_, i) => `earlier ${String(i).padStart(2, '0')}`)].sort());
  expect(seen.slice(-20)).toEqual(Array.from({ length: 20 }, (_, i) => `earlier ${String(19 - i).padStart(2, '0')}`));
});

test('the NDJSON and CSV exports are the same server-side filtered set', async () => {
  await insert([
    logEvent('2021-05-10T08:00:00.000Z', { description: 'export one', ip: '192.0.2.55' }),
    logEvent('2021-05-11T08:00:00.000Z', { description: 'export two', ip: '192.0.2.55' }),
    logEvent('2021-05-12T08:00:00.000Z', { description: 'export three', ip: '192.0.2.55' }),
  ]);
  const filter = 'from=2021-05-10&to=2021-05-11&text=192.0.2.55';
  const ndjson = await browser.request(`${server.dashboard}logs/export.ndjson?${filter}`);
  if (isStop(ndjson)) throw new Error('expected the export');
  const lines = ndjson.html.trim().split('\n').map((l) => JSON.parse(l) as { description: string });
  expect(lines.map((l) => l.description)).toEqual(['export two', 'export one']);
  const csv = await browser.request(`${server.dashboard}logs/export.csv?${filter}`);
  if (isStop(csv)) throw new Error('expected the export');
  expect(csv.html.trim().split('\r\n').slice(1).map((row) => row.split(',')[3])).toEqual(['export two', 'export one']);
  // A filter the API refuses: the logs screen with its message and the whole filters form, not a file.
  const refused = await open('logs/export.csv?to=2021-02-30');
  expect(refused.status).toBe(400);
  expect(textOf(refused.html)).toContain('date: "2021-02-30" is not a date');
  expect(refused.html).toMatch(/<option value="dashboard"/);
});

/** The Consents total in the overview's legend. */
const consentsShown = (page: Page): number => Number(/Consents (\d+)/.exec(textOf(page.html))?.[1]);

test('the overview draws consents as a fifth series, with its legend, total, text alternative and hourly table', async () => {
  // The administrator's own sign-in may have been a consent already.
  const before = consentsShown(await open(''));
  for (let i = 0; i < 3; i++) await server.auth.context.audit.record('consent_given', { userId: server.plainUserId, clientId: 'x', description: `overview consent ${i}` });
  await server.auth.context.audit.record('consent_declined', { userId: server.plainUserId, clientId: 'x' });
  const page = await open('');
  expect(page.html.match(/<polyline /g)).toHaveLength(5);
  expect(page.html).toMatch(/<polyline data-series="consents" points="[^"]+" fill="none" stroke="#be185d"/);
  const total = before + 3;
  expect(consentsShown(page)).toBe(total);
  expect(/<desc id="chart-desc">([^<]*)<\/desc>/.exec(page.html)?.[1]).toMatch(new RegExp(`Sign-ins \\d+, Consents ${total}, Tokens issued \\d+, Failures \\d+, Blocks \\d+\\.`));
  const table = page.html.slice(page.html.indexOf('<details class="chart-table">'));
  expect(table).toContain('<th scope="col">Consents</th>');
  const rows = [...table.matchAll(/<tr><th scope="row">[^<]+<\/th>((?:<td>\d+<\/td>)+)<\/tr>/g)].map((m) => [...(m[1] ?? '').matchAll(/<td>(\d+)<\/td>/g)].map((c) => Number(c[1])));
  expect(rows).toHaveLength(24);
  // Declined consents and older events (the ones dated 2021 above) are not drawn; all of today's are in the last hour.
  expect(rows.reduce((sum, counts) => sum + (counts[1] ?? 0), 0)).toBe(total);
  expect(rows.at(-1)?.[1]).toBe(total);
});
