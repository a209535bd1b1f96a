/**
 * GET /api/v2/logs?q=: Auth0's log search syntax on the server — date ranges (inclusive, open ends,
 * braces, days and datetimes), free text (any case, %, _, \ and quotes taken as typed), combined with
 * type:, user_id: and paging; and every query it cannot answer is Auth0's 400, never a 500.
 */
import { seededSuite } from '../helpers/fixtures.js';
import { logEvent } from '../helpers/logEvents.js';
import type { LogEvent } from '../../src/domain/logEvents.js';

const suite = seededSuite();
/** Every event of this file has this user, so the server's own events never mix in. */
const USER_ID = 'auth0|logsearch';
const MINE = `user_id:"${USER_ID}"`;

const event = (label: string, iso: string, fields: Partial<LogEvent> = {}): LogEvent => logEvent(iso, { description: `${label} Success Login`, userId: USER_ID, ...fields });

beforeAll(async () => {
  await suite.server.auth.context.repos.logs.insert([
    event('e1', '2020-11-30T23:59:59.999Z'),
    event('e2', '2020-12-01T00:00:00.000Z'),
    event('e3', '2020-12-03T12:00:00.000Z', { type: 'fp', description: 'e3 Wrong password, 100% sure', userName: 'mid_user@example.com', ip: '10.0.0.7' }),
    event('e6', '2020-12-04T08:00:00.000Z', { type: 'sapi', description: 'e6 file 100 percent', userName: 'midXuser@example.com' }),
    event('e4', '2020-12-06T23:59:59.999Z', { clientName: 'Quote "Q" App', userAgent: 'Mozilla/5.0 TestAgent' }),
    event('e5', '2020-12-07T00:00:00.000Z', { userAgent: 'C:\\Agent\\v1' }),
  ]);
});

/** The labels of the events `q` finds, oldest first. */
async function found(q: string, extra = ''): Promise<string[]> {
  const res = await suite.api.get(`logs?q=${encodeURIComponent(`${MINE} AND ${q}`)}&sort=date:1&per_page=100${extra}`);
  expect({ q, status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ q, status: 200, body: 'ok' });
  return (res.body as { description: string }[]).map((e) => e.description.split(' ')[0] ?? '');
}

test('date ranges: inclusive days (an upper day through its end), open ends, one day, datetimes with offsets, braces', async () => {
  expect(await found('date:[2020-12-01 TO 2020-12-06]')).toEqual(['e2', 'e3', 'e6', 'e4']);
  expect(await found('date:[* TO 2020-12-01]')).toEqual(['e1', 'e2']);
  expect(await found('date:[2020-12-06 TO *]')).toEqual(['e4', 'e5']);
  expect(await found('date:[* TO *]')).toEqual(['e1', 'e2', 'e3', 'e6', 'e4', 'e5']);
  expect(await found('date:2020-12-03')).toEqual(['e3']);
  expect(await found('date:[2020-12-03T12:00:00Z TO 2020-12-04T07:59:59.999Z]')).toEqual(['e3']);
  expect(await found('date:[2020-12-03T13:00:00+01:00 TO 2020-12-04T08:00:00.000Z]')).toEqual(['e3', 'e6']);
  expect(await found('date:"2020-12-03T12:00:00.000Z"')).toEqual(['e3']);
  expect(await found('date:["2020-12-01" TO "2020-12-01"]')).toEqual(['e2']);
  // Braces leave an end out: after the 1st's first millisecond; before the 7th, i.e. through the 6th.
  expect(await found('date:{2020-12-01T00:00:00.000Z TO *]')).toEqual(['e3', 'e6', 'e4', 'e5']);
  expect(await found('date:[2020-12-04 TO 2020-12-07}')).toEqual(['e6', 'e4']);
  // Two ranges narrow to their overlap; a range backwards finds nothing.
  expect(await found('date:[2020-12-01 TO 2020-12-04] AND date:[2020-12-03 TO *]')).toEqual(['e3', 'e6']);
  expect(await found('date:[2020-12-06 TO 2020-12-01]')).toEqual([]);
});

