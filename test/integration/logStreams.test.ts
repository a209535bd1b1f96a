/**
 * Log streams (Auth0's custom webhook): audit events POSTed in batches to a collector, retried with
 * backoff when it fails, bounded in memory, never in a request's way, and flushed by close().
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { LogStream, resolveLogStream } from '../../src/ops/logStreams.js';
import type { LogEvent } from '../../src/domain/logEvents.js';
import { seedWorld, USER } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/testServer.js';

interface Received {
  headers: IncomingMessage['headers'];
  events: { log_id: string; data: { type: string; user_name: string | null; description: string } }[];
}

/** A collector on 127.0.0.1 that answers `failures` requests with 503 before accepting. */
async function collector(failures = 0): Promise<{ url: string; batches: Received[]; attempts: () => number; close: () => Promise<void> }> {
  const batches: Received[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      attempts++;
      if (attempts <= failures) {
        res.writeHead(503).end();
        return;
      }
      batches.push({ headers: req.headers, events: JSON.parse(body) as Received['events'] });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/collect?token=kept-out-of-logs`,
    batches,
    attempts: () => attempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(check()).toBe(true);
}

function event(n: number): LogEvent {
  return { logId: `id-${n}`, date: Date.now(), type: 's', description: 'Success Login', clientId: null, clientName: null, ip: null, userAgent: null, userId: null, userName: `user${n}@example.com`, connection: null, audience: null, scope: null, details: {} };
}

test('the server streams its audit events to a collector that fails at first: retried, delivered, with the headers configured', async () => {
  const sink = await collector(2);
  const server = await startTestServer({ logStreams: [{ url: sink.url, headers: { authorization: 'Splunk abc' }, flushIntervalMs: 10, retryBaseMs: 10 }] });
  try {
    await seedWorld(server);
    const wrong = await fetch(`${server.issuer}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: USER.email, password: 'not the password', client_id: 'nobody' }),
    });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    await until(() => sink.batches.length > 0);
    expect(sink.attempts()).toBeGreaterThanOrEqual(3);
    const first = sink.batches[0];
    expect(first?.headers.authorization).toBe('Splunk abc');
    expect(first?.headers['content-type']).toBe('application/json');
    // Auth0's "JSON array" payload: { log_id, data } with data in /api/v2/logs' shape.
    expect(first?.events[0]).toEqual(expect.objectContaining({ log_id: expect.any(String), data: expect.objectContaining({ type: expect.any(String), description: expect.any(String) }) }));
  } finally {
    await server.close();
    await sink.close();
  }
});

test('batches are at most batchSize events, and every event arrives once the collector recovers', async () => {
  const sink = await collector(1);
  const stream = new LogStream(resolveLogStream({ url: sink.url, batchSize: 3, flushIntervalMs: 5, retryBaseMs: 5 }), pino({ level: 'silent' }), { sent: () => undefined, dropped: () => undefined });
  for (let n = 0; n < 10; n++) stream.push(event(n));
  await until(() => sink.batches.flatMap((b) => b.events).length === 10);
  expect(Math.max(...sink.batches.map((b) => b.events.length))).toBeLessThanOrEqual(3);
  expect(sink.batches.flatMap((b) => b.events.map((e) => e.log_id))).toEqual(Array.from({ length: 10 }, (_, n) => `id-${n}`));
  await stream.close(1000);
  await sink.close();
});

test('the queue is bounded: while the collector is down the oldest events are dropped and counted; push never waits', async () => {
  const dropped: [number, string][] = [];
  // A collector that is not there: a port nothing listens on.
  const down = await collector();
  await down.close();
  const stream = new LogStream(resolveLogStream({ url: down.url, maxQueue: 5, batchSize: 100, flushIntervalMs: 60_000, maxRetries: 0 }), pino({ level: 'silent' }), {
    sent: () => undefined,
    dropped: (count, reason) => dropped.push([count, reason]),
  });
  for (let n = 0; n < 12; n++) stream.push(event(n));
  expect(dropped.filter(([, reason]) => reason === 'queue_full').reduce((sum, [count]) => sum + count, 0)).toBe(7);
  await stream.close(2000);
  // What close() could not deliver is dropped and counted, not kept forever.
  expect(dropped.reduce((sum, [count]) => sum + count, 0)).toBe(12);
});

test('close() delivers what is still queued', async () => {
  const sink = await collector();
  const stream = new LogStream(resolveLogStream({ url: sink.url, flushIntervalMs: 60_000 }), pino({ level: 'silent' }), { sent: () => undefined, dropped: () => undefined });
  stream.push(event(1));
  stream.push(event(2));
  expect(sink.batches).toHaveLength(0);
  await stream.close(5000);
  expect(sink.batches.flatMap((b) => b.events.map((e) => e.log_id))).toEqual(['id-1', 'id-2']);
  await sink.close();
});