test('free text: a substring of description, user_name, client_name, ip or user_agent, in any case; %, _, \\ and quotes as typed', async () => {
  expect(await found('testagent')).toEqual(['e4']);
  expect(await found('WRONG')).toEqual(['e3']);
  expect(await found('"wrong password"')).toEqual(['e3']);
  expect(await found('10.0.0.7')).toEqual(['e3']);
  expect(await found('"quote \\"q\\" app"')).toEqual(['e4']);
  // % and _ are not wildcards: "100%" is not "100 percent", "mid_user" is not "midXuser".
  expect(await found('100%')).toEqual(['e3']);
  expect(await found('"100"')).toEqual(['e3', 'e6']);
  expect(await found('mid_user')).toEqual(['e3']);
  expect(await found('"c:\\\\agent"')).toEqual(['e5']);
  expect(await found('"%"')).toEqual(['e3']);
  expect(await found('_')).toEqual(['e3']);
  // Every term must be found.
  expect(await found('wrong AND sure')).toEqual(['e3']);
  expect(await found('wrong AND testagent')).toEqual([]);
});

test('combined with type:, user_id: and the dates; with totals, pages and checkpoints', async () => {
  expect(await found('type:s AND date:[2020-12-01 TO 2020-12-06]')).toEqual(['e2', 'e4']);
  expect(await found('type:"fp" AND 100% AND date:2020-12-03')).toEqual(['e3']);
  expect(await found('success AND date:[2020-12-06 TO *]')).toEqual(['e4', 'e5']);
  const totals = await suite.api.get(`logs?q=${encodeURIComponent(`${MINE} AND login AND date:[2020-12-01 TO *]`)}&include_totals=true&per_page=2`);
  expect(totals.body).toMatchObject({ total: 3, limit: 2 });
  expect(totals.body.logs.map((e: { description: string }) => e.description.slice(0, 2))).toEqual(['e5', 'e4']);
  const checkpoint = await suite.api.get(`logs?q=${encodeURIComponent(`${MINE} AND date:[2020-12-02 TO *]`)}&take=2`);
  expect(checkpoint.body.map((e: { description: string }) => e.description.slice(0, 2))).toEqual(['e3', 'e6']);
  // The old `search` parameter means the same.
  const search = await suite.api.get(`logs?search=${encodeURIComponent(`${MINE} AND date:2020-12-03`)}`);
  expect(search.body).toHaveLength(1);
});

test('the events are counted only when include_totals asks: paging through a free-text search scans the table once per page, not twice', async () => {
  const statements: string[] = [];
  // Knex quotes identifiers with backticks on SQLite and double quotes on PostgreSQL.
  const countsLogs = (sql: string) => /count\(\*\)/i.test(sql) && /[`"]logs[`"]/.test(sql);
  const record = (query: { sql: string }) => statements.push(query.sql);
  const db = suite.server.auth.context.db;
  const q = encodeURIComponent(`${MINE} AND login`);
  db.on('query', record);
  try {
    const plain = await suite.api.get(`logs?q=${q}&per_page=2`);
    expect(plain.body).toHaveLength(2);
    expect(statements.filter(countsLogs)).toEqual([]);
    const totals = await suite.api.get(`logs?q=${q}&per_page=2&include_totals=true`);
    expect(totals.body).toMatchObject({ total: 4, limit: 2 });
    expect(statements.filter(countsLogs)).toHaveLength(1);
  } finally {
    db.off('query', record);
  }
});

test.each([
  'date:[2020-12-01 TO]',
  'date:[2020-12-01 2020-12-06]',
  'date:[yesterday TO *]',
  'date:2020-02-30',
  'date:2020-12-01T10:00:00',
  'date:[2020-12-01 TO 2020-12-06',
  'type:s OR type:f',
  'NOT type:s',
  '(type:s)',
  '"unclosed',
  'wrong password',
  'ip:[1 TO 2]',
  '[2020-12-01 TO *]',
  'password:"x"',
  'type:s AND',
  'AND type:s',
  'type:s AND type:f',
  'user_name:jo*',
  'jo?n',
  '""',
  'type:',
  `${'x'.repeat(2001)}`,
])('q=%s is a 400 in Auth0\'s shape, saying what is wrong', async (q) => {
  const res = await suite.api.get(`logs?q=${encodeURIComponent(q)}`);
  expect({ status: res.status, body: res.body }).toEqual({
    status: 400,
    body: { statusCode: 400, error: 'Bad Request', errorCode: 'invalid_query_string', message: expect.stringMatching(/^Query validation error: .{10,}\.$/) },
  });
});
